"""The search indexes on each database: SQLite's FTS5 or PostgreSQL's tsvector under a GIN index.

Both index title (strongest), tags + doctor + department and summary, then body, plus the CJK
character bigrams of all of them (Chinese has no spaces to split words on). English is stemmed:
FTS5's porter tokenizer on SQLite, the "english" configuration on PostgreSQL. One backend object
per database vendor and index, chosen by ``backend()``; nothing else in the project writes SQL
for search.

There are two indexes of the same shape. ``articles_search`` holds what readers may find
(published and scheduled answers); ``articles_draft_search`` holds drafts, for editors only. The
public search reads the first alone, so a draft cannot reach it by a forgotten filter.

Ranking is capped: only the newest ``CAP`` matches are scored, so a term found in every article
costs the same as a rare one.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce

from django.db import connection
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In

from ..bulk import insert
from ..models import Article, SearchDocument
from .query import Phrase, Query

CAP = 2000
TABLE = SearchDocument._meta.db_table
DRAFTS_TABLE = "articles_draft_search"  # made by migration 0013 like TABLE by 0001


class SQLiteBackend:
    """An FTS5 table: columns title, extra, summary, body, cjk; the article id is its rowid."""

    key = "rowid"

    def __init__(self, table: str = TABLE) -> None:
        self.table = table

    @property
    def insert_sql(self) -> str:
        return (
            f"INSERT INTO {self.table} (rowid, title, extra, summary, body, cjk) "
            "VALUES (%s, %s, %s, %s, %s, %s)"
        )

    def delete(self, ids: list[int]) -> None:
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {self.table} WHERE {self.key} IN ({placeholders})",  # noqa: S608 (placeholders only)
                ids,
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")  # noqa: S608 (a constant)

    def insert(self, documents: Iterable[tuple]) -> int:
        return insert(self.insert_sql, documents, batch=1000)

    def is_empty(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {self.table} LIMIT 1")  # noqa: S608 (a constant)
            return cursor.fetchone() is None

    def matches(self, query: Query) -> RawSQL:
        """The ids of every match, unranked and uncapped, as a subquery for ``pk__in``: the
        admin orders and counts them with the rest of its list."""
        sql = f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s"  # noqa: S608 (a constant)
        return RawSQL(sql, [_fts5(query)])  # noqa: S611 (the query is a parameter)

    def among(self, ids: set[int]) -> Q:
        """Articles with these ids."""
        return Q(pk__in=ids)

    def row_matches(self, query: Query) -> In:
        """A condition on each article row: its id (plus nothing, so SQLite does not look
        rows up by it) among the matches. SQLite then walks the list in its own order and
        stops after a page, instead of looking up every match of a common word and sorting."""
        return In(F("pk") + 0, self.matches(query))

    def matching_ids(self, query: Query, limit: int) -> list[int]:
        """Up to ``limit`` ids of ``matches``, in no particular order."""
        matches = self.matches(query)
        with connection.cursor() as cursor:
            cursor.execute(f"{matches.sql} LIMIT %s", [*matches.params, limit])
            return [row[0] for row in cursor.fetchall()]

    def ranked_ids(self, query: Query) -> list[int]:
        expression = _fts5(query)
        # Column weights: title, extra (tags, doctor, department), summary, body, cjk.
        sql = (
            f"SELECT rowid FROM (SELECT rowid, bm25({TABLE}, 10.0, 5.0, 4.0, 1.0, 3.0) AS score "  # noqa: S608 (a constant)
            f"FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s) "
            "ORDER BY score, rowid DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, CAP])
            return [row[0] for row in cursor.fetchall()]


def _fts5(query: Query) -> str:
    expression = " OR ".join(
        "(" + " AND ".join(p.fts5 for p in group) + ")" for group in query.groups
    )
    if query.excluded:
        expression = f"({expression})" + "".join(f" NOT {p.fts5}" for p in query.excluded)
    return expression


class PostgresBackend(SQLiteBackend):
    """A weighted tsvector per article (``SearchDocument``), queried through Django's ORM."""

    key = "article_id"

    @property
    def insert_sql(self) -> str:
        return (
            f"INSERT INTO {self.table} (article_id, document) VALUES (%s, "
            "setweight(to_tsvector('english', %s), 'A') "
            "|| setweight(to_tsvector('english', %s), 'B') "
            "|| setweight(to_tsvector('english', %s), 'B') "
            "|| setweight(to_tsvector('english', %s), 'C') "
            "|| setweight(to_tsvector('simple', %s), 'B'))"
        )

    def matches(self, query: Query) -> RawSQL:
        expression, params = self._tsquery(query)
        sql = f"SELECT article_id FROM {self.table} WHERE document @@ ({expression})"  # noqa: S608 (constants and placeholders)
        return RawSQL(sql, params)  # noqa: S611 (words are parameters)

    def among(self, ids: set[int]) -> Q:
        """One array parameter: thousands of placeholders cost more to build than to run."""
        sql = f"{Article._meta.db_table}.id = ANY(%s)"
        return Q(RawSQL(sql, [sorted(ids)], output_field=BooleanField()))  # noqa: S611 (a constant)

    def row_matches(self, query: Query) -> RawSQL:
        """Each article row's own entry, read by its key and tested: the list walks its
        index in its own order and stops after a page. (An IN or EXISTS would be planned
        as a hash of every match of a common word, built first.)"""
        expression, params = self._tsquery(query)
        articles = Article._meta.db_table
        sql = (
            f"COALESCE((SELECT document @@ ({expression}) FROM {self.table} "  # noqa: S608 (constants and placeholders)
            f"WHERE article_id = {articles}.id), false)"
        )
        return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 (words are parameters)

    @staticmethod
    def _tsquery(query: Query) -> tuple[str, list[str]]:
        def tsquery(phrase: Phrase) -> tuple[str, list[str]]:
            config = "simple" if phrase.cjk else "english"
            return f"phraseto_tsquery('{config}', %s)", [" ".join(phrase.words)]

        parts, params = [], []
        for group in query.groups:
            sqls = []
            for phrase in group:
                sql, more = tsquery(phrase)
                sqls.append(sql)
                params += more
            parts.append("(" + " && ".join(sqls) + ")")
        expression = " || ".join(parts)
        for phrase in query.excluded:
            sql, more = tsquery(phrase)
            expression = f"({expression}) && !!{sql}"
            params += more
        return expression, params

    def ranked_ids(self, query: Query) -> list[int]:
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


