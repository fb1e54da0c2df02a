"""The doctors' review of an answer: each step of its workflow, and the comments beside the
form. Both belong to the answer editors know (never a working copy, which publishing deletes)
and are never shown to readers."""

from __future__ import annotations

import reversion
from django.conf import settings
from django.db import models
from reversion.models import Revision

from .content import Article

MAX_COMMENT = 2000
# How much of a text's hash people read: enough to tell two versions apart.
SHORT_HASH = 8


class ReviewEvent(models.Model):
    """One step of the workflow: who moved the answer from which state to which, and why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Requested changes"
        EDITED = "edited", "Edited after approval"
        NOT_CLINICAL = "not_clinical", "Edited after approval, not clinically"
        PUBLISHED_UNAPPROVED = "published_unapproved", "Published without approval"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    from_state = models.CharField(max_length=20, choices=Article.Review.choices)
    to_state = models.CharField(max_length=20, choices=Article.Review.choices)
    comment = models.TextField(blank=True, max_length=MAX_COMMENT)
    # For an approval (or a not-clinical edit keeping it): the SHA-256 of the text it vouches
    # for (``editorial.workflow.text_hash``); empty for other steps.
    text_hash = models.CharField(max_length=64, blank=True, default="")
    # The revision this step made: it holds the row whose text was reviewed (a working copy's
    # too, kept after publishing deletes the copy).
    revision = models.ForeignKey(Revision, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["article", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.article}"

    @property
    def short_hash(self) -> str:
        return self.text_hash[:SHORT_HASH]


@reversion.register()
class ArticleComment(models.Model):
    """A note between author, reviewers and editors; plain text, shown escaped."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(max_length=MAX_COMMENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="article_comment_not_empty")
        ]

    def __str__(self) -> str:
        return f"Comment on {self.article}"


class GoLiveNotice(models.Model):
    """An e-mail still owed: the author of an answer scheduled to go live is told again when it
    does (``publish_scheduled`` sends it and deletes this row). Readers need no job to see a
    scheduled answer, so nothing else marks the moment."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Tell the author when {self.article} goes live"
