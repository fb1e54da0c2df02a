import time

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from articles import indexing, search
from articles.models import Article, RelatedArticle


class Command(BaseCommand):
    help = (
        "Rebuild everything derived from the content: the search index and every Other Voices "
        "list, with fresh term weights. Edits, imports and loaddata keep both in step by "
        "themselves; this is for recovery, or after writing to the database past Django."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the indexes are built already (for start-up scripts).",
        )

    def handle(self, *args, if_empty: bool, verbosity: int, **options) -> None:
        if if_empty and indexing.is_built():
            if search.drafts_missing():  # a database from before migration 0013
                count = search.index_drafts()
                self.stdout.write(f"Indexed {count} drafts for the editors' search.")
                return
            self.stdout.write("The indexes are already built; nothing to do.")
            return
        started = time.perf_counter()
        total = Article.objects.rankable().count()
        with tqdm(
            total=total, unit="article", disable=verbosity < 1 or not total, file=self.stderr
        ) as bar:
            count = indexing.rebuild_all(progress=bar.update)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Indexed {count} articles for search and Other Voices in {elapsed:.1f}s "
            f"({RelatedArticle.objects.count()} related entries)."
        )
