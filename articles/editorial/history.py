"""Revision history in admin: compare any two saved versions of a row, field by field.

django-reversion stores the versions and restores them; this adds the diff it lacks, in a few
lines of difflib rather than another dependency.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reversion.admin import VersionAdmin
from reversion.models import Revision, Version

from ..durations import humanize

HIDDEN_FIELDS = {"id", "body_html"}  # derived or internal: the diff shows what editors typed
WHEN_FORMAT = "j M Y, H:i:s"
DATE_FORMAT = "j M Y"
_TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")  # words, punctuation, spaces


@dataclass
class Change:
    label: str
    old: str
    new: str
    by_line: bool = False  # lists of rows (tags, picks, references) differ line by line

    @property
    def diff(self) -> SafeString:
        """Word by word, so one changed word in a long answer stands out (shown pre-wrapped)."""
        if self.by_line:
            old = [line + "\n" for line in self.old.splitlines()]
            new = [line + "\n" for line in self.new.splitlines()]
        else:
            old, new = _TOKEN.findall(self.old), _TOKEN.findall(self.new)
        parts = []
        matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                parts.append(escape("".join(old[a1:a2])))
                continue
            if a2 > a1:
                parts.append(f"<del>{escape(''.join(old[a1:a2]))}</del>")
            if b2 > b1:
                parts.append(f"<ins>{escape(''.join(new[b1:b2]))}</ins>")
        return mark_safe("".join(parts))  # noqa: S308 (every piece of text above is escaped)


def when(moment: datetime) -> str:
    """A revision's time as the history shows it: to the second, so two saves a minute apart
    read differently, in the site's time zone."""
    return date_format(timezone.localtime(moment), WHEN_FORMAT)


