"""The admin index for the editor looking at it: their drafts and scheduled answers, what
everyone edited lately, reviews falling due, and their own recent actions, one line per object.

Every list is a query or two with a LIMIT, each read from an index (migration 0014 adds those
the admin log lacked), so the index costs the same at six answers and at 100,000 and however
long the admin log grows. Edits are read from Django's admin log (``LogEntry``),
which every admin save, bulk action, merge and restore writes. ``_answers`` and
``_logged_as_outer_answer`` are the only places that say which answer a log entry is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import ngettext

from ..models import Article
from . import roles
from .reviews import DUE_SOON

SHOWN = 8  # entries per list
WINDOW = 200  # latest log entries read to group into the recent lists


@dataclass
class Activity:
    """Log entries about one object, newest first."""

    entries: list[LogEntry] = field(default_factory=list)
    answer: Article | None = None

    @property
    def last(self) -> LogEntry:
        return self.entries[0]

    @property
    def editors(self) -> list[str]:
        return list(dict.fromkeys(_name(e.user) for e in self.entries))

    @property
    def summary(self) -> str:
        """ "added and edited 4 times", "deleted", "edited 5 times"."""
        if self.last.action_flag == DELETION:
            return "deleted"
        added = any(e.is_addition() for e in self.entries)
        changes = sum(e.is_change() for e in self.entries)
        edited = ngettext("edited once", "edited %(n)d times", changes) % {"n": changes}
        if added:
            return f"added and {edited}" if changes else "added"
        return edited


def _name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def _article_log() -> QuerySet[LogEntry]:
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Article))


def _logged_as_outer_answer() -> Q:
    """Log entries about the answer of the outer query."""
    return Q(object_id=Cast(OuterRef("pk"), TextField()))


def _answers(object_ids: list[str]) -> dict[str, Article]:
    """The answers that log entries name, by the entry's ``object_id``."""
    ids = [int(i) for i in object_ids if i.isdigit()]
    found = Article.objects.only("pk", "title").in_bulk(ids)
    return {str(pk): article for pk, article in found.items()}


def _grouped(entries: list[LogEntry], key) -> list[Activity]:
    groups: dict[object, Activity] = {}
    for entry in entries:
        groups.setdefault(key(entry), Activity()).entries.append(entry)
    return list(groups.values())


def last_edited_by(user: AbstractBaseUser, *answers: QuerySet[Article]) -> list[Article]:
    """Those of ``answers`` whose latest edit is ``user``'s, the latest first, each with
    ``last_edited``. Each queryset is its own query, read from its own index (joined with OR,
    PostgreSQL read every answer's row to find the drafts), and gives ids first: joined to the
    doctors, PostgreSQL misjudged how many drafts pass and compared each with every doctor."""
    latest = _article_log().filter(_logged_as_outer_answer()).order_by("-action_time", "-pk")
    picked = []
    for rows in answers:
        picked += (
            rows.annotate(
                last_editor=Subquery(latest.values("user_id")[:1]),
                last_edited=Subquery(latest.values("action_time")[:1]),
            )
            .filter(last_editor=user.pk)
            .order_by("-last_edited", "-pk")
            .values_list("last_edited", "pk")[:SHOWN]
        )
    picked = sorted(set(picked), reverse=True)[:SHOWN]
    shown = Article.objects.select_related("doctor").in_bulk([pk for _, pk in picked])
    for when, pk in picked:
        shown[pk].last_edited = when
    return [shown[pk] for _, pk in picked]


def recently_edited(user: AbstractBaseUser) -> list[Activity]:
    """The answers anyone edited last, one line each, with who and how often: for a doctor,
    among their own answers (``roles``)."""
    log = _article_log()
    if not roles.sees_every_answer(user):
        # One query with the log's: the entries name answers by their id as text.
        mine = roles.viewable(user, Article.objects.all())
        log = log.filter(object_id__in=mine.values(key=Cast("pk", TextField())))
    entries = list(log.select_related("user").order_by("-action_time", "-pk")[:WINDOW])
    answers = _answers(list({e.object_id for e in entries}))

    def answer_of(entry: LogEntry) -> object:
        answer = answers.get(entry.object_id)
        return answer.pk if answer else entry.object_id  # a deleted answer: its old id

    groups = _grouped(entries, key=answer_of)[:SHOWN]
    for group in groups:
        group.answer = answers.get(group.last.object_id)
    return groups


def my_recent_actions(user: AbstractBaseUser) -> list[Activity]:
    """Django's "Recent actions", one line per object instead of one per save."""
    entries = (
        LogEntry.objects.filter(user=user)
        .select_related("content_type", "user")
        .order_by("-action_time", "-pk")[:WINDOW]
    )
    return _grouped(list(entries), key=lambda e: (e.content_type_id, e.object_id))[:SHOWN]


def reviews_due(user: AbstractBaseUser, today: date | None = None) -> list[Article]:
    """Live answers whose clinical review is overdue or falls due soon, the most urgent first
    (a doctor's own)."""
    today = today or timezone.localdate()
    due = roles.viewable(user, Article.objects.published()).filter(
        next_review_due__lte=today + DUE_SOON
    )
    # Ids first, from the index: rows opened only for the answers shown, however many are due.
    ids = list(due.order_by("next_review_due", "pk").values_list("pk", flat=True)[:SHOWN])
    shown = Article.objects.select_related("doctor").in_bulk(ids)
    return [shown[pk] for pk in ids]


def waiting_for(user: AbstractBaseUser) -> dict[str, int]:
    """What waits for this person in the doctors' review, in one query (none for someone with
    nothing to do there): answers to review (a reviewer's, never their own), their own answers
    sent back with changes requested, and approved answers to publish (an editor's)."""
    doctor = getattr(user, "doctor", None)
    review = Article.objects.in_review_state_q
    wanted = {}
    if doctor is not None and user.has_perm("articles.review_article"):
        wanted["to_review"] = review("in_review") & ~Q(doctor=doctor)
    if doctor is not None:
        wanted["changes_requested"] = review("changes_requested") & Q(doctor=doctor)
    if user.has_perm("articles.publish_article"):
        unpublished = Q(status=Article.Status.DRAFT) | Article.objects.changed_q()
        wanted["approved_to_publish"] = review("approved") & unpublished
    if not wanted:
        return {}
    return Article.objects.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in wanted.items()}
    )


@dataclass
class Dashboard:
    my_drafts: list[Article]
    my_scheduled: list[Article]
    recently_edited: list[Activity]
    reviews_due: list[Article]
    my_actions: list[Activity]
    waiting: dict[str, int]


def dashboard(user: AbstractBaseUser) -> Dashboard:
    """Eleven queries, and the content type's once per process."""
    return Dashboard(
        my_drafts=last_edited_by(
            user, Article.objects.drafts(), Article.objects.with_unpublished_changes()
        ),
        my_scheduled=last_edited_by(user, Article.objects.scheduled()),
        recently_edited=recently_edited(user),
        reviews_due=reviews_due(user),
        my_actions=my_recent_actions(user),
        waiting=waiting_for(user),
    )