_BACKENDS = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}
_PUBLIC = {vendor: kind() for vendor, kind in _BACKENDS.items()}
_DRAFTS = {vendor: kind(DRAFTS_TABLE) for vendor, kind in _BACKENDS.items()}


def backend(drafts: bool = False) -> SQLiteBackend:
    """The backend for the database in use: the public index, or the drafts' one."""
    return (_DRAFTS if drafts else _PUBLIC)[connection.vendor]


def _prefix(words: tuple[str, ...]) -> str | None:
    """For one long word, its first two thirds: the titles holding a word the stemmer leaves
    apart ("metastasize", "metastasis") are found too."""
    if len(words) != 1 or len(words[0]) < 6 or not words[0].isalnum():
        return None
    return words[0][: len(words[0]) * 2 // 3]


def titles_holding(word_sets: list[tuple[str, ...]], limit: int) -> list[list[int]]:
    """For each set of words, the ids of up to ``limit`` answers (drafts included) whose title
    holds every word (stemmed as the search stems them; a single long word, or its first two
    thirds): the duplicate check's candidates, in one query. SQLite reads both indexes' title
    column; PostgreSQL the title index of migration 0016 (a weight in a tsvector is checked row
    by row, never in its index). Words hold only letters, digits and underscores."""
    if connection.vendor == "postgresql":
        articles = Article._meta.db_table
        sql = (
            f"SELECT id FROM {articles} WHERE to_tsvector('english', title) "  # noqa: S608 (a constant)
            "@@ (plainto_tsquery('english', %s) || to_tsquery('simple', %s))"
        )

        def tsqueries(words: tuple[str, ...]) -> list[str]:
            prefix = _prefix(words)
            return [" ".join(words), f"{prefix}:*" if prefix else ""]

        sources = [(sql, tsqueries)]
    else:

        def expression(words: tuple[str, ...]) -> list[str]:
            every = " AND ".join(f'"{w}"' for w in words)
            prefix = _prefix(words)
            return [f'title : ({every} OR "{prefix}"*)' if prefix else f"title : ({every})"]

        sources = [
            (f"SELECT rowid AS id FROM {table} WHERE {table} MATCH %s", expression)  # noqa: S608 (a constant)
            for table in (TABLE, DRAFTS_TABLE)
        ]
    parts, params = [], []
    for i, words in enumerate(word_sets):
        for j, (sql, parameters) in enumerate(sources):
            parts.append(f"SELECT {i} AS n, id FROM ({sql} LIMIT %s) AS s{i}_{j}")
            params += [*parameters(words), limit]
    found: list[list[int]] = [[] for _ in word_sets]
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for n, pk in cursor.fetchall():
                found[n].append(pk)
    return found
