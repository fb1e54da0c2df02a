import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.ingest import demo


class Command(BaseCommand):
    help = (
        "Fill the database with clearly marked synthetic content (slugs demo-…) for load tests "
        "and benchmarks. The same --seed gives the same content. Earlier demo content is "
        "replaced. Refuses to touch a database holding real content unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=1000, help="How many (default 1000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--force", action="store_true", help="Seed even though real content is present."
        )
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="Skip building the search index and related lists afterwards.",
        )

    def handle(self, *args, articles: int, seed: int, force: bool, no_index: bool, **options):
        if articles < 1:
            raise CommandError("--articles must be at least 1.")
        if demo.real_content_exists() and not force:
            raise CommandError(
                "This database holds real content (articles, doctors or departments whose "
                "slugs do not start with 'demo-'). Use a separate database, or pass --force "
                "to add synthetic content beside it."
            )
        started = time.perf_counter()
        demo.seed(articles, seed)
        self.stdout.write(
            f"Seeded {articles} synthetic articles in {time.perf_counter() - started:.1f}s."
        )
        if not no_index:
            # Rows went in as bulk SQL, past the signals: one rebuild makes them consistent.
            call_command("rebuild_indexes", stdout=self.stdout, stderr=self.stderr)
