"""Full-text search over published articles, on SQLite (FTS5) or PostgreSQL (tsvector + GIN).

Reader input is never handed to a database query language. It is parsed into phrases (words,
"quoted phrases", -excluded words, OR) and rendered back in each backend's syntax from plain
word tokens, so quotes, ``*``, ``NEAR(``, backslashes, NUL bytes or 10,000 characters give
results or an empty page, never an error.

Both backends index title (strongest), tags + doctor + department and summary, then body, plus
the CJK character bigrams of all of them (Chinese has no spaces to split words on). English is
stemmed: FTS5's porter tokenizer on SQLite, the "english" configuration on PostgreSQL.

Ranking is capped: only the newest ``CAP`` matches are scored, so a term found in every article
costs the same as a rare one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce

from django.db import connection
from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..bulk import insert
from ..models import Article, SearchDocument
from ..text import CJK, TOKEN, bigrams, is_cjk, stem, terms

CAP = 2000
MAX_QUERY = 300  # characters of a query that are read
MAX_PHRASES = 12
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CHUNK = re.compile(r'(-?)"([^"]*)"?|(\S+)')
CJK_ANYWHERE = re.compile(rf"[{CJK}]+")


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


# -- Indexing ---------------------------------------------------------------------------------


def _cjk_terms(*texts: str) -> str:
    """Each CJK run's bigrams (in order, so phrases of them match), then its single
    characters, so that a one-character query such as 肝 ("liver") is found too."""
    runs = [run for text in texts for run in CJK_ANYWHERE.findall(text)]
    pairs = [pair for run in runs for pair in bigrams(run)]
    return " ".join(pairs + [char for run in runs if len(run) > 1 for char in run])


def _documents(ids: Iterable[int] | None) -> Iterable[tuple]:
    articles = Article.objects.rankable().select_related("doctor__department")
    if ids is not None:
        articles = articles.filter(pk__in=list(ids))
    tags: dict[int, list[str]] = {}
    for article_id, name in Article.tags.through.objects.filter(
        content_object__in=articles
    ).values_list("content_object_id", "tag__name"):
        tags.setdefault(article_id, []).append(name)
    for a in articles.order_by("pk").iterator(chunk_size=2000):
        extra = " ".join([*tags.get(a.pk, []), a.doctor.name, a.doctor.department.name])
        yield (
            a.pk,
            a.title,
            extra,
            a.summary,
            a.body,
            _cjk_terms(a.title, extra, a.summary, a.body),
        )


SQLITE_INSERT = (
    "INSERT INTO articles_search (rowid, title, extra, summary, body, cjk) "
    "VALUES (%s, %s, %s, %s, %s, %s)"
)
POSTGRES_INSERT = (
    "INSERT INTO articles_search (article_id, document) VALUES (%s, "
    "setweight(to_tsvector('english', %s), 'A') || setweight(to_tsvector('english', %s), 'B') || "
    "setweight(to_tsvector('english', %s), 'B') || setweight(to_tsvector('english', %s), 'C') || "
    "setweight(to_tsvector('simple', %s), 'B'))"
)


def _key_column() -> str:
    return "article_id" if connection.vendor == "postgresql" else "rowid"


def index(ids: Iterable[int]) -> None:
    """Bring these articles' entries in step: re-indexed if published or scheduled, else gone."""
    ids = list(ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f"DELETE FROM articles_search WHERE {_key_column()} IN ({placeholders})", ids
        )
    _insert(_documents(ids))


def rebuild() -> int:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_search")
    return _insert(_documents(None))


def _insert(documents: Iterable[tuple]) -> int:
    return insert(
        POSTGRES_INSERT if connection.vendor == "postgresql" else SQLITE_INSERT,
        documents,
        batch=1000,
    )


# -- Querying ---------------------------------------------------------------------------------


def ranked_ids(query: Query) -> list[int]:
    """Ids of matching published or scheduled articles, best first, at most ``CAP``."""
    if not query:
        return []
    if connection.vendor == "postgresql":
        return _postgres_ids(query)
    return _sqlite_ids(query)


def _sqlite_ids(query: Query) -> list[int]:
    expression = " OR ".join(
        "(" + " AND ".join(p.fts5 for p in group) + ")" for group in query.groups
    )
    if query.excluded:
        expression = f"({expression})" + "".join(f" NOT {p.fts5}" for p in query.excluded)
    # Column weights: title, extra (tags, doctor, department), summary, body, cjk.
    sql = (
        "SELECT rowid FROM (SELECT rowid, bm25(articles_search, 10.0, 5.0, 4.0, 1.0, 3.0) AS score "
        "FROM articles_search WHERE articles_search MATCH %s ORDER BY rowid DESC LIMIT %s) "
        "ORDER BY score, rowid DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, CAP])
        return [row[0] for row in cursor.fetchall()]


def _postgres_ids(query: Query) -> list[int]:
    from django.contrib.postgres.search import SearchQuery, SearchRank

    def tsquery(phrase: Phrase) -> SearchQuery:
        config = "simple" if phrase.cjk else "english"
        return SearchQuery(" ".join(phrase.words), search_type="phrase", config=config)

    search = reduce(
        lambda a, b: a | b,
        (reduce(lambda a, b: a & b, map(tsquery, group)) for group in query.groups),
    )
    for phrase in query.excluded:
        search &= ~tsquery(phrase)
    newest = (
        SearchDocument.objects.filter(document=search)
        .order_by("-article_id")
        .values("article_id")[:CAP]
    )
    return list(
        SearchDocument.objects.filter(article_id__in=newest)
        .annotate(rank=SearchRank(F("document"), search))
        .order_by("-rank", "-article_id")
        .values_list("article_id", flat=True)
    )


@dataclass
class Results:
    query: Query
    ids: list[int]  # live matches, best first

    @property
    def capped(self) -> bool:
        return len(self.ids) >= CAP


def search(raw: str) -> Results:
    query = parse(raw)
    ids = ranked_ids(query)
    # The index holds published and scheduled articles; the scheduled few are dropped here,
    # which is much cheaper than checking thousands of matches against published().
    hidden = set(Article.objects.scheduled().values_list("pk", flat=True)) if ids else set()
    return Results(query, [pk for pk in ids if pk not in hidden])


# -- Highlighting -----------------------------------------------------------------------------


def highlight(text: str, query: Query) -> SafeString:
    """``text``, HTML-escaped, with the words the query matched in <mark>."""
    spans = _spans(text, query)
    out, last = [], 0
    for start, end in spans:
        out += [escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>"]
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def snippet(text: str, query: Query, words: int = 40) -> SafeString:
    """About ``words`` words of ``text`` around its first match, highlighted."""
    spans = _spans(text, query)
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    if not starts:
        return mark_safe("")
    first = spans[0][0] if spans else 0
    index = max(0, max((i for i, s in enumerate(starts) if s <= first), default=0) - words // 4)
    begin = starts[index]
    end = starts[index + words] if index + words < len(starts) else len(text)
    piece = highlight(text[begin:end].rstrip(), query)
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + piece + suffix)


def _spans(text: str, query: Query) -> list[tuple[int, int]]:
    spans = []
    if query.stems:
        for match in TOKEN.finditer(text):
            token = match.group()
            if not is_cjk(token) and stem(token.lower().replace("'", "")) in query.stems:
                spans.append(match.span())
    for run in query.cjk_runs:
        spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(run), text))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
