"""The one byte range a ``Range`` header asks for (RFC 9110, section 14).

Only a single range is honoured: an audio player asks for one at a time, and RFC 9110 lets a
server answer anything else with the whole file. Written here rather than taken from a package:
django-ranged-response (last released 2017) reads the whole file to learn its size, and
whitenoise's parser is a private part of its own WSGI responder.
"""

import re

# At most 18 digits, which no file reaches: int() refuses strings of over 4,300.
SINGLE_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})", re.IGNORECASE)


class Unsatisfiable(Exception):
    """The range starts past the end of the file (answered 416)."""


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """``(first, last)`` byte offsets, inclusive, that ``header`` asks of a ``size``-byte file,
    clipped to its end; None when the whole file should be sent (a malformed header, another
    unit, several ranges). Raises ``Unsatisfiable`` for a range that selects no byte."""
    match = SINGLE_RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = (int(digits) if digits else None for digits in match.groups())
    if first is None:  # "bytes=-n": the last n bytes
        length = last
        if length is None:
            return None
        if length == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - length), size - 1
    if last is not None and last < first:
        return None  # invalid, so ignored
    if first >= size:
        raise Unsatisfiable
    return first, size - 1 if last is None else min(last, size - 1)
