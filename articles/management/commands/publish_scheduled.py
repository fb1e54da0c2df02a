from django.core.management.base import BaseCommand

from ...editorial.working_copies import publish_scheduled


class Command(BaseCommand):
    help = (
        "Publish working copies whose scheduled moment has come, and record as unpublished the "
        "answers past their “unpublish at” (readers stopped seeing them at that moment). Safe "
        "to run every minute: a second run finds nothing to do."
    )

    def handle(self, *args, **options) -> None:
        changed, unpublished = publish_scheduled()
        for article in changed:
            self.stdout.write(f"Published changes to {article.slug}")
        for article in unpublished:
            self.stdout.write(f"Unpublished {article.slug}")
        self.stdout.write(
            f"{len(changed)} working cop{'y' if len(changed) == 1 else 'ies'} published, "
            f"{len(unpublished)} answer{'' if len(unpublished) == 1 else 's'} unpublished."
        )
