"""Inserting millions of rows: plain executemany, several times faster than bulk_create."""

from collections.abc import Iterable

from django.db import connection


def insert(sql: str, rows: Iterable[tuple], batch: int = 20_000) -> int:
    """Run ``sql`` (with %s placeholders) for every row, ``batch`` rows at a time."""
    count = 0
    with connection.cursor() as cursor:
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == batch:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def analyze() -> None:
    """Refresh the query planner's statistics after a bulk change.

    Without them SQLite may walk the whole published-articles index to find one sidebar.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
