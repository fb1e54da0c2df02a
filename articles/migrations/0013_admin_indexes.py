"""The admin at scale: indexes for what its article list sorts and filters by, and a search
index of drafts for the editors' search (the public one holds only what readers may find).

The drafts' index is made empty: migrations import no project code, and the documents are
made by ``articles.search``. ``manage.py rebuild_indexes --if-empty`` (run by ``make run`` and
``make serve``) fills it in seconds; edits keep it in step from then on.
"""

from django.db import migrations, models

ANSWERS = models.Q(("working_copy_of__isnull", True))

# The same shape as migration 0001's articles_search, on each database.
SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE articles_draft_search USING fts5("
    "title, extra, summary, body, cjk, tokenize='porter unicode61 remove_diacritics 2')"
)
POSTGRES_INDEX = [
    "CREATE TABLE articles_draft_search "
    "(article_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX articles_draft_search_document_idx ON articles_draft_search USING gin (document)",
]


def create_drafts_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_INDEX:
            schema_editor.execute(sql)
    else:
        schema_editor.execute(SQLITE_INDEX)
    # The planner learns the new indexes, or SQLite may pass them by.
    schema_editor.execute("ANALYZE")


def drop_drafts_index(apps, schema_editor):
    schema_editor.execute("DROP TABLE articles_draft_search")


def admin_index(name, fields):
    return migrations.AddIndex(
        model_name="article", index=models.Index(fields=fields, name=name, condition=ANSWERS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_review_workflow"),
    ]

    operations = [
        admin_index(
            "article_admin_published_idx",
            ["-published_at", "id", "next_review_due", "reviewed_on"],
        ),
        admin_index("article_admin_state_idx", ["status", "-published_at", "id", "expires_at"]),
        admin_index("article_admin_title_idx", ["title", "-id"]),
        admin_index("article_admin_review_due_idx", ["next_review_due", "-id"]),
        admin_index("article_admin_doctor_idx", ["doctor", "-published_at", "id"]),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(
                    ("working_copy_of__isnull", True), ("next_review_due__isnull", False)
                ),
                fields=["next_review_due"],
                name="article_admin_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["review_state", "working_copy_of"], name="article_admin_review_state_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["reviewed_on", "working_copy_of"], name="article_admin_reviewed_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="doctor",
            index=models.Index(fields=["name", "id"], name="doctor_name_idx"),
        ),
        migrations.RunPython(create_drafts_index, drop_drafts_index),
    ]
