"""The articles app has one linear, self-contained migration history, and a database made at the
old history (before the squash) still migrates.

``tests/data/db_at_0006.sqlite3`` is a SQLite database made at the old history, at commit
11032a3 (the last commit with the eight migrations that ``0001_squashed_0006`` replaces):

    DJANGO_DEBUG=1 DATABASE_URL=sqlite:////tmp/db_at_0006.sqlite3 python manage.py migrate
    (the same)  python manage.py load_initial_content  # loaddata content + first revisions
    (the same)  python manage.py rebuild_search_index
    (the same)  python manage.py rebuild_related
    sqlite3 /tmp/db_at_0006.sqlite3 "PRAGMA page_size=1024; VACUUM;"

The migration tests run ``manage.py`` in a subprocess with DATABASE_URL pointing at a copy of it,
as a deployment would, so they do not depend on the database the suite runs on.
"""

import ast
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

pytestmark = pytest.mark.slow  # each test runs manage.py in subprocesses

DB_AT_0006 = Path(__file__).parent / "data" / "db_at_0006.sqlite3"
MIGRATIONS = Path(settings.BASE_DIR) / "articles" / "migrations"
SQUASHED = "0001_squashed_0006"
OLD_HISTORY = [
    "0001_initial",
    "0002_related_and_search",
    "0002_review_references_media_slug_history",
    "0003_listing_index",
    "0003_render_body_html",
    "0004_editors_group",
    "0005_merge_0003_listing_index_0004_editors_group",
    "0006_editors_exclusions_and_related",
]

# Apps installed after the old history, with no part in the articles app's migrations.
NEWER_APPS = ("axes", "otp_static", "otp_totp", "two_factor")

# Migrations made after the squash, in order.
LATER = sorted(
    path.stem for path in MIGRATIONS.glob("[0-9]*.py") if not path.stem.startswith("0001_")
)

# Reads the upgraded database through the app, as the site would, and prints what it found.
READ_CONTENT = """
import json
import django
django.setup()
from django.contrib.auth.models import Group
from django.test import Client
from django.test.utils import setup_test_environment
from articles import search
from articles.models import Article, RelatedArticle

setup_test_environment()
articles = list(Article.objects.published().order_by("title"))
client = Client()
print(json.dumps({
    "titles": [article.title for article in articles],
    "pages": [client.get(article.get_absolute_url()).status_code for article in articles],
    "search": [Article.objects.get(pk=pk).title for pk in search.search("metastasis").ids],
    "sidebar_rows": RelatedArticle.objects.count(),
    "editors": sorted(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    ),
}))
"""


