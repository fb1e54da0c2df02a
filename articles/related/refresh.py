"""Keep stored Other Voices lists in step after an edit, without recomputing the site.

Term statistics stay exact: ``IndexedArticle`` remembers each ranked article's terms, so an
edit moves each term's df by one. The edited article's vectors come from ``scoring.vector`` and
its list from the inverted index (``ArticleTerm``), as a rebuild would make them; since
similarity is symmetric, the same scores insert it into, move it within or drop it from its
neighbours' lists. Other articles' weights were computed with the statistics of their own last
refresh; each refresh also recomputes the ``REWEIGHT`` stalest, so weights follow the site
without anyone running a command.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict

from django.db import connection, transaction
from django.db.models import F, Max

from ..models import Article, ArticleTerm, IndexedArticle, RelatedArticle, TaggedArticle, Term
from .scoring import (
    CANDIDATES,
    WEIGHTS,
    Bag,
    Candidate,
    Entry,
    bag_of,
    infos_of,
    picks_and_exclusions,
    rank_list,
    vector,
)

REWEIGHT = 4  # stale articles re-weighted per refresh


def stale_after(n: int) -> int:
    """Refreshes of other articles after which an article's weights count as stale."""
    return max(100, n // 10)


def refresh(article_ids: Iterable[int]) -> set[int]:
    """Bring the stored lists in step with the current state of these articles. Returns the
    articles whose stored lists changed (a page cache must forget their pages)."""
    owners: set[int] = set()
    for article_id in sorted(set(article_ids)):
        with transaction.atomic():
            if Article.objects.rankable().filter(pk=article_id).exists():
                owners |= _refresh_one(article_id)
            else:
                owners |= forget(article_id)
    return owners | _reweight_stalest()


def release(article_id: int) -> None:
    """The article's terms leave the statistics (each df down by one), once."""
    indexed = IndexedArticle.objects.select_for_update().filter(article_id=article_id).first()
    if indexed:
        Term.objects.filter(pk__in=indexed.term_ids).update(df=F("df") - 1)
        indexed.delete()


def forget(article_id: int) -> set[int]:
    """An unpublished article leaves every list and every df; the lists it left are ranked
    again at once. Returns the articles whose lists it left."""
    release(article_id)
    ArticleTerm.objects.filter(article_id=article_id).delete()
    RelatedArticle.objects.filter(article_id=article_id).delete()
    owners = set(
        RelatedArticle.objects.filter(related_id=article_id).values_list("article_id", flat=True)
    )
    _relist(owners)
    return owners


def _relist(owners: set[int]) -> None:
    """Rank these lists whole again from the postings, as a rebuild would. After an entry
    leaves a list, what it kept out (a third answer by one doctor, a candidate past
    ``STORED``) may belong back, which the stored entries alone cannot say: without this a
    short list stayed one entry short, and an editor's preview, ranked afresh, showed more
    Other Voices than the live page."""
    weights: dict[int, dict[int, tuple[str, float]]] = defaultdict(dict)
    postings = ArticleTerm.objects.filter(article_id__in=owners)
    for owner, term, kind, weight in postings.values_list(
        "article_id", "term_id", "term__kind", "weight"
    ):
        weights[owner][term] = (kind, weight)
    similar = {owner: _similar(owner, weights[owner]) for owner in weights}
    picks, excluded = picks_and_exclusions(list(similar))
    infos = infos_of(
        {
            *similar,
            *(pk for found in similar.values() for pk in found),
            *(p for ids in picks.values() for p in ids),
        }
    )
    lists = {
        owner: rank_list(
            infos[owner],
            [infos[p] for p in picks.get(owner, []) if p in infos],
            excluded.get(owner, set()),
            [Candidate(infos[pk], *parts) for pk, parts in found.items() if pk in infos],
        )
        for owner, found in similar.items()
        if owner in infos
    }
    _store(lists)


def _store(lists: dict[int, list[Entry]]) -> None:
    """Replace these stored lists. Their owners are locked in id order first: a concurrent
    refresh writing the same list waits for this one instead of colliding on its ranks."""
    list(Article.objects.select_for_update().filter(pk__in=lists).order_by("pk").values("pk"))
    RelatedArticle.objects.filter(article_id__in=list(lists)).delete()
    RelatedArticle.objects.bulk_create(
        RelatedArticle(**asdict(e)) for entries in lists.values() for e in entries
    )


def _reweight_stalest() -> set[int]:
    top = IndexedArticle.objects.aggregate(top=Max("generation"))["top"] or 0
    stale = IndexedArticle.objects.filter(
        generation__lt=top - stale_after(IndexedArticle.objects.count())
    )
    owners: set[int] = set()
    with transaction.atomic():
        # Another process re-weighting at the same moment takes other articles, not these.
        picked = list(
            stale.order_by("generation")
            .select_for_update(skip_locked=True)
            .values_list("article_id", flat=True)[:REWEIGHT]
        )
        for article_id in picked:
            owners |= _refresh_one(article_id)
    return owners


def _bag(article_id: int) -> Bag:
    title, summary, body = Article.objects.values_list("title", "summary", "body").get(
        pk=article_id
    )
    tags = TaggedArticle.objects.filter(content_object_id=article_id).values_list(
        "tag_id", flat=True
    )
    return bag_of(title, summary, body, tags)


def _terms(bag: Bag, *, create: bool) -> dict[tuple[str, str], Term]:
    """The bag's terms as rows; new ones are created with df 0 (or, read-only, left out)."""
    found = {}
    for kind, counts in bag.items():
        texts = list(counts)
        if create:
            Term.objects.bulk_create(
                [Term(kind=kind, text=text, df=0) for text in texts], ignore_conflicts=True
            )
        found.update({(kind, t.text): t for t in Term.objects.filter(kind=kind, text__in=texts)})
    return found


def _weights(article_id: int, *, create: bool) -> dict[int, tuple[str, float]]:
    """The article's vectors as {term id: (kind, weight)}. With ``create`` its term
    statistics are brought up to date first; without, nothing is written (a preview)."""
    bag = _bag(article_id)
    terms = _terms(bag, create=create)
    n = IndexedArticle.objects.count()
    # A preview of an article not yet ranked counts it as publishing would, so the preview
    # and the list stored at publication score alike.
    unranked = not create and not IndexedArticle.objects.filter(article_id=article_id).exists()
    if create:
        now = {t.pk for t in terms.values()}
        # Locked, so two refreshes of one article cannot both apply the same df change.
        indexed = IndexedArticle.objects.select_for_update().filter(article_id=article_id).first()
        before = set(indexed.term_ids) if indexed else set()
        Term.objects.filter(pk__in=now - before).update(df=F("df") + 1)
        Term.objects.filter(pk__in=before - now).update(df=F("df") - 1)
        top = IndexedArticle.objects.aggregate(top=Max("generation"))["top"] or 0
        IndexedArticle.objects.update_or_create(
            article_id=article_id, defaults={"term_ids": sorted(now), "generation": top + 1}
        )
        n += indexed is None
        terms = {
            (t.kind, t.text): t for t in Term.objects.filter(pk__in=[t.pk for t in terms.values()])
        }
    df = {key: term.df + unranked for key, term in terms.items()}
    return {
        terms[key].pk: (key[0], weight)
        for key, weight in vector(bag, df, n + unranked).items()
        if key in terms
    }


def _refresh_one(article_id: int) -> set[int]:
    """Returns the articles whose stored lists changed."""
    weights = _weights(article_id, create=True)
    ArticleTerm.objects.filter(article_id=article_id).delete()
    ArticleTerm.objects.bulk_create(
        ArticleTerm(article_id=article_id, term_id=term, weight=weight)
        for term, (_, weight) in weights.items()
    )
    similar = _similar(article_id, weights)

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
            [Candidate(infos[pk], *parts) for pk, parts in similar.items() if pk in infos],
        )
    }
    left: set[int] = set()  # lists the article dropped out of
    for owner in neighbours:
        if owner not in infos:
            continue
        kept = [
            Candidate(infos[e.related_id], e.text_score, e.concept_score, e.tag_score)
            for e in lists.get(owner, [])
            if not e.is_pick and e.related_id != article_id and e.related_id in infos
        ]
        if owner in similar:
            kept.append(Candidate(me, *similar[owner]))
        entries = rebuilt(owner, kept)
        if _shows(lists.get(owner, []), article_id) and not _shows(entries, article_id):
            left.add(owner)
        elif _key(entries) != _key(lists.get(owner, [])):
            changed[owner] = entries

    _store(changed)
    _relist(left)
    return set(changed) | left


