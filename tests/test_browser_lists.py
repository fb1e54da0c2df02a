"""The article list and the dashboard in Chromium, at a laptop's and a phone's width: titles
keep their width, nothing scrolls sideways, and screenshots go to artifacts/ to be looked at."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from . import test_browser
from .conftest import make_article, make_department, make_doctor

pytestmark = test_browser.pytestmark

browser = test_browser.browser
new_context = test_browser.new_context

TITLE_MIN_PX = 250  # at 1280 px; one word per line was ~90 px


@pytest.fixture
def busy_newsroom(django_user_model):
    """A list long enough to scroll, titles as long as real questions, every state, and an
    editor with drafts and a run of edits on one answer."""
    editor = django_user_model.objects.create_user(
        "nurse", password=test_browser.PASSWORD, is_staff=True, first_name="Nora"
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    departments = [make_department(name) for name in ("Hepatobiliary Surgery", "Hepatology")]
    doctors = [make_doctor(f"Doctor {i}", departments[i % 2]) for i in range(4)]
    for i in range(14):
        article = make_article(
            f"Is it safe to take paracetamol for a fever with compensated cirrhosis, case {i}?",
            doctors[i % 4],
            status=Article.Status.DRAFT if i % 5 == 0 else Article.Status.PUBLISHED,
            published_at=timezone.now() + timedelta(days=2 if i % 7 == 3 else -i - 1),
        )
        for flag in (ADDITION, CHANGE, CHANGE):
            LogEntry.objects.log_actions(editor.pk, [article], flag, single_object=True)


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_the_article_list_and_dashboard_fit_the_screen(
    new_context, live_server, busy_newsroom, width, height
):
    page = new_context(width, height).new_page()
    test_browser.log_in(page, live_server.url, "nurse", test_browser.PASSWORD)
    page.wait_for_selector("text=My drafts")
    assert "Content and accounts" not in page.inner_text("#content")
    assert page.locator("#recent-actions-module li").count() == 8  # one per answer
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    test_browser.shot(page, f"admin-dashboard-{width}")

    page.goto(f"{live_server.url}{reverse('admin:articles_article_changelist')}")
    page.wait_for_selector("#result_list")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Django wraps the table in a box that scrolls sideways when it does not fit.
    results = page.locator("#changelist .results")
    assert results.evaluate("e => e.scrollWidth <= e.clientWidth")
    title = page.locator("#result_list tbody tr").first.locator(".field-title")
    feedback = page.locator("#result_list tbody tr").first.locator(".field-reader_feedback")
    assert feedback.is_visible()
    if width >= 1280:
        assert title.bounding_box()["width"] > TITLE_MIN_PX
        # Every column on screen, none cut off at the right.
        right = page.locator("#changelist-filter").bounding_box()["x"]
        box = feedback.bounding_box()
        assert box["x"] + box["width"] <= right
    else:
        # A card: the title across the row, its details under it.
        assert title.bounding_box()["width"] > width * 0.75
    test_browser.shot(page, f"admin-article-list-{width}")
