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

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import numpy as np
from django.db import transaction
from django.db.models import Case, F, FloatField, Sum, Value, When
from scipy import sparse

from .bulk import analyze, insert
from .models import (
    Article,
    ArticleTerm,
    RelatedArticle,
    RelatedExclusion,
    RelatedPick,
    TaggedArticle,
    Term,
)
from .text import terms

W_TEXT, W_TAGS, W_DEPARTMENT, W_DOCTOR = 0.6, 0.3, 0.06, 0.04
SHOWN = 5  # entries a sidebar shows
STORED = 10  # entries kept per article, so a list stays full when one is unpublished
PER_DOCTOR = 2
MAX_TERMS = 24  # strongest terms kept per article vector
CANDIDATES = 60  # best text+tag matches considered before boosts and diversity
CHUNK = 256  # rows of the similarity matrix computed at once during a rebuild


def related_articles(article: Article, limit: int = SHOWN) -> list[Article]:
    """The stored sidebar, live articles only: one query."""
    return list(
        Article.objects.published()
        .for_listing()
        .filter(appears_in__article=article)
        .order_by("appears_in__rank")[:limit]
    )


def max_df(n: int) -> int:
    """A word or tag used by more articles than this says nothing about a topic."""
    return max(50, n // 20)


def idf(df, n: int):
    return np.log((n + 1) / (np.asarray(df, dtype=np.float64) + 1)) + 1.0


def article_terms(title: str, summary: str, body: str) -> Counter[str]:
    counts = Counter(terms(title))
    counts.update(counts)  # the title counts twice
    counts.update(terms(summary))
    counts.update(terms(body))
    return counts


@dataclass(frozen=True, slots=True)
class Info:
    id: int
    doctor_id: int
    department_id: int
    published: float


@dataclass(slots=True)
class Entry:
    """A row of ``RelatedArticle``, light enough to hold a million of during a rebuild."""

    article_id: int
    related_id: int
    rank: int = 0
    is_pick: bool = False
    score: float = 0.0
    text_score: float = 0.0
    tag_score: float = 0.0
    department_score: float = 0.0
    doctor_score: float = 0.0


@dataclass(slots=True)
class Candidate:
    info: Info
    text: float  # weighted contributions, so components add up to the score
    tags: float


def rank_list(
    article: Info, picks: list[Info], excluded: set[int], candidates: Iterable[Candidate]
) -> list[Entry]:
    """The stored list for ``article``: picks, then the best candidates, diverse by doctor."""
    entries = [
        Entry(article_id=article.id, related_id=p.id, is_pick=True)
        for p in picks
        if p.id != article.id and p.id not in excluded
    ][:STORED]
    taken = {article.id, *excluded, *(e.related_id for e in entries)}
    per_doctor = Counter(p.doctor_id for p in picks)
    scored = []
    for c in candidates:
        if c.info.id in taken:
            continue
        department = W_DEPARTMENT if c.info.department_id == article.department_id else 0.0
        doctor = W_DOCTOR if c.info.doctor_id == article.doctor_id else 0.0
        # Rounded so the matrix and SQL paths, which sum in different orders, tie alike.
        score = round(c.text + c.tags + department + doctor, 9)
        scored.append((-score, -c.info.published, c.info.id, c, department, doctor))
    scored.sort(key=lambda s: s[:3])
    for negative_score, _, _, c, department, doctor in scored:
        if len(entries) >= STORED:
            break
        if per_doctor[c.info.doctor_id] >= PER_DOCTOR:
            continue
        per_doctor[c.info.doctor_id] += 1
        entries.append(
            Entry(
                article_id=article.id,
                related_id=c.info.id,
                score=-negative_score,
                text_score=round(c.text, 9),
                tag_score=round(c.tags, 9),
                department_score=department,
                doctor_score=doctor,
            )
        )
    for rank, entry in enumerate(entries, start=1):
        entry.rank = rank
    return entries


def _infos(ids: Iterable[int]) -> dict[int, Info]:
    rows = Article.objects.filter(pk__in=list(ids)).values_list(
        "id", "doctor_id", "doctor__department_id", "published_at"
    )
    return {
        pk: Info(pk, doctor, department, published.timestamp() if published else 0.0)
        for pk, doctor, department, published in rows
    }


def _picks_and_exclusions(
    ids: list[int] | None,
) -> tuple[dict[int, list[int]], dict[int, set[int]]]:
    """Editor picks (rankable ones, in order) and exclusions of ``ids``, or of every article."""
    picked, excluded_rows = RelatedPick.objects.all(), RelatedExclusion.objects.all()
    if ids is not None:
        picked = picked.filter(article_id__in=ids)
        excluded_rows = excluded_rows.filter(article_id__in=ids)
    rows = list(
        picked.order_by("article_id", "position", "pk").values_list("article_id", "related_id")
    )
    # Two small queries: filtering the picks by "related__in=rankable()" would make the
    # database materialize every ranked article first.
    rankable = set(
        Article.objects.rankable()
        .filter(pk__in={related for _, related in rows})
        .values_list("pk", flat=True)
    )
    picks: dict[int, list[int]] = defaultdict(list)
    for article_id, related_id in rows:
        if related_id in rankable:
            picks[article_id].append(related_id)
    excluded: dict[int, set[int]] = defaultdict(set)
    for article_id, other in excluded_rows.values_list("article_id", "excluded_id"):
        excluded[article_id].add(other)
    return picks, excluded


# -- Full rebuild ---------------------------------------------------------------------------------


def _normalized_rows(
    rows: list[tuple[np.ndarray, np.ndarray]], n_columns: int
) -> sparse.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(ids) for ids, _ in rows])
    indices = np.concatenate([ids for ids, _ in rows]) if rows else np.zeros(0, np.int32)
    data = np.concatenate([w for _, w in rows]) if rows else np.zeros(0)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), n_columns))


