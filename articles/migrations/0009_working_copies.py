"""Working copies of live answers, "unpublish at", and a permission to publish.

Until now anyone who could change an article could publish it; the new ``publish_article``
permission goes to exactly those groups and users, so nobody loses or gains a power here.
Issue 12 (doctors who write but may not publish) builds on it.
"""

import django.db.models.deletion
import django.db.models.manager
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def _permission(apps, codename):
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="articles", codename=codename
    )


def grant_publishers(apps, schema_editor):
    # Permissions are normally made after all migrations; the grant needs this one now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    change, publish = _permission(apps, "change_article"), _permission(apps, "publish_article")
    for group in apps.get_model("auth", "Group").objects.filter(permissions=change):
        group.permissions.add(publish)
    for user in apps.get_model("auth", "User").objects.filter(user_permissions=change):
        user.user_permissions.add(publish)


def revoke_publishers(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="articles", codename="publish_article"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("articles", "0008_topic_addresses"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "base_manager_name": "all_rows",
                "ordering": ["-published_at", "pk"],
                "permissions": [("publish_article", "Can publish articles")],
            },
        ),
        migrations.AlterModelManagers(
            name="article",
            managers=[
                ("objects", django.db.models.manager.Manager()),
                ("all_rows", django.db.models.manager.Manager()),
            ],
        ),
        migrations.AddField(
            model_name="article",
            name="changes_go_live_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="On a working copy: when publish_scheduled makes it live.",
                null=True,
                verbose_name="changes go live at",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="expires_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Readers no longer see the answer from this moment on.",
                null=True,
                verbose_name="unpublish at",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="working_copy_of",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="working_copy",
                to="articles.article",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="slug",
            field=models.SlugField(allow_unicode=True, max_length=255),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                condition=models.Q(("working_copy_of__isnull", True)),
                fields=("slug",),
                name="article_slug_unique",
                violation_error_message="Another answer already has this web address (slug).",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("working_copy_of__isnull", True), ("status", "draft"), _connector="OR"
                ),
                name="article_working_copy_is_draft",
            ),
        ),
        migrations.RunPython(grant_publishers, revoke_publishers),
    ]
