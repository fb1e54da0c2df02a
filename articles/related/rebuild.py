"""Recompute every stored Other Voices list at once, with sparse matrices."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

import numpy as np
from django.db import transaction
from scipy import sparse

from ..bulk import analyze, insert
from ..models import Article, ArticleTerm, RelatedArticle, TaggedArticle, Term
from .scoring import (
    CANDIDATES,
    W_TAGS,
    W_TEXT,
    Candidate,
    Entry,
    Info,
    article_terms,
    idf,
    max_df,
    picks_and_exclusions,
    rank_list,
    top_weights,
)

CHUNK = 256  # rows of the similarity matrix computed at once


def _normalized_rows(
    rows: list[tuple[np.ndarray, np.ndarray]], n_columns: int
) -> sparse.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(ids) for ids, _ in rows])
    indices = np.concatenate([ids for ids, _ in rows]) if rows else np.zeros(0, np.int32)
    data = np.concatenate([w for _, w in rows]) if rows else np.zeros(0)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), n_columns))


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
    text_rows = [top_weights(t, tf * word_idf[t]) for t, tf in word_rows]
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
        tag_rows.append(top_weights(tag_ids, tag_idf[tag_ids]))

    X = _normalized_rows(text_rows, len(vocab))
    T = _normalized_rows(tag_rows, len(tag_index))
    picks, excluded = picks_and_exclusions(None)
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
