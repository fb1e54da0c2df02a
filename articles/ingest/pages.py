"""Parse pages in the source site's scraped format into plain data.

A page is a main article followed by optional "Other Voices":

    <title>
    Written by <doctor>
    <department>
    Updated on <Month D, YYYY>        (optional)
    00:00                             (audio player timestamps, optional)
    <body paragraphs>
    Other Voices                      (optional, then one block per voice:)
    doctor image / home-news-image    (scraped image captions, ignored)
    Written by <doctor>
    <department>
    <1min 2sec> home-news-image       (audio length, optional)
    <title>
    <body paragraphs>

Parsing knows nothing of the database; ``importer`` turns a ``Page`` into rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

WRITTEN_BY = re.compile(r"^Written by\s+(?P<name>\S.*)$")
UPDATED_ON = re.compile(r"^Updated on\s+(?P<date>.+)$")
TIMESTAMP = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
DURATION = re.compile(
    r"^(?=\d)(?:(?P<min>\d+)\s*min)?\s*(?:(?P<sec>\d+)\s*sec)?(?:\s+home-news-image)?$"
)
IMAGE_CAPTIONS = {"doctor image", "home-news-image"}
OTHER_VOICES = "Other Voices"


class PageError(ValueError):
    """A page that does not follow the format; ``str()`` names the file and line."""

    def __init__(self, source: str, line: int, message: str) -> None:
        self.source, self.line, self.message = source, line, message
        super().__init__(f"{source}: line {line}: {message}")


@dataclass
class PageArticle:
    title: str
    doctor: str
    department: str
    body: str
    line: int
    updated_on: date | None = None
    audio_duration: timedelta | None = None


@dataclass
class Page:
    source: str
    main: PageArticle
    voices: list[PageArticle] = field(default_factory=list)

    @property
    def articles(self) -> list[PageArticle]:
        return [self.main, *self.voices]


class _Lines:
    """A cursor over a page's lines that reports 1-based line numbers in errors."""

    def __init__(self, text: str, source: str) -> None:
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        self.lines = [line.strip() for line in text.split("\n")]
        self.source = source
        self.i = 0

    def error(self, message: str, line: int | None = None) -> PageError:
        return PageError(self.source, line or min(self.i + 1, len(self.lines)), message)

    def skip_blank(self) -> None:
        while self.i < len(self.lines) and not self.lines[self.i]:
            self.i += 1

    def peek(self) -> str | None:
        """The next non-blank line, or None at the end."""
        self.skip_blank()
        return self.lines[self.i] if self.i < len(self.lines) else None

    def take(self) -> tuple[str, int]:
        self.skip_blank()
        line = self.lines[self.i]
        self.i += 1
        return line, self.i

    def expect(self, what: str) -> tuple[str, int]:
        if self.peek() is None:
            raise self.error(f"expected {what}, found the end of the page")
        return self.take()


def parse_duration(text: str) -> timedelta | None:
    """ "1min 2sec" -> 62 s; "0sec" and "" -> None (no audio length known)."""
    match = DURATION.match(text.strip())
    if not match or not (match["min"] or match["sec"]):
        return None
    seconds = int(match["min"] or 0) * 60 + int(match["sec"] or 0)
    return timedelta(seconds=seconds) or None


def _is_duration(line: str) -> bool:
    match = DURATION.match(line)
    return bool(match and (match["min"] or match["sec"]))


def _byline(lines: _Lines) -> tuple[str, str, int]:
    line, number = lines.expect("'Written by <name>'")
    match = WRITTEN_BY.match(line)
    if not match:
        raise lines.error(f"expected 'Written by <name>', found {line[:60]!r}", number)
    department, dept_number = lines.expect("a department name")
    if WRITTEN_BY.match(department) or UPDATED_ON.match(department) or _is_duration(department):
        raise lines.error(f"expected a department name, found {department[:60]!r}", dept_number)
    return match["name"].strip(), department, number


def _body(lines: _Lines, stop: set[str], what: str, *, until_byline: bool = False) -> str:
    """Paragraphs up to a line in ``stop`` (or, ``until_byline``, a "Written by" line, which
    starts the next Other Voices answer), joined by blank lines."""
    paragraphs, current = [], []
    start = lines.i + 1
    while lines.i < len(lines.lines):
        line = lines.lines[lines.i]
        if line in stop or (until_byline and WRITTEN_BY.match(line)):
            break
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
        lines.i += 1
    if current:
        paragraphs.append(" ".join(current))
    if not paragraphs:
        raise lines.error(f"{what} has no text", start)
    return "\n\n".join(paragraphs)


def parse_page(text: str, source: str = "<page>") -> Page:
    lines = _Lines(text, source)
    title, title_line = lines.expect("the article title")
    if WRITTEN_BY.match(title):
        raise lines.error("expected the article title before 'Written by'", title_line)
    doctor, department, _ = _byline(lines)
    updated_on = None
    if (line := lines.peek()) and (match := UPDATED_ON.match(line)):
        _, number = lines.take()
        try:
            updated_on = datetime.strptime(match["date"].strip(), "%B %d, %Y").date()
        except ValueError:
            raise lines.error(
                f"expected a date like 'Updated on December 21, 2024', found {line[:60]!r}", number
            ) from None
    while (line := lines.peek()) and TIMESTAMP.match(line):
        lines.take()
    body = _body(lines, {OTHER_VOICES}, f"the article {title!r}")
    page = Page(
        source,
        PageArticle(title, doctor, department, body, title_line, updated_on=updated_on),
    )
    if lines.peek() == OTHER_VOICES:
        lines.take()
        while lines.peek() is not None:
            page.voices.append(_voice(lines))
        if not page.voices:
            raise lines.error("'Other Voices' is followed by no answers")
    return page


def _voice(lines: _Lines) -> PageArticle:
    while lines.peek() in IMAGE_CAPTIONS:
        lines.take()
    doctor, department, byline_number = _byline(lines)
    duration = None
    if (line := lines.peek()) and DURATION.match(line):
        lines.take()
        duration = parse_duration(line)
    while lines.peek() in IMAGE_CAPTIONS:
        lines.take()
    title, title_line = lines.expect("the title of an Other Voices answer")
    if WRITTEN_BY.match(title) or title in IMAGE_CAPTIONS:
        raise lines.error(f"expected the answer's title, found {title[:60]!r}", title_line)
    body = _body(lines, IMAGE_CAPTIONS, f"the answer {title!r}", until_byline=True)
    return PageArticle(title, doctor, department, body, byline_number, audio_duration=duration)
