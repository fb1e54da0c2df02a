"""Reading a Range header (RFC 9110, section 14): one range is honoured, anything else gets
the whole file, and a range past the end is refused."""

import pytest

from articles.media.ranges import Unsatisfiable, byte_range

SIZE = 1000


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=0-0", (0, 0)),
        ("bytes=900-", (900, 999)),
        ("bytes=-10", (990, 999)),
        ("bytes=-5000", (0, 999)),  # more than the file: all of it
        ("bytes=500-99999", (500, 999)),  # clipped to the end
        ("bytes=999-999", (999, 999)),
        ("BYTES=1-2", (1, 2)),
        (" bytes=1-2 ", (1, 2)),
    ],
)
def test_one_range(header, expected):
    assert byte_range(header, SIZE) == expected


@pytest.mark.parametrize(
    "header",
    [
        "",
        "bytes=",
        "bytes=-",
        "bytes=5-1",  # last before first: invalid, so ignored
        "bytes=0-1,5-9",  # several ranges: the whole file instead
        "items=0-1",
        "bytes=a-b",
        "bytes=+1-2",
        "bytes=1 - 2",
        "bytes=0x10-",
        "bytes=0-" + "9" * 5000,  # more digits than int() reads
    ],
)
def test_anything_else_is_the_whole_file(header):
    assert byte_range(header, SIZE) is None


@pytest.mark.parametrize(
    ("header", "size"),
    [
        ("bytes=1000-", SIZE),
        ("bytes=1000-2000", SIZE),
        ("bytes=-0", SIZE),
        ("bytes=0-", 0),
        ("bytes=-1", 0),
    ],
)
def test_ranges_that_select_no_byte_are_unsatisfiable(header, size):
    with pytest.raises(Unsatisfiable):
        byte_range(header, size)
