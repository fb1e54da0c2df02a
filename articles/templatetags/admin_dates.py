"""The article list's date links (Django's ``date_hierarchy``) from a few indexed reads.

Django's own tag asks the database for every distinct year (or month, or day) of the list, which
truncates the date of every row: 100,000 of them on a large site. This reads the first and last
dates, then the years between by jumping through the publication-date index (one read per year
with answers, between the first and the last), and offers every month
or day between the first and last dates of the year chosen, so a link may lead to a month
without answers (or none that pass the other filters). The unfiltered list's dates are used,
so the page costs the same under any filter.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()

MAX_YEARS = 200  # a bound on the reads, far past any site's span


@register.inclusion_tag("admin/date_hierarchy.html")
def date_hierarchy_from_range(cl) -> dict:
    field = cl.date_hierarchy
    year, month, day = (cl.params.get(f"{field}__{part}") for part in ("year", "month", "day"))
    if year and month and day:
        return date_hierarchy(cl)  # one day: Django's tag asks nothing of the database
    dated = cl.root_queryset.filter(**{f"{field}__isnull": False}).values_list(field, flat=True)

    def link(**parts) -> str:
        return cl.get_query_string({f"{field}__{k}": v for k, v in parts.items()}, [f"{field}__"])

    if year:
        try:
            year, month = int(year), int(month) if month else None
            start = timezone.make_aware(datetime(year, month or 1, 1))
            dated = dated.filter(**{f"{field}__gte": start, f"{field}__lt": _next(year, month)})
        except (ValueError, OverflowError):  # a year or month typed into the address
            return {"show": False}
    first, last = dated.order_by(field).first(), dated.order_by(f"-{field}").first()
    if first is None:
        return {"show": False}
    first, last = _local(first), _local(last)
    if not year:
        years = _years(dated, field, first.year, last.year)
        if len(years) > 1:
            choices = [{"link": link(year=y), "title": str(y)} for y in years]
            return {"show": True, "back": None, "choices": choices}
        year = first.year
    if not month and (first.year, first.month) == (last.year, last.month):
        month = first.month
    if month:
        days = range(1, calendar.monthrange(year, month)[1] + 1)
        choices = [
            (date(year, month, d), link(year=year, month=month, day=d))
            for d in days
            if first <= date(year, month, d) <= last
        ]
        back = {"link": link(year=year), "title": str(year)}
        return _shown(back, choices, "MONTH_DAY_FORMAT")
    months = [
        (date(year, m, 1), link(year=year, month=m)) for m in range(first.month, last.month + 1)
    ]
    return _shown({"link": link(), "title": _("All dates")}, months, "YEAR_MONTH_FORMAT")


def _years(dated, field: str, first: int, last: int) -> list[int]:
    """The years with a date, from the first to the last: each read between them is the
    first date on or after the start of the year after the one found before."""
    years = [first]
    while years[-1] < last and len(years) < MAX_YEARS:
        moment = dated.filter(**{f"{field}__gte": _next(years[-1])}).order_by(field).first()
        if moment is None:
            break
        years.append(_local(moment).year)
    return years


def _next(year: int, month: int | None = None) -> datetime:
    """The start of the year (or month) after this one, in the site's time zone."""
    if month is None or month == 12:
        return timezone.make_aware(datetime(year + 1, 1, 1))
    return timezone.make_aware(datetime(year, month + 1, 1))


def _local(moment: datetime) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _shown(back: dict, choices: list[tuple[date, str]], format_name: str) -> dict:
    return {
        "show": True,
        "back": back,
        "choices": [
            {"link": url, "title": capfirst(date_format(day, format_name))} for day, url in choices
        ],
    }