def _shows(entries: list[Entry] | list[RelatedArticle], article_id: int) -> bool:
    return any(e.related_id == article_id for e in entries)


def _key(entries: list[Entry] | list[RelatedArticle]) -> list[tuple]:
    return [(e.related_id, e.rank, e.is_pick, e.score) for e in entries]


def _similar(
    article_id: int, weights: dict[int, tuple[str, float]]
) -> dict[int, tuple[float, float, float]]:
    """The best-matching ranked articles, {id: (text, concept, tag) weighted similarities},
    from the postings: the same dot products the rebuild's matrix product computes.

    Plain SQL: the query's weights are joined as a VALUES list, one multiplication per posting,
    where a CASE per term (all Django can say) costs one comparison per term per posting,
    a third of a second at 100,000 articles.
    """
    if not weights:
        return {}
    kinds = list(WEIGHTS)
    query = [
        (term, *(weight * WEIGHTS[k] if k == kind else 0.0 for k in kinds))
        for term, (kind, weight) in weights.items()
    ]
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(query))
    postings = ArticleTerm._meta.db_table
    sql = (
        f"WITH q (term_id, w_text, w_concept, w_tag) AS (VALUES {rows}) "  # noqa: S608 (placeholders)
        "SELECT p.article_id, SUM(p.weight * q.w_text) AS text, "
        "SUM(p.weight * q.w_concept) AS concept, SUM(p.weight * q.w_tag) AS tag "
        f"FROM {postings} p JOIN q ON p.term_id = q.term_id "
        "WHERE p.article_id <> %s GROUP BY p.article_id "
        "HAVING SUM(p.weight * (q.w_text + q.w_concept + q.w_tag)) > 0 "
        "ORDER BY SUM(p.weight * (q.w_text + q.w_concept + q.w_tag)) DESC, p.article_id "
        "LIMIT %s"
    )
    params = [value for row in query for value in row] + [article_id, CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk: (text, concept, tag) for pk, text, concept, tag in cursor.fetchall()}


def draft_list(article_id: int) -> list[int]:
    """What a draft's Other Voices would be if it were published now, without storing
    anything: for an editor's preview."""
    similar = _similar(article_id, _weights(article_id, create=False))
    picks, excluded = picks_and_exclusions([article_id])
    infos = infos_of({article_id, *similar, *picks.get(article_id, [])})
    entries = rank_list(
        infos[article_id],
        [infos[p] for p in picks.get(article_id, []) if p in infos],
        excluded.get(article_id, set()),
        [Candidate(infos[pk], *parts) for pk, parts in similar.items() if pk in infos],
    )
    return [e.related_id for e in entries]
