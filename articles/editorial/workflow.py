"""The doctors' review of an answer: writing → in review → approved or changes requested, then
published by an editor.

The state lives on the row whose text is reviewed: a draft itself, or a live answer's working
copy (its changes are what the reviewer reads; publishing them carries the approval, with
``reviewed_by`` and ``reviewed_on``, onto the live row). An approval signs one text, named by
its hash: a different text is not approved, whatever the state says. Each transition is one
transaction, one revision in the answer's history with who and why, and a ``ReviewEvent``. The
admin calls these; they raise ``Refused`` with words for the person who asked.
"""

from __future__ import annotations

import hashlib
import json

import reversion
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import ngettext
from reversion.models import Version

from ..models import Article, ArticleComment, Doctor, ReviewEvent
from ..models.review import SHORT_HASH
from . import notifications, rules
from .working_copies import working_copy

Review = Article.Review
Action = ReviewEvent.Action
MAX_REASON = 500
# The buttons that put a text before readers, which its approval (or a reason) must back.
PUBLISHING = {"_publish", "_schedule"}
# The states from which the author (or an editor) submits the text.
SUBMITTABLE = {Review.WRITING, Review.CHANGES_REQUESTED}
# The fields a medical reviewer vouches for: changing one ends an approval.
REVIEWED_FIELDS = {"title", "summary", "body", "urgent_care", "audio", "doctor"}
# The rows shown with the text that a reviewer vouches for too, by their inline's prefix: the
# references listed under the answer. Tags are not: they file the answer under topics and
# claim nothing clinical.
REVIEWED_ROWS = {"references"}
# The steps that vouch for a text: an approval, and a not-clinical edit that keeps it.
VOUCHING = {Action.APPROVED, Action.NOT_CLINICAL}
# What an approval sets: "Medically reviewed by … on …" and the next review's date.
REVIEW_RECORD = ["reviewed_by", "reviewed_on", "next_review_due"]


def unapproved_in_bulk(count: int) -> str:
    return ngettext(
        "%(n)d answer is not medically approved, so not published: publish it from its form, "
        "saying why.",
        "%(n)d answers are not medically approved, so not published: publish each from its "
        "form, saying why.",
        count,
    ) % {"n": count}


def text_edited(changed) -> bool:
    """Whether a save changing these fields and inline rows (by prefix) changes the text."""
    return bool((REVIEWED_FIELDS | REVIEWED_ROWS) & set(changed))


def text_hash(row: Article) -> str:
    """A fingerprint of what a reviewer vouches for, as stored. An approval records it, so
    which text was approved is provable after the working copy it was made on is published
    and deleted, and an approval never passes to a text that differs from it."""
    values = {}
    for name in sorted(REVIEWED_FIELDS):
        value = getattr(row, Article._meta.get_field(name).attname)
        if isinstance(value, FieldFile):
            value = value.name or ""
        if isinstance(value, str):
            value = value.replace("\r\n", "\n")  # browsers post a textarea's lines as CRLF
        values[name] = value
    if row.pk is not None and (references := _references(row)):
        # Only when there are some: a text without references hashes as it did before they
        # were signed, so the approvals recorded then still name it.
        values["references"] = references
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def _references(row: Article) -> list[list[str]]:
    ordered = row.references.order_by("position", "pk")
    return [[title, url] for title, url in ordered.values_list("title", "url")]


def vouched_hash(answer: Article) -> str:
    """The text the latest approval (or not-clinical edit keeping it) vouches for; "" when it
    was recorded before approvals named their text (migration 0012's, say)."""
    vouching = answer.review_events.filter(action__in=VOUCHING)
    return vouching.values_list("text_hash", flat=True).first() or ""


class Refused(Exception):
    """A transition this person may not make now; the message says why."""


def answer_of(row: Article) -> Article:
    """The answer editors know: a working copy's live answer, else the row itself."""
    return row.working_copy_of if row.is_working_copy else row


def reviewed_row(answer: Article) -> Article:
    """The row whose text is under review: the working copy of a live answer if it has one."""
    return working_copy(answer) or answer


