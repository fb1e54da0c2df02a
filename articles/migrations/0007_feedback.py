import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITORS = "Editors"
# Editors read readers' feedback, mark it triaged and delete it; none of them writes it.
ACTIONS = ["view", "change", "delete"]


def _feedback_permissions(apps):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="articles",
        codename__in=[f"{action}_feedback" for action in ACTIONS],
    )


def grant_editors(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for group in apps.get_model("auth", "Group").objects.filter(name=EDITORS):
        group.permissions.add(*_feedback_permissions(apps))


def revoke_editors(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=EDITORS):
        group.permissions.remove(*_feedback_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_article_urgent_care"),
    ]

    operations = [
        migrations.CreateModel(
            name="Feedback",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("helpful", models.BooleanField()),
                ("comment", models.TextField(blank=True, max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "triaged",
                    models.BooleanField(
                        default=False,
                        help_text="Ticked once an editor has read the comment and acted on it.",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feedback",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "feedback",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.RunPython(grant_editors, revoke_editors),
    ]
