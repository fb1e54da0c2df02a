# Old tag addresses (issue 13): a renamed or merged tag's page and feeds answer 301.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_feedback"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="TopicSlug",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(allow_unicode=True, max_length=100, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="addresses",
                        to="taggit.tag",
                    ),
                ),
            ],
            options={
                "verbose_name": "tag address",
                "verbose_name_plural": "tag addresses",
                "ordering": ["-created_at", "pk"],
            },
        ),
    ]