def _top_weights(ids: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``MAX_TERMS`` strongest non-zero weights, L2-normalized, sorted by column."""
    keep = weights > 0
    ids, weights = ids[keep], weights[keep]
    if len(ids) > MAX_TERMS:
        top = np.argpartition(-weights, MAX_TERMS)[:MAX_TERMS]
        ids, weights = ids[top], weights[top]
    norm = math.sqrt(float(weights @ weights)) or 1.0
    order = np.argsort(ids)
    return ids[order].astype(np.int32), weights[order] / norm


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Recompute every article's vector and stored list. Returns the number of articles."""
    ids, infos, word_rows, vocab = [], [], [], {}
    for pk, title, summary, body, doctor, department, published in (
        Article.objects.rankable()
        .order_by("pk")
        .values_list(
            "id", "title", "summary", "body", "doctor_id", "doctor__department_id", "published_at"
        )
        .iterator(chunk_size=2000)
    ):
        counts = article_terms(title, summary, body)
        term_ids = np.fromiter(
            (vocab.setdefault(t, len(vocab)) for t in counts), np.int32, len(counts)
        )
        tf = 1.0 + np.log(np.fromiter(counts.values(), np.float64, len(counts)))
        ids.append(pk)
        infos.append(Info(pk, doctor, department, published.timestamp()))
        word_rows.append((term_ids, tf))
    n = len(ids)
    row_of = {pk: i for i, pk in enumerate(ids)}

    word_df = np.bincount(
        np.concatenate([t for t, _ in word_rows]) if word_rows else np.zeros(0, np.int32),
        minlength=len(vocab),
    )
    word_idf = np.where(word_df <= max_df(n), idf(word_df, n), 0.0)
    text_rows = [_top_weights(t, tf * word_idf[t]) for t, tf in word_rows]
    del word_rows

    tag_lists: dict[int, list[int]] = defaultdict(list)
    tag_index: dict[int, int] = {}
    for article_id, tag_id in TaggedArticle.objects.filter(
        content_object__in=Article.objects.rankable()
    ).values_list("content_object_id", "tag_id"):
        tag_lists[row_of[article_id]].append(tag_index.setdefault(tag_id, len(tag_index)))
    tag_df = np.bincount(
        np.fromiter((t for ts in tag_lists.values() for t in ts), np.int32),
        minlength=len(tag_index),
    )
    tag_idf = np.where(tag_df <= max_df(n), idf(tag_df, n), 0.0)
    tag_rows = []
    for row in range(n):
        tag_ids = np.array(sorted(tag_lists.get(row, [])), dtype=np.int32)
        tag_rows.append(_top_weights(tag_ids, tag_idf[tag_ids]))

    X = _normalized_rows(text_rows, len(vocab))
    T = _normalized_rows(tag_rows, len(tag_index))
    picks, excluded = _picks_and_exclusions(None)
    info_by_id = dict(zip(ids, infos, strict=True))

    entries: list[Entry] = []
    XT, TT = X.T.tocsr(), T.T.tocsr()
    for start in range(0, n, CHUNK):
        text = (X[start : start + CHUNK] @ XT).tocsr() * W_TEXT
        tags = (T[start : start + CHUNK] @ TT).tocsr() * W_TAGS
        both = (text + tags).tocsr()
        for matrix in (text, tags, both):
            matrix.sort_indices()
        for offset in range(both.shape[0]):
            row = start + offset
            columns, totals = _row(both, offset)
            keep = (columns != row) & (totals > 0)
            columns, totals = columns[keep], totals[keep]
            if len(columns) > CANDIDATES:
                columns = columns[np.argpartition(-totals, CANDIDATES)[:CANDIDATES]]
            text_values = _lookup(text, offset, columns)
            tag_values = _lookup(tags, offset, columns)
            article_id = ids[row]
            entries.extend(
                rank_list(
                    infos[row],
                    [info_by_id[p] for p in picks.get(article_id, [])],
                    excluded.get(article_id, set()),
                    (
                        Candidate(infos[c], float(tv), float(gv))
                        for c, tv, gv in zip(columns, text_values, tag_values, strict=True)
                    ),
                )
            )
        if progress:
            progress(min(CHUNK, n - start))

    with transaction.atomic():
        RelatedArticle.objects.all().delete()
        ArticleTerm.objects.all().delete()
        Term.objects.all().delete()
        word_terms = _create_terms(Term.Kind.WORD, list(vocab), word_df)
        tag_terms = _create_terms(Term.Kind.TAG, [str(t) for t in tag_index], tag_df)
        insert(
            "INSERT INTO articles_articleterm (article_id, term_id, weight) VALUES (%s, %s, %s)",
            (
                (ids[row], term_ids[int(c)], float(w))
                for matrix, term_ids in ((text_rows, word_terms), (tag_rows, tag_terms))
                for row, (columns, weights) in enumerate(matrix)
                for c, w in zip(columns, weights, strict=True)
            ),
        )
        _insert_entries(entries)
    analyze()
    return n


def _row(matrix: sparse.csr_matrix, row: int) -> tuple[np.ndarray, np.ndarray]:
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[start:end], matrix.data[start:end]


def _lookup(matrix: sparse.csr_matrix, row: int, columns: np.ndarray) -> np.ndarray:
    """``matrix[row, columns]`` for a sorted-index CSR row, zero where absent."""
    indices, data = _row(matrix, row)
    if not len(indices):
        return np.zeros(len(columns))
    positions = np.searchsorted(indices, columns).clip(max=len(indices) - 1)
    return np.where(indices[positions] == columns, data[positions], 0.0)


def _create_terms(kind: str, texts: list[str], df: np.ndarray) -> list[int]:
    """Insert terms in ``texts`` order and return their ids in the same order."""
    insert(
        "INSERT INTO articles_term (kind, text, df) VALUES (%s, %s, %s)",
        ((kind, text, int(df[i])) for i, text in enumerate(texts)),
    )
    id_of = dict(Term.objects.filter(kind=kind).values_list("text", "id"))
    return [id_of[text] for text in texts]


def _insert_entries(entries: Iterable[Entry]) -> None:
    insert(
        "INSERT INTO articles_relatedarticle (article_id, related_id, rank, is_pick, score, "
        "text_score, tag_score, department_score, doctor_score) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            (
                e.article_id,
                e.related_id,
                e.rank,
                e.is_pick,
                e.score,
                e.text_score,
                e.tag_score,
                e.department_score,
                e.doctor_score,
            )
            for e in entries
        ),
    )


