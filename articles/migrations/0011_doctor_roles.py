"""The groups of doctors' accounts (issue 12): Doctors write and keep their own answers; Medical
reviewers may also review others'. Which rows each may touch is the admin's (editorial.roles);
the permissions here are what they may do to a kind of row. createdoctor puts accounts in them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DOCTORS = [
    "add_article",
    "change_article",
    "delete_article",  # their own drafts only
    "view_article",
    "add_reference",
    "change_reference",
    "delete_reference",
    "view_reference",
    "view_relatedarticle",
    "view_department",
    "view_doctor",
    "view_topic",
]
GROUPS = {"Doctors": DOCTORS, "Medical reviewers": [*DOCTORS, "review_article"]}


def make_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_doctor_accounts"),
    ]

    operations = [migrations.RunPython(make_groups, remove_groups)]