def doctor_of(user) -> Doctor | None:
    return getattr(user, "doctor", None)


def is_author(user, row: Article) -> bool:
    doctor = doctor_of(user)
    return doctor is not None and doctor.pk == row.doctor_id


def frozen_for(user, row: Article) -> bool:
    """While in review the text is the reviewer's to read, not the author's to change; editors
    (who may publish) may still correct it."""
    return (
        row.review_state == Review.IN_REVIEW
        and is_author(user, row)
        and not rules.may_publish(user)
    )


def may_review(user, row: Article) -> bool:
    """A medical reviewer with a doctor of their own, who is not the answer's author."""
    doctor = doctor_of(user)
    return (
        user.has_perm("articles.review_article") and doctor is not None and not is_author(user, row)
    )


def approval_stands(row: Article, edited: bool = False, not_clinical: bool = False) -> bool:
    """Whether the row is approved after this save: an edit ends the approval unless the
    editor marks it not clinical (a typo, formatting), and a text changed past the form (a
    restore from History, an import) was never approved."""
    if row.review_state != Review.APPROVED or (edited and not not_clinical):
        return False
    vouched = vouched_hash(answer_of(row))
    return not vouched or vouched == text_hash(row)


def _record(
    row: Article, user, action: str, to_state: str, comment: str = "", vouches: bool = False
) -> ReviewEvent:
    """Move ``row`` to ``to_state`` as one revision of the answer, with its event; a step that
    ``vouches`` for the text names it by its hash. The revision holds ``row`` itself, so a
    working copy's text stays on record after publishing deletes the copy. Inside a save that
    makes a revision already (the admin's), the step joins it: the admin adds the step's words
    to that revision's comment (see ``WorkflowAdmin.log_change``)."""
    answer = answer_of(row)
    from_state = row.review_state
    row.review_state = to_state
    fingerprint = text_hash(row) if vouches else ""
    revision = None
    if reversion.is_active():
        row.save(update_fields=["review_state", *REVIEW_RECORD])
    else:
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(describe(action, comment, fingerprint))
            row.save()
            if row is not answer:
                reversion.add_to_revision(answer)  # the history editors read is the answer's
        revision = latest_revision(answer)
    return ReviewEvent.objects.create(
        article=answer,
        actor=user,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        text_hash=fingerprint,
        revision=revision,
    )


def describe(action: str, comment: str = "", fingerprint: str = "") -> str:
    """A step in its history's words: "Approved (text #1a2b3c4d): Clear and correct." """
    label = ReviewEvent.Action(action).label
    if fingerprint:
        label = f"{label} (text #{fingerprint[:SHORT_HASH]})"
    return f"{label}: {comment}" if comment else f"{label}."


def latest_revision(answer: Article):
    version = Version.objects.get_for_object(answer).select_related("revision").first()
    return version.revision if version else None


def _locked(row: Article) -> Article:
    """The row read again under a lock: two reviewers pressing at once act one by one, the
    second on what the first left, and an approval reads the text as it is now."""
    return Article.all_rows.select_for_update().get(pk=row.pk)


def submittable(row: Article) -> bool:
    """Being written, sent back, or "approved" for a text that is not the one approved."""
    stale = row.review_state == Review.APPROVED and not approval_stands(row)
    return row.review_state in SUBMITTABLE or stale


def submit(row: Article, user) -> ReviewEvent:
    with transaction.atomic():
        row = _locked(row)
        if not submittable(row):
            raise Refused(f"This answer is {row.get_review_state_display().lower()} already.")
        event = _record(row, user, Action.SUBMITTED, Review.IN_REVIEW)
        notifications.submitted(answer_of(row), user)
    return event


def approve(row: Article, user, seen: str, comment: str = "") -> ReviewEvent:
    """The reviewer signs the text they read (``seen``, its ``text_hash`` when their page was
    made): "Medically reviewed by" them, today. A text changed since is refused."""
    with transaction.atomic():
        row = _check_reviewer(row, user)
        if seen != text_hash(row):
            raise Refused(
                "The text changed after you opened it, so it was not approved: read it again, "
                "then approve."
            )
        row.reviewed_by = doctor_of(user)
        row.reviewed_on = timezone.localdate()
        row.next_review_due = rules.review_due(row.reviewed_on)
        event = _record(row, user, Action.APPROVED, Review.APPROVED, comment, vouches=True)
        notifications.approved(answer_of(row), user)
    return event


