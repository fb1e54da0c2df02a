"""Is this question already answered? TF-IDF over character trigrams of question titles.

Pure Python and self-contained, so it can be swapped for the search machinery later: the admin
only calls ``similar_questions``. Trigrams match "calcification" with "calcifications" and
survive typos; IDF weighs down the words every title on a liver site shares ("liver", "cancer").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ..models import Article
from ..text import STOP_WORDS

# A pair of titles at or above this cosine similarity reads as the same question.
THRESHOLD = 0.6

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Match:
    article: Article
    score: float


def _trigrams(title: str) -> Counter[str]:
    text = unicodedata.normalize("NFKC", title).casefold()
    grams: Counter[str] = Counter()
    for word in _WORD.findall(text):
        if word in STOP_WORDS:
            continue
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def _vector(grams: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    weights = {gram: count * idf[gram] for gram, count in grams.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {gram: w / norm for gram, w in weights.items()}


def similar_questions(
    title: str, *, exclude_pk: int | None = None, limit: int = 3, threshold: float = THRESHOLD
) -> list[Match]:
    """Articles (drafts included) whose question reads like ``title``, most similar first."""
    corpus = list(Article.objects.exclude(pk=exclude_pk).values_list("pk", "title"))
    grams = _trigrams(title)
    if not corpus or not grams:
        return []
    corpus_grams = [(pk, _trigrams(other)) for pk, other in corpus]
    documents = Counter(gram for _, g in corpus_grams for gram in g) + Counter(grams.keys())
    total = len(corpus) + 1
    idf = {gram: math.log((1 + total) / (1 + n)) + 1 for gram, n in documents.items()}
    query = _vector(grams, idf)
    scores = []
    for pk, other in corpus_grams:
        vector = _vector(other, idf)
        score = sum(weight * vector.get(gram, 0.0) for gram, weight in query.items())
        if score >= threshold:
            scores.append((score, pk))
    scores.sort(reverse=True)
    top = scores[:limit]
    articles = Article.objects.select_related("doctor").in_bulk([pk for _, pk in top])
    return [Match(articles[pk], round(score, 2)) for score, pk in top]
