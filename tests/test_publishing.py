"""Drafts, scheduled publishing, unpublishing and previews, on a frozen clock."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.editorial import rules
from articles.models import Article

from .conftest import add_article_data, change_article_data, make_article

pytestmark = pytest.mark.django_db

NOON = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def visible(client, article: Article) -> bool:
    """Listed on the home page and served at its address."""
    return article.title in client.get(reverse("articles:home")).text and (
        client.get(article.get_absolute_url()).status_code == 200
    )


def hidden(client, article: Article) -> bool:
    """Neither listed on the home page nor served at its address (not merely ``not visible``,
    which holds as soon as either one fails)."""
    return article.title not in client.get(reverse("articles:home")).text and (
        client.get(article.get_absolute_url()).status_code == 404
    )


def test_scheduled_article_goes_live_at_its_moment_with_no_job(client):
    with time_machine.travel(NOON, tick=False) as clock:
        article = make_article("Scheduled?", published_at=NOON + timedelta(hours=1))
        assert article.state == Article.State.SCHEDULED
        assert hidden(client, article)

        clock.move_to(NOON + timedelta(hours=1) - timedelta(microseconds=1))
        assert article.state == Article.State.SCHEDULED
        assert hidden(client, article)

        clock.move_to(NOON + timedelta(hours=1))  # published_at <= now: live, to the microsecond
        assert article.state == Article.State.LIVE
        assert visible(client, article)


def test_draft_publish_unpublish_republish_through_the_admin(staff_client, reader):
    with time_machine.travel(NOON, tick=False):
        response = staff_client.post(
            reverse("admin:articles_article_add"),
            add_article_data(staff_client, title="Is coffee good for the liver?", doctor=""),
        )
        assert response.status_code == 200  # no doctor: a form error, nothing saved
        assert not Article.objects.exists()

        doctor = make_article().doctor
        data = add_article_data(staff_client, title="Is coffee good for the liver?")
        response = staff_client.post(
            reverse("admin:articles_article_add"), data | {"doctor": doctor.pk}
        )
        assert response.status_code == 302
        article = Article.objects.get(title="Is coffee good for the liver?")
        assert article.state == Article.State.DRAFT
        assert hidden(reader, article)

        url = reverse("admin:articles_article_change", args=[article.pk])
        data = change_article_data(staff_client, article, _publish="Publish")
        assert staff_client.post(url, data).status_code == 302
        article.refresh_from_db()
        assert article.published_at == NOON  # publishing without a date means now
        assert visible(reader, article)

        data = change_article_data(staff_client, article, _unpublish="Unpublish")
        assert staff_client.post(url, data).status_code == 302
        article.refresh_from_db()
        assert article.state == Article.State.DRAFT
        assert article.published_at == NOON  # kept for when it is published again
        assert hidden(reader, article)


def changelist_action(client, action: str, articles: list[Article]):
    return client.post(
        reverse("admin:articles_article_changelist"),
        {"action": action, "_selected_action": [a.pk for a in articles]},
        follow=True,
    )


def test_bulk_publish_keeps_future_dates_scheduled_and_bulk_unpublish_hides(staff_client, reader):
    with time_machine.travel(NOON, tick=False):
        approved = {"status": "draft", "review_state": "approved"}
        draft = make_article("Draft?", published_at=None, **approved)
        later = make_article("Later?", published_at=NOON + timedelta(days=2), **approved)
        unapproved = make_article("Unapproved?", status="draft")
        live = make_article("Live?")
        response = changelist_action(staff_client, "publish", [draft, later, live, unapproved])
        assert "Published 2 articles. 1 of them goes live at its later date." in response.text
        assert "1 answer is not medically approved, so not published" in response.text
        assert Article.objects.get(pk=unapproved.pk).state == Article.State.DRAFT
        draft.refresh_from_db()
        later.refresh_from_db()
        assert (draft.state, later.state) == (Article.State.LIVE, Article.State.SCHEDULED)
        assert draft.published_at == NOON
        assert visible(reader, draft) and hidden(reader, later)

        response = changelist_action(staff_client, "unpublish", [draft, live])
        assert "Unpublished 2 articles; readers no longer see them." in response.text
        assert hidden(reader, draft) and hidden(reader, live)
        assert Article.objects.get(pk=live.pk).state == Article.State.DRAFT


def test_bulk_actions_are_recorded_in_history(staff_client):
    article = make_article(status="draft", published_at=None, review_state="approved")
    changelist_action(staff_client, "publish", [article])
    history = staff_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "<td>Published with the bulk action.</td>" in history.text
    assert "<td>editor</td>" in history.text  # the User column; the header greets "editor" too


def test_changelist_status_column_and_publication_filter(staff_client):
    with time_machine.travel(NOON, tick=False):
        make_article("A draft?", status="draft", published_at=None)
        make_article("A scheduled one?", published_at=NOON + timedelta(days=1))
        make_article("A live one?")
        stale = make_article("A stale one?")
        stale.reviewed_by, stale.reviewed_on = stale.doctor, NOON.date() - timedelta(days=400)
        stale.next_review_due = rules.review_due(stale.reviewed_on)
        stale.save()
        url = reverse("admin:articles_article_changelist")
        html = staff_client.get(url).text
        assert '<span class="state state--draft">Draft</span>' in html
        assert '<span class="state state--scheduled">Scheduled for' in html
        assert '<span class="state state--live">Live since' in html
        assert '<span class="state state--overdue">review overdue</span>' in html
        for state, title in [
            ("draft", "A draft?"),
            ("scheduled", "A scheduled one?"),
            ("live", "A live one?"),
        ]:
            titles = {
                a.title
                for a in staff_client.get(url, {"publication": state}).context["cl"].result_list
            }
            assert title in titles
            assert len(titles) == (2 if state == "live" else 1)


# -- Preview ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_staff_preview_unpublished_articles_at_their_real_address(editor_client, reader, kind):
    if kind == "draft":
        article = make_article("Not yet?", status="draft", published_at=None)
    else:
        article = make_article("Not yet?", published_at=timezone.now() + timedelta(days=3))
    response = editor_client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Preview — not published." in response.text
    assert '<meta name="robots" content="noindex">' in response.text
    assert response["X-Robots-Tag"] == "noindex"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert ("Scheduled to go live" in response.text) == (kind == "scheduled")
    assert "<h1>Not yet?</h1>" in response.text

    anonymous = reader.get(article.get_absolute_url())
    assert anonymous.status_code == 404
    assert "Not yet?" not in anonymous.text


def test_live_articles_have_no_preview_banner_and_readers_see_no_editor_bar(editor_client, reader):
    article = make_article("Live?")
    for_editor = editor_client.get(article.get_absolute_url()).text
    assert "Preview — not published" not in for_editor
    assert "Edit in admin" in for_editor
    assert 'content="noindex"' not in for_editor
    for_reader = reader.get(article.get_absolute_url())
    assert for_reader.status_code == 200
    assert "<h1>Live?</h1>" in for_reader.text
    assert "Edit in admin" not in for_reader.text
    assert "editor-bar" not in for_reader.text
    assert "Cache-Control" not in for_reader


def test_non_staff_users_cannot_preview(client, django_user_model):
    article = make_article(status="draft", published_at=None)
    client.force_login(django_user_model.objects.create_user("reader"))
    assert client.get(article.get_absolute_url()).status_code == 404


def test_the_change_form_offers_preview_for_drafts_and_view_on_site_when_live(staff_client):
    draft = make_article(status="draft", published_at=None)
    live = make_article()
    draft_form = staff_client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    assert 'class="viewsitelink">Preview</a>' in draft_form.text
    live_form = staff_client.get(reverse("admin:articles_article_change", args=[live.pk]))
    assert 'class="viewsitelink">View on site</a>' in live_form.text
