"""The editorial rules, tested once at their own level; the admin, bulk actions and importer
are tested elsewhere for calling them."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from articles.editorial import rules
from articles.models import Article

from .conftest import make_article

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_publishing_without_a_date_means_now():
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    rules.publish(article)
    article.save()
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.PUBLISHED, NOW)
    assert article.state == Article.State.LIVE


@time_machine.travel(NOW, tick=False)
def test_publishing_keeps_a_date_the_article_already_has_or_takes_the_one_given():
    earlier = NOW - timedelta(days=30)
    article = make_article(status=Article.Status.DRAFT, published_at=earlier)
    rules.publish(article)
    assert article.published_at == earlier
    rules.publish(article, at=NOW + timedelta(days=2))
    assert article.published_at == NOW + timedelta(days=2)
    assert article.state == Article.State.SCHEDULED


def test_unpublish_keeps_the_date_so_publishing_again_restores_it():
    article = make_article()
    first = article.published_at
    rules.unpublish(article)
    article.save()
    assert article.state == Article.State.DRAFT
    assert article not in Article.objects.published()
    rules.publish(article)
    assert article.published_at == first


def test_publication_time_leaves_drafts_alone():
    assert rules.publication_time(Article.Status.DRAFT, None) is None
    assert rules.publication_time(Article.Status.PUBLISHED, NOW) == NOW


def test_a_review_is_due_again_a_cycle_later_unless_a_date_is_chosen(settings):
    settings.LIVERQA_REVIEW_INTERVAL_MONTHS = 12
    assert rules.review_due(date(2025, 3, 4)) == date(2026, 3, 4)
    assert rules.review_due(date(2025, 4, 1), date(2025, 10, 1)) == date(2025, 10, 1)
    assert rules.review_due(None) is None


def test_saving_an_article_derives_only_the_body_and_slug():
    """save() no longer publishes or dates anything: a published row without a date is
    refused by the database, not quietly given one."""
    from django.db import IntegrityError, transaction

    article = make_article(title="Is it safe?", body="**Yes.**")
    assert article.slug == "is-it-safe"
    assert article.body_html == "<p><strong>Yes.</strong></p>"
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(published_at=None)
