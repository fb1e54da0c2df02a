import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from articles import search
from articles.bulk import analyze


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of published and scheduled articles. Edits keep "
        "it in step by themselves; run this after loaddata or a bulk import."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the index holds any article (for start-up scripts).",
        )

    def handle(self, *args, if_empty: bool, **options) -> None:
        if if_empty:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM articles_search LIMIT 1")
                if cursor.fetchone():
                    self.stdout.write("The search index is already built; nothing to do.")
                    return
        started = time.perf_counter()
        with transaction.atomic():
            count = search.rebuild()
        analyze()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Indexed {count} articles for search in {elapsed:.1f}s.")
