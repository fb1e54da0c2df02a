"""The doctors' review in the article form: its buttons (Submit for review, Approve, Request
changes), the reason an editor gives for publishing an unapproved text, the record of each
step, and the comments beside the form. The rules are ``workflow``'s; this asks them, says
what happened, and refuses what they refuse."""

from __future__ import annotations

from dataclasses import dataclass

import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from ..models import Article, ArticleComment, ReviewEvent
from ..models.review import MAX_COMMENT, SHORT_HASH
from . import notifications, roles, rules, workflow, working_copies
from .forms import pressed
from .publishing_admin import _pk


class ReviewStateFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "medical_review"

    def lookups(self, request, model_admin):
        return [
            ("in_review", "In review"),
            ("to_review", "In review, not mine"),
            ("changes_requested", "Changes requested"),
            ("approved_to_publish", "Approved, to publish"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "approved_to_publish":
            return queryset.approved_to_publish()
        if value == "to_review":
            doctor = workflow.doctor_of(request.user)
            return queryset.awaiting_review().exclude(doctor=doctor) if doctor else queryset.none()
        if value in {"in_review", "changes_requested"}:
            return queryset.in_review_state(value)
        return queryset


class CommentForm(forms.Form):
    body = forms.CharField(max_length=MAX_COMMENT, strip=True)
    parent = forms.IntegerField(required=False)

    def __init__(self, *args, answer: Article, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.answer = answer

    def clean_parent(self) -> ArticleComment | None:
        pk = self.cleaned_data.get("parent")
        if pk is None:
            return None
        parent = ArticleComment.objects.filter(pk=pk, article=self.answer).first()
        if parent is None:
            raise forms.ValidationError("That comment is not on this answer.")
        return parent


@dataclass
class ReviewPanel:
    """What the form shows of the review: state, what this person may do, steps, comments."""

    row: Article
    events: list[ReviewEvent]
    comments: list[ArticleComment]
    may_submit: bool
    may_review: bool
    frozen: bool
    text_hash: str  # of the text as shown: an approval names it
    vouched: str  # the hash the latest approval vouches for, "" if none on record

    @property
    def approved(self) -> bool:
        """Approved, and this very text: one changed past the form needs a review again."""
        return self.row.review_state == Article.Review.APPROVED and self.text_approved

    @property
    def text_approved(self) -> bool:
        return not self.vouched or self.vouched == self.text_hash

    @property
    def short_hash(self) -> str:
        return self.text_hash[:SHORT_HASH]

    @property
    def threads(self) -> list[tuple[ArticleComment, list[ArticleComment]]]:
        """Top-level comments, oldest first, each with its replies."""
        replies: dict[int, list[ArticleComment]] = {}
        for note in self.comments:
            if note.parent_id:
                replies.setdefault(note.parent_id, []).append(note)
        return [(n, replies.get(n.pk, [])) for n in self.comments if not n.parent_id]


class WorkflowAdmin:
    """A mixin for ``ArticleAdmin``, before ``PublishingAdmin`` in its bases."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="articles_article_review",
            ),
            path(
                "<path:object_id>/comment/",
                self.admin_site.admin_view(self.comment_view),
                name="articles_article_comment",
            ),
            *super().get_urls(),
        ]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        """The author reads their text while it is in review; the form is read-only for them."""
        frozen = obj is not None and workflow.frozen_for(request.user, obj)
        return super().has_change_permission(request, obj) and not frozen

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        """Nor may they delete it while a reviewer reads it: no Delete link, and the delete
        view and the bulk action refuse it."""
        frozen = obj is not None and workflow.frozen_for(request.user, obj)
        return super().has_delete_permission(request, obj) and not frozen

    # Saving: an approval ends with a clinical edit; a reason backs an unapproved publication.

    def add_view(self, request: HttpRequest, form_url="", extra_context=None):
        return self._linked(request, super().add_view(request, form_url, extra_context))

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        return self._linked(
            request, super().change_view(request, object_id, form_url, extra_context)
        )

    def revision_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        return self._linked(
            request, super().revision_view(request, object_id, version_id, extra_context)
        )

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ):
        # Keeping an approval through an edit is the editor's call, never the author's: asked
        # here, where every save of the form passes (a restore from History too).
        posted = request.method == "POST" and request.POST.get("not_clinical")
        if posted and not rules.may_publish(request.user):
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _linked(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """The steps a save made, tied to the revision it made: reversion writes that revision
        only as the view returns."""
        for event in getattr(request, "workflow_events", []):
            event.revision = workflow.latest_revision(event.article)
            event.save(update_fields=["revision"])
        return response

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        request.workflow_notes, request.workflow_events = [], []
        reason = form.cleaned_data.get("publish_reason")
        if pressed(request.POST) in workflow.PUBLISHING and reason and form.unapproved:
            request.publish_reason = (obj.review_state, reason)
            note = workflow.describe(ReviewEvent.Action.PUBLISHED_UNAPPROVED, reason)
            request.workflow_notes.append(note)
            request.publish_comment = f"Published changes. {note}"

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """Once the references are saved too, since the text an approval signs holds them."""
        super().save_related(request, form, formsets, change)
        row = form.instance
        changed = [*form.changed_data, *(f.prefix for f in formsets if f.has_changed())]
        if change and workflow.text_edited(changed):
            event = workflow.edited(row, request.user, form.cleaned_data.get("not_clinical"))
            if event is not None:
                note = workflow.describe(event.action, event.comment, event.text_hash)
                request.workflow_notes.insert(0, note)  # before a reason to publish it
                request.workflow_events.append(event)
        if getattr(request, "publish_reason", None) and workflow.take_reviewer_off(row):
            note = "No reviewer named: none read this text."
            request.workflow_notes.append(note)
            if hasattr(request, "publish_comment"):
                request.publish_comment += f" {note}"

    def log_change(self, request: HttpRequest, obj, message):
        return self._noted(request, super().log_change(request, obj, message))

    def log_addition(self, request: HttpRequest, obj, message):
        return self._noted(request, super().log_addition(request, obj, message))

    def _noted(self, request: HttpRequest, entry):
        """The admin's revision says what the workflow made of the save, after what changed."""
        notes = getattr(request, "workflow_notes", [])
        if notes and reversion.is_active():
            reversion.set_comment(" ".join([entry.get_change_message(), *notes]))
        return entry

    def response_add(self, request: HttpRequest, obj: Article, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._published(request, obj)
        return response

    def response_change(self, request: HttpRequest, obj: Article):
        response = super().response_change(request, obj)
        self._published(request, obj)
        return response

    def _published(self, request: HttpRequest, obj: Article) -> None:
        if pressed(request.POST) not in workflow.PUBLISHING:
            return
        answer = Article.objects.filter(pk=obj.working_copy_of_id or obj.pk).first()
        if answer is None:
            return
        if reason := getattr(request, "publish_reason", None):
            event = workflow.published_unapproved(answer, request.user, *reason)
            request.workflow_events.append(event)
        if not (obj.is_working_copy and pressed(request.POST) == "_schedule"):
            notifications.published(answer, request.user)
        elif (copy := working_copies.working_copy(answer)) and copy.changes_go_live_at:
            notifications.changes_scheduled(answer, request.user, copy.changes_go_live_at)

    # The review's buttons and the comments, each a small POST of its own.

    @method_decorator(require_POST)
    def review_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        answer = get_object_or_404(Article, pk=_pk(object_id))
        if not roles.may_view(request.user, answer):
            raise Http404("No such answer.")  # another doctor's, as on every admin page
        if not self.has_view_permission(request, answer):
            raise PermissionDenied
        row = workflow.reviewed_row(answer)
        action = request.POST.get("_review", "")
        comment = request.POST.get("review_comment", "").strip()
        try:
            if len(comment) > MAX_COMMENT:
                raise workflow.Refused(f"Keep the comment under {MAX_COMMENT:,} characters.")
            if action == "submit":
                if not self.has_change_permission(request, row):
                    raise PermissionDenied
                event = workflow.submit(row, request.user)
                done = "Submitted for medical review; the text is frozen for its author until then."
            elif action == "approve":
                seen = request.POST.get("review_text", "")
                event = workflow.approve(row, request.user, seen, comment)
                done = "Approved: the answer names you as its medical reviewer once published."
            elif action == "request_changes":
                event = workflow.request_changes(row, request.user, comment)
                done = "Sent back to the author with your comment."
            else:
                raise workflow.Refused("Choose Submit for review, Approve or Request changes.")
        except workflow.Refused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        else:
            # In the admin log too, for the dashboard's recent lists.
            note = workflow.describe(event.action, event.comment, event.text_hash)
            self.log_change(request, answer, note)
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[answer.pk]))

    @method_decorator(require_POST)
    def comment_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        answer = get_object_or_404(Article, pk=_pk(object_id))
        if not roles.may_view(request.user, answer):
            raise Http404("No such answer.")  # another doctor's, as on every admin page
        if not self.has_view_permission(request, answer):
            raise PermissionDenied
        form = CommentForm(request.POST, answer=answer)
        if form.is_valid():
            workflow.comment(
                answer, request.user, form.cleaned_data["body"], form.cleaned_data["parent"]
            )
            self.message_user(request, "Comment added.", messages.SUCCESS)
        else:
            problems = [e for errors in form.errors.values() for e in errors]
            self.message_user(request, "Comment not added: " + " ".join(problems), messages.ERROR)
        url = reverse("admin:articles_article_change", args=[answer.pk])
        return HttpResponseRedirect(f"{url}#comments")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["review"] = self._panel(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _panel(self, request: HttpRequest, row: Article) -> ReviewPanel:
        answer = workflow.answer_of(row)
        user = request.user
        events = list(answer.review_events.select_related("actor"))  # newest first
        return ReviewPanel(
            row=row,
            events=events,
            comments=list(answer.comments.select_related("author")),
            may_submit=workflow.submittable(row)
            and (workflow.is_author(user, row) or rules.may_publish(user)),
            may_review=row.review_state == Article.Review.IN_REVIEW
            and workflow.may_review(user, row),
            frozen=workflow.frozen_for(user, row),
            text_hash=workflow.text_hash(row),
            vouched=next((e.text_hash for e in events if e.action in workflow.VOUCHING), ""),
        )
