"""Is this question already answered? TF-IDF over character trigrams of question titles.

The admin only calls ``similar_questions`` (after a save) and ``similar_titles`` (the JSON the
title field asks for as the editor types). Trigrams match "calcification" with "calcifications"
and survive typos; IDF weighs down the words every title on a liver site shares ("liver",
"cancer"). Only titles sharing a word with the question are scored: the search machinery finds
them (``titles_holding``), so a check costs the same at 100,000 answers as at 1,000.
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
from ..search.backends import titles_holding
from ..text import STOP_WORDS
from . import roles

# A pair of titles at or above this cosine similarity reads as the same question.
THRESHOLD = 0.6
# The title field holds at most this much; a longer query is cut, never refused.
MAX_TITLE = Article._meta.get_field("title").max_length

# Titles scored per check: those sharing the rarest words of the one typed.
CANDIDATES = 300
# Titles the IDF is estimated from: the newest this many (every title on a smaller site).
SAMPLE = 2_000
MAX_WORDS = 12

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


def _sampled_frequencies(among: QuerySet[Article]) -> tuple[int, Counter[str]]:
    """How many of the newest ``SAMPLE`` titles hold each trigram, and how many titles that
    is: IDF estimated from a sample, exact on a site of fewer answers. Kept for as long as the
    sample is the same (a new or retitled answer changes it)."""
    global _frequencies
    rows = tuple(among.order_by("-pk").values_list("pk", "title")[:SAMPLE])
    key = hash(rows)
    if _frequencies is None or _frequencies[0] != key:
        documents: Counter[str] = Counter()
        for _, title in rows:
            documents.update(_features(title)[1].keys())
        _frequencies = (key, len(rows), documents)
    return _frequencies[1], _frequencies[2]


_frequencies: tuple[int, int, Counter[str]] | None = None


def _candidate_ids(scored: list[str]) -> set[int] | None:
    """Up to about ``CANDIDATES`` answers whose titles share the query's rarest words, from
    the search machinery, plus those holding all its words. A word in more titles than that
    weighs little in the score; a title sharing only such words is found by holding them all.
    ``None`` for a title of stop words only, which only the same title can match."""
    if not scored:
        return None
    word_sets = [(word,) for word in scored]
    every = [*word_sets, tuple(scored)] if len(scored) > 1 else word_sets
    found = titles_holding(every, CANDIDATES + 1)
    ids: set[int] = set()
    for holding in sorted(found[: len(word_sets)], key=len):
        if len(ids.union(holding)) > CANDIDATES:
            break
        ids.update(holding)
    ids.update(found[-1][: max(0, CANDIDATES - len(ids))])
    return ids


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
    the candidates to what the one asking may know of (``roles.known_to``).

    Only titles sharing a word with ``title`` (``_candidate_ids``) are scored, against IDF
    from a sample of titles: four queries, tens of milliseconds at 100,000 answers."""
    among = candidates() if among is None else among
    words, grams = _features(title)
    if not words:
        return []
    scored = list(dict.fromkeys(w for w in words if w not in STOP_WORDS))[:MAX_WORDS]
    ids = _candidate_ids(scored)
    others = among.exclude(pk=exclude_pk)
    if ids is None:  # stop words only: the same words, found as written
        others = others.filter(title__icontains=" ".join(words))[:CANDIDATES]
    else:
        others = others.filter(pk__in=ids)
    corpus = list(others.values_list("pk", "title"))
    if not corpus:
        return []
    sampled, documents = _sampled_frequencies(among.exclude(pk=exclude_pk))
    total = sampled + 1
    idf = {
        gram: math.log((1 + total) / (1 + documents[gram] + (gram in grams))) + 1
        for _, other in corpus
        for gram in (*_features(other)[1], *grams)
    }
    query = _vector(grams, idf)
    scores = []
    for pk, other in corpus:
        other_words, other_grams = _features(other)
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

    It is asked at every pause in typing, so one editor's rate is limited like the body
    preview's, in a counter of its own.
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
