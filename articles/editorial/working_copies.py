"""Working copies: changes to a live answer, drafted while readers keep the live version.

A working copy is a hidden ``Article`` row (``working_copy_of`` set, always a draft), so the
whole admin form edits it unchanged. ``Article.objects`` never returns one; ``all_rows`` does.
Publishing changes copies the copy's fields, tags and inline rows onto the live row through its
normal ``save()`` (slug memory, body rendering, indexing signals), as one revision, and deletes
the copy. Callers check ``rules.may_publish`` first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import reversion
from django.db import transaction
from django.utils import timezone

from ..models import Article, Reference, RelatedExclusion, RelatedPick
from . import notifications, rules

# What a copy carries and publishing applies. Not copied: the live row's status and expiry
# (set by the publish buttons) and the copy's own bookkeeping.
NOT_COPIED = {"id", "status", "expires_at", "working_copy_of", "changes_go_live_at"}
FIELDS = {f.attname: f for f in Article._meta.concrete_fields if f.name not in NOT_COPIED}
# Never named as a change of their own: derived from others, or the review's progress (the
# review panel shows it; the copy's review moves while the live answer's is settled).
UNNAMED = {"body_html", "audio_duration", "review_state"}


@dataclass(frozen=True)
class Rows:
    """An answer's rows besides its own: tags, Other Voices picks and exclusions, references."""

    tags: tuple
    picks: tuple
    exclusions: tuple
    references: tuple

    LABELS = {
        "tags": "tags",
        "picks": "Other Voices picks",
        "exclusions": "Other Voices exclusions",
        "references": "references",
    }


def _read_rows(article: Article) -> Rows:
    return Rows(
        tags=tuple(sorted(article.tags.all(), key=lambda t: t.pk)),
        picks=tuple(article.picks.order_by("position", "pk").values_list("related_id", "position")),
        exclusions=tuple(article.exclusions.order_by("pk").values_list("excluded_id", flat=True)),
        references=tuple(
            article.references.order_by("position", "pk").values_list("title", "url", "position")
        ),
    )


def _write_rows(rows: Rows, target: Article) -> None:
    """Make ``target``'s rows these, through saves and deletes the signals see."""
    target.tags.set(list(rows.tags))
    RelatedPick.objects.filter(article=target).delete()
    for related_id, position in rows.picks:
        RelatedPick.objects.create(article=target, related_id=related_id, position=position)
    RelatedExclusion.objects.filter(article=target).delete()
    for excluded_id in rows.exclusions:
        RelatedExclusion.objects.create(article=target, excluded_id=excluded_id)
    Reference.objects.filter(article=target).delete()
    for title, url, position in rows.references:
        Reference.objects.create(article=target, title=title, url=url, position=position)


def _same(a, b) -> bool:
    """Equal as an editor sees them: the admin's date fields drop the microseconds, and
    browsers post a textarea's line breaks as CRLF."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a.replace(microsecond=0) == b.replace(microsecond=0)
    if isinstance(a, str) and isinstance(b, str):
        return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")
    return a == b


def _copy_fields(source: Article, target: Article) -> None:
    for name in FIELDS:
        value = getattr(source, name)
        if not _same(value, getattr(target, name, None)) and (name != "slug" or value):
            setattr(target, name, value)  # an emptied slug is made again from the title


def start_working_copy(article: Article) -> Article:
    """A new hidden draft holding everything ``article`` (live) shows readers now."""
    if article.working_copy_of_id is not None:
        raise ValueError("A working copy has no working copy of its own.")
    with transaction.atomic():
        copy = Article(working_copy_of=article, status=Article.Status.DRAFT)
        _copy_fields(article, copy)
        copy.save()
        _write_rows(_read_rows(article), copy)
    return copy


def working_copy(article: Article) -> Article | None:
    return Article.all_rows.filter(working_copy_of=article).first()


def changed_fields(copy: Article) -> list[str]:
    """Labels of what the copy changes, in form order: ["title", "body", "tags"]."""
    live = Article.objects.get(pk=copy.working_copy_of_id)
    labels = [
        str(field.verbose_name)
        for name, field in FIELDS.items()
        if field.name not in UNNAMED and not _same(getattr(copy, name), getattr(live, name))
    ]
    before, after = _read_rows(live), _read_rows(copy)
    return labels + [
        label
        for name, label in Rows.LABELS.items()
        if getattr(before, name) != getattr(after, name)
    ]


@contextmanager
def revision(user, comment: str) -> Iterator[None]:
    """One revision of the live answer, in one transaction. ``user`` is None for the
    scheduled job."""
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        yield


def publish_changes(copy: Article, user, comment: str = "Published changes.") -> Article | None:
    """Apply the copy to its live answer as one revision, "Published changes", and delete the
    copy. Returns the live answer, saved; None if another editor or the scheduled job
    published or discarded the copy first (then nothing changes)."""
    with revision(user, comment):
        live = Article.objects.select_for_update().get(pk=copy.working_copy_of_id)
        # Read again under the live answer's lock: a copy read before it may be gone, and
        # applying it would put stale fields and no tags or references on the live answer.
        copy = Article.all_rows.filter(pk=copy.pk, working_copy_of=live).first()
        if copy is None:
            return None
        typed_a_date = copy.updated_at != live.updated_at
        _apply(copy, live)
        if not typed_a_date:  # readers are told the answer changed, with no date to type
            rules.mark_updated(live)
        live.save()
    return live


def _apply(copy: Article, target: Article) -> None:
    """Move the copy's fields and rows onto ``target`` (saved by the caller, after) and
    delete the copy."""
    rows = _read_rows(copy)
    _copy_fields(copy, target)
    copy.delete()
    _write_rows(rows, target)


def discard_changes(copy: Article) -> None:
    """Forget the copy; the live answer was never touched."""
    copy.delete()


def schedule_changes(copy: Article, at: datetime) -> None:
    """``publish_scheduled`` applies the copy at ``at``; readers see the live answer until."""
    if at <= timezone.now():
        raise ValueError("Choose a moment still to come.")
    copy.changes_go_live_at = at
    copy.save(update_fields=["changes_go_live_at"])


def unpublish(article: Article, user, comment: str = "Unpublished.") -> Article:
    """Back to draft, as one revision. Pending changes are kept: drafts are edited directly,
    so a working copy's changes move onto the row and the copy goes."""
    with revision(user, comment):
        if copy := working_copy(article):
            _apply(copy, article)
        rules.unpublish(article)
        article.save()
    return article


def publish_scheduled() -> tuple[list[Article], list[Article], list[Article]]:
    """Apply every working copy whose moment has come, tell the authors of those and of
    scheduled answers that have gone live since the last run, and formally unpublish every
    answer past its "unpublish at" (readers stopped seeing it at that moment already).
    Idempotent: a second run finds nothing to do. Returns (answers changed, answers that went
    live, answers unpublished)."""
    due = Article.all_rows.working_copies_due().order_by("changes_go_live_at", "pk")
    changed = []
    for copy in due:
        if (live := publish_changes(copy, None)) is not None:
            notifications.published(live, None)
            changed.append(live)
    went_live = notifications.went_live()
    unpublished = [
        unpublish(article, None, "Unpublished at its scheduled time.")
        for article in Article.objects.expired().order_by("expires_at", "pk")
    ]
    return changed, went_live, unpublished
