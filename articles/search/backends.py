"""The search index on each database: SQLite's FTS5 or PostgreSQL's tsvector under a GIN index.

Both index title (strongest), tags + doctor + department and summary, then body, plus the CJK
character bigrams of all of them (Chinese has no spaces to split words on). English is stemmed:
FTS5's porter tokenizer on SQLite, the "english" configuration on PostgreSQL. One backend object
per database vendor, chosen by ``backend()``; nothing else in the project writes SQL for search.

Ranking is capped: only the newest ``CAP`` matches are scored, so a term found in every article
costs the same as a rare one.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce

from django.db import connection
from django.db.models import F

from ..bulk import insert
from ..models import SearchDocument
from .query import Phrase, Query

CAP = 2000
TABLE = SearchDocument._meta.db_table


class SQLiteBackend:
    """An FTS5 table: columns title, extra, summary, body, cjk; the article id is its rowid."""

    key = "rowid"
    insert_sql = (
        f"INSERT INTO {TABLE} (rowid, title, extra, summary, body, cjk) "
        "VALUES (%s, %s, %s, %s, %s, %s)"
    )

    def delete(self, ids: list[int]) -> None:
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE {self.key} IN ({placeholders})", ids)  # noqa: S608 (placeholders only)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 (a constant)

    def insert(self, documents: Iterable[tuple]) -> int:
        return insert(self.insert_sql, documents, batch=1000)

    def is_empty(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {TABLE} LIMIT 1")  # noqa: S608 (a constant)
            return cursor.fetchone() is None

    def ranked_ids(self, query: Query) -> list[int]:
        expression = " OR ".join(
            "(" + " AND ".join(p.fts5 for p in group) + ")" for group in query.groups
        )
        if query.excluded:
            expression = f"({expression})" + "".join(f" NOT {p.fts5}" for p in query.excluded)
        # Column weights: title, extra (tags, doctor, department), summary, body, cjk.
        sql = (
            f"SELECT rowid FROM (SELECT rowid, bm25({TABLE}, 10.0, 5.0, 4.0, 1.0, 3.0) AS score "  # noqa: S608 (a constant)
            f"FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s) "
            "ORDER BY score, rowid DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, CAP])
            return [row[0] for row in cursor.fetchall()]


class PostgresBackend(SQLiteBackend):
    """A weighted tsvector per article (``SearchDocument``), queried through Django's ORM."""

    key = "article_id"
    insert_sql = (
        f"INSERT INTO {TABLE} (article_id, document) VALUES (%s, "
        "setweight(to_tsvector('english', %s), 'A') || setweight(to_tsvector('english', %s), 'B') "
        "|| setweight(to_tsvector('english', %s), 'B') "
        "|| setweight(to_tsvector('english', %s), 'C') "
        "|| setweight(to_tsvector('simple', %s), 'B'))"
    )

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


_BACKENDS = {"sqlite": SQLiteBackend(), "postgresql": PostgresBackend()}


def backend() -> SQLiteBackend:
    """The backend for the database in use."""
    return _BACKENDS[connection.vendor]
