"""The body editor's live preview: the answer as readers will get it, a few times a minute.

The browser asks 300 ms after each pause in typing, so one editor can ask often; each answer
parses the whole body. A per-editor rate (``LIVERQA_PREVIEW_RATE``, counted in the default
cache: per process, or shared through Redis) and the body's length limit keep one editor from
occupying a worker.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django_ratelimit.core import get_usage

from ..richtext import check_body, render_markdown

TOO_MANY = "Too many previews in a short time; the preview resumes in a moment. Saving still works."


def seconds_to_wait(request: HttpRequest) -> int | None:
    """Counts this preview against the editor's rate (the body preview and the unsaved page
    preview share it); None if it may go ahead, else the seconds until it may."""
    usage = get_usage(
        request,
        group="article-body-preview",
        key="user",
        rate=settings.LIVERQA_PREVIEW_RATE,
        increment=True,
    )
    if usage and usage["should_limit"]:
        return max(1, usage["time_left"])
    return None


def body_preview(request: HttpRequest) -> JsonResponse:
    if (wait := seconds_to_wait(request)) is not None:
        response = JsonResponse({"error": TOO_MANY}, status=429)
        response["Retry-After"] = str(wait)
        return response
    body = request.POST.get("body", "")
    try:
        check_body(body)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    return JsonResponse({"html": render_markdown(body)})
