"""Indexes for the editors' dashboard and lists at 100,000 answers (issue 14).

The admin log is django.contrib.admin's table and tags are taggit's, so their indexes are SQL of
their own: a model's Meta belongs to its app, and an AddIndex here would change this app's state.
"""

from django.db import migrations, models

# (name, table, columns): what reads each is said above it.
OTHER_APPS_INDEXES = [
    # The admin log grows by a row per admin save, forever; without these the dashboard and the
    # history page read every entry about every answer.
    # The last edit of each draft and scheduled answer, and by whom ("My drafts"; no row
    # opened), and an answer's history.
    (
        "admin_log_object_idx",
        "django_admin_log",
        "content_type_id, object_id, action_time, id, user_id",
    ),
    # "Recently edited": the latest edits of answers.
    ("admin_log_type_time_idx", "django_admin_log", "content_type_id, action_time"),
    # "Recent actions": the latest of one editor's edits.
    ("admin_log_user_time_idx", "django_admin_log", "user_id, action_time"),
    # The tag list's order: its first page is read in order, so only those tags are counted.
    ("tag_lower_name_idx", "taggit_tag", "LOWER(name)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_admin_indexes"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=[
                    "working_copy_of",
                    "status",
                    "next_review_due",
                    "published_at",
                    "expires_at",
                    "reviewed_on",
                    "review_state",
                    "doctor",
                    "id",
                ],
                name="article_editorial_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["working_copy_of", "doctor"], name="article_doctor_answers_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(fields=["tag", "content_object"], name="tagged_article_tag_idx"),
        ),
        *(
            migrations.RunSQL(f"CREATE INDEX {name} ON {table} ({columns})", f"DROP INDEX {name}")
            for name, table, columns in OTHER_APPS_INDEXES
        ),
    ]
