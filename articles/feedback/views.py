"""The form's endpoint, for a plain form post (answered with a page) and for the page's script
(answered with JSON, ``Accept: application/json``). Exempt from Django's CSRF check, whose
token the shared cached page cannot carry; ``guard`` says what stands in for it."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from ..models import Article, Feedback
from ..models.feedback import MAX_COMMENT
from ..pagecache import depends_on
from . import guard
from .forms import FeedbackForm

THANKS = "Thank you. Your answer helps our doctors improve this page."


@csrf_exempt
@require_POST
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not guard.same_origin(request):
        return _refuse(request, article, "This form can only be sent from our own pages.", 403)
    if wait := guard.seconds_until_allowed(request, article):
        response = _refuse(
            request,
            article,
            "You have sent a lot of feedback in a short time; please try again later.",
            429,
        )
        response["Retry-After"] = str(wait)
        return response
    form = FeedbackForm(request.POST, article)
    if not form.is_valid():
        message = next(iter(form.errors.values()))[0]
        return _refuse(request, article, message, 400, form)
    if not form.cleaned_data["website"]:  # else a bot: thanked, not stored
        Feedback.objects.create(
            article=article,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
        )
    if _wants_json(request):
        return JsonResponse({"message": THANKS})
    response = HttpResponseRedirect(reverse("articles:feedback_thanks", args=[article.slug]))
    response.status_code = 303  # See Other: reloading the thank-you page posts nothing again
    return response


@require_safe
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    depends_on(request, f"article:{article.pk}")
    return render(
        request,
        "articles/feedback.html",
        {"article": article, "message": THANKS, "error": "", "token": ""},
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept") == "application/json"


def _refuse(
    request: HttpRequest,
    article: Article,
    message: str,
    status: int,
    form: FeedbackForm | None = None,
) -> HttpResponse:
    """The reason, and for a mistake the reader can fix, the form again with what they wrote."""
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    context = {"article": article, "error": message, "token": ""}
    if form is not None:
        context |= {
            "comment": form.data.get("comment", ""),
            "token": guard.token(article),
            "max_comment": MAX_COMMENT,
        }
    return render(request, "articles/feedback.html", context, status=status)
