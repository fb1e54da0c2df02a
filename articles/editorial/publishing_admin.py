"""The article form's buttons, and working copies of live answers, in the admin.

Drafts and scheduled answers are edited directly, one revision per save. A live answer's form
edits its working copy instead (``working_copies``): the live row, the public page, search and
Other Voices stay as they are until "Publish changes". The rules live in ``rules`` and
``working_copies``; this decides which button was pressed, checks the permission, and says what
happened.
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from reversion.models import Version

from ..models import Article, RelatedArticle
from . import rules, working_copies
from .forms import PUBLISHING_BUTTONS, pressed
from .unsaved_preview import unsaved_preview

# The dates that decide when readers see an answer, besides the buttons.
READERS_DATES = ["published_at", "expires_at"]
# reversion's views that open the form filled with an old version.
RESTORING = {"articles_article_revision", "articles_article_recover"}


class _KeepNothing(Exception):
    """Raised to roll back a working copy started by a save whose form had errors."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _sentence(text: str) -> str:
    return text.removesuffix(".") + "."  # one full stop after "4:51 a.m."


class PublishingAdmin:
    """A mixin for ``ArticleAdmin``, before ``HistoryAdmin`` in its bases."""

    change_form_template = "admin/articles/article/change_form.html"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/discard-changes/",
                self.admin_site.admin_view(self.discard_view),
                name="articles_article_discard",
            ),
            path(
                "preview-unsaved/",
                self.admin_site.admin_view(self.unsaved_preview_view),
                name="articles_article_preview_unsaved",
            ),
            *super().get_urls(),
        ]

    # Which row the form edits.

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ):
        # Every save of the form comes here: add, change, and History's restore and recover,
        # which reversion sends here past change_view.
        _refuse_unless_may_publish(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        live = Article.objects.filter(pk=_pk(object_id)).first()
        if live is None or not live.is_live:
            return super().change_view(request, object_id, form_url, extra_context)
        request.editing_live = live
        try:
            with transaction.atomic():
                # No revision: a working copy's saves are drafts, not the answer's history.
                response = admin.ModelAdmin.change_view(
                    self, request, object_id, form_url, extra_context
                )
                if getattr(request, "copy_started", False) and response.status_code != 302:
                    response.render()
                    raise _KeepNothing(response)
        except _KeepNothing as kept:
            return kept.response
        return response

    def get_object(self, request: HttpRequest, object_id, from_field=None):
        live = getattr(request, "editing_live", None)
        if live is None or str(live.pk) != str(object_id):
            return super().get_object(request, object_id, from_field)
        copy = working_copies.working_copy(live)
        if copy is None and request.method == "POST" and self.has_change_permission(request, live):
            copy = working_copies.start_working_copy(live)
            request.copy_started = True
            _rebind_inlines(request, copy)
        return copy or live

    def get_inline_instances(self, request: HttpRequest, obj=None):
        """A working copy is ranked nowhere: the computed Other Voices table is the live one's."""
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and obj.is_working_copy:
            return [i for i in inlines if i.model is not RelatedArticle]
        return inlines

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        """Without the publish permission, the dates of a scheduled or live answer (a copy's
        too) are shown, not edited: a plain save moving them would publish or hide it."""
        fields = super().get_readonly_fields(request, obj)
        live = obj.working_copy_of if obj is not None and obj.is_working_copy else obj
        if live is None or live.status != Article.Status.PUBLISHED:
            return fields
        if rules.may_publish(request.user):
            return fields
        return [*fields, *READERS_DATES]

    # Restoring from History saves straight onto the row, past the buttons.

    def revision_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        _refuse_restore_unless_may_publish(request, version_id)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request: HttpRequest, version_id, extra_context=None):
        _refuse_restore_unless_may_publish(request, version_id)
        return super().recover_view(request, version_id, extra_context)

    # Saving, then what the button asked for.

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        button = pressed(request.POST)
        if not obj.is_working_copy:
            if button == "_publish":
                rules.publish_now(obj)
            elif button == "_schedule":
                rules.publish(obj, form.cleaned_data["when"])
            elif button == "_unpublish":
                rules.unpublish(obj)
            elif button == "_schedule_unpublish":
                rules.schedule_unpublish(obj, form.cleaned_data["when"])
        # A working copy's button acts once everything is saved (see _after_save).
        request.scheduled_for = form.cleaned_data.get("when")
        super().save_model(request, obj, form, change)

    def _act_on_copy(self, request: HttpRequest, copy: Article, when) -> str:
        button = pressed(request.POST)
        live = copy.working_copy_of
        pending = working_copies.changed_fields(copy)
        if button == "_publish":
            comment = getattr(request, "publish_comment", "Published changes.")
            live = working_copies.publish_changes(copy, request.user, comment)
            return _outcome("_publish", live)
        if button == "_unpublish":
            working_copies.unpublish(live, request.user)
            return format_html("Unpublished “{}”; readers no longer see it.", live)
        if not pending and copy.changes_go_live_at is None:
            working_copies.discard_changes(copy)  # nothing to keep
        if button == "_schedule":
            if not pending:
                return "Nothing to schedule: these are the published version's own values."
            working_copies.schedule_changes(copy, when)
            return format_html(
                "Your changes to “{}” go live on {}; readers see the published version until then.",
                live,
                _when(when),
            )
        if button == "_schedule_unpublish":
            rules.schedule_unpublish(live, when)
            comment = _sentence(f"Scheduled to unpublish on {_when(when)}")
            with working_copies.revision(request.user, comment):
                live.save(update_fields=["expires_at"])
            return format_html("“{}” will be unpublished on {}.", live, _when(when))
        if not pending:
            return "No changes to save: readers see the published version, as you do."
        return format_html(
            "Saved a draft of your changes; readers still see the published version. "
            '<a href="{}">Preview it</a> / Publish changes below.',
            live.get_absolute_url(),
        )

    def log_change(self, request: HttpRequest, obj: Article, message):
        """Logged against the answer editors know, never its hidden copy."""
        if obj.is_working_copy and obj.working_copy_of_id:
            obj = Article.objects.filter(pk=obj.working_copy_of_id).first() or obj
        return super().log_change(request, obj, message)

    def construct_change_message(self, request: HttpRequest, form, formsets, add=False):
        """What the form changed, then what its button did: the history says "Published."
        where Django would say "No fields changed." (the button is no field)."""
        message = super().construct_change_message(request, form, formsets, add)
        done = _done(pressed(request.POST), form.instance)
        if not done or form.instance.is_working_copy:
            return message  # a copy's button writes the live answer's history itself
        fields = (
            LogEntry(change_message=json.dumps(message)).get_change_message() if message else ""
        )
        return f"{fields} {done}".strip()

    def response_add(self, request: HttpRequest, obj: Article, post_url_continue=None):
        return self._after_save(request, obj) or super().response_add(request, obj)

    def response_change(self, request: HttpRequest, obj: Article):
        return self._after_save(request, obj) or super().response_change(request, obj)

    def _after_save(self, request: HttpRequest, obj: Article) -> HttpResponse | None:
        """Once the form, its tags and inline rows are saved (and other save_related steps
        have read them): a working copy's button acts; then back to the answer's form, saying
        what happened. A restore from History keeps reversion's own response."""
        if request.resolver_match.url_name in RESTORING:
            return None
        button = pressed(request.POST)
        if obj.is_working_copy:
            outcome = self._act_on_copy(request, obj, request.scheduled_for)
        elif button == "_save":
            return None  # a draft or scheduled answer saved: Django's own words and redirect
        else:
            outcome = _outcome(button, obj)
        if "_popup" in request.POST:
            return None
        self.message_user(request, outcome, messages.SUCCESS)
        pk = obj.working_copy_of_id or obj.pk
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))

    # The page around the form: banner and buttons.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        live = obj.working_copy_of if obj is not None and obj.is_working_copy else obj
        copy = obj if obj is not None and obj.is_working_copy else None
        if getattr(request, "copy_started", False):
            copy = None  # started by this save, whose errors keep nothing: no changes to show
        state = "new" if live is None else live.state
        if request.resolver_match.url_name in RESTORING:
            state = "restore"  # one button: saving restores the version, whatever the state
        context |= {
            "article_state": state,
            "working_copy": copy,
            "live_article": live,
            "changed_fields": working_copies.changed_fields(copy) if copy else [],
            "may_publish": rules.may_publish(request.user),
            "editing_pk": "" if obj is None else obj.pk,  # what the unsaved preview validates
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Discard, with a confirmation step.

    def discard_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        live = get_object_or_404(Article, pk=_pk(object_id))
        if not (self.has_change_permission(request, live) and rules.may_publish(request.user)):
            raise PermissionDenied
        copy = working_copies.working_copy(live)
        change_url = reverse("admin:articles_article_change", args=[live.pk])
        if copy is None:
            self.message_user(request, "There are no changes to discard.", messages.WARNING)
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            working_copies.discard_changes(copy)
            self.log_change(request, live, "Discarded the draft of changes.")
            self.message_user(
                request,
                format_html("Discarded your changes; “{}” is as readers see it.", live),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": live,
            "title": f"Discard the changes to “{live}”?",
            "changed_fields": working_copies.changed_fields(copy),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/articles/article/discard_changes.html", context)

    def unsaved_preview_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        return unsaved_preview(self, request)


def _refuse_unless_may_publish(request: HttpRequest) -> None:
    """A button that changes what readers see, posted without the permission: nothing saved."""
    publishing = request.method == "POST" and pressed(request.POST) in PUBLISHING_BUTTONS
    if publishing and not rules.may_publish(request.user):
        raise PermissionDenied


def _refuse_restore_unless_may_publish(request: HttpRequest, version_id) -> None:
    """A restore (or a "recover" of a row that still exists) onto a live or scheduled answer,
    or of a published version, changes what readers see: it needs the publish permission,
    like the buttons."""
    if request.method != "POST" or rules.may_publish(request.user):
        return
    version = Version.objects.get_for_model(Article).filter(pk=_pk(version_id)).first()
    if version is None:
        return  # reversion's own 404
    current = Article.objects.filter(pk=_pk(version.object_id)).first()
    if Article.Status.PUBLISHED in {
        version.field_dict.get("status"),
        getattr(current, "status", None),
    }:
        raise PermissionDenied


def _pk(object_id) -> int | None:
    try:
        return int(unquote(str(object_id)))
    except ValueError:
        return None


def _done(button: str, article: Article) -> str:
    """A draft's or scheduled answer's publishing button, in its history's words."""
    if button == "_publish" or (button == "_schedule" and article.is_live):
        return "Published."
    if button == "_schedule":
        return _sentence(f"Scheduled to go live on {_when(article.published_at)}")
    if button == "_unpublish":
        return "Back to draft."
    return ""


def _outcome(button: str, article: Article) -> str:
    url = article.get_absolute_url()
    if button == "_publish" or (button == "_schedule" and article.is_live):
        return format_html('Published “{}”. View it live: <a href="{}">{}</a>', article, url, url)
    if button == "_schedule":
        return format_html(
            "Scheduled “{}” to go live on {}. "
            '<a href="{}">Preview it</a> at its address (editors only until then).',
            article,
            _when(article.published_at),
            url,
        )
    if button == "_unpublish":
        return format_html("Moved “{}” back to draft; readers no longer see it.", article)
    # "_schedule_unpublish", the one button left
    return format_html("“{}” will be unpublished on {}.", article, _when(article.expires_at))


# The inline formsets of the live answer's form, by prefix, and how their rows are ordered in
# it (each model's Meta.ordering), so a working copy made during the save can take them over.
_INLINES = {"picks": ("position", "pk"), "exclusions": ("pk",), "references": ("position", "pk")}


def _rebind_inlines(request: HttpRequest, copy: Article) -> None:
    """The posted form showed the live answer's rows; the copy made just now holds the same
    rows, in the same order, under new ids. Point the posted rows at the copy's."""
    post = request.POST.copy()
    for prefix, ordering in _INLINES.items():
        ids = list(getattr(copy, prefix).order_by(*ordering).values_list("pk", flat=True))
        for n in range(min(_count(post, f"{prefix}-INITIAL_FORMS"), len(ids))):
            post[f"{prefix}-{n}-id"] = str(ids[n])
        for n in range(min(_count(post, f"{prefix}-TOTAL_FORMS"), 1000)):
            if f"{prefix}-{n}-article" in post:
                post[f"{prefix}-{n}-article"] = str(copy.pk)
    request.POST = post


def _count(post, key: str) -> int:
    """A formset's posted count; junk is for the formset's own check to refuse."""
    value = post.get(key, "")
    return int(value) if value.isdigit() else 0
