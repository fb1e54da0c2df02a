from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ...models import Doctor
from .createeditor import account, existing_account

DOCTORS = "Doctors"  # both made by migration articles.0011_doctor_roles
REVIEWERS = "Medical reviewers"


class Command(BaseCommand):
    help = (
        "Create a doctor's account: staff, linked to the doctor's record, in the Doctors group "
        "(or Medical reviewers, with --reviewer). The account writes and sees only that "
        "doctor's answers and never publishes. An existing account is linked instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--doctor", required=True, help="The doctor's slug.")
        parser.add_argument(
            "--reviewer",
            action="store_true",
            help="May also review other doctors' answers medically.",
        )
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-password",
            action="store_true",
            help="Create the account without a password; set one later with changepassword.",
        )

    def handle(
        self,
        *args,
        username: str,
        doctor: str,
        reviewer: bool,
        email: str,
        no_password: bool,
        **options,
    ) -> None:
        name = REVIEWERS if reviewer else DOCTORS
        group = Group.objects.filter(name=name).first()
        if group is None:
            raise CommandError(f"There is no {name!r} group: run `manage.py migrate` first.")
        record = Doctor.objects.filter(slug=doctor).select_related("user").first()
        if record is None:
            raise CommandError(f"No doctor has the slug {doctor!r}.")
        user = existing_account(username)
        if record.user is not None and record.user != user:
            raise CommandError(
                f"{record.name} is linked to the account {record.user.get_username()!r} already."
            )
        created = user is None
        user = account(self, user, username, email, no_password)
        if not created and Doctor.objects.filter(user=user).exclude(pk=record.pk).exists():
            raise CommandError(f"{username} is another doctor's account already.")
        user.is_staff = True
        with transaction.atomic():
            user.save()
            user.groups.add(group)
            # The other doctors' group, if the account was in it: one role at a time.
            user.groups.remove(*Group.objects.filter(name__in={DOCTORS, REVIEWERS} - {name}))
            record.user = user
            record.save(update_fields=["user"])
        verb = "Created" if created else "Made"
        self.stdout.write(
            f"{verb} {username!r} the account of {record.name}: staff, in the {name} group."
        )
        if created and no_password:
            self.stdout.write(f"Set a password with: manage.py changepassword {username}")
