from django.conf import settings
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from ..editorial import roles
from ..editors import is_editor
from . import responses
from .access import is_public, stored_name

PUBLIC = "public, max-age=86400"
STAFF_ONLY = "private, no-store"


@require_safe
def media_file(request: HttpRequest, path: str) -> HttpResponse:
    """An uploaded file, for whoever may see the row that refers to it, and any stored file for
    editors. Everyone else gets a 404, never a 403, so the answer does not tell that a draft's
    audio exists. Readers' access costs one query and never loads a session."""
    name = stored_name(path)
    if name is None:
        raise Http404("No such file.")
    if is_public(name):
        return _send(request, name, live=True)
    if (
        is_editor(request.user)
        and roles.may_fetch(request.user, name)
        and default_storage.exists(name)
    ):
        return _send(request, name, live=False)
    raise Http404("No such file.")


def _send(request: HttpRequest, name: str, live: bool) -> HttpResponse:
    if prefix := settings.LIVERQA_MEDIA_ACCEL_REDIRECT:
        return responses.accel_redirect(name, prefix, PUBLIC if live else STAFF_ONLY)
    if hasattr(default_storage, "signed_url"):  # a private bucket
        seconds = settings.LIVERQA_MEDIA_SIGNED_SECONDS
        # A cached redirect must not outlive the signature it points to.
        cache_control = f"public, max-age={seconds // 2}" if live else STAFF_ONLY
        return responses.signed_redirect(default_storage.signed_url(name, seconds), cache_control)
    return responses.stream(request, name, PUBLIC if live else STAFF_ONLY)
