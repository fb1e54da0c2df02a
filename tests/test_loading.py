"""Content is right however it arrives: plain loaddata, imports and the admin all leave search
and Other Voices consistent, and a fixture's stored HTML is never trusted."""

import io
import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Article, ArticleSlug, RelatedArticle, Topic, TopicSlug
from articles.related import related_articles
from articles.tags import remember_addresses

pytestmark = pytest.mark.django_db

MAIN = "can-liver-calcifications-be-liver-cancer"


def shipped_rows() -> list[dict]:
    return json.loads((settings.BASE_DIR / "fixtures" / "content.json").read_text())


def test_plain_loaddata_leaves_search_and_other_voices_ready(
    reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", "content", verbosity=0)
    main = Article.objects.get(slug=MAIN)
    assert len(related_articles(main)) == 5
    assert RelatedArticle.objects.filter(article=main).count() == 5
    page = reader.get(reverse("articles:search"), {"q": "calcification"})
    assert f'href="{main.get_absolute_url()}"' in page.text


def test_loaddata_over_a_built_site_reindexes_what_it_loaded(
    tmp_path, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", "content", verbosity=0)
    row = next(r for r in shipped_rows() if r["fields"].get("slug") == MAIN)
    row["fields"]["title"] = "Are liver calcifications a sign of hepatoblastoma?"
    fixture = tmp_path / "one.json"
    fixture.write_text(json.dumps([row]))
    search = reverse("articles:search")
    link = f'href="/articles/{MAIN}/"'
    assert link not in reader.get(search, {"q": "hepatoblastoma"}).text
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", str(fixture), verbosity=0)
    assert link in reader.get(search, {"q": "hepatoblastoma"}).text
    assert len(related_articles(Article.objects.get(slug=MAIN))) == 5


def test_stored_html_in_a_fixture_is_rendered_again_from_the_markdown(tmp_path, reader):
    rows = shipped_rows()
    row = next(r for r in rows if r["fields"].get("slug") == MAIN)
    row["fields"]["body_html"] = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    fixture = tmp_path / "hostile.json"
    fixture.write_text(json.dumps(rows))
    call_command("loaddata", str(fixture), verbosity=0)
    article = Article.objects.get(slug=MAIN)
    assert "<script" not in article.body_html and "onerror" not in article.body_html
    assert article.body_html.startswith("<p>Calcification in the liver is not liver cancer.")
    page = reader.get(article.get_absolute_url())
    assert "<script>alert(1)" not in page.text and "onerror" not in page.text


# flush truncates tables, which PostgreSQL refuses inside the test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_old_addresses_survive_export_flush_and_load(tmp_path, reader):
    call_command("loaddata", "content", verbosity=0)
    article = Article.objects.get(slug=MAIN)
    article.slug = "liver-calcifications-and-cancer"
    article.save()
    tag = Topic.objects.get(slug="calcification")
    tag.slug = "calcifications"
    tag.save()
    remember_addresses(tag, "calcification")  # as the tag admin does on a rename
    call_command("export_fixtures", str(tmp_path), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    assert not ArticleSlug.objects.exists() and not TopicSlug.objects.exists()
    call_command("loaddata", str(tmp_path / "content.json"), verbosity=0)
    old = reader.get(reverse("articles:article_detail", args=[MAIN]))
    assert old.status_code == 301
    assert old["Location"] == "/articles/liver-calcifications-and-cancer/"
    old_tag = reader.get(reverse("articles:tag_detail", args=["calcification"]))
    assert (old_tag.status_code, old_tag["Location"]) == (301, "/tags/calcifications/")


def _broken(tmp_path, change) -> str:
    rows = shipped_rows()
    change(rows)
    fixture = tmp_path / "broken.json"
    fixture.write_text(json.dumps(rows))
    return str(fixture)


def _dangling_doctor(rows):
    article = next(r for r in rows if r["model"] == "articles.article")
    article["fields"]["doctor"] = ["no-such-doctor"]


def _bad_date(rows):
    article = next(r for r in rows if r["model"] == "articles.article")
    article["fields"]["published_at"] = "the 31st of Smarch"


def _duplicate_department(rows):
    first = next(r for r in rows if r["model"] == "articles.department")
    rows.insert(1, {"model": "articles.department", "fields": {**first["fields"], "slug": "twin"}})


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (_dangling_doctor, "doctor_id"),
        (_bad_date, "the 31st of Smarch"),
        (_duplicate_department, "unique"),
    ],
)
def test_a_broken_fixture_fails_clearly_and_changes_nothing(tmp_path, change, says):
    call_command("loaddata", "content", verbosity=0)
    before = {
        model: list(model.objects.order_by("pk").values())
        for model in (Article, ArticleSlug, RelatedArticle)
    }
    with pytest.raises(CommandError) as error:
        call_command("loaddata", _broken(tmp_path, change), verbosity=0)
    assert "Nothing was loaded" in str(error.value)
    assert says.lower() in str(error.value).lower()
    assert before == {model: list(model.objects.order_by("pk").values()) for model in before}


def test_manage_py_loaddata_of_a_broken_fixture_exits_non_zero_with_one_line(tmp_path):
    import subprocess
    import sys

    fixture = _broken(tmp_path, _dangling_doctor)
    database = tmp_path / "db.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_DEBUG": "1",
        "LIVERQA_DOTENV": "",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=settings.BASE_DIR, env=env, check=True)
    result = subprocess.run(
        [*manage, "loaddata", fixture],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "CommandError: Could not load" in result.stderr
    assert "Traceback" not in result.stderr
