"""The clinical review cycle: reviewer and date, next review due, overdue flags for editors."""

import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from articles.editorial import rules
from articles.editorial.reviews import add_months, next_review_due
from articles.models import Article

from .conftest import change_article_data, make_article, make_doctor

pytestmark = pytest.mark.django_db

TODAY = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


def reviewed(on: date, **fields) -> Article:
    article = make_article(**fields)
    article.reviewed_by, article.reviewed_on = make_doctor("Li Hu Chen"), on
    article.next_review_due = rules.review_due(on)
    article.save()
    return article


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 12, 21), 12, date(2025, 12, 21)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_next_review_defaults_to_a_year_and_the_interval_is_a_setting(settings):
    assert reviewed(date(2025, 1, 10)).next_review_due == date(2026, 1, 10)
    settings.LIVERQA_REVIEW_INTERVAL_MONTHS = 6
    assert next_review_due(date(2025, 1, 10)) == date(2025, 7, 10)
    assert reviewed(date(2025, 1, 10)).next_review_due == date(2025, 7, 10)


def test_a_review_needs_doctor_and_date_and_the_next_one_comes_after():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(reviewed_on=date(2025, 1, 1))
    article = reviewed(date(2025, 1, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(next_review_due=date(2025, 1, 1))


def test_article_page_says_who_reviewed_it_and_when(reader):
    article = reviewed(date(2025, 3, 4))
    article.reviewed_by.title = "Chief physician"
    article.reviewed_by.save()
    make_article(doctor=article.reviewed_by)  # the reviewer's own page is linked once it has one
    html = reader.get(article.get_absolute_url()).text
    assert (
        'Medically reviewed by <a href="/doctors/li-hu-chen/">Li Hu Chen</a>, Chief physician '
        'on <time datetime="2025-03-04">March 4, 2025</time>'
    ) in html
    unreviewed = reader.get(make_article().get_absolute_url())
    assert unreviewed.status_code == 200
    assert "Medically reviewed" not in unreviewed.text


def test_overdue_stays_public_but_is_flagged_to_editors_only(reader, editor_client):
    with time_machine.travel(TODAY, tick=False) as clock:
        article = reviewed(date(2024, 6, 1))  # due 2025-06-01: today, not yet overdue
        assert not article.review_is_overdue
        assert "overdue" not in editor_client.get(article.get_absolute_url()).text

        clock.move_to(datetime(2025, 6, 2, 0, 0, tzinfo=UTC))
        assert article.review_is_overdue
        assert list(Article.objects.review_overdue()) == [article]
        for_reader = reader.get(article.get_absolute_url())
        assert for_reader.status_code == 200
        assert "overdue" not in for_reader.text
        for_editor = editor_client.get(article.get_absolute_url()).text
        assert "Clinical review overdue since June 1, 2025." in for_editor


def test_admin_filter_and_dashboard_count_overdue_reviews(editor_client):
    with time_machine.travel(TODAY, tick=False):
        overdue = reviewed(date(2024, 1, 1), title="Overdue?")
        reviewed(date(2024, 6, 20), title="Due soon?")
        reviewed(date(2025, 5, 1), title="Fresh?")
        make_article("Never reviewed?")
        draft_overdue = reviewed(date(2024, 1, 1), title="Old draft?", status="draft")

        url = reverse("admin:articles_article_changelist")
        rows = editor_client.get(url, {"review": "overdue"}).context["cl"].result_list
        assert {a.title for a in rows} == {overdue.title, draft_overdue.title}
        rows = editor_client.get(url, {"review": "due_soon"}).context["cl"].result_list
        assert [a.title for a in rows] == ["Due soon?"]
        rows = editor_client.get(url, {"review": "never"}).context["cl"].result_list
        assert [a.title for a in rows] == ["Never reviewed?"]

        index = editor_client.get(reverse("admin:index"))
        assert index.context["editorial"] == {
            "drafts": 1,
            "scheduled": 0,
            "live": 4,
            "review_overdue": 1,
            "review_due_soon": 1,
            "never_reviewed": 1,
        }
        assert "<strong>1</strong> live answer with the clinical review overdue" in index.text
        assert "?publication=live&amp;review=overdue" in index.text


def test_dashboard_costs_one_query(editor_client, django_assert_num_queries):
    make_article()
    with django_assert_num_queries(1):
        Article.objects.editorial_counts()


def test_who_reviewed_and_when_are_read_only_in_the_form(editor_client, django_user_model):
    """Only an approval (or the fixtures) names the reviewer, so "Medically reviewed by" is
    always true: editors and superusers see the review and type none; a posted one is
    ignored."""
    root = Client()
    root.force_login(django_user_model.objects.create_superuser("root", password="x"))
    with time_machine.travel(TODAY, tick=False):
        article = reviewed(date(2025, 3, 4), status="draft")
        url = reverse("admin:articles_article_change", args=[article.pk])
        for client in (editor_client, root):
            page = client.get(url).text
            assert 'name="reviewed_by"' not in page and 'name="reviewed_on"' not in page
            assert "Li Hu Chen" in page and "March 4, 2025" in page
            hostile = change_article_data(
                client, article, summary="Edited.", reviewed_by=make_doctor().pk
            )
            hostile |= {"reviewed_on": "2025-05-30"}
            assert client.post(url, hostile).status_code == 302
            article.refresh_from_db()
            assert article.summary == "Edited."
            assert (article.reviewed_by.name, article.reviewed_on) == (
                "Li Hu Chen",
                date(2025, 3, 4),
            )
            assert article.next_review_due == date(2026, 3, 4)


def test_an_editor_moves_the_next_review_but_never_before_the_last(editor_client):
    with time_machine.travel(TODAY, tick=False):
        article = reviewed(date(2025, 5, 20), status="draft")
        url = reverse("admin:articles_article_change", args=[article.pk])

        def post(**fields):
            return editor_client.post(url, change_article_data(editor_client, article, **fields))

        assert post(next_review_due="2025-11-30").status_code == 302
        article.refresh_from_db()
        assert article.next_review_due == date(2025, 11, 30)
        # Cleared by hand, it is the usual interval after the last review, never nothing.
        assert post(next_review_due="").status_code == 302
        article.refresh_from_db()
        assert article.next_review_due == date(2026, 5, 20)
        for bad, message in [
            ("2025-05-20", "The next review must fall after the last one (May 20, 2025)."),
            ("2024-01-01", "The next review must fall after the last one (May 20, 2025)."),
            ("20th of May", "Enter a valid date."),
        ]:
            response = post(next_review_due=bad)
            assert response.status_code == 200 and message in response.text
            article.refresh_from_db()
            assert article.next_review_due == date(2026, 5, 20)
        # An answer never reviewed may be given a date to be reviewed by.
        unreviewed = make_article(status="draft")
        url = reverse("admin:articles_article_change", args=[unreviewed.pk])
        data = change_article_data(editor_client, unreviewed, next_review_due="2025-08-01")
        assert editor_client.post(url, data).status_code == 302
        unreviewed.refresh_from_db()
        assert (unreviewed.reviewed_on, unreviewed.next_review_due) == (None, date(2025, 8, 1))


def test_the_fixtures_carry_the_review(tmp_path):
    article = reviewed(date(2025, 3, 4), title="Reviewed?")
    call_command("export_fixtures", str(tmp_path), stdout=io.StringIO())
    article.delete()
    call_command("loaddata", str(tmp_path / "content.json"), verbosity=0)
    loaded = Article.objects.get(slug=article.slug)
    assert (loaded.reviewed_by.name, loaded.reviewed_on, loaded.next_review_due) == (
        "Li Hu Chen",
        date(2025, 3, 4),
        date(2026, 3, 4),
    )