# -- Incremental updates -------------------------------------------------------------------------


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


def _vector(article_id: int, n: int) -> dict[int, tuple[str, float]]:
    """The article's current vector, {term id: (kind, weight)}, terms created as needed."""
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
        Term.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            known = {t.text: t for t in Term.objects.filter(kind=kind, text__in=texts)}
        found = [known[text] for text in texts if text in known]
        df = np.array([t.df for t in found])
        tf = (
            1.0 + np.log(np.array([counts[t.text] for t in found], dtype=np.float64))
            if kind == Term.Kind.WORD
            else np.ones(len(found))
        )
        weights = np.where(df <= max_df(n), tf * idf(df, n), 0.0)
        columns, normalized = _top_weights(np.arange(len(found)), weights)
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
    similar = {m["article_id"]: (m["text"], m["tags"]) for m in matches}

    # Lists this article is in, or should now be in: its candidates' lists (similarity is
    # symmetric), plus every list that shows it today.
    neighbours = set(similar) | set(
        RelatedArticle.objects.filter(related_id=article_id).values_list("article_id", flat=True)
    )
    lists: dict[int, list[RelatedArticle]] = defaultdict(list)
    for entry in RelatedArticle.objects.filter(article_id__in=neighbours).order_by("rank"):
        lists[entry.article_id].append(entry)
    owners = [article_id, *neighbours]
    picks, excluded = _picks_and_exclusions(owners)
    infos = _infos(
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
