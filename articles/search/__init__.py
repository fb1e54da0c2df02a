"""Full-text search over published articles, on SQLite (FTS5) or PostgreSQL (tsvector + GIN).

``query`` parses what a reader typed, ``backends`` holds each database's index, ``highlight``
marks the matches. The indexing layer (``articles.indexing``) calls ``index`` and ``rebuild``;
views call ``search``, ``highlight`` and ``snippet``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Article
from ..text import CJK, bigrams
from .backends import CAP, backend
from .highlight import highlight, snippet
from .query import Query, parse

__all__ = ["Results", "highlight", "index", "is_empty", "rebuild", "search", "snippet"]

CJK_ANYWHERE = re.compile(rf"[{CJK}]+")


def _cjk_terms(*texts: str) -> str:
    """Each CJK run's bigrams (in order, so phrases of them match), then its single
    characters, so that a one-character query such as 肝 ("liver") is found too."""
    runs = [run for text in texts for run in CJK_ANYWHERE.findall(text)]
    pairs = [pair for run in runs for pair in bigrams(run)]
    return " ".join(pairs + [char for run in runs if len(run) > 1 for char in run])


def _documents(ids: Iterable[int] | None) -> Iterable[tuple]:
    articles = Article.objects.rankable().select_related("doctor__department")
    if ids is not None:
        articles = articles.filter(pk__in=list(ids))
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
    """Bring these articles' entries in step: re-indexed if published or scheduled, else gone."""
    ids = list(ids)
    if ids:
        backend().delete(ids)
        backend().insert(_documents(ids))


def rebuild() -> int:
    backend().clear()
    return backend().insert(_documents(None))


def is_empty() -> bool:
    return backend().is_empty()


@dataclass
class Results:
    query: Query
    ids: list[int]  # live matches, best first

    @property
    def capped(self) -> bool:
        return len(self.ids) >= CAP


def search(raw: str) -> Results:
    query = parse(raw)
    ids = backend().ranked_ids(query) if query else []
    # The index holds published and scheduled articles; the scheduled few are dropped here,
    # which is much cheaper than checking thousands of matches against published().
    hidden = set(Article.objects.scheduled().values_list("pk", flat=True)) if ids else set()
    return Results(query, [pk for pk in ids if pk not in hidden])
