"""The admin's article list at 100,000 answers: pages found by id, counts estimated when large,
search through the search indexes.

Like the public list (``articles.views._page``), a page's ids are read from an index first and
its rows fetched after, so page 500 costs what page 1 does instead of loading every skipped row.

Counting is the other cost. SQLite counts 100,000 ids from an index in a few milliseconds, so
it counts exactly. PostgreSQL must visit rows to count them: it counts up to ``EXACT_UP_TO``,
and past that the list takes the planner's estimate (from ``reltuples`` and the column
statistics ANALYZE keeps) and says "about".
"""

from __future__ import annotations

import json

from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.html import format_html

from .. import search

EXACT_UP_TO = 10_000


def estimated_count(queryset: QuerySet) -> int | None:
    """The planner's estimate of the rows ``queryset`` holds, on PostgreSQL; else ``None``."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # none(), or a filter naming no ids
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class IdsFirstPaginator(Paginator):
    """A ``Paginator`` for the admin's changelist (``ModelAdmin.get_paginator``)."""

    estimated = False  # whether ``count`` is the planner's estimate; the page says "about"

    def __init__(self, object_list: QuerySet, *args, rows: QuerySet | None = None, **kwargs):
        super().__init__(object_list, *args, **kwargs)
        # Where a page's rows are fetched by id: the list's filters chose the ids already,
        # and asking them again of a hundred rows can cost a scan.
        self.rows = object_list if rows is None else rows

    @cached_property
    def count(self) -> int:
        if connections[self.object_list.db].vendor != "postgresql":
            return self.object_list.count()
        # Counted exactly up to the bound (a short list costs one count, as in Django);
        # past it, the planner's estimate, which is at least what was counted.
        counted = self.object_list.order_by().values("pk")[: EXACT_UP_TO + 1].count()
        if counted <= EXACT_UP_TO:
            return counted
        self.estimated = True
        return max(counted, estimated_count(self.object_list))

    def validate_number(self, number) -> int:
        """Past an estimated end there may still be rows: the page itself tells (``page``)."""
        if not self.estimated:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number) -> Page:
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[start : start + self.per_page])
        if not ids and number > 1:
            raise EmptyPage("That page contains no results")
        rows = self.rows.in_bulk(ids)
        return self._get_page([rows[pk] for pk in ids], number, self)


class IdsFirstChangeList(ChangeList):
    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        if isinstance(self.result_list, QuerySet):
            # One page, or "Show all": Django then lists the filtered query's whole rows, a
            # query SQLite may plan as a walk of every answer in the list's order. Ids first
            # here too; the same two queries as any other page.
            ids = list(self.queryset.values_list("pk", flat=True)[: self.list_max_show_all])
            rows = self.paginator.rows.in_bulk(ids)
            self.result_list = [rows[pk] for pk in ids]


class ListingAdmin:
    """A mixin for ``ArticleAdmin``: its list, its search and its autocomplete."""

    def get_changelist(self, request: HttpRequest, **kwargs):
        return IdsFirstChangeList

    def get_paginator(self, request: HttpRequest, queryset, per_page, orphans=0, **kwargs):
        if queryset.model is not self.model:  # the history page's log entries
            return super().get_paginator(request, queryset, per_page, orphans, **kwargs)
        rows = self.get_queryset(request).select_related(*self.list_select_related)
        return IdsFirstPaginator(queryset, per_page, orphans, rows=rows, **kwargs)

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        """The search indexes rather than a scan of every body; the list's own order,
        filters and row permissions (``get_queryset``) stay as they are."""
        found = search.matching(search_term)
        return (queryset if found is None else queryset.filter(found)), False

    def action_checkbox(self, obj) -> str:
        """Django's checkbox as one string: rendering its widget's template for each of a
        hundred rows cost more than all the other columns together."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            f"Select this object for an action - {obj}",
        )
