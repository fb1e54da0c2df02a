"""Recompute every stored Other Voices list at once: exact term statistics, every vector from
``scoring.vector``, similarities by sparse matrix products, lists from ``scoring.rank_list``."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from django.db import transaction
from scipy import sparse

from ..bulk import analyze, insert
from ..models import Article, ArticleTerm, IndexedArticle, RelatedArticle, Term
from .scoring import (
    CANDIDATES,
    WEIGHTS,
    Candidate,
    Entry,
    Info,
    bag_of,
    picks_and_exclusions,
    rank_list,
    tag_ids_by_article,
    vector,
)

CHUNK = 256  # rows of the similarity matrices computed at once
KINDS = list(WEIGHTS)


class _Vocabulary:
    """Term keys as small integers, so 100,000 bags fit in memory as arrays."""

    def __init__(self) -> None:
        self.index: dict[tuple[str, str], int] = {}
        self.keys: list[tuple[str, str]] = []

    def ids(self, kind: str, texts: Iterable[str]) -> list[int]:
        out = []
        for text in texts:
            key = (kind, text)
            if key not in self.index:
                self.index[key] = len(self.keys)
                self.keys.append(key)
            out.append(self.index[key])
        return out


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Recompute every article's vectors and stored list. Returns the number of articles."""
    vocab = _Vocabulary()
    ids, infos, bags, used = [], [], [], []  # used: every term of each article, for its df
    tags = tag_ids_by_article(None)
    for pk, title, summary, body, doctor, department, published in (
        Article.objects.rankable()
        .order_by("pk")
        .values_list(
            "id", "title", "summary", "body", "doctor_id", "doctor__department_id", "published_at"
        )
        .iterator(chunk_size=2000)
    ):
        bag = bag_of(title, summary, body, tags.get(pk, []))
        ids.append(pk)
        infos.append(Info(pk, doctor, department, published.timestamp()))
        arrays = [
            (np.array(vocab.ids(kind, counts), np.int32), np.fromiter(counts.values(), float))
            for kind, counts in bag.items()
        ]
        bags.append(arrays)
        used.append(np.concatenate([t for t, _ in arrays]))
    n = len(ids)
    df = np.bincount(
        np.concatenate([t for bag in bags for t, _ in bag]) if bags else np.zeros(0, np.int32),
        minlength=len(vocab.keys),
    )
    df_by_key = dict(zip(vocab.keys, df.tolist(), strict=True))

    # Vectors, one row per article and one column per vocabulary entry, split by kind.
    rows: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {kind: [] for kind in KINDS}
    for bag in bags:
        counts = {
            kind: {vocab.keys[t][1]: c for t, c in zip(t_ids, values, strict=True)}
            for kind, (t_ids, values) in zip(KINDS, bag, strict=True)
        }
        weights = vector(counts, df_by_key, n)
        for kind in KINDS:
            kept = [(vocab.index[key], w) for key, w in weights.items() if key[0] == kind]
            kept.sort()
            rows[kind].append(
                (np.array([c for c, _ in kept], np.int32), np.array([w for _, w in kept]))
            )
    del bags
    matrices = {kind: _matrix(rows[kind], len(vocab.keys)) for kind in KINDS}

    picks, excluded = picks_and_exclusions(None)
    info_by_id = dict(zip(ids, infos, strict=True))
    entries: list[Entry] = []
    transposed = {kind: m.T.tocsr() for kind, m in matrices.items()}
    scratch = np.zeros(n)  # one dense row, filled and emptied per lookup
    for start in range(0, n, CHUNK):
        parts = {
            kind: (matrices[kind][start : start + CHUNK] @ transposed[kind]).tocsr() * weight
            for kind, weight in WEIGHTS.items()
        }
        both = sum(parts.values()).tocsr()
        for offset in range(both.shape[0]):
            row = start + offset
            columns, totals = _row(both, offset)
            keep = (columns != row) & (totals > 0)
            columns, totals = columns[keep], totals[keep]
            if len(columns) > CANDIDATES:
                columns = columns[np.argpartition(-totals, CANDIDATES)[:CANDIDATES]]
            text, concept, tag = (_lookup(parts[kind], offset, columns, scratch) for kind in KINDS)
            entries.extend(
                rank_list(
                    infos[row],
                    # A pick published while this ran has no vector yet: its turn comes next.
                    [info_by_id[p] for p in picks.get(ids[row], []) if p in info_by_id],
                    excluded.get(ids[row], set()),
                    (
                        Candidate(infos[c], float(t), float(k), float(g))
                        for c, t, k, g in zip(columns, text, concept, tag, strict=True)
                    ),
                )
            )
        if progress:
            progress(min(CHUNK, n - start))

    with transaction.atomic():
        RelatedArticle.objects.all().delete()
        ArticleTerm.objects.all().delete()
        IndexedArticle.objects.all().delete()
        Term.objects.all().delete()
        term_ids = _create_terms(vocab.keys, df)
        insert(
            f"INSERT INTO {ArticleTerm._meta.db_table} (article_id, term_id, weight) "
            "VALUES (%s, %s, %s)",
            (
                (ids[row], term_ids[int(c)], float(w))
                for kind in KINDS
                for row, (columns, weights) in enumerate(rows[kind])
                for c, w in zip(columns, weights, strict=True)
            ),
        )
        IndexedArticle.objects.bulk_create(
            (
                IndexedArticle(article_id=pk, term_ids=sorted(term_ids[t] for t in terms.tolist()))
                for pk, terms in zip(ids, used, strict=True)
            ),
            batch_size=2000,
        )
        _insert_entries(entries)
    analyze()
    return n


def _matrix(rows: list[tuple[np.ndarray, np.ndarray]], n_columns: int) -> sparse.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(ids) for ids, _ in rows])
    indices = np.concatenate([ids for ids, _ in rows]) if rows else np.zeros(0, np.int32)
    data = np.concatenate([w for _, w in rows]) if rows else np.zeros(0)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), n_columns))


def _row(matrix: sparse.csr_matrix, row: int) -> tuple[np.ndarray, np.ndarray]:
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[start:end], matrix.data[start:end]


def _lookup(
    matrix: sparse.csr_matrix, row: int, columns: np.ndarray, scratch: np.ndarray
) -> np.ndarray:
    """``matrix[row, columns]``, zero where absent, through a dense scratch row (cheaper than
    sorting every product's indices)."""
    indices, data = _row(matrix, row)
    scratch[indices] = data
    values = scratch[columns]
    scratch[indices] = 0.0
    return values


def _create_terms(keys: list[tuple[str, str]], df: np.ndarray) -> list[int]:
    """Insert terms in ``keys`` order and return their ids in the same order."""
    insert(
        f"INSERT INTO {Term._meta.db_table} (kind, text, df) VALUES (%s, %s, %s)",
        ((kind, text, int(df[i])) for i, (kind, text) in enumerate(keys)),
    )
    id_of = {(k, t): pk for pk, k, t in Term.objects.values_list("id", "kind", "text")}
    return [id_of[key] for key in keys]


def _insert_entries(entries: Iterable[Entry]) -> None:
    insert(
        f"INSERT INTO {RelatedArticle._meta.db_table} (article_id, related_id, rank, is_pick, "
        "score, text_score, concept_score, tag_score, department_score, doctor_score) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            (
                e.article_id,
                e.related_id,
                e.rank,
                e.is_pick,
                e.score,
                e.text_score,
                e.concept_score,
                e.tag_score,
                e.department_score,
                e.doctor_score,
            )
            for e in entries
        ),
    )
