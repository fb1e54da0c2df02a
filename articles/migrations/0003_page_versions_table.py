from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def _database_cache_tables() -> list[str]:
    return [
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    ]


def create_cache_tables(apps, schema_editor):
    """The page cache keeps its versions in a database cache table unless Redis is configured:
    `migrate` alone leaves the site ready."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_tables(apps, schema_editor):
    for table in _database_cache_tables():
        schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_related_concepts_and_exact_term_statistics")]

    operations = [migrations.RunPython(create_cache_tables, drop_cache_tables)]
