"""How Other Voices are scored: one function makes an article's vectors, one scores a pair
and ranks a list. The full rebuild, the after-edit refresh and a draft's preview all call
these, so the three rank alike by construction.

An article has three sparse vectors, each L2-normalized:
  - words: stemmed words of title (counted twice), summary and body, weighted TF-IDF, the
    ``MAX_TERMS`` strongest kept;
  - concepts: the clinical concepts it names (``concepts.py``), the question's own counted
    ``TITLE_CONCEPT`` times, since the question says what the answer is about;
  - tags: its tags, weighted by rarity.
A pair's score is the weighted sum of the three cosines, raised by a share of itself for the
same department and the same doctor; each part is stored, so editors see why an entry is there.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Article, RelatedExclusion, RelatedPick, Term
from ..text import terms
from .concepts import concepts_in

W_TEXT, W_CONCEPT, W_TAGS = 0.3, 0.6, 0.1
# Boosts multiply what the content shares, so they order related answers but can never make
# an unrelated one (sharing one stray word) look related.
B_DEPARTMENT, B_DOCTOR = 0.15, 0.1
WEIGHTS = {Term.Kind.WORD: W_TEXT, Term.Kind.CONCEPT: W_CONCEPT, Term.Kind.TAG: W_TAGS}
TITLE_CONCEPT = 6
SHOWN = 5  # entries a sidebar shows
# The least score shown as related. Measured (README, Other Voices): on the labelled answers
# (benchmarks/related_eval) same-topic entries score 0.45 and up but for a few strays (0.07 to
# 0.09), cross-topic ones from 0.01; on seed_demo's site, where nothing names a clinical concept,
# the weakest same-topic entry scores 0.15. A family question about hepatitis B shares only
# "liver" with the six liver-cancer answers: 0.045 to 0.075. Below 0.1 an entry is noise.
FLOOR = 0.1
STORED = 10  # entries kept per article, so a list stays full when one is unpublished
PER_DOCTOR = 2
MAX_TERMS = 48  # strongest words kept per article vector
CANDIDATES = 60  # best matches considered before boosts and diversity

Bag = dict[str, Counter]  # {kind: {term text: count}}
Vector = dict[tuple[str, str], float]  # {(kind, term text): weight}


def bag_of(title: str, summary: str, body: str, tag_ids: Iterable[int]) -> Bag:
    """What an article says, as counts of words, concepts and tags."""
    words = Counter(terms(title))
    words.update(words)  # the title counts twice
    words.update(terms(summary))
    words.update(terms(body))
    concepts = Counter({c: n * TITLE_CONCEPT for c, n in concepts_in(title).items()})
    concepts.update(concepts_in(f"{summary}\n{body}"))
    return {
        Term.Kind.WORD: words,
        Term.Kind.CONCEPT: concepts,
        Term.Kind.TAG: Counter({str(t): 1 for t in tag_ids}),
    }


def max_df(n: int) -> int:
    """A word used by more articles than this says nothing about a topic."""
    return max(50, n // 20)


def idf(df: int, n: int) -> float:
    return math.log((n + 1) / (df + 1)) + 1.0


def vector(bag: Bag, df: dict[tuple[str, str], int], n: int) -> Vector:
    """The article's weights, given each term's document frequency ``df`` among ``n`` ranked
    articles. Ties are broken by the term itself, so every caller keeps the same terms."""
    out: Vector = {}
    for kind, counts in bag.items():
        weights = {}
        for text, count in counts.items():
            frequency = df.get((kind, text), 1)
            if kind == Term.Kind.WORD and frequency > max_df(n):
                continue
            tf = 1.0 + math.log(count) if kind == Term.Kind.WORD else float(count)
            weights[text] = tf * idf(frequency, n)
        kept = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
        if kind == Term.Kind.WORD:
            kept = kept[:MAX_TERMS]
        norm = math.sqrt(sum(w * w for _, w in kept)) or 1.0
        out.update({(kind, text): w / norm for text, w in kept})
    return out


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
    concept_score: float = 0.0
    tag_score: float = 0.0
    department_score: float = 0.0
    doctor_score: float = 0.0


@dataclass(slots=True)
class Candidate:
    """Another article and its three weighted similarities to the list's owner."""

    info: Info
    text: float
    concept: float
    tags: float


def _boosts(owner: Info, c: Candidate) -> tuple[float, float, float]:
    content = c.text + c.concept + c.tags
    department = content * B_DEPARTMENT if c.info.department_id == owner.department_id else 0.0
    doctor = content * B_DOCTOR if c.info.doctor_id == owner.doctor_id else 0.0
    return content, department, doctor


def score(owner: Info, c: Candidate) -> float:
    """The one definition of how related ``c`` is to ``owner``."""
    content, department, doctor = _boosts(owner, c)
    return content + department + doctor


def pair_score(owner: Info, c: Candidate) -> Entry:
    """``score`` with its parts, as stored for editors to see."""
    content, department, doctor = _boosts(owner, c)
    return Entry(
        article_id=owner.id,
        related_id=c.info.id,
        score=score(owner, c),
        text_score=c.text,
        concept_score=c.concept,
        tag_score=c.tags,
        department_score=department,
        doctor_score=doctor,
    )


def rank_list(
    article: Info, picks: list[Info], excluded: set[int], candidates: Iterable[Candidate]
) -> list[Entry]:
    """The stored list for ``article``: picks (whatever their score), then the best
    candidates scoring at least ``FLOOR``, diverse by doctor; ties go to the newer article,
    then the lower id."""
    entries = [
        Entry(article_id=article.id, related_id=p.id, is_pick=True)
        for p in picks
        if p.id != article.id and p.id not in excluded
    ][:STORED]
    taken = {article.id, *excluded, *(e.related_id for e in entries)}
    per_doctor = Counter(p.doctor_id for p in picks)
    scored = sorted(
        (
            (-score(article, c), -c.info.published, c.info.id, c)
            for c in candidates
            if c.info.id not in taken and score(article, c) >= FLOOR
        ),
        key=lambda item: item[:3],
    )
    for *_, c in scored:
        if len(entries) >= STORED:
            break
        if per_doctor[c.info.doctor_id] >= PER_DOCTOR:
            continue
        per_doctor[c.info.doctor_id] += 1
        entries.append(pair_score(article, c))
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


def tag_ids_by_article(ids: list[int] | None) -> dict[int, list[int]]:
    """Each ranked article's tag ids (of ``ids``, or of every ranked article)."""
    from ..models import TaggedArticle

    rows = TaggedArticle.objects.filter(content_object__in=Article.objects.rankable())
    if ids is not None:
        rows = rows.filter(content_object_id__in=ids)
    tags: dict[int, list[int]] = defaultdict(list)
    for article_id, tag_id in rows.values_list("content_object_id", "tag_id"):
        tags[article_id].append(tag_id)
    return tags
