"""Editors also curate Other Voices exclusions, and may see the computed lists (read-only)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = [
    *(f"{action}_relatedexclusion" for action in ("add", "change", "delete", "view")),
    "view_relatedarticle",
]


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.get(name="Editors")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=GRANTS)
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.filter(name="Editors").first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=GRANTS)
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_merge_0003_listing_index_0004_editors_group")]

    operations = [migrations.RunPython(grant, revoke)]
