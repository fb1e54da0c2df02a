"""Is this question already answered? TF-IDF over character trigrams of question titles.

Pure Python and self-contained, so it can be swapped for the search machinery later: the admin
only calls ``similar_questions`` (after a save) and ``similar_titles`` (the JSON the title field
asks for as the editor types). Trigrams match "calcification" with "calcifications" and survive
typos; IDF weighs down the words every title on a liver site shares ("liver", "cancer").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django_ratelimit.core import get_usage

from ..models import Article
from ..text import STOP_WORDS
from . import roles

# A pair of titles at or above this cosine similarity reads as the same question.
THRESHOLD = 0.6
# The title field holds at most this much; a longer query is cut, never refused.
MAX_TITLE = Article._meta.get_field("title").max_length

_WORD = re.compile(r"\w+")
_PK = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class Match:
    article: Article
    score: float
    same_title: bool = False  # the same words in the same order, capitals and marks aside


def candidates() -> QuerySet[Article]:
    """The answers a question can duplicate: every article, drafts included."""
    return Article.objects.all()


@lru_cache(maxsize=50_000)
def _features(title: str) -> tuple[tuple[str, ...], Counter[str]]:
    """A title's words and trigrams (shared, never to be changed). Kept per title text, so
    each check as the editor types reads every title but splits only the new ones: half
    its time otherwise."""
    words = tuple(_WORD.findall(unicodedata.normalize("NFKC", title).casefold()))
    grams: Counter[str] = Counter()
    for word in words:
        if word in STOP_WORDS:
            continue
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return words, grams


def _vector(grams: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    weights = {gram: count * idf[gram] for gram, count in grams.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {gram: w / norm for gram, w in weights.items()}


def similar_questions(
    title: str,
    *,
    among: QuerySet[Article] | None = None,
    exclude_pk: int | None = None,
    limit: int = 3,
    threshold: float = THRESHOLD,
) -> list[Match]:
    """Articles (drafts included) whose question reads like ``title``, most similar first; the
    same title always counts, even one of stop words only ("What is it?"). ``among`` narrows
    the candidates to what the one asking may know of (``roles.known_to``)."""
    among = candidates() if among is None else among
    corpus = list(among.exclude(pk=exclude_pk).values_list("pk", "title"))
    words, grams = _features(title)
    if not corpus or not words:
        return []
    features = [(pk, *_features(other)) for pk, other in corpus]
    documents = Counter(grams.keys())
    for *_, other_grams in features:
        documents.update(other_grams.keys())
    total = len(corpus) + 1
    idf = {gram: math.log((1 + total) / (1 + n)) + 1 for gram, n in documents.items()}
    query = _vector(grams, idf)
    scores = []
    for pk, other_words, other_grams in features:
        if other_words == words:
            scores.append((1.0, True, pk))
            continue
        # The cosine with the query's unit vector, without building the other's.
        dot = sum(weight * other_grams[gram] * idf[gram] for gram, weight in query.items())
        if not dot:
            continue
        norm = math.sqrt(sum((n * idf[gram]) ** 2 for gram, n in other_grams.items()))
        score = dot / norm
        if score >= threshold:
            scores.append((score, False, pk))
    scores.sort(reverse=True)
    top = scores[:limit]
    articles = Article.objects.select_related("doctor").in_bulk([pk for *_, pk in top])
    return [Match(articles[pk], round(score, 2), same) for score, same, pk in top]


def _how_similar(match: Match) -> str:
    return "same title" if match.same_title else f"{round(match.score * 100)}% similar"


def _link(match: Match, user) -> str:
    """The answer's form for whoever may open it; for others (a doctor, another doctor's
    answer), the page readers see."""
    if roles.may_view(user, match.article):
        return reverse("admin:articles_article_change", args=[match.article.pk])
    return match.article.get_absolute_url()


def warning(matches: list[Match], user) -> SafeString:
    """The warning after a save, in the words the title field uses while typing."""
    return format_html(
        "This question looks very like {}. If it is the same question, consider improving "
        "that answer instead.",
        format_html_join(
            "; ",
            "“<a href='{}'>{}</a>” by {} ({}, {})",
            (
                (
                    _link(m, user),
                    m.article.title,
                    m.article.doctor.name,
                    m.article.state.label,
                    _how_similar(m),
                )
                for m in matches
            ),
        ),
    )


def similar_titles(request: HttpRequest) -> JsonResponse:
    """What the title field shows under itself as the editor types: ``?title=…&exclude=<pk>``.

    Each answer reads every title (two queries, a few milliseconds per thousand articles, see
    README), so one editor's rate is limited like the body preview's, in a counter of its own.
    """
    usage = get_usage(
        request,
        group="article-similar-titles",
        key="user",
        rate=settings.LIVERQA_PREVIEW_RATE,
        increment=True,
    )
    if usage and usage["should_limit"]:
        response = JsonResponse(
            {"error": "Too many checks in a short time; the check resumes in a moment."},
            status=429,
        )
        response["Retry-After"] = str(max(1, usage["time_left"]))
        return response
    exclude = request.GET.get("exclude", "")
    if exclude and not _PK.fullmatch(exclude):
        return JsonResponse({"error": "exclude must be an article's id."}, status=400)
    title = request.GET.get("title", "")[:MAX_TITLE]
    matches = similar_questions(
        title, among=roles.known_to(request.user), exclude_pk=int(exclude) if exclude else None
    )
    return JsonResponse(
        {
            "results": [
                {
                    "title": m.article.title,
                    "doctor": m.article.doctor.name,
                    "state": m.article.state.label,
                    "similar": round(m.score * 100),
                    "same_title": m.same_title,
                    "edit_url": _link(m, request.user),
                    "public_url": m.article.get_absolute_url() if m.article.is_live else None,
                }
                for m in matches
            ]
        }
    )
