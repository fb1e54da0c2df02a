"""The "Other Voices" sidebar: which articles to show beside an article, and why.

Lists are computed ahead of time and stored in ``RelatedArticle``, so a page reads its sidebar
in one query. ``scoring`` holds the one definition of an article's vectors (words, clinical
concepts, tags) and of a pair's score; ``rebuild()`` recomputes every list with sparse matrices
and ``refresh(ids)`` keeps lists in step after an edit, both through those functions. Editor
picks come first and editor exclusions never appear; at most ``PER_DOCTOR`` entries by one
doctor; only candidates scoring at least ``FLOOR`` are ranked, so an unrelated article never
pads a list. A sidebar with fewer than ``SHOWN`` related answers is filled with the latest
answers of the article's department, shown under their own heading, never as related.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery

from ..models import Article, Department, IndexedArticle, RelatedArticle
from .rebuild import rebuild
from .refresh import draft_list, refresh, release
from .scoring import SHOWN

__all__ = [
    "SHOWN",
    "OtherVoices",
    "is_built",
    "other_voices",
    "rebuild",
    "refresh",
    "related_articles",
    "release",
]


def is_built() -> bool:
    """Whether the ranking index holds what a rebuild makes. A database upgraded from before
    the term statistics existed, or filled past Django, does not."""
    return IndexedArticle.objects.exists() or not Article.objects.rankable().exists()


def related_articles(article: Article, limit: int = SHOWN) -> list[Article]:
    """The stored sidebar, live articles only: one query."""
    return list(
        Article.objects.published()
        .for_listing()
        .filter(appears_in__article=article)
        .order_by("appears_in__rank")[:limit]
    )


@dataclass(frozen=True)
class OtherVoices:
    """A sidebar: the related answers, then (when fewer than ``SHOWN``) the department's
    latest others, which readers are told are only that."""

    related: list[Article]
    more: list[Article]
    department: Department


def other_voices(article: Article) -> OtherVoices:
    """The sidebar readers get: the stored list's live entries and the department's latest
    answers, in one query. A draft has no stored list: it is ranked afresh (what publishing
    would store) and read with the same one query, so a preview shows what the live page will."""
    department = article.doctor.department
    latest = (
        Article.objects.published()
        .filter(doctor__department=department)
        .exclude(pk=article.pk)
        .order_by("-published_at", "-pk")
        .values("pk")[: 2 * SHOWN]  # enough to fill once the related ones are left out
    )
    answers = Article.objects.published().for_listing()
    if article.state == Article.State.DRAFT:
        ranked = draft_list(article.pk)
        rows = list(answers.filter(Q(pk__in=ranked) | Q(pk__in=latest)))
        order = {pk: position for position, pk in enumerate(ranked)}
    else:
        stored = RelatedArticle.objects.filter(article=article)
        rows = list(
            answers.filter(Q(pk__in=stored.values("related_id")) | Q(pk__in=latest)).annotate(
                rank=Subquery(stored.filter(related=OuterRef("pk")).values("rank")[:1])
            )
        )
        order = {row.pk: row.rank for row in rows if row.rank is not None}
    related = sorted((row for row in rows if row.pk in order), key=lambda row: order[row.pk])
    related = related[:SHOWN]
    shown = {article.pk, *(other.pk for other in related)}
    more = sorted(
        (
            row
            for row in rows
            if row.pk not in shown and row.doctor.department_id == department.pk
        ),
        key=lambda row: (row.published_at, row.pk),
        reverse=True,
    )[: SHOWN - len(related)]
    return OtherVoices(related, more, department)
