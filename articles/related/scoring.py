"""How Other Voices are scored and ordered: shared by the full rebuild and by the
incremental refresh, so both paths rank alike."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..models import Article, RelatedExclusion, RelatedPick
from ..text import terms

W_TEXT, W_TAGS, W_DEPARTMENT, W_DOCTOR = 0.6, 0.3, 0.06, 0.04
SHOWN = 5  # entries a sidebar shows
STORED = 10  # entries kept per article, so a list stays full when one is unpublished
PER_DOCTOR = 2
MAX_TERMS = 24  # strongest terms kept per article vector
CANDIDATES = 60  # best text+tag matches considered before boosts and diversity


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


def infos_of(ids: Iterable[int]) -> dict[int, Info]:
    rows = Article.objects.filter(pk__in=list(ids)).values_list(
        "id", "doctor_id", "doctor__department_id", "published_at"
    )
    return {
        pk: Info(pk, doctor, department, published.timestamp() if published else 0.0)
        for pk, doctor, department, published in rows
    }


def picks_and_exclusions(
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


def top_weights(ids: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``MAX_TERMS`` strongest non-zero weights, L2-normalized, sorted by column."""
    keep = weights > 0
    ids, weights = ids[keep], weights[keep]
    if len(ids) > MAX_TERMS:
        top = np.argpartition(-weights, MAX_TERMS)[:MAX_TERMS]
        ids, weights = ids[top], weights[top]
    norm = math.sqrt(float(weights @ weights)) or 1.0
    order = np.argsort(ids)
    return ids[order].astype(np.int32), weights[order] / norm
