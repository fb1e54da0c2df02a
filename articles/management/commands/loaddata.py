from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.db import DatabaseError


class Command(loaddata.Command):
    """Django's loaddata, with a broken fixture reported in one clear line instead of a
    traceback. Loading is one transaction, so a broken fixture leaves the database as it was."""

    def handle(self, *fixture_labels, **options) -> None:
        try:
            super().handle(*fixture_labels, **options)
        except (serializers.base.DeserializationError, DatabaseError, ValidationError) as exc:
            # The first line names the fixture, the row and the rule it broke; PostgreSQL's
            # DETAIL lines that follow repeat the whole row.
            lines = exc.messages if isinstance(exc, ValidationError) else str(exc).splitlines()
            message = ([line.strip() for line in lines if line.strip()] or [repr(exc)])[0]
            raise CommandError(
                f"Could not load {', '.join(fixture_labels)}: {message} "
                "Nothing was loaded; the database is as it was."
            ) from exc