def request_changes(row: Article, user, comment: str) -> ReviewEvent:
    with transaction.atomic():
        row = _check_reviewer(row, user)
        if not comment.strip():
            raise Refused("Say what should change: the author reads your comment.")
        event = _record(row, user, Action.CHANGES_REQUESTED, Review.CHANGES_REQUESTED, comment)
        notifications.changes_requested(answer_of(row), user, comment)
    return event


def _check_reviewer(row: Article, user) -> Article:
    row = _locked(row)
    if row.review_state != Review.IN_REVIEW:
        raise Refused("Only an answer submitted for review can be approved or sent back.")
    if is_author(user, row):
        raise Refused("A second doctor reviews an answer: you wrote this one.")
    if not may_review(user, row):
        raise Refused("Only a medical reviewer linked to a doctor may review answers.")
    return row


def edited(row: Article, user, not_clinical: bool) -> ReviewEvent | None:
    """After a save that changed the text of an approved answer: back to review, or, when the
    editor marked the change not clinical, still approved with that on record."""
    if row.review_state != Review.APPROVED:
        return None
    if not_clinical:
        note = "Typo or formatting."
        return _record(row, user, Action.NOT_CLINICAL, Review.APPROVED, note, vouches=True)
    with transaction.atomic():
        _withdraw_approval(row)
        event = _record(row, user, Action.EDITED, Review.IN_REVIEW)
        notifications.submitted(answer_of(row), user)
    return event


def _withdraw_approval(row: Article) -> None:
    """The reviewer's name goes with their approval: the review fields hold again what they
    held before it, when it was made on this row (a working copy keeps the live answer's own
    review, which is true of the live text)."""
    approval = answer_of(row).review_events.filter(action=Action.APPROVED).first()
    if approval is None or approval.revision_id is None:
        return
    versions = Version.objects.get_for_object(row)
    if not versions.filter(revision_id=approval.revision_id).exists():
        return
    before = versions.filter(revision_id__lt=approval.revision_id).first()
    held = before.field_dict if before else {}
    row.reviewed_by_id = held.get("reviewed_by_id")
    row.reviewed_on = held.get("reviewed_on")
    row.next_review_due = held.get("next_review_due")


def take_reviewer_off(row: Article) -> bool:
    """Before a text no reviewer approved is published with the editor's reason: readers get
    no "Medically reviewed by" for it from a reviewer who read another text. A working copy's
    reviewer is the live answer's, who read the live text; a draft's, the one whose approval
    signed the text on record (none on record, as before approvals named their text: kept).
    The text unchanged (only tags or Other Voices edited), the name stays. Returns whether
    it went."""
    if row.reviewed_by_id is None:
        return False
    if row.is_working_copy:
        read = text_hash(row.working_copy_of)
    else:
        read = vouched_hash(row) or text_hash(row)
    if read == text_hash(row):
        return False
    row.reviewed_by = row.reviewed_on = None
    row.save(update_fields=["reviewed_by", "reviewed_on"])
    return True


def published_unapproved(answer: Article, user, from_state: str, reason: str) -> ReviewEvent:
    """The editor's reason for publishing without approval. The caller ties it to the
    revision that published (whose comment carries the reason too)."""
    return ReviewEvent.objects.create(
        article=answer,
        actor=user,
        action=Action.PUBLISHED_UNAPPROVED,
        from_state=from_state,
        to_state=from_state,
        comment=reason,
    )


def comment(answer: Article, user, body: str, parent: ArticleComment | None = None):
    """A note on the answer, kept as a revision of it (so History lists it)."""
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(f"Commented: {Truncator(body).chars(80)}")
        note = ArticleComment.objects.create(article=answer, author=user, body=body, parent=parent)
        reversion.add_to_revision(answer)
    return note
