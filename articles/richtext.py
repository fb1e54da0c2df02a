"""Article bodies: Markdown rendered to HTML once, at save time, and sanitized with nh3.

Raw HTML in the Markdown is shown as typed, never rendered; nh3 then keeps only the elements
and attributes below, so nothing from an editor's keyboard can run in a reader's browser.
"""

from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "em", "strong", "a", "blockquote",
}  # fmt: skip
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTERNAL_REL = "nofollow noopener"


class _PageOutline(Treeprocessor):
    """The page's only h1 is the question, so a body "# heading" becomes h2; external links
    get rel."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag == "h1":
                element.tag = "h2"
            elif element.tag == "a" and urlsplit(element.get("href", "")).scheme in {
                "http",
                "https",
            }:
                element.set("rel", EXTERNAL_REL)


class _BodyExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Typed HTML becomes text: editors write Markdown, and a pasted <script> stays visible.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_PageOutline(md), "page_outline", 0)


def render_markdown(text: str) -> str:
    """Safe HTML for ``text``: the same input always gives the same bytes."""
    html = markdown.markdown(text, extensions=[_BodyExtension(), "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        tag_attribute_values={"a": {"rel": {EXTERNAL_REL}}},
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
