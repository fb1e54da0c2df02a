"""The one indexing layer: everything derived from the content, kept in step after commit.

The search index and the stored Other Voices lists (and, later, anything else that must follow
an edit) are brought up to date here and nowhere else. Receivers in ``signals`` only report
which articles changed, whichever road the change took: the admin, a bulk action, an import,
``seed_demo`` or plain ``manage.py loaddata``. Work waits until the transaction commits, so
nothing is indexed that might roll back, and a commit that changes many articles (a large
fixture) costs one bulk rebuild instead of thousands of small refreshes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from .. import related, search
from ..bulk import analyze
from ..models import Article

logger = logging.getLogger(__name__)

# A commit that changes more articles than this, and more than a quarter of the site, is
# indexed by one rebuild (the 6-article fixture into an empty site, a large import); smaller
# ones article by article, which on a large site is far cheaper than a rebuild.
BULK = 200


def reindex(article_ids: Iterable[int]) -> set[int]:
    """Bring these articles in step: indexed if published or scheduled, forgotten if not.
    Returns the articles whose Other Voices lists changed. One transaction: search and
    Other Voices move together or not at all."""
    ids = sorted(set(article_ids))
    with transaction.atomic():
        search.index(ids)
        return related.refresh(ids)


def deleting(article_id: int) -> None:
    """An article is being deleted: its terms leave the statistics in the same transaction,
    while its row still says which they were."""
    related.release(article_id)


def rebuild_all(progress: Callable[[int], None] | None = None) -> int:
    """Recompute every index from the content. Returns the number of articles indexed."""
    with transaction.atomic():
        search.rebuild()
        count = related.rebuild(progress=progress)
    analyze()
    _tell(Changes(everything=True))
    return count


def is_built() -> bool:
    """Whether both indexes have been built (a fresh load or an upgrade may need a rebuild)."""
    return related.is_built() and (not search.is_empty() or not Article.objects.rankable().exists())


@dataclass(frozen=True)
class Changes:
    """What one commit changed, as the indexing layer's listeners hear it."""

    articles: frozenset[int] = frozenset()  # articles edited, published, unpublished, deleted
    sidebars: frozenset[int] = frozenset()  # articles whose Other Voices list changed
    everything: bool = False  # a rebuild, or a doctor, department or tag: assume all changed


_listeners: list[Callable[[Changes], None]] = []


def after_flush(listener: Callable[[Changes], None]) -> Callable[[Changes], None]:
    """Call ``listener`` after every commit that changed content, once the indexes are in
    step: the page cache forgets what changed here."""
    _listeners.append(listener)
    return listener


def _tell(changes: Changes) -> None:
    for listener in _listeners:
        try:
            listener(changes)
        except Exception:  # one listener's failure must not keep the others from hearing
            logger.exception("An indexing listener failed on %s", changes)


class _Pending(threading.local):
    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.everything = False


_pending = _Pending()


def changed(*article_ids: int) -> None:
    """Note that these articles changed; their indexes follow once the transaction commits."""
    _pending.ids.update(article_ids)
    transaction.on_commit(_flush)


def site_changed() -> None:
    """Note a change that many pages show (a doctor, a department, a tag)."""
    _pending.everything = True
    transaction.on_commit(_flush)


def forget_pending() -> None:
    """Drop what rolled-back transactions noted (tests, whose data never commits)."""
    _pending.ids, _pending.everything = set(), False


def _flush() -> None:
    """Every callback after the first of a commit finds nothing left to do. Never raises: the
    save it follows is committed already, and must not turn into an error page."""
    ids, everything = _pending.ids, _pending.everything
    _pending.ids, _pending.everything = set(), False
    if not ids and not everything:
        return
    try:
        if ids and (not is_built() or len(ids) > max(BULK, _ranked() // 4)):
            rebuild_all()  # cheaper than refreshing a large share one by one; tells listeners
            return
        sidebars = reindex(ids) if ids else set()
        changes = Changes(frozenset(ids), frozenset(sidebars), everything)
    except Exception:
        logger.exception(
            "Indexing after a commit failed (articles %s); run manage.py rebuild_indexes",
            sorted(ids),
        )
        changes = Changes(frozenset(ids), everything=True)  # no page may stay stale
    _tell(changes)


def _ranked() -> int:
    return Article.objects.rankable().count()
