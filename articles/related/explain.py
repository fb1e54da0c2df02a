"""Other Voices in words, for editors: which entries readers get and why each is there.

The stored score parts (``scoring.pair_score``) become a sentence ("shares the tags cirrhosis,
varices; both about portal hypertension; similar wording (34%); same department") and the
score a percentage of the list's best. Which entries readers get comes from
``other_voices``, the function the page itself calls, so the table cannot disagree with it:
the related answers, then the department's latest that fill a short list. Five queries at
most, however long the list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models import Article, ArticleTerm, RelatedArticle, TaggedArticle, Term
from .scoring import SHOWN, W_CONCEPT, W_TEXT

if TYPE_CHECKING:
    from . import OtherVoices


@dataclass(frozen=True, slots=True)
class Explained:
    article: Article
    why: str
    relevance: int | None  # percent of the best score in the list; None for an editor's pick
    shown: bool
    not_shown: str = ""  # why readers do not get it


def _listed(names: list[str]) -> str:
    names = sorted(names, key=str.casefold)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _shared(kind_rows: Iterable[tuple[int, str]], owner: int) -> dict[int, list[str]]:
    """For each other article, the names (tags or concepts) it shares with ``owner``."""
    by_article: dict[int, set[str]] = defaultdict(set)
    for article_id, name in kind_rows:
        by_article[article_id].add(name)
    mine = by_article.pop(owner, set())
    return {pk: sorted(names & mine) for pk, names in by_article.items()}


def _why(entry: RelatedArticle, tags: list[str], concepts: list[str]) -> str:
    if entry.is_pick:
        return "Editor's pick"
    parts = []
    if tags:
        parts.append(f"shares the tag{'s' if len(tags) > 1 else ''} {_listed(tags)}")
    if concepts:
        parts.append(f"both about {_listed(concepts)}")
    elif entry.concept_score > 0:
        parts.append(f"related conditions ({entry.concept_score / W_CONCEPT:.0%})")
    if round(entry.text_score / W_TEXT * 100) >= 1:
        parts.append(f"similar wording ({entry.text_score / W_TEXT:.0%})")
    if entry.doctor_score > 0:
        parts.append("same doctor")
    elif entry.department_score > 0:
        parts.append("same department")
    text = "; ".join(parts) or "shares a few words"
    return text[0].upper() + text[1:]


def explain(article: Article, readers_get: OtherVoices) -> list[Explained]:
    """The entries readers get (``readers_get``, in their order), then the rest of the stored
    list, each with the reason readers do not get it."""
    entries = list(
        RelatedArticle.objects.filter(article=article)
        .select_related("related__doctor__department")
        .order_by("rank")
    )
    ids = [article.pk, *(e.related_id for e in entries)]
    tags = _shared(
        TaggedArticle.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag__name"
        ),
        article.pk,
    )
    concepts = _shared(
        ArticleTerm.objects.filter(article_id__in=ids, term__kind=Term.Kind.CONCEPT).values_list(
            "article_id", "term__text"
        ),
        article.pk,
    )
    best = max((e.score for e in entries if not e.is_pick), default=0.0)
    stored = {e.related_id: e for e in entries}
    shown_ids = [a.pk for a in readers_get.related]
    rows = [_row(stored[a.pk], tags, concepts, best, shown=True) for a in readers_get.related]
    fill = (
        f"More from {readers_get.department}: fills a short list under its own heading, "
        "not as related"
    )
    rows += [Explained(other, fill, None, True) for other in readers_get.more]
    for entry in entries:
        if entry.related_id in shown_ids:
            continue
        reason = (
            f"not live yet, so readers do not get it ({entry.related.state.label.lower()})"
            if not entry.related.is_live
            else f"kept in reserve: readers get {SHOWN}, and it moves up when one of them goes"
            if len(shown_ids) >= SHOWN
            else "left out of the list readers get"
        )
        rows.append(_row(entry, tags, concepts, best, shown=False, not_shown=reason))
    return rows


def _row(
    entry: RelatedArticle,
    tags: dict[int, list[str]],
    concepts: dict[int, list[str]],
    best: float,
    *,
    shown: bool,
    not_shown: str = "",
) -> Explained:
    pk = entry.related_id
    relevance = None if entry.is_pick or not best else round(entry.score / best * 100)
    why = _why(entry, tags.get(pk, []), concepts.get(pk, []))
    return Explained(entry.related, why, relevance, shown, not_shown)
