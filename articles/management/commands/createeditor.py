import getpass
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

EDITORS = "Editors"  # made by migration articles.0001_squashed_0006
PASSWORD_TRIES = 3


class Command(BaseCommand):
    help = (
        "Create an editor: a staff account in the Editors group, which may edit the site's "
        "content but not users or groups. An existing account is made an editor instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-password",
            action="store_true",
            help="Create the account without a password; set one later with changepassword.",
        )

    def handle(self, *args, username: str, email: str, no_password: bool, **options) -> None:
        group = Group.objects.filter(name=EDITORS).first()
        if group is None:
            raise CommandError(f"There is no {EDITORS!r} group: run `manage.py migrate` first.")
        user = existing_account(username)
        created = user is None
        user = account(self, user, username, email, no_password)
        user.is_staff = True
        with transaction.atomic():
            user.save()
            user.groups.add(group)
        verb = "Created" if created else "Made"
        self.stdout.write(f"{verb} editor {username!r}: staff, in the {EDITORS} group.")
        if created and no_password:
            self.stdout.write(f"Set a password with: manage.py changepassword {username}")


def existing_account(username: str):
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


def account(command: BaseCommand, user, username: str, email: str, no_password: bool):
    """``user``, or a new unsaved account (its password asked for, or unusable); never a
    superuser's, which these commands leave alone (createdoctor too)."""
    if user is None:
        User = get_user_model()
        user = User(**{User.USERNAME_FIELD: username}, email=email)
        if no_password:
            user.set_unusable_password()
        else:
            user.set_password(ask_password(command, user))
    elif user.is_superuser:
        raise CommandError(f"{username} is a superuser already; leaving the account alone.")
    return user


def ask_password(command: BaseCommand, user) -> str:
    """A password typed twice at the terminal that passes the validators (createdoctor too)."""
    if not sys.stdin.isatty():
        raise CommandError(
            "No terminal to ask for a password: use --no-password, then changepassword."
        )
    for _ in range(PASSWORD_TRIES):
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            command.stderr.write("The passwords differ; try again.")
            continue
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            command.stderr.write("\n".join(error.messages))
            continue
        return password
    raise CommandError("No acceptable password given; nothing was created.")
