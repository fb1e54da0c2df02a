"""The "Other Voices" sidebar: which articles to show beside an article, and why.

Lists are computed ahead of time and stored in ``RelatedArticle``, so a page reads its sidebar
in one query. A candidate's score is the sum of
  - text similarity: cosine of TF-IDF vectors of title (counted twice), summary and body;
  - tag similarity: cosine of tag vectors weighted by rarity (IDF), not raw shared counts;
  - small boosts for the same department and the same doctor.
Editor picks come first and editor exclusions never appear; at most ``PER_DOCTOR`` entries by
one doctor; ties go to the newer article, then the lower id. Only candidates that share words
or tags are ranked, so an unrelated article never pads a list.

``rebuild()`` recomputes every list with sparse matrices (``manage.py rebuild_related``).
``refresh(ids)`` keeps lists in step after an edit without touching the rest of the site:
the edited article's own list is recomputed from the inverted index (``ArticleTerm``), and since
similarity is symmetric the same scores update the lists it enters or leaves.
"""

from __future__ import annotations

from ..models import Article
from .rebuild import rebuild
from .refresh import draft_list, refresh
from .scoring import SHOWN

__all__ = ["draft_related", "rebuild", "refresh", "related_articles"]


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
