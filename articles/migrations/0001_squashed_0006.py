"""The articles app's whole history up to 0006, squashed into one migration.

It replaces the eight migrations listed in ``replaces``: a database that applied all of them is
marked as having applied this one and is not touched; a new database gets the same schema from
this file alone. The search index table and the Editors group are made by the RunPython
operations at the end, with their code copied here so that no migration imports app code.
The old 0003_render_body_html (re-rendering existing bodies) is left out: a new database has
no rows to re-render.
"""

import django.contrib.postgres.search
import django.core.validators
import django.db.models.deletion
import taggit.managers
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# The search index is a different kind of table on each database, so it is made by hand
# (from the old 0002_related_and_search): an FTS5 virtual table on SQLite, a tsvector under a
# GIN index on PostgreSQL. The unmanaged SearchDocument model below maps the PostgreSQL one.
SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE articles_search USING fts5("
    "title, extra, summary, body, cjk, tokenize='porter unicode61 remove_diacritics 2')"
)
POSTGRES_INDEX = [
    "CREATE TABLE articles_search (article_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX articles_search_document_idx ON articles_search USING gin (document)",
]


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_INDEX:
            schema_editor.execute(sql)
    else:
        schema_editor.execute(SQLITE_INDEX)


def drop_search_index(apps, schema_editor):
    schema_editor.execute("DROP TABLE articles_search")


# The "Editors" group (from the old 0004_editors_group and 0006_editors_exclusions_and_related):
# every permission on the site's content, none on users, groups or history records.
# Content models added later get their permissions through a migration of their own.
EDITORS = "Editors"
CONTENT_MODELS = {
    "articles": [
        "department",
        "doctor",
        "article",
        "taggedarticle",
        "relatedpick",
        "relatedexclusion",
        "reference",
        "topic",
    ],
}
# Old addresses are history kept by the site itself, and the computed Other Voices lists are
# made by the site: editors may look, not change.
VIEW_ONLY_MODELS = {"articles": ["articleslug", "relatedarticle"]}
ACTIONS = ["add", "change", "delete", "view"]


