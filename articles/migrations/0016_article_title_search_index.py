"""The duplicate check's title index on PostgreSQL: the words of every answer's title, drafts
included, so titles sharing a word are found without reading every title. SQLite finds them in
the search indexes' title column (FTS5 keeps each word's column); PostgreSQL's tsvector keeps
only a weight, which an index cannot test, so a word common in bodies would be checked row by
row there.
"""

from django.db import migrations

INDEX = "article_title_search_idx"


def create_title_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON articles_article USING gin (to_tsvector('english', title))"
        )


def drop_title_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_approved_text_and_golive_notice"),
    ]

    operations = [migrations.RunPython(create_title_index, drop_title_index)]
