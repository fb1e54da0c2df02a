import time

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from articles import related
from articles.models import Article, RelatedArticle


class Command(BaseCommand):
    help = (
        "Recompute every article's Other Voices list from scratch. Edits keep lists in step "
        "by themselves; run this after loaddata, a bulk import, or to refresh term weights."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any list is stored already (for start-up scripts).",
        )

    def handle(self, *args, if_empty: bool, verbosity: int, **options) -> None:
        if if_empty and RelatedArticle.objects.exists():
            self.stdout.write("Related lists are already built; nothing to do.")
            return
        started = time.perf_counter()
        total = Article.objects.rankable().count()
        with tqdm(
            total=total, unit="article", disable=verbosity < 1 or not total, file=self.stderr
        ) as bar:
            count = related.rebuild(progress=bar.update)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Rebuilt the related lists of {count} articles in {elapsed:.1f}s "
            f"({RelatedArticle.objects.count()} entries)."
        )
