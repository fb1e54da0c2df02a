"""Article bodies: Markdown rendered to HTML once, at save time, and sanitized with nh3.

CommonMark through markdown-it-py, whose parser takes time linear in the input (Python-Markdown
was quadratic on unclosed brackets and recursed without end on deep lists); with the limits
check_body enforces, no body keeps a worker busy for long.
Raw HTML in the Markdown is shown as typed, never rendered; nh3 then keeps only the elements
and attributes below, so nothing from an editor's keyboard can run in a reader's browser.
"""

from urllib.parse import urlsplit

import nh3
from django.core.exceptions import ValidationError
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "em", "strong", "a", "blockquote",
}  # fmt: skip
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTERNAL_REL = "nofollow noopener"

# The longest shipped answer has 959 characters; 20,000 (some 3,000 words) is twenty times that,
# room for any short answer, and bounds what one save or preview costs: the parser is linear
# but pure Python, and the slowest 20,000-character body found (10,000 "![") takes 0.4 s of CPU.
MAX_BODY_CHARACTERS = 20_000
# Lists and quotes inside one another. The parser's own guard (20 levels, two per list) renders
# nine list levels whole and drops what lies deeper, so the form stops at eight; readers lose
# their way long before.
MAX_NESTING = 8
_CONTAINERS = {"bullet_list_open", "ordered_list_open", "blockquote_open"}
_CONTAINER_ENDS = {"bullet_list_close", "ordered_list_close", "blockquote_close"}


def _page_outline(state: StateCore) -> None:
    """The page's only h1 is the question, so a body "# heading" becomes h2; external links
    get rel."""
    for token in state.tokens:
        if token.tag == "h1":
            token.tag = "h2"
        for child in token.children or ():
            if child.type == "link_open" and urlsplit(str(child.attrGet("href"))).scheme in {
                "http",
                "https",
            }:
                child.attrSet("rel", EXTERNAL_REL)


# Typed HTML becomes text: editors write Markdown, and a pasted <script> stays visible.
_markdown = MarkdownIt("commonmark", {"html": False})
_markdown.core.ruler.push("page_outline", _page_outline)
# Lists and quotes only: checking their depth needs no inline parsing, the costly part.
_blocks = MarkdownIt("commonmark", {"html": False}).disable("inline")


def render_markdown(text: str) -> str:
    """Safe HTML for ``text``: the same input always gives the same bytes."""
    html = _markdown.render(text).rstrip("\n")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        tag_attribute_values={"a": {"rel": {EXTERNAL_REL}}},
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def check_body(text: str) -> None:
    """Refuse a body too long or too deeply nested to be worth rendering, with a message that
    says what to change."""
    # Browsers post each line break as CR LF; the editor typed one character, and the
    # textarea's own count (and the reader's page) sees one.
    length = len(text) - text.count("\r\n")
    if length > MAX_BODY_CHARACTERS:
        raise ValidationError(
            f"The answer is {length:,} characters long; the limit is "
            f"{MAX_BODY_CHARACTERS:,}. Shorten it, or split it into two answers.",
            code="too_long",
        )
    if _nesting(_blocks.parse(text)) > MAX_NESTING:
        raise ValidationError(
            f"Lists and quotes are nested more than {MAX_NESTING} levels deep; "
            "flatten them to a few levels.",
            code="too_deep",
        )


def _nesting(tokens: list[Token]) -> int:
    depth = deepest = 0
    for token in tokens:
        if token.type in _CONTAINERS:
            depth += 1
            deepest = max(deepest, depth)
        elif token.type in _CONTAINER_ENDS:
            depth -= 1
    return deepest
