"""The clinical review cycle: when an answer must be checked by a doctor again."""

import calendar
from datetime import date, timedelta

from django.conf import settings

# Editors are told about reviews falling due this soon, before they are overdue.
DUE_SOON = timedelta(days=30)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; 29 February + 12 months is 28 February."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def next_review_due(reviewed_on: date) -> date:
    """The default due date: ``LIVERQA_REVIEW_INTERVAL_MONTHS`` (12) after the review."""
    return add_months(reviewed_on, settings.LIVERQA_REVIEW_INTERVAL_MONTHS)
