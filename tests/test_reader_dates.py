"""Dates readers see, from the data: the publication on every answer and card, "Updated on"
only when the answer changed on a later day, the structured data saying the same."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import indexing
from articles.editorial import rules, working_copies
from articles.models import Article

from .conftest import make_article, make_department, make_doctor, rebuild_indexes

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2025, 3, 10, 12, 0))


def schema(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def published(day: str, label: str) -> str:
    return f'Published <time datetime="{day}">{label}</time>'


@time_machine.travel(NOW, tick=False)
def test_an_answer_shows_its_publication_date_and_no_update(client):
    article = make_article(published_at=NOW - timedelta(days=9))
    html = client.get(article.get_absolute_url()).text
    assert published("2025-03-01", "March 1, 2025") in html
    assert "Updated on" not in html and "article:modified_time" not in html
    data = schema(html)
    assert data["datePublished"] == data["dateModified"] == "2025-03-01"


@time_machine.travel(NOW, tick=False)
def test_a_later_update_is_shown_after_the_publication_and_in_the_structured_data(client):
    article = make_article(published_at=NOW - timedelta(days=9), updated_at=NOW.date())
    html = client.get(article.get_absolute_url()).text
    assert (
        published("2025-03-01", "March 1, 2025")
        + ' · Updated on <time datetime="2025-03-10">March 10, 2025</time>'
    ) in html
    assert '<meta property="article:modified_time" content="2025-03-10">' in html
    data = schema(html)
    assert (data["datePublished"], data["dateModified"]) == ("2025-03-01", "2025-03-10")


@time_machine.travel(NOW, tick=False)
def test_an_update_on_the_publication_day_is_shown_alone_in_the_sources_words(client):
    """The source page's main answer says only "Updated on December 21, 2024", its
    publication day: one date, worded as the source has it."""
    publication = NOW - timedelta(days=2)
    article = make_article(published_at=publication, updated_at=publication.date())
    html = client.get(article.get_absolute_url()).text
    assert 'Updated on <time datetime="2025-03-08">March 8, 2025</time>' in html
    assert "Published" not in html.split("<main", 1)[1].split("</article>", 1)[0]
    data = schema(html)
    assert data["datePublished"] == data["dateModified"] == "2025-03-08"


@time_machine.travel(NOW, tick=False)
def test_an_update_typed_before_the_publication_is_not_shown(client):
    """A mistyped date before the publication says nothing the publication date does not."""
    publication = NOW - timedelta(days=2)
    article = make_article(
        published_at=publication, updated_at=publication.date() - timedelta(days=30)
    )
    html = client.get(article.get_absolute_url()).text
    assert published("2025-03-08", "March 8, 2025") in html
    assert "Updated on" not in html
    data = schema(html)
    assert data["datePublished"] == data["dateModified"] == "2025-03-08"


@time_machine.travel(NOW, tick=False)
def test_every_card_shows_its_date(client):
    """Home, the list, a department, a doctor, a topic, search results and Other Voices."""
    department = make_department("Hepatology")
    doctor = make_doctor("Wu Lan", department)
    body = "Ascites is fluid in the belly; ascites in cirrhosis needs a diuretic."
    card = make_article(
        "What is ascites?",
        doctor,
        body=body,
        tags=("ascites",),
        published_at=NOW - timedelta(days=9),
        updated_at=NOW.date() - timedelta(days=1),
    )
    other = make_article(
        "Is ascites dangerous?", doctor, body=body, tags=("ascites",), published_at=NOW
    )
    rebuild_indexes()
    shown = published("2025-03-01", "March 1, 2025") + (
        ' · Updated on <time datetime="2025-03-09">March 9, 2025</time>'
    )
    for url in [
        reverse("articles:home"),
        reverse("articles:article_list"),
        department.get_absolute_url(),
        doctor.get_absolute_url(),
        reverse("articles:tag_detail", args=["ascites"]),
        reverse("articles:search") + "?q=ascites",
        other.get_absolute_url(),  # in its Other Voices
    ]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert card.get_absolute_url() in page.text, url
        assert shown in page.text, url


@time_machine.travel(NOW, tick=False)
def test_the_department_fill_shows_its_dates_too(client):
    department = make_department("Hepatology")
    first = make_article("Alpha?", make_doctor(department=department), body="alpha alpha.")
    make_article(
        "Bravo?",
        make_doctor(department=department),
        body="bravo bravo.",
        published_at=NOW - timedelta(days=3),
    )
    rebuild_indexes()
    page = client.get(first.get_absolute_url())
    assert [a.title for a in page.context["voices"].more] == ["Bravo?"]
    assert published("2025-03-07", "March 7, 2025") in page.text


@time_machine.travel(NOW, tick=False)
def test_previews_say_a_draft_has_no_date_and_a_scheduled_answer_when(staff_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None, updated_at=NOW.date())
    html = staff_client.get(draft.get_absolute_url()).text
    assert "Not published yet" in html and "Updated on" not in html
    data = schema(html)
    assert "datePublished" not in data and "dateModified" not in data

    # Unpublished after having been live: the kept date is not shown as a publication.
    withdrawn = make_article(status=Article.Status.DRAFT, published_at=NOW - timedelta(days=5))
    assert "Not published yet" in staff_client.get(withdrawn.get_absolute_url()).text

    scheduled = make_article(published_at=NOW + timedelta(days=2))
    html = staff_client.get(scheduled.get_absolute_url()).text
    assert 'Scheduled for <time datetime="2025-03-12">March 12, 2025</time>' in html
    assert "Published <time" not in html


def test_publishing_changes_to_a_live_answer_dates_the_update(client):
    """``mark_updated``: the editor types no date. A draft's or a scheduled answer's change
    sets none (readers have not seen them)."""
    with time_machine.travel(NOW, tick=False):
        live = make_article(published_at=NOW - timedelta(days=9))
        draft = make_article(status=Article.Status.DRAFT, published_at=None)
        scheduled = make_article(published_at=NOW + timedelta(days=1))
        for article in (live, draft, scheduled):
            rules.mark_updated(article)
            article.save()
        indexing.forget_pending()
        assert Article.objects.get(pk=live.pk).updated_at == NOW.date()
        assert Article.objects.get(pk=draft.pk).updated_at is None
        assert Article.objects.get(pk=scheduled.pk).updated_at is None
        html = client.get(live.get_absolute_url()).text
        assert 'Updated on <time datetime="2025-03-10">March 10, 2025</time>' in html
        # Published and changed on one day: one date, worded as the source words it.
        today = make_article(published_at=NOW - timedelta(hours=1))
        rules.mark_updated(today)
        today.save()
        html = client.get(today.get_absolute_url()).text
        assert 'Updated on <time datetime="2025-03-10">' in html and "Published <time" not in html


@time_machine.travel(NOW, tick=False)
def test_a_preview_of_changes_dates_itself_as_the_live_answer(staff_client):
    live = make_article(published_at=NOW - timedelta(days=3))
    copy = working_copies.start_working_copy(live)
    copy.title = "A changed title?"
    copy.save()
    html = staff_client.get(live.get_absolute_url()).text
    assert "A changed title?" in html  # the preview of the change
    assert "Not published yet" not in html
    assert published(f"{live.published_on:%Y-%m-%d}", f"{live.published_on:%B %-d, %Y}") in html
