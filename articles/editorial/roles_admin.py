"""The roles in the article admin: every list, form, action and endpoint shows and allows the
rows ``roles`` says. Editors keep everything; a doctor gets their own answers, with the doctor
fixed to themselves and the editors' fields (review, publishing dates) read-only.

A row a doctor may not open is a 404 wherever its id is named, like a row that does not exist,
so the answer does not tell another doctor's drafts apart from ids never used.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from ..models import Article
from . import roles

# The "Publishing" section's words for those who may not publish.
NOT_YOURS_TO_PUBLISH = (
    "Editors publish, schedule and unpublish answers and set these dates; save your draft "
    "and an editor takes it from there."
)


class RolesAdmin:
    """A mixin for ``ArticleAdmin``, first in its bases."""

    def get_queryset(self, request: HttpRequest):
        return roles.viewable(request.user, super().get_queryset(request))

    def get_object(self, request: HttpRequest, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and roles.sees_every_answer(request.user):
            return None  # Django's own "does not exist" for editors, as before
        if obj is None or not roles.may_view(request.user, obj):
            raise Http404("No such answer.")
        return obj

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and roles.may_add(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or roles.may_view(request.user, obj))

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or roles.may_edit(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or roles.may_delete(request.user, obj))

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None):
        fields = super().get_readonly_fields(request, obj)
        if roles.sees_every_answer(request.user):
            return fields
        return [*fields, *(f for f in roles.EDITORS_FIELDS if f not in fields)]

    def get_fieldsets(self, request: HttpRequest, obj: Article | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if roles.sees_every_answer(request.user):
            return fieldsets
        return [
            (name, {**options, "description": NOT_YOURS_TO_PUBLISH})
            if name == "Publishing"
            else (name, options)
            for name, options in fieldsets
        ]

    def get_form(self, request: HttpRequest, obj: Article | None = None, change=False, **kwargs):
        """A doctor's answers are theirs: the form sets the doctor on every row it adds (the
        field is read-only, so a posted one is never read). A row that exists keeps its doctor:
        a medical reviewer's view of another doctor's answer must not make it theirs."""
        form = super().get_form(request, obj, change=change, **kwargs)
        if roles.sees_every_answer(request.user):
            return form
        doctor = roles.doctor_of(request.user)

        class OwnAnswerForm(form):
            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, **kwargs)
                if self.instance._state.adding:
                    self.instance.doctor = doctor

        return OwnAnswerForm

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if roles.sees_every_answer(request.user):
            return super().changelist_view(request, extra_context)
        # reversion's list offers "Recover deleted" on this flag; deleted answers are editors'.
        return super().changelist_view(
            request, {"has_change_permission": False, **(extra_context or {})}
        )

    # Views that name a row outside get_object, and deleted rows, which have no doctor to ask.

    def discard_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        self.get_object(request, unquote(object_id))  # a 404 if this account may not open it
        return super().discard_view(request, object_id)

    def unsaved_preview_view(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("_preview_of", "")
        if raw.isdigit():
            article = Article.all_rows.filter(pk=int(raw)).first()
            if article is not None and not roles.may_edit(request.user, article):
                raise Http404("No such answer.")
        return super().unsaved_preview_view(request)

    def revision_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        """Asked of the answer as it is now, before reversion writes the old version over it
        and the form asks again: an old version must not hand back an answer since given to
        another doctor, nor unfreeze one in review."""
        current = self.get_object(request, unquote(object_id))
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied
        return super().revision_view(request, object_id, version_id, extra_context)

    def recoverlist_view(self, request: HttpRequest, extra_context=None):
        if not roles.sees_every_answer(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request: HttpRequest, version_id, extra_context=None):
        if not roles.sees_every_answer(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)
