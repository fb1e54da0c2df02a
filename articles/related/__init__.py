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

from ..models import Article, Department, IndexedArticle
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
    """The sidebar readers get: the stored list's live entries (one query) and, only when
    they are fewer than ``SHOWN``, the department's latest answers (one more). Two indexed
    reads: one query asking for either would scan every live answer. A draft has no stored
    list: it is ranked afresh, as publishing would store it, so a preview shows what the live
    page will."""
    if article.state == Article.State.DRAFT:
        ids = draft_list(article.pk)
        found = Article.objects.published().for_listing().in_bulk(ids)
        related = [found[pk] for pk in ids if pk in found][:SHOWN]
    else:
        related = related_articles(article)
    department = article.doctor.department
    more = []
    if len(related) < SHOWN:
        more = list(
            Article.objects.published()
            .for_listing()
            .filter(doctor__department=department)
            .exclude(pk__in=[article.pk, *(other.pk for other in related)])
            .order_by("-published_at", "-pk")[: SHOWN - len(related)]
        )
    return OtherVoices(related, more, department)
