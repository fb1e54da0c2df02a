"""The one indexing layer: everything derived from the content, kept in step after commit.

The search index and the stored Other Voices lists (and, later, anything else that must follow
an edit) are brought up to date here and nowhere else. Receivers in ``signals`` only report
which articles changed, whichever road the change took: the admin, a bulk action, an import,
``seed_demo`` or plain ``manage.py loaddata``. Work waits until the transaction commits, so
nothing is indexed that might roll back, and a commit that changes many articles (a large
fixture) costs one bulk rebuild instead of thousands of small refreshes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from django.db import transaction

from .. import related, search
from ..bulk import analyze
from ..models import Article

# More changed articles than this in one commit: rebuild everything, which is cheaper.
BULK = 200


def reindex(article_ids: Iterable[int]) -> None:
    """Bring these articles in step: indexed if published or scheduled, forgotten if not."""
    ids = sorted(set(article_ids))
    search.index(ids)
    related.refresh(ids)


def rebuild_all(progress: Callable[[int], None] | None = None) -> int:
    """Recompute every index from the content. Returns the number of articles indexed."""
    with transaction.atomic():
        search.rebuild()
        count = related.rebuild(progress=progress)
    analyze()
    return count


def is_built() -> bool:
    """Whether both indexes have been built (a fresh load or an upgrade may need a rebuild)."""
    return related.is_built() and (not search.is_empty() or not Article.objects.rankable().exists())


class _Pending(threading.local):
    def __init__(self) -> None:
        self.ids: set[int] = set()


_pending = _Pending()


def changed(*article_ids: int) -> None:
    """Note that these articles changed; their indexes follow once the transaction commits."""
    _pending.ids.update(article_ids)
    transaction.on_commit(_flush)


def _flush() -> None:
    """Every callback after the first of a commit finds nothing left to do."""
    ids, _pending.ids = _pending.ids, set()
    if not ids:
        return
    if len(ids) > BULK or not is_built():
        rebuild_all()
    else:
        reindex(ids)
