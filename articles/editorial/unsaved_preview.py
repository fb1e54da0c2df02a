"""The "Preview" button: the article form as posted, unsaved, rendered as readers would see it.

The form is validated and its values saved inside a transaction that is always rolled back,
so the reader's template renders the answer exactly as a save would make it (rendered body,
tags, doctor) and nothing is kept: no row, no old address, no index change (on-commit work of
a rolled-back block never runs). Uploads are left out, so no file is stored either; the inline
rows (references, picks) show as last saved. Editors share one preview rate with the body's
live preview.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse

from ..models import Article
from ..views import render_article
from .preview import TOO_MANY, seconds_to_wait


class _Rollback(Exception):
    pass


def unsaved_preview(model_admin, request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if (wait := seconds_to_wait(request)) is not None:
        response = _errors(model_admin, request, [TOO_MANY], status=429)
        response["Retry-After"] = str(wait)
        return response
    instance = _instance(request.POST.get("_preview_of", ""))
    if instance is False:
        return _errors(model_admin, request, ["That answer no longer exists."], status=404)
    form_class = model_admin.get_form(request, instance, change=instance is not None)
    form = form_class(request.POST, instance=instance)
    if not form.is_valid():
        messages = [
            f"{form.fields[name].label if name in form.fields else 'Form'}: {error}"
            for name, errors in form.errors.items()
            for error in errors
        ]
        return _errors(model_admin, request, messages, status=400)
    try:
        with transaction.atomic():
            article = form.save()
            article = Article.all_rows.for_page().get(pk=article.pk)
            response = render_article(request, article, banner="Preview of unsaved changes")
            raise _Rollback
    except _Rollback:
        pass
    response["X-Robots-Tag"] = "noindex"
    return response


def _instance(raw: str) -> Article | None | bool:
    """The row the form edits (a live answer's working copy, if it has one); None for a new
    answer; False if the id names nothing."""
    if not raw:
        return None
    if not raw.isdigit():
        return False
    article = Article.all_rows.filter(pk=int(raw)).first()
    return False if article is None else article


def _errors(model_admin, request: HttpRequest, errors: list[str], status: int) -> HttpResponse:
    """A plain admin page listing what to correct."""
    context = {
        **model_admin.admin_site.each_context(request),
        "errors": errors,
        "title": "This preview cannot be shown",
    }
    return TemplateResponse(
        request, "admin/articles/article/preview_errors.html", context, status=status
    )