def run(database: Path, *args: str) -> subprocess.CompletedProcess:
    environment = os.environ | {
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "liverqa.settings",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    result = subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def applied(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM django_migrations WHERE app = 'articles'")
        return sorted(name for (name,) in rows)


def schema(database: Path) -> set[tuple]:
    """Every table, index and trigger as SQL, but not sqlite_stat1, which ANALYZE makes."""
    with sqlite3.connect(database) as connection:
        return set(
            connection.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master"
                " WHERE name NOT LIKE 'sqlite_stat%'"
            )
        )


def editors(database: Path) -> set[tuple]:
    with sqlite3.connect(database) as connection:
        return set(
            connection.execute(
                "SELECT ct.app_label, p.codename FROM auth_group g"
                " JOIN auth_group_permissions gp ON gp.group_id = g.id"
                " JOIN auth_permission p ON p.id = gp.permission_id"
                " JOIN django_content_type ct ON ct.id = p.content_type_id"
                " WHERE g.name = 'Editors'"
            )
        )


@pytest.fixture
def old_database(tmp_path) -> Path:
    database = tmp_path / "db_at_0006.sqlite3"
    shutil.copyfile(DB_AT_0006, database)
    assert applied(database) == OLD_HISTORY
    return database


def shipped_titles() -> list[str]:
    fixture = json.loads((Path(settings.BASE_DIR) / "fixtures" / "content.json").read_text())
    return sorted(row["fields"]["title"] for row in fixture if row["model"] == "articles.article")


def test_a_database_at_the_old_history_migrates_and_keeps_its_content(old_database, tmp_path):
    assert DB_AT_0006.stat().st_size < 512 * 1024

    run(old_database, "manage.py", "migrate", "--noinput")

    showmigrations = run(old_database, "manage.py", "showmigrations", "articles").stdout
    assert f"[X] {SQUASHED} (8 squashed migrations)" in showmigrations
    assert applied(old_database) == sorted([*OLD_HISTORY, SQUASHED, *LATER])
    run(old_database, "manage.py", "migrate", "--check")  # nothing left to apply
    # The squash was recorded as applied without running; only the later migrations ran.
    fresh = tmp_path / "fresh.sqlite3"
    run(fresh, "manage.py", "migrate", "--noinput")
    assert schema(old_database) == schema(fresh)

    # Its ranking index predates the term statistics: the start-up step rebuilds it once.
    rebuilt = run(old_database, "manage.py", "rebuild_indexes", "--if-empty", "-v0").stdout
    assert "Indexed 6 articles" in rebuilt
    again = run(old_database, "manage.py", "rebuild_indexes", "--if-empty").stdout
    assert "already built" in again

    found = json.loads(run(old_database, "-c", READ_CONTENT).stdout)
    assert found["titles"] == shipped_titles()
    assert len(found["titles"]) == 6
    assert found["pages"] == [200] * 6
    assert found["search"][0] == "Is primary liver cancer prone to metastasis?"  # the index
    assert found["sidebar_rows"] == 30
    # 0007: view, change and delete readers' feedback; 0010: publish articles
    assert len(found["editors"]) == 34 + 3 + 1


def test_the_squash_gives_a_new_database_the_schema_and_editors_of_the_old_history(
    old_database, tmp_path
):
    new_database = tmp_path / "new.sqlite3"
    run(new_database, "manage.py", "migrate", "--noinput")
    run(new_database, "manage.py", "migrate", "articles", SQUASHED, "--noinput")
    # Django records the replaced migrations too, so either history finds itself applied.
    assert applied(new_database) == sorted([*OLD_HISTORY, SQUASHED])
    # Apps added since the old history (the logins' lockout and one-time codes) have no tables
    # there yet: give it theirs, and only theirs.
    for app in NEWER_APPS:
        run(old_database, "manage.py", "migrate", app, "--noinput")
    # Tables, indexes, the FTS5 search table and its shadow tables, as SQL, compared exactly.
    assert schema(new_database) == schema(old_database)
    assert editors(new_database) == editors(old_database)
    assert len(editors(new_database)) == 34


def project_packages() -> set[str]:
    base = Path(settings.BASE_DIR)
    packages = {path.parent.name for path in base.glob("*/__init__.py")}
    assert {"articles", "liverqa"} <= packages
    return packages


def test_no_migration_imports_project_code():
    packages = project_packages()
    files = sorted(MIGRATIONS.glob("[0-9]*.py"))
    assert files
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path.name}: relative import"
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] not in packages, f"{path.name} imports {module}"


def test_the_articles_history_is_linear():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = loader.graph
    nodes = [key for key in graph.nodes if key[0] == "articles"]
    assert nodes
    for key in nodes:
        parents = [parent for parent in graph.node_map[key].parents if parent.key[0] == "articles"]
        assert len(parents) <= 1, f"{key[1]} merges {[parent.key[1] for parent in parents]}"
    assert graph.leaf_nodes("articles") == [("articles", (LATER or [SQUASHED])[-1])]
    assert graph.root_nodes("articles") == [("articles", SQUASHED)]
    assert sorted(name for _, name in loader.disk_migrations["articles", SQUASHED].replaces) == (
        OLD_HISTORY
    )
