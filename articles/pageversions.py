"""Where the page cache keeps the versions of what pages show: in Redis (the ``versions``
cache) when ``REDIS_URL`` is set, otherwise in the ``PageVersion`` table.

The table is read with one plain query on the primary database, so checking a cached page
costs tens of microseconds rather than a cache backend's pickling, and it is bumped with
``version = version + 1`` in the database, so concurrent commits never lose a bump.
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import suppress

from django.conf import settings
from django.core.cache import caches
from django.db import connections, router

from .models import PageVersion


class TableVersions:
    """Versions in the database every worker and app server already shares."""

    @staticmethod
    def _connection():
        return connections[router.db_for_write(PageVersion)]

    def _sql(self, statement: str, keys: Collection[str]) -> tuple[str, list[str]]:
        connection = self._connection()
        placeholders = ", ".join(["%s"] * len(keys))
        table = connection.ops.quote_name(PageVersion._meta.db_table)
        column = connection.ops.quote_name(PageVersion._meta.get_field("key").column)
        return statement.format(table=table, key=column, keys=placeholders), list(keys)

    def get_many(self, keys: Collection[str]) -> dict[str, int]:
        if not keys:
            return {}
        sql, params = self._sql("SELECT {key}, version FROM {table} WHERE {key} IN ({keys})", keys)
        with self._connection().cursor() as cursor:
            cursor.execute(sql, params)
            return dict(cursor.fetchall())

    def add(self, key: str, version: int) -> None:
        PageVersion.objects.bulk_create(
            [PageVersion(key=key, version=version)], ignore_conflicts=True
        )

    def bump(self, keys: Collection[str]) -> None:
        if keys:
            sql, params = self._sql(
                "UPDATE {table} SET version = version + 1 WHERE {key} IN ({keys})", keys
            )
            with self._connection().cursor() as cursor:
                cursor.execute(sql, params)


class CacheVersions:
    """Versions in a shared cache (Redis), whose ``incr`` is atomic."""

    def __init__(self) -> None:
        self.cache = caches["versions"]

    def get_many(self, keys: Collection[str]) -> dict[str, int]:
        return self.cache.get_many(list(keys))

    def add(self, key: str, version: int) -> None:
        self.cache.add(key, version, timeout=None)

    def bump(self, keys: Collection[str]) -> None:
        for key in keys:
            with suppress(ValueError):  # never set: no stored page holds it
                self.cache.incr(key)


def store() -> TableVersions | CacheVersions:
    return CacheVersions() if "versions" in settings.CACHES else TableVersions()
