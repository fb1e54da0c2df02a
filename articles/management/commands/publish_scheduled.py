from django.core.management.base import BaseCommand

from ...editorial.working_copies import publish_scheduled


class Command(BaseCommand):
    help = (
        "Publish working copies whose scheduled moment has come, e-mail the authors of those "
        "and of scheduled answers that went live, and record as unpublished the answers past "
        "their “unpublish at” (readers stopped seeing them at that moment). Safe to run every "
        "minute: a second run finds nothing to do."
    )

    def handle(self, *args, **options) -> None:
        changed, went_live, unpublished = publish_scheduled()
        for article in changed:
            self.stdout.write(f"Published changes to {article.slug}")
        for article in went_live:
            self.stdout.write(f"Went live: {article.slug} (its author is e-mailed)")
        for article in unpublished:
            self.stdout.write(f"Unpublished {article.slug}")
        self.stdout.write(
            f"{len(changed)} working cop{'y' if len(changed) == 1 else 'ies'} published, "
            f"{len(went_live)} scheduled answer{'' if len(went_live) == 1 else 's'} went live, "
            f"{len(unpublished)} answer{'' if len(unpublished) == 1 else 's'} unpublished."
        )
