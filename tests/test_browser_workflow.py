"""The review in Chromium: a reviewer reads an answer in review, comments and requests changes;
the author sees the comment and the dashboard line; an editor sees the reason field beside
Publish. Screenshots at 1280 and 390 px wide go to artifacts/."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles.editorial import workflow
from articles.models import Article

from .conftest import make_article, make_doctor
from .test_browser import (  # noqa: F401 (fixtures, used by name)
    PASSWORD,
    browser,
    log_in,
    new_context,
    pytestmark,
    shot,
)


def account(django_user_model, name: str, *codenames: str, doctor: bool = True):
    user = django_user_model.objects.create_user(
        name, f"{name}@example.com", password=PASSWORD, first_name=name.title(), is_staff=True
    )
    perms = ["view_article", "add_article", "change_article", *codenames]
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    if doctor:
        make_doctor(f"Dr {name.title()}", user=user)
    return user


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reviewer_comments_and_requests_changes(
    new_context,  # noqa: F811 (the fixture imported above)
    live_server,
    django_user_model,
    width,
):
    author = account(django_user_model, "ada")
    reviewer = account(django_user_model, "rosa", "review_article")
    account(django_user_model, "ed", "publish_article", doctor=False)
    answer = make_article("Can I drink coffee with hepatitis B?", author.doctor, status="draft")
    workflow.submit(answer, author)
    form = f"{live_server.url}{reverse('admin:articles_article_change', args=[answer.pk])}"

    page = new_context(width=width).new_page()
    log_in(page, live_server.url, "rosa", PASSWORD)
    page.wait_for_selector("#waiting-to-review")
    assert "1 answer to review" in page.inner_text("#waiting-to-review")
    shot(page, f"workflow-{width}-1-reviewer-dashboard")
    page.goto(form)
    page.fill("#new-comment", "<b>How many cups?</b> Say so in the answer.")
    page.click("text=Add comment")
    page.wait_for_selector("text=Comment added.")
    assert "<b>How many cups?</b>" in page.inner_text(".review-comment")
    page.fill("#review-comment", "Please give a number of cups.")
    page.click("button[value='request_changes']")
    page.wait_for_selector("text=Sent back to the author")
    shot(page, f"workflow-{width}-2-changes-requested")
    answer.refresh_from_db()
    assert answer.review_state == Article.Review.CHANGES_REQUESTED
    assert reviewer.doctor != answer.doctor

    author_page = new_context(width=width).new_page()
    log_in(author_page, live_server.url, "ada", PASSWORD)
    author_page.wait_for_selector("#waiting-changes-requested")
    author_page.goto(form)
    assert "Please give a number of cups." in author_page.inner_text(".review-panel")
    shot(author_page, f"workflow-{width}-3-author-reads-the-request")

    editor_page = new_context(width=width).new_page()
    log_in(editor_page, live_server.url, "ed", PASSWORD)
    editor_page.wait_for_selector("text=Editorial status")
    editor_page.goto(form)
    editor_page.click("input[value='Publish']")
    editor_page.wait_for_selector("text=say why it is published anyway")
    shot(editor_page, f"workflow-{width}-4-editor-asked-for-a-reason")
