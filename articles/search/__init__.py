"""Full-text search over articles, on SQLite (FTS5) or PostgreSQL (tsvector + GIN).

``query`` parses what a reader typed, ``backends`` holds each database's indexes, ``highlight``
marks the matches. The indexing layer (``articles.indexing``) calls ``index`` and ``rebuild``;
views call ``search``, ``highlight`` and ``snippet``; the admin calls ``matching``.

Published and scheduled answers are in the public index, drafts in an index of their own that
only ``matching`` (the admin's search) reads. Working copies are in neither.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.lookups import In

from ..models import Article
from ..text import CJK, bigrams
from .backends import CAP, backend
from .highlight import highlight, snippet
from .query import Query, clean, parse

__all__ = [
    "Results",
    "highlight",
    "index",
    "drafts_missing",
    "index_drafts",
    "is_empty",
    "matching",
    "rebuild",
    "search",
    "snippet",
]

LISTED = 10_000  # matches the admin names by id; more are tested row by row
MAX_ID_DIGITS = 18  # a bigint; longer digit strings are words, not ids
ID = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")

CJK_ANYWHERE = re.compile(rf"[{CJK}]+")


def _cjk_terms(*texts: str) -> str:
    """Each CJK run's bigrams (in order, so phrases of them match), then its single
    characters, so that a one-character query such as 肝 ("liver") is found too."""
    runs = [run for text in texts for run in CJK_ANYWHERE.findall(text)]
    pairs = [pair for run in runs for pair in bigrams(run)]
    return " ".join(pairs + [char for run in runs if len(run) > 1 for char in run])


def _documents(articles: QuerySet[Article]) -> Iterable[tuple]:
    articles = articles.select_related("doctor__department")
    tags: dict[int, list[str]] = {}
    for article_id, name in Article.tags.through.objects.filter(
        content_object__in=articles
    ).values_list("content_object_id", "tag__name"):
        tags.setdefault(article_id, []).append(name)
    for a in articles.order_by("pk").iterator(chunk_size=2000):
        extra = " ".join([*tags.get(a.pk, []), a.doctor.name, a.doctor.department.name])
        yield (
            a.pk,
            a.title,
            extra,
            a.summary,
            a.body,
            _cjk_terms(a.title, extra, a.summary, a.body),
        )


def index(ids: Iterable[int]) -> None:
    """Bring these articles' entries in step: in the public index if published or scheduled,
    in the drafts' if a draft, else gone from both."""
    ids = list(ids)
    if ids:
        for drafts in (False, True):
            backend(drafts).delete(ids)
        articles = Article.objects.filter(pk__in=ids)
        backend().insert(_documents(articles.rankable()))
        backend(drafts=True).insert(_documents(articles.drafts()))


def rebuild() -> int:
    """Both indexes from scratch; returns the number of public entries."""
    backend(drafts=True).clear()
    index_drafts()
    backend().clear()
    return backend().insert(_documents(Article.objects.rankable()))


def index_drafts() -> int:
    """Every draft into the drafts' index, as ``rebuild`` does; returns how many."""
    return backend(drafts=True).insert(_documents(Article.objects.drafts()))


def is_empty() -> bool:
    return backend().is_empty()


def drafts_missing() -> bool:
    """Drafts exist but their index is empty: a database from before migration 0013."""
    return backend(drafts=True).is_empty() and Article.objects.drafts().exists()


@dataclass
class Results:
    query: Query
    ids: list[int]  # live matches, best first

    @property
    def capped(self) -> bool:
        return len(self.ids) >= CAP


def matching(raw: str) -> Q | None:
    """The articles an editor's search names, drafts included: full-text matches (parsed as
    readers' queries are) from both indexes, plus an exact slug or id. ``None`` for input with
    nothing to look for. A filter for the admin, which keeps its own order and permissions.

    Up to ``LISTED`` matches are named by id, which any filter, order or count serves from an
    index. More (a word in most answers) are a condition on each row (``row_matches``), so
    the list walks its own order and a page costs a page, not 80,000 lookups and a sort."""
    text = clean(raw)
    if not text:
        return None
    exact = Q(slug=text) | Q(pk=int(text)) if ID.fullmatch(text) else Q(slug=text)
    ids = set(Article.objects.filter(exact).order_by().values_list("pk", flat=True))
    query = parse(text)
    if not query:
        return Q(pk__in=ids)
    indexes = [backend(drafts) for drafts in (False, True)]
    found = [index.matching_ids(query, LISTED + 1) for index in indexes]
    if all(len(some) <= LISTED for some in found):
        return backend().among(ids.union(*found))
    everything = Q(In(F("pk") + 0, sorted(ids))) if ids else Q()
    for index in indexes:
        everything |= Q(index.row_matches(query))
    return everything


def search(raw: str) -> Results:
    query = parse(raw)
    ids = backend().ranked_ids(query) if query else []
    # The index holds published and scheduled articles; the scheduled few are dropped here,
    # which is much cheaper than checking thousands of matches against published().
    hidden = set(Article.objects.scheduled().values_list("pk", flat=True)) if ids else set()
    return Results(query, [pk for pk in ids if pk not in hidden])
