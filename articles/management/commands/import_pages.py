from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.ingest.importer import CREATED, UNCHANGED, UPDATED, import_pages
from articles.ingest.pages import Page, PageError, parse_page

MODELS = ["department", "doctor", "article", "related pick"]


def page_files(paths: list[str]) -> list[Path]:
    """The named files, and the .txt files inside the named folders, in a stable order."""
    files = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.txt")))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{name}: no such file or folder")
    if not files:
        raise CommandError("no .txt pages found in " + ", ".join(paths))
    return files


def read_pages(files: list[Path]) -> list[Page]:
    """Parse every file; report every broken one, not just the first."""
    pages, errors = [], []
    for path in files:
        try:
            pages.append(parse_page(path.read_text(encoding="utf-8"), str(path)))
        except UnicodeDecodeError as exc:
            errors.append(f"{path}: not UTF-8 text (byte {exc.start})")
        except OSError as exc:
            errors.append(f"{path}: cannot be read ({exc.strerror})")
        except PageError as exc:
            errors.append(str(exc))
    if errors:
        raise CommandError("nothing was imported; fix these pages first:\n  " + "\n  ".join(errors))
    return pages


class Command(BaseCommand):
    help = (
        "Import pages in the source site's format (a main article and its Other Voices): "
        "departments, doctors and articles are created or updated by slug, in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created, updated or left unchanged; write nothing.",
        )

    def handle(self, *args, paths: list[str], dry_run: bool, verbosity: int, **options) -> None:
        pages = read_pages(page_files(paths))
        try:
            report = import_pages(pages, dry_run=dry_run)
        except PageError as exc:
            raise CommandError(f"nothing was imported: {exc}") from exc

        if verbosity >= 2:
            for model, outcome, label in report.rows:
                self.stdout.write(f"{outcome:>9}  {model}: {label}")
        counts = report.counts()
        pages_text = f"{len(pages)} page{'s' if len(pages) != 1 else ''}"
        self.stdout.write(
            f"Dry run, nothing written. Importing {pages_text} would give:"
            if dry_run
            else f"Imported {pages_text}:"
        )
        for model in MODELS:
            self.stdout.write(
                f"  {model + 's':<13} "
                + ", ".join(
                    f"{counts[model, outcome]} {outcome}"
                    for outcome in (CREATED, UPDATED, UNCHANGED)
                )
            )