def _display(field: models.Field, value) -> str:
    """A stored value as editors and readers see it, not as Python prints it."""
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related else f"#{value} (deleted)"
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return date_format(value, DATE_FORMAT)
    if isinstance(value, timedelta):
        return humanize(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _fields(version: Version) -> dict[str, tuple[str, str]]:
    """{name: (label, shown value)} for a version's own fields."""
    model = version._model
    data = version.field_dict
    shown = {}
    for field in model._meta.concrete_fields:
        if field.name in HIDDEN_FIELDS or field.attname not in data:
            continue
        shown[field.name] = (str(field.verbose_name), _display(field, data[field.attname]))
    return shown


def _followed(version: Version) -> dict[str, tuple[str, str]]:
    """Rows saved with this one (tags, picks, references): one line each, per kind."""
    parent = version._model
    lines: dict[str, tuple[str, list[str]]] = {}
    for other in version.revision.version_set.exclude(pk=version.pk):
        model = other._model
        if model is None:
            continue
        links = [
            f
            for f in model._meta.concrete_fields
            if f.is_relation
            and f.related_model is parent
            and str(other.field_dict.get(f.attname)) == str(version.object_id)
        ]
        if not links:
            continue
        data = other.field_dict
        parts = [
            _display(f, data.get(f.attname))
            for f in model._meta.concrete_fields
            if f not in links and f.name != "id" and not f.primary_key
        ]
        label = str(model._meta.verbose_name_plural)
        lines.setdefault(model._meta.label, (label, []))[1].append(" · ".join(parts))
    return {key: (label, "\n".join(sorted(items))) for key, (label, items) in lines.items()}


def changes_between(old: Version, new: Version) -> list[Change]:
    rows = {**_followed(old), **_followed(new)}
    before = _fields(old) | _followed(old)
    after = _fields(new) | _followed(new)
    changes = []
    for name in dict.fromkeys([*after, *before]):
        label, new_value = after.get(name, (before[name][0], ""))
        old_value = before.get(name, (label, ""))[1]
        if old_value != new_value:
            changes.append(Change(label, old_value, new_value, by_line=name in rows))
    return changes


def _author(version: Version) -> str:
    user = version.revision.user
    return user.get_username() if user else "an unknown user"


@contextmanager
def revision_of_one(request: HttpRequest, comment: str) -> Iterator[None]:
    """A revision for one row. Bulk actions make one per row: restoring a revision restores
    every row it holds, so a shared one would undo other articles' later edits."""
    with reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(comment)
        yield


class HistoryAdmin(VersionAdmin):
    """reversion's history (who, when, what), newest first, with a compare step and restore."""

    object_history_template = "admin/history_with_compare.html"
    revision_form_template = "admin/history_restore.html"
    history_latest_first = True
    history_order_by_date = True

    def changelist_view(self, request: HttpRequest, extra_context=None):
        """reversion's list, minus its one revision around every bulk action (see
        ``revision_of_one``)."""
        context = {"has_change_permission": self.has_change_permission(request)}
        return super(VersionAdmin, self).changelist_view(request, context | (extra_context or {}))

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{opts.app_label}_{opts.model_name}_compare",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        """reversion's list of versions, newest (the current one) first, each with its id for
        the compare form."""
        opts = self.model._meta
        versions = self._reversion_order_version_queryset(
            request,
            Version.objects.get_for_object_reference(self.model, unquote(object_id)),
        ).select_related("revision__user")
        action_list = [
            {
                "version": version,
                "revision": version.revision,
                "when": when(version.revision.date_created),
                "is_current": index == 0,
                "url": reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_revision",
                    args=[quote(version.object_id), version.pk],
                ),
            }
            for index, version in enumerate(versions)
        ]
        context = {"action_list": action_list, **(extra_context or {})}
        # Django's own history view (permissions, log entries), past reversion's.
        return super(VersionAdmin, self).history_view(request, object_id, context)

    def revision_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ):
        """reversion's restore form, worded for editors; after a restore, a message and a
        history entry that name the version restored."""
        # reversion matches the id alone: a version of another model's row with the same id
        # would be reverted here, with this model's permissions.
        version = get_object_or_404(
            Version.objects.get_for_model(self.model).select_related("revision__user"),
            pk=version_id,
            object_id=unquote(object_id),
        )
        restored = f"the version of {when(version.revision.date_created)} by {_author(version)}"
        request.restoring = restored  # read by response_change, once the form has saved
        context = {
            "title": "Restore this version",
            "version_when": when(version.revision.date_created),
            "version_by": _author(version),
            **(extra_context or {}),
        }
        try:
            response = super().revision_view(request, object_id, version_id, context)
        except ValidationError as exc:
            # A version saved before a rule it breaks existed: reversion writes it raw, the raw
            # check refuses it, and reversion's transaction leaves the answer as it was.
            messages.error(request, f"This version cannot be restored: {exc.messages[0]}")
            return redirect(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_history", object_id
            )
        if getattr(request, "restored", False):
            # reversion words the new revision's comment itself, after the form has saved.
            newest = Version.objects.get_for_object_reference(self.model, unquote(object_id))
            Revision.objects.filter(pk=newest.order_by("-pk").values("revision")[:1]).update(
                comment=f"Restored {restored}."
            )
        return response

    def recover_view(self, request: HttpRequest, version_id: str, extra_context=None):
        """reversion's, for a deleted row of this model only (see ``revision_view``)."""
        get_object_or_404(Version.objects.get_for_model(self.model), pk=version_id)
        return super().recover_view(request, version_id, extra_context)

    def response_change(self, request: HttpRequest, obj) -> HttpResponse:
        restoring = getattr(request, "restoring", None)
        if restoring is None:
            return super().response_change(request, obj)
        request.restored = True
        self.message_user(request, f"Restored {restoring}.", messages.SUCCESS)
        opts = self.model._meta
        return redirect(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history", quote(obj.pk)
        )

    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such row.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        try:
            chosen = [versions.get(pk=int(request.GET[key])) for key in ("from", "to")]
        except (KeyError, ValueError, Version.DoesNotExist) as exc:
            raise Http404("Choose two versions of this row to compare.") from exc
        old, new = sorted(chosen, key=lambda v: (v.revision.date_created, v.pk))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"Changes to “{obj}”",
            "old": old,
            "new": new,
            "old_when": when(old.revision.date_created),
            "new_when": when(new.revision.date_created),
            "old_by": _author(old),
            "new_by": _author(new),
            "new_is_current": new.pk
            == versions.order_by("-revision__date_created", "-pk").values_list("pk", flat=True)[0],
            "changes": changes_between(old, new),
        }
        return TemplateResponse(request, "admin/history_compare.html", context)
