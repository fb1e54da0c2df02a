"""Keep stored Other Voices lists in step after an edit, without recomputing the site.

The edited article's own list is recomputed from the inverted index (``ArticleTerm``); since
similarity is symmetric, the same scores insert it into, move it within or drop it from the
lists of its neighbours.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict

import numpy as np
from django.db import transaction
from django.db.models import Case, F, FloatField, Sum, Value, When

from ..models import Article, ArticleTerm, RelatedArticle, TaggedArticle, Term
from .scoring import (
    CANDIDATES,
    W_TAGS,
    W_TEXT,
    Candidate,
    Entry,
    article_terms,
    idf,
    infos_of,
    max_df,
    picks_and_exclusions,
    rank_list,
    top_weights,
)


def refresh(article_ids: Iterable[int]) -> None:
    """Bring the stored lists in step with the current state of these articles."""
    for article_id in sorted(set(article_ids)):
        with transaction.atomic():
            if not Article.objects.rankable().filter(pk=article_id).exists():
                _forget(article_id)
            else:
                _refresh_one(article_id)


def _forget(article_id: int) -> None:
    """An unpublished article leaves every list; lists refill at their next recompute."""
    ArticleTerm.objects.filter(article_id=article_id).delete()
    RelatedArticle.objects.filter(article_id=article_id).delete()
    RelatedArticle.objects.filter(related_id=article_id).delete()


def _vector(article_id: int, n: int, *, create: bool = True) -> dict[int, tuple[str, float]]:
    """The article's current vector, {term id: (kind, weight)}: new terms are created, or
    (``create=False``, for a read-only preview) left out."""
    title, summary, body = Article.objects.values_list("title", "summary", "body").get(
        pk=article_id
    )
    counts = article_terms(title, summary, body)
    tag_ids = [
        str(t)
        for t in TaggedArticle.objects.filter(content_object_id=article_id).values_list(
            "tag_id", flat=True
        )
    ]
    vector = {}
    for kind, texts in ((Term.Kind.WORD, list(counts)), (Term.Kind.TAG, tag_ids)):
        known = {t.text: t for t in Term.objects.filter(kind=kind, text__in=texts)}
        new = [Term(kind=kind, text=text, df=1) for text in texts if text not in known]
        if new and create:
            Term.objects.bulk_create(new, ignore_conflicts=True)
            known = {t.text: t for t in Term.objects.filter(kind=kind, text__in=texts)}
        found = [known[text] for text in texts if text in known]
        df = np.array([t.df for t in found])
        tf = (
            1.0 + np.log(np.array([counts[t.text] for t in found], dtype=np.float64))
            if kind == Term.Kind.WORD
            else np.ones(len(found))
        )
        weights = np.where(df <= max_df(n), tf * idf(df, n), 0.0)
        columns, normalized = top_weights(np.arange(len(found)), weights)
        vector.update(
            {found[c].id: (kind, float(w)) for c, w in zip(columns, normalized, strict=False)}
        )
    return vector


def _refresh_one(article_id: int) -> None:
    n = Article.objects.rankable().count()
    vector = _vector(article_id, n)
    ArticleTerm.objects.filter(article_id=article_id).delete()
    ArticleTerm.objects.bulk_create(
        ArticleTerm(article_id=article_id, term_id=term, weight=weight)
        for term, (_, weight) in vector.items()
    )

    similar = _similar(article_id, vector)

    # Lists this article is in, or should now be in: its candidates' lists (similarity is
    # symmetric), plus every list that shows it today.
    neighbours = set(similar) | set(
        RelatedArticle.objects.filter(related_id=article_id).values_list("article_id", flat=True)
    )
    lists: dict[int, list[RelatedArticle]] = defaultdict(list)
    for entry in RelatedArticle.objects.filter(article_id__in=neighbours).order_by("rank"):
        lists[entry.article_id].append(entry)
    owners = [article_id, *neighbours]
    picks, excluded = picks_and_exclusions(owners)
    infos = infos_of(
        {
            *owners,
            *(e.related_id for entries in lists.values() for e in entries),
            *(p for ids in picks.values() for p in ids),
        }
    )
    me = infos[article_id]

    def rebuilt(owner: int, candidates: list[Candidate]) -> list[Entry]:
        return rank_list(
            infos[owner],
            [infos[p] for p in picks.get(owner, []) if p in infos],
            excluded.get(owner, set()),
            candidates,
        )

    changed = {
        article_id: rebuilt(
            article_id,
            [Candidate(infos[pk], t, g) for pk, (t, g) in similar.items() if pk in infos],
        )
    }
    for owner in neighbours:
        if owner not in infos:
            continue
        kept = [
            Candidate(infos[e.related_id], e.text_score, e.tag_score)
            for e in lists.get(owner, [])
            if not e.is_pick and e.related_id != article_id and e.related_id in infos
        ]
        if owner in similar:
            kept.append(Candidate(me, *similar[owner]))
        entries = rebuilt(owner, kept)
        if _key(entries) != _key(lists.get(owner, [])):
            changed[owner] = entries

    RelatedArticle.objects.filter(article_id__in=list(changed)).delete()
    RelatedArticle.objects.bulk_create(
        RelatedArticle(**asdict(e)) for entries in changed.values() for e in entries
    )


def _key(entries: list[Entry] | list[RelatedArticle]) -> list[tuple]:
    return [(e.related_id, e.rank, e.is_pick, round(e.score, 9)) for e in entries]


def _similar(article_id: int, vector: dict[int, tuple[str, float]]) -> dict[int, tuple]:
    """The best-matching ranked articles, {id: (text score, tag score)}, from the postings."""

    def weighted(kind: str, factor: float) -> Sum:
        whens = [
            When(term_id=term, then=Value(weight * factor))
            for term, (k, weight) in vector.items()
            if k == kind
        ]
        if not whens:
            return Sum(Value(0.0))
        return Sum(F("weight") * Case(*whens, default=Value(0.0), output_field=FloatField()))

    matches = (
        ArticleTerm.objects.filter(term_id__in=list(vector))
        .exclude(article_id=article_id)
        .values("article_id")
        .annotate(text=weighted(Term.Kind.WORD, W_TEXT), tags=weighted(Term.Kind.TAG, W_TAGS))
        .annotate(total=F("text") + F("tags"))
        .filter(total__gt=0)
        .order_by("-total", "article_id")[:CANDIDATES]
    )
    return {m["article_id"]: (m["text"], m["tags"]) for m in matches}


def draft_list(article_id: int) -> list[int]:
    """What a draft's Other Voices would be if it were published now, without storing
    anything: for an editor's preview."""
    vector = _vector(article_id, Article.objects.rankable().count(), create=False)
    similar = _similar(article_id, vector)
    picks, excluded = picks_and_exclusions([article_id])
    infos = infos_of({article_id, *similar, *picks.get(article_id, [])})
    entries = rank_list(
        infos[article_id],
        [infos[p] for p in picks.get(article_id, []) if p in infos],
        excluded.get(article_id, set()),
        [Candidate(infos[pk], t, g) for pk, (t, g) in similar.items() if pk in infos],
    )
    return [e.related_id for e in entries]
