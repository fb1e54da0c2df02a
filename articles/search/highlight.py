"""Search hits as readers see them: the matched words marked, around the first match."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..text import TOKEN, is_cjk, stem
from .query import Query


def highlight(text: str, query: Query) -> SafeString:
    """``text``, HTML-escaped, with the words the query matched in <mark>."""
    spans = _spans(text, query)
    out, last = [], 0
    for start, end in spans:
        out += [escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>"]
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 (the text is escaped, only <mark> is added)


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
    return mark_safe(prefix + piece + suffix)  # noqa: S308 (piece is escaped by highlight)


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
