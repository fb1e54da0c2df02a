"""The shipped fixtures: they load cleanly, survive a round trip, and carry the source page."""

import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from reversion.models import Version

from articles.models import Article, Department, Doctor, RelatedPick, TaggedArticle

pytestmark = pytest.mark.django_db

SOURCE = Path(settings.BASE_DIR) / "fixtures" / "source" / "000_f4e56972f096d8df.txt"
CONTENT_MODELS = [
    "articles.department",
    "articles.doctor",
    "taggit.tag",
    "articles.article",
    "articles.taggedarticle",
    "articles.relatedpick",
]


def snapshot() -> dict:
    """Everything the fixtures carry, keyed by natural keys, for comparing databases."""
    return {
        "departments": sorted(Department.objects.values_list("slug", "name", "description")),
        "doctors": sorted(Doctor.objects.values_list("slug", "name", "department__slug")),
        "articles": sorted(
            Article.objects.values_list(
                "slug",
                "title",
                "doctor__slug",
                "body",
                "status",
                "published_at",
                "updated_at",
                "audio_duration",
            )
        ),
        "tags": sorted(TaggedArticle.objects.values_list("content_object__slug", "tag__name")),
        "picks": sorted(
            RelatedPick.objects.values_list("article__slug", "related__slug", "position")
        ),
    }


def test_fixtures_load_into_an_empty_database(site_content):
    assert Department.objects.count() == 5
    assert Doctor.objects.count() == 6
    assert Article.objects.published().count() == 6
    assert Doctor.objects.filter(department__name="Oncology").count() == 2


def test_a_fixture_with_a_title_of_two_lines_loads_nothing(tmp_path):
    """The rule the form and the importer apply (one line, no control characters), for
    loaddata too, which saves past the form."""
    rows = json.loads((settings.BASE_DIR / "fixtures" / "content.json").read_text())
    article = next(row for row in rows if row["model"] == "articles.article")
    article["fields"]["title"] = "Hepatitis?\r\nBcc: someone@example.com"
    fixture = tmp_path / "two-lines.json"
    fixture.write_text(json.dumps(rows))
    with pytest.raises(CommandError) as error:
        call_command("loaddata", str(fixture), verbosity=0)
    slug = article["fields"]["slug"]
    assert f"Article '{slug}': A title is one line of text" in str(error.value)
    assert not Article.objects.exists()


def test_loading_the_fixtures_twice_changes_nothing(site_content):
    before = snapshot()
    call_command("loaddata", "content", verbosity=0)
    assert snapshot() == before


def test_fixtures_use_natural_keys_only():
    for obj in json.loads((Path(settings.BASE_DIR) / "fixtures" / "content.json").read_text()):
        assert "pk" not in obj, obj


# flush truncates tables, which PostgreSQL refuses inside the test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_every_article_keeps_every_tag_and_pick_through_dumpdata_flush_loaddata(
    site_content, tmp_path
):
    before = snapshot()
    assert len(before["tags"]) > 6 and len(before["picks"]) == 5
    dump = tmp_path / "dump.json"
    call_command(
        "dumpdata",
        *CONTENT_MODELS,
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        verbosity=0,
    )
    call_command("flush", interactive=False, verbosity=0)
    assert not Article.objects.exists()
    call_command("loaddata", str(dump), verbosity=0)
    assert snapshot() == before


def test_fixtures_carry_the_source_page_word_for_word(site_content):
    source = SOURCE.read_text(encoding="utf-8")
    lines = [line.strip() for line in source.splitlines()]
    paragraphs = [line for line in lines if len(line) > 150]
    assert len(paragraphs) == 6
    bodies = {a.body for a in Article.objects.all()}
    assert bodies == set(paragraphs)

    for article in Article.objects.all():
        assert article.title in lines
        assert f"Written by {article.doctor.name}" in lines
        position = lines.index(f"Written by {article.doctor.name}")
        assert lines[position + 1] == article.doctor.department.name


def test_durations_date_and_related_picks_follow_the_page(site_content):
    source = SOURCE.read_text(encoding="utf-8")
    lengths = re.findall(r"^((?:\d+min )?\d+sec) home-news-image$", source, re.MULTILINE)
    assert lengths == ["1min 2sec", "1min 10sec", "42sec", "54sec", "56sec"]

    main = Article.objects.get(title="Can liver calcifications be liver cancer?")
    assert main.doctor.name == "Liu Wu Cai"
    assert main.doctor.department.name == "Hepatobiliary Surgery"
    assert main.updated_at == date(2024, 12, 21)
    picks = [pick.related for pick in main.picks.select_related("related")]
    assert [p.title for p in picks] == re.findall(r"home-news-image\n\n(.+)\n", source)
    assert [p.audio_duration for p in picks] == [timedelta(seconds=s) for s in (62, 70, 42, 54, 56)]


def test_load_initial_content_fills_an_empty_database_only_once(db):
    out = io.StringIO()
    call_command("load_initial_content", stdout=out)
    assert Article.objects.count() == 6
    article = Article.objects.get(slug="liver-cancer-b-ultrasound-manifestations")
    first = Version.objects.get_for_object(article).get()  # the shipped text, to compare with
    assert first.revision.get_comment() == "Loaded from the shipped content."

    article = Article.objects.get(slug="liver-cancer-b-ultrasound-manifestations")
    article.title = "Edited by an editor"
    article.save()
    out = io.StringIO()
    call_command("load_initial_content", stdout=out)
    assert "already holds content" in out.getvalue()
    article.refresh_from_db()
    assert article.title == "Edited by an editor"
