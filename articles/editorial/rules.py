"""The editorial rules, each written once and called by every road content takes: the admin
form, the bulk actions, the importer and the management commands.

They change an article in memory and leave saving to the caller, who knows what else is saved
with it (a form's other fields, a revision comment). Forms validate input and ask these
functions what follows from it; they never decide a rule themselves.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from ..models import Article
from .reviews import next_review_due


def publication_time(status: str, at: datetime | None) -> datetime | None:
    """Publishing without a date means now; a date in the future schedules the answer."""
    if status == Article.Status.PUBLISHED and at is None:
        return timezone.now()
    return at


def publish(article: Article, at: datetime | None = None) -> None:
    """Make ``article`` public at ``at``, at the date it already has, or now."""
    article.status = Article.Status.PUBLISHED
    article.published_at = publication_time(article.status, at or article.published_at)


def publish_now(article: Article) -> None:
    """The "Publish" button: readers see it now; a date in the past is kept (backdating)."""
    now = timezone.now()
    publish(
        article,
        article.published_at if article.published_at and article.published_at <= now else now,
    )


def unpublish(article: Article) -> None:
    """Back to draft. The publication date is kept, so publishing again restores it."""
    article.status = Article.Status.DRAFT
    article.expires_at = None  # done; publishing again must not hide it at the old moment


def schedule_unpublish(article: Article, at: datetime) -> None:
    """Readers stop seeing a live answer at ``at``: at once, with no job (see ``published()``)."""
    if at <= timezone.now():
        raise ValueError("Choose a moment still to come.")
    article.expires_at = at


def may_publish(user) -> bool:
    """Publishing, unpublishing, scheduling and discarding changes to a live answer all
    change what readers see; only holders of ``publish_article`` may."""
    return user.has_perm("articles.publish_article")


def review_due(reviewed_on: date | None, next_due: date | None = None) -> date | None:
    """A new review restarts the cycle, unless the editor chose the next date by hand."""
    if reviewed_on is None:
        return next_due
    return next_due or next_review_due(reviewed_on)


def mark_updated(article: Article, on: date | None = None) -> None:
    """A substantive change to a live answer dates it: readers see "Updated on", with no date
    for the editor to type. Changes to a draft or a scheduled answer leave it alone (readers
    have not seen them yet). Called when an editor publishes changes to a live answer."""
    if article.is_live:
        article.updated_at = on or timezone.localdate()
