from django.db import migrations, models


def drop_old_versions_table(apps, schema_editor):
    """Versions used to live in a database cache table; losing them costs cache misses only."""
    table = schema_editor.quote_name("liverqa_page_versions")
    schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_article_audio_index")]

    operations = [
        migrations.CreateModel(
            name="PageVersion",
            fields=[
                ("key", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(drop_old_versions_table, migrations.RunPython.noop),
    ]
