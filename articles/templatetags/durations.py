from datetime import timedelta

from django import template

from articles import durations

register = template.Library()


@register.filter
def humanize_duration(value: timedelta | None) -> str:
    return durations.humanize(value)


@register.filter
def iso_duration(value: timedelta | None) -> str:
    return durations.iso8601(value)
