"""The review in Chromium: a reviewer reads an answer in review, comments and requests changes;
the author sees the comment and the dashboard line; an editor sees the reason field beside
Publish. Screenshots at 1280 and 390 px wide go to artifacts/."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles.editorial import workflow, working_copies
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


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reviewer_approves_the_changes_they_read_and_an_editor_publishes_them(
    new_context,  # noqa: F811 (the fixture imported above)
    live_server,
    django_user_model,
    width,
):
    """A live answer's changes, in review: the author's form is frozen (no Save, no Delete),
    the reviewer is told which text approving signs, and the editor sees it is the one
    approved, so Publish changes needs no reason and readers get the reviewer's name."""
    author = account(django_user_model, "ada", "delete_article")
    reviewer = account(django_user_model, "rosa", "review_article")
    account(django_user_model, "ed", "publish_article", "delete_article", doctor=False)
    live = make_article("Does hepatitis C come back?", author.doctor)
    copy = working_copies.start_working_copy(live)
    copy.body = "Rarely, after a cure: a new infection is possible."
    copy.save()
    workflow.submit(copy, author)
    form = f"{live_server.url}{reverse('admin:articles_article_change', args=[live.pk])}"

    doctor = new_context(width=width).new_page()
    log_in(doctor, live_server.url, "ada", PASSWORD)
    doctor.goto(form)
    doctor.wait_for_selector(".review-panel__frozen")
    assert doctor.locator("a.deletelink").count() == 0
    assert doctor.locator("input[name=_continue]").count() == 0
    shot(doctor, f"approval-{width}-1-author-frozen")

    rosa = new_context(width=width).new_page()
    log_in(rosa, live_server.url, "rosa", PASSWORD)
    rosa.goto(form)
    signs = rosa.inner_text(".review-panel__text")
    shown = workflow.text_hash(copy)[:8]
    assert f"Approving signs this text, #{shown}" in signs
    shot(rosa, f"approval-{width}-2-reviewer-reads")
    rosa.click("button[value=approve]")
    rosa.wait_for_selector(".messagelist >> text=Approved")
    shot(rosa, f"approval-{width}-3-reviewer-approved")

    editor = new_context(width=width).new_page()
    log_in(editor, live_server.url, "ed", PASSWORD)
    editor.goto(form)
    assert f"This text is the one approved: #{shown}." in editor.inner_text(".review-panel")
    assert f"text #{shown}" in editor.inner_text(".review-panel__events")
    assert editor.locator("#id_publish_reason").count() == 0  # approved: no reason asked
    assert editor.locator("#id_reviewed_by").count() == 0  # shown, never typed
    shot(editor, f"approval-{width}-4-editor-sees-the-approved-text")
    editor.click("input[value='Publish changes']")
    editor.wait_for_selector(".messagelist >> text=Published")
    reader = new_context(width=width).new_page()
    reader.goto(f"{live_server.url}{live.get_absolute_url()}")
    assert "Medically reviewed by" in reader.inner_text("body")
    assert reviewer.doctor.name in reader.inner_text("body")
