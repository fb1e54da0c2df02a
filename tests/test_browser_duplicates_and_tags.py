"""The duplicate check and the tag suggestions in a real browser, at phone and desktop widths:
the similar answers appear under the title as the editor types, and every tag suggestion is
fully visible (inside the viewport, and the topmost element at its centre and corners: no
ancestor clips it, nothing covers it). Screenshots go to artifacts/.
"""

import pytest
from django.urls import reverse

from articles.models import Article

from . import test_browser
from .conftest import make_article
from .test_browser import log_in_as_the_editor, shot

# tests/test_browser.py's Chromium, its CSP-watching contexts and its newsroom, and its marks
# (slow; skipped without Chromium; committed data for the live server).
browser = test_browser.browser
new_context = test_browser.new_context
newsroom = test_browser.newsroom
pytestmark = test_browser.pytestmark

WIDTHS = [390, 1280]

# Each suggestion's box, and whether the element at its centre and at two opposite inner
# corners is the suggestion itself (a half-clipped one passes at its centre alone).
SUGGESTIONS_SEEN = """() => [...document.querySelectorAll('.tag-autocomplete__list [role=option]')]
  .map((option) => {
    const box = option.getBoundingClientRect();
    const points = [
      [box.left + box.width / 2, box.top + box.height / 2],
      [box.left + 2, box.top + 2],
      [box.right - 2, box.bottom - 2],
    ];
    return {
      name: option.dataset.name,
      inside: box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight
        && box.right <= window.innerWidth && box.width > 0 && box.height > 0,
      onTop: points.every(([x, y]) => option.contains(document.elementFromPoint(x, y))),
    };
  })"""


@pytest.mark.parametrize("width", WIDTHS)
def test_every_tag_suggestion_is_fully_visible(new_context, live_server, newsroom, width):
    author, _ = newsroom
    for n, tag in enumerate(["liver cancer", "liver cyst", "liver fibrosis", "liver transplant"]):
        for _ in range(4 - n):
            make_article(doctor=author, tags=(tag,))
    page = new_context(width, 844 if width < 1000 else 900).new_page()
    log_in_as_the_editor(page, live_server.url)
    page.goto(f"{live_server.url}{reverse('admin:articles_article_add')}")
    page.locator("#id_tags").evaluate("(input) => input.scrollIntoView({block: 'center'})")
    page.locator("#id_tags").press_sequentially("liv")
    page.locator(".tag-autocomplete__list [role=option]").nth(4).wait_for()
    seen = page.evaluate(SUGGESTIONS_SEEN)
    assert [s["name"] for s in seen] == [
        "liver cancer",
        "liver cyst",
        "liver fibrosis",
        "fatty liver",  # the newsroom's, on one answer like "liver transplant"
        "liver transplant",
    ]
    assert all(s["inside"] and s["onTop"] for s in seen), seen
    shot(page, f"tags-suggestions-{width}")
    page.click(".tag-autocomplete__list [role=option]:has-text('liver transplant')")
    assert page.input_value("#id_tags") == "liver transplant, "


@pytest.mark.parametrize("width", WIDTHS)
def test_the_duplicate_warning_appears_while_typing(new_context, live_server, newsroom, width):
    _, existing = newsroom
    page = new_context(width, 844 if width < 1000 else 900).new_page()
    log_in_as_the_editor(page, live_server.url)
    page.goto(f"{live_server.url}{reverse('admin:articles_article_add')}")
    results = page.locator("#id_title_similar")
    assert results.get_attribute("aria-live") == "polite"
    assert results.inner_text() == ""  # nothing asked before the editor types

    page.locator("#id_title").press_sequentially("Is a fatty liver reversible")
    warning = page.locator(".duplicate-check__warning")
    warning.wait_for()
    assert "This question looks very like:" in warning.inner_text()
    edit = warning.locator("a", has_text=existing.title)
    assert edit.get_attribute("href") == reverse(
        "admin:articles_article_change", args=[existing.pk]
    )
    assert edit.get_attribute("target") == "_blank"  # the answer being written stays
    live = warning.locator("a", has_text="see it live")
    assert live.get_attribute("href") == existing.get_absolute_url()
    assert "by Sun Wei (Live," in warning.inner_text()
    shot(page, f"duplicate-while-typing-{width}")

    page.fill("#id_title", "")
    page.locator("#id_title").press_sequentially(existing.title)
    page.wait_for_selector(".duplicate-check__warning:has-text('already exists')")
    assert "same title" in warning.inner_text()
    shot(page, f"duplicate-same-title-{width}")

    page.fill("#id_title", "")
    page.locator("#id_title").press_sequentially("Can gallstones hurt?")
    warning.wait_for(state="detached")


def test_an_exact_duplicate_saves_at_a_numbered_address(new_context, live_server, newsroom):
    _, existing = newsroom
    page = new_context().new_page()
    log_in_as_the_editor(page, live_server.url)
    page.goto(f"{live_server.url}{reverse('admin:articles_article_add')}")
    page.locator("#id_title").press_sequentially(existing.title)  # the slug follows
    assert page.input_value("#id_slug") == existing.slug
    page.click(".field-doctor .select2-selection")
    page.fill(".select2-search__field", "Yan")
    page.click(".select2-results__option >> text=Yan Chun")
    page.fill("#id_body", "Often, if the cause goes.")
    page.click("input[name=_continue]")
    page.wait_for_selector("text=was added successfully")
    duplicate = Article.objects.exclude(pk=existing.pk).get(title=existing.title)
    assert duplicate.slug == f"{existing.slug}-2"
    messages = page.inner_text(".messagelist")
    assert f"belongs to “{existing.title}”, so this answer's is /articles/{duplicate.slug}/" in (
        messages
    )
    assert f"“{existing.title}” by Sun Wei (Live, same title)" in messages
    # The warning is shown once: at the top, not again under the title.
    assert page.locator("#id_title_similar").inner_text() == ""
    shot(page, "duplicate-saved-1280")
