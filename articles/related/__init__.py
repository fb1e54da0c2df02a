"""The "Other Voices" sidebar: which articles to show beside an article, and why.

Lists are computed ahead of time and stored in ``RelatedArticle``, so a page reads its sidebar
in one query. ``scoring`` holds the one definition of an article's vectors (words, clinical
concepts, tags) and of a pair's score; ``rebuild()`` recomputes every list with sparse matrices
and ``refresh(ids)`` keeps lists in step after an edit, both through those functions. Editor
picks come first and editor exclusions never appear; at most ``PER_DOCTOR`` entries by one
doctor; only candidates that share words, concepts or tags are ranked, so an unrelated article
never pads a list.
"""

from __future__ import annotations

from ..models import Article, IndexedArticle
from .rebuild import rebuild
from .refresh import draft_list, refresh, release
from .scoring import SHOWN

__all__ = ["draft_related", "is_built", "rebuild", "refresh", "related_articles", "release"]


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


def draft_related(article: Article, limit: int = SHOWN) -> list[Article]:
    """A draft's Other Voices as they would be once published, computed on the fly (drafts
    have no stored list): what an editor's preview shows."""
    ids = draft_list(article.pk)
    found = Article.objects.published().for_listing().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found][:limit]