def create_editors(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        (app, f"{action}_{model}")
        for app, models in CONTENT_MODELS.items()
        for model in models
        for action in ACTIONS
    ] + [(app, f"view_{model}") for app, models in VIEW_ONLY_MODELS.items() for model in models]
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in codenames
    ]
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.set(permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    replaces = [
        ("articles", "0001_initial"),
        ("articles", "0002_review_references_media_slug_history"),
        ("articles", "0003_render_body_html"),
        ("articles", "0004_editors_group"),
        ("articles", "0002_related_and_search"),
        ("articles", "0003_listing_index"),
        ("articles", "0005_merge_0003_listing_index_0004_editors_group"),
        ("articles", "0006_editors_exclusions_and_related"),
    ]

    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="Department",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120, unique=True)),
                ("slug", models.SlugField(allow_unicode=True, max_length=140, unique=True)),
                ("description", models.TextField(blank=True)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="Doctor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                ("slug", models.SlugField(allow_unicode=True, max_length=140, unique=True)),
                (
                    "title",
                    models.CharField(blank=True, help_text="E.g. Chief physician.", max_length=120),
                ),
                ("hospital", models.CharField(blank=True, max_length=200)),
                ("bio", models.TextField(blank=True)),
                (
                    "photo",
                    models.ImageField(
                        blank=True,
                        help_text=(
                            "JPEG, PNG or WebP. Stored resized, with a small avatar made from it."
                        ),
                        upload_to="doctors/",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="doctors",
                        to="articles.department",
                    ),
                ),
                (
                    "avatar",
                    models.ImageField(blank=True, editable=False, upload_to="doctors/avatars/"),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="Article",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=255)),
                ("slug", models.SlugField(allow_unicode=True, max_length=255, unique=True)),
                (
                    "summary",
                    models.TextField(
                        blank=True, help_text="One or two sentences for lists and search engines."
                    ),
                ),
                (
                    "body",
                    models.TextField(
                        help_text=(
                            "Markdown: paragraphs separated by a blank line, ## for a heading, "
                            "- or 1. for a list, *emphasis*, **strong**, [link text](https://…). "
                            "HTML is shown as typed."
                        )
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("published", "Published")],
                        default="draft",
                        max_length=10,
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="Readers see a published article from this moment on.",
                        null=True,
                    ),
                ),
                (
                    "updated_at",
                    models.DateField(
                        blank=True,
                        help_text='Shown to readers as "Updated on …".',
                        null=True,
                        verbose_name="updated on",
                    ),
                ),
                (
                    "audio",
                    models.FileField(
                        blank=True,
                        help_text="MP3, M4A, OGG or WAV. Its length is read from the file.",
                        upload_to="audio/",
                    ),
                ),
                (
                    "audio_duration",
                    models.DurationField(
                        blank=True,
                        help_text="Length of the audio answer, read from the file.",
                        null=True,
                    ),
                ),
                (
                    "doctor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="articles",
                        to="articles.doctor",
                    ),
                ),
                (
                    "body_html",
                    models.TextField(
                        blank=True,
                        editable=False,
                        help_text="The body rendered from Markdown and sanitized.",
                    ),
                ),
                (
                    "next_review_due",
                    models.DateField(
                        blank=True,
                        help_text="Leave empty for the usual interval after the review.",
                        null=True,
                        verbose_name="next review due",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        help_text=(
                            "The doctor who checked this answer; may differ from the author."
                        ),
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reviews",
                        to="articles.doctor",
                    ),
                ),
                (
                    "reviewed_on",
                    models.DateField(blank=True, null=True, verbose_name="reviewed on"),
                ),
            ],
            options={
                "ordering": ["-published_at", "pk"],
                "indexes": [
                    models.Index(
                        fields=["status", "-published_at", "id"], name="article_listing_idx"
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["draft", "published"])),
                        name="article_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "published"), _negated=True),
                            ("published_at__isnull", False),
                            _connector="OR",
                        ),
                        name="article_published_has_date",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("reviewed_by__isnull", True), ("reviewed_on__isnull", True)),
                            models.Q(
                                ("reviewed_by__isnull", False), ("reviewed_on__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="article_review_names_doctor_and_date",
                        violation_error_message=(
                            "A review needs both the reviewing doctor and its date."
                        ),
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("next_review_due__isnull", True),
                            ("reviewed_on__isnull", True),
                            ("next_review_due__gt", models.F("reviewed_on")),
                            _connector="OR",
                        ),
                        name="article_next_review_after_review",
                        violation_error_message="The next review must fall after the last one.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="RelatedPick",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="picks",
                        to="articles.article",
                    ),
                ),
                (
                    "related",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="picked_in",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "verbose_name": "related pick",
                "ordering": ["position", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "related"), name="related_pick_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("article", models.F("related")), _negated=True),
                        name="related_pick_not_self",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="TaggedArticle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_items",
                        to="articles.article",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_articles",
                        to="taggit.tag",
                    ),
                ),
            ],
            options={
                "verbose_name": "tagged article",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("content_object", "tag"), name="tagged_article_unique"
                    )
                ],
                "verbose_name_plural": "tags",
            },
        ),
        migrations.AddField(
            model_name="article",
            name="related",
            field=models.ManyToManyField(
                blank=True,
                help_text="The editor's related articles, shown first in Other Voices.",
                related_name="picked_by",
                through="articles.RelatedPick",
                through_fields=("article", "related"),
                to="articles.article",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="tags",
            field=taggit.managers.TaggableManager(
                blank=True,
                help_text="A comma-separated list of tags.",
                through="articles.TaggedArticle",
                to="taggit.Tag",
                verbose_name="tags",
            ),
        ),
        migrations.CreateModel(
            name="ArticleSlug",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(allow_unicode=True, max_length=255, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="slugs",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "verbose_name": "article address",
                "verbose_name_plural": "article addresses",
                "ordering": ["-created_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Reference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=300)),
                (
                    "url",
                    models.URLField(
                        max_length=500,
                        validators=[django.core.validators.URLValidator(schemes=["http", "https"])],
                        verbose_name="URL",
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="references",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "url"), name="reference_unique_per_article"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("url__istartswith", "http://"),
                            ("url__istartswith", "https://"),
                            _connector="OR",
                        ),
                        name="reference_url_is_web",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Topic",
            fields=[],
            options={
                "verbose_name": "tag",
                "ordering": ["name"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("taggit.tag",),
        ),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "articles_search",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="Term",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(choices=[("word", "word"), ("tag", "tag")], max_length=4),
                ),
                ("text", models.CharField(max_length=100)),
                ("df", models.PositiveIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "text"), name="term_unique")
                ],
            },
        ),
        migrations.CreateModel(
            name="RelatedArticle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rank", models.PositiveSmallIntegerField()),
                ("is_pick", models.BooleanField(default=False)),
                ("score", models.FloatField(default=0)),
                ("text_score", models.FloatField(default=0)),
                ("tag_score", models.FloatField(default=0)),
                ("department_score", models.FloatField(default=0)),
                ("doctor_score", models.FloatField(default=0)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sidebar",
                        to="articles.article",
                    ),
                ),
                (
                    "related",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="appears_in",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "verbose_name": "related article (computed)",
                "verbose_name_plural": "related articles (computed)",
                "ordering": ["article", "rank"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "rank"), name="related_article_rank_unique"
                    ),
                    models.UniqueConstraint(
                        fields=("article", "related"), name="related_article_unique"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="RelatedExclusion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="exclusions",
                        to="articles.article",
                    ),
                ),
                (
                    "excluded",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="excluded_from",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "verbose_name": "related exclusion",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "excluded"), name="related_exclusion_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("article", models.F("excluded")), _negated=True),
                        name="related_exclusion_not_self",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ArticleTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("weight", models.FloatField()),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
                (
                    "term",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.term",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["term", "article"], name="article_term_posting_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("article", "term"), name="article_term_unique")
                ],
            },
        ),
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(create_editors, remove_editors),
    ]
