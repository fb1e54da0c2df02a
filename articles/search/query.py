"""Reader input parsed into phrases: words, "quoted phrases", -excluded words, OR.

Reader input is never handed to a database query language: the backends render these plain
word tokens in their own syntax, so quotes, ``*``, ``NEAR(``, backslashes, NUL bytes or 10,000
characters give results or an empty page, never an error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..text import TOKEN, bigrams, is_cjk, terms

MAX_QUERY = 300  # characters of a query that are read
MAX_PHRASES = 12
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CHUNK = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    cjk: bool = False  # words are CJK bigrams

    @property
    def fts5(self) -> str:
        # Words hold only letters, digits and apostrophes, so quoting them is all FTS5 needs.
        return '"' + " ".join(self.words) + '"'


@dataclass
class Query:
    """Phrases in OR-groups of AND-ed phrases, minus excluded phrases."""

    text: str
    groups: list[list[Phrase]] = field(default_factory=list)
    excluded: list[Phrase] = field(default_factory=list)
    stems: set[str] = field(default_factory=set)  # for highlighting
    cjk_runs: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(self.groups)


def clean(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw[: MAX_QUERY * 4])
    return " ".join(CONTROL.sub(" ", text).split())[:MAX_QUERY]


def parse(raw: str) -> Query:
    query = Query(clean(raw))
    query.groups.append([])
    negate_next = False
    count = 0
    for match in CHUNK.finditer(query.text):
        minus, quoted, bare = match.groups()
        if bare in {"OR", "|"}:
            if query.groups[-1]:
                query.groups.append([])
            continue
        if bare in {"AND", "&", "+"}:
            continue
        if bare == "NOT":
            negate_next = True
            continue
        negated = negate_next or bool(minus) or (bare is not None and bare.startswith("-"))
        negate_next = False
        for phrase in _phrases(quoted if quoted is not None else bare.lstrip("-")):
            if count == MAX_PHRASES:
                break
            count += 1
            if negated:
                query.excluded.append(phrase)
            else:
                query.groups[-1].append(phrase)
                if phrase.cjk:
                    query.cjk_runs.append(
                        phrase.words[0] + "".join(w[1:] for w in phrase.words[1:])
                    )
                else:
                    query.stems.update(terms(" ".join(phrase.words)))
    query.groups = [g for g in query.groups if g]
    return query


def _phrases(text: str) -> Iterable[Phrase]:
    """A chunk's Latin words as one phrase ("liver-cancer" -> "liver cancer"), CJK runs apart."""
    words = []
    for token in TOKEN.findall(text.lower()):
        if is_cjk(token):
            yield Phrase(tuple(bigrams(token)), cjk=True)
        else:
            words.append(token)
    if words:
        yield Phrase(tuple(words))
