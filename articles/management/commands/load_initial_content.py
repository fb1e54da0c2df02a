from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Article, Department, Doctor

FIXTURE = "content"


class Command(BaseCommand):
    help = (
        "Load the shipped content fixtures, but only into an empty database, so that "
        "running it again never overwrites what editors have changed since."
    )

    def handle(self, *args, **options) -> None:
        if Article.objects.exists() or Doctor.objects.exists() or Department.objects.exists():
            self.stdout.write(
                f"The database already holds content ({Article.objects.count()} articles); "
                "not loading the fixtures."
            )
            return
        call_command("loaddata", FIXTURE, verbosity=options["verbosity"])
        # A first version of each row, so that an editor's first change can be compared
        # with what shipped, and undone.
        call_command(
            "createinitialrevisions",
            "articles.Department",
            "articles.Doctor",
            "articles.Article",  # with its tags, picks and references
            comment="Loaded from the shipped content.",
            verbosity=options["verbosity"],
        )
