from typing import Any

from django import template
from django.utils.safestring import SafeString

from articles import structured_data

register = template.Library()


@register.filter
def json_ld(data: dict[str, Any] | None) -> SafeString | str:
    return structured_data.script(data) if data else ""
