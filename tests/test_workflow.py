"""The doctors' review, through the admin as its users post it: submit, request changes,
approve, publish; who may not; what is recorded; comments; e-mails; the dashboard."""

import io
import logging
import re
from datetime import timedelta

import pytest
import reversion
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.editorial.reviews import next_review_due
from articles.models import Article, ArticleComment, ReviewEvent

from .conftest import change_article_data, form_values, make_article, make_doctor
from .test_import import GOOD_PAGE

pytestmark = pytest.mark.django_db
Review = Article.Review


def account(django_user_model, name: str, *codenames: str, doctor: bool = True):
    """A staff account with these article permissions, linked to a doctor of its own."""
    user = django_user_model.objects.create_user(
        name, f"{name}@example.com", first_name=name.title(), is_staff=True
    )
    perms = ["view_article", "add_article", "change_article", *codenames]
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    if doctor:
        make_doctor(f"Dr {name.title()}", user=user)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def author(django_user_model):
    return account(django_user_model, "ada")


@pytest.fixture
def reviewer(django_user_model):
    return account(django_user_model, "rosa", "review_article")


@pytest.fixture
def publisher(django_user_model):
    return account(django_user_model, "ed", "publish_article", doctor=False)


@pytest.fixture
def draft(author):
    return make_article(
        "Can I drink coffee with hepatitis B?", doctor=author.doctor, status="draft"
    )


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def act(client: Client, article: Article, action: str, comment: str = "", seen: str | None = None):
    """Press one of the review buttons on the form as this person last saw it: an approval
    names the text the page showed (``seen`` overrides it)."""
    url = reverse("admin:articles_article_review", args=[article.pk])
    data = {"_review": action, "review_comment": comment}
    if action == "approve":
        page = client.get(change_url(article))
        data["review_text"] = seen if seen is not None else shown_text(page)
    return client.post(url, data, follow=True)


def shown_text(page) -> str:
    """The text hash the review buttons post, as the page renders it ("" if none)."""
    found = re.search(r'name="review_text" value="([0-9a-f]*)"', page.text)
    return found.group(1) if found else ""


def state(article: Article) -> str:
    """The state of the text under review: a live answer's copy's, else the answer's."""
    copy = Article.all_rows.filter(working_copy_of=article).first()
    return (copy or Article.all_rows.get(pk=article.pk)).review_state


def said(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_submit_request_changes_resubmit_approve_publish(
    author, reviewer, publisher, draft, reader, django_capture_on_commit_callbacks
):
    writer, checker, editor = client_for(author), client_for(reviewer), client_for(publisher)

    with django_capture_on_commit_callbacks(execute=True):
        response = act(writer, draft, "submit")
    assert "Submitted for medical review" in said(response)
    assert state(draft) == Review.IN_REVIEW
    [to_reviewer] = mail.outbox
    assert to_reviewer.to == ["rosa@example.com"] and draft.title in to_reviewer.subject

    # Frozen for its author: the form is read-only and a save is refused.
    page = writer.get(change_url(draft)).text
    assert 'id="id_body"' not in page and "the text is frozen for you" in page
    data = change_article_data(client_for(reviewer), draft, body="Changed while frozen.")
    assert writer.post(change_url(draft), data).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        response = act(checker, draft, "request_changes", "Say how much coffee.")
    assert "Sent back to the author" in said(response)
    assert state(draft) == Review.CHANGES_REQUESTED
    [_, to_author] = mail.outbox
    assert to_author.to == ["ada@example.com"] and "Say how much coffee." in to_author.body

    data = change_article_data(writer, draft, body="Up to three cups a day.", _continue="Save")
    assert writer.post(change_url(draft), data).status_code == 302
    act(writer, draft, "submit")
    shown = shown_text(checker.get(change_url(draft)))
    response = act(checker, draft, "approve")
    assert "Approved" in said(response)
    draft.refresh_from_db()
    today = timezone.localdate()
    assert draft.review_state == Review.APPROVED
    assert (draft.reviewed_by, draft.reviewed_on) == (reviewer.doctor, today)
    assert draft.next_review_due == next_review_due(today)

    # Approved: publishing needs no reason.
    data = change_article_data(editor, draft, _publish="Publish", publish_reason="")
    assert editor.post(change_url(draft), data).status_code == 302
    page = reader.get(draft.get_absolute_url()).text
    assert "Medically reviewed by" in page and "Dr Rosa" in page

    steps = list(ReviewEvent.objects.filter(article=draft).order_by("at", "pk"))
    assert [(e.action, e.actor) for e in steps] == [
        ("submitted", author),
        ("changes_requested", reviewer),
        ("submitted", author),
        ("approved", reviewer),
    ]
    assert steps[1].comment == "Say how much coffee."
    assert all(e.revision is not None for e in steps)
    # The approval names the text the reviewer's page showed.
    assert len(shown) == 64 and steps[3].text_hash == shown
    approved = f"Approved (text #{shown[:8]})."
    comments = [v.revision.comment for v in Version.objects.get_for_object(draft)]
    assert "Requested changes: Say how much coffee." in comments and approved in comments
    # The form and the history show the steps, and which text was approved.
    page = editor.get(change_url(draft)).text
    assert "Requested changes" in page and "Say how much coffee." in page
    assert f"text <code>#{shown[:8]}</code>" in page
    assert f"This text is the one approved: <code>#{shown[:8]}</code>." in page
    history = editor.get(reverse("admin:articles_article_history", args=[draft.pk])).text
    assert "Submitted for review." in history and approved in history


def test_who_may_not_review(django_user_model, author, reviewer, draft, staff_client):
    act(client_for(author), draft, "submit")
    # The author, even a reviewer, never approves their own answer.
    own = account(django_user_model, "otto", "review_article")
    own_answer = make_article("Is fatty liver reversible?", doctor=own.doctor, status="draft")
    act(client_for(own), own_answer, "submit")
    response = act(client_for(own), own_answer, "approve")
    assert "you wrote this one" in said(response) and state(own_answer) == Review.IN_REVIEW
    # A doctor without review_article may not even open another doctor's answer; a
    # superuser with no doctor may, but is no reviewer.
    plain = account(django_user_model, "paul")
    assert act(client_for(plain), draft, "approve").status_code == 404
    assert "Only a medical reviewer" in said(act(staff_client, draft, "approve"))
    assert state(draft) == Review.IN_REVIEW
    # Changes are requested with a comment; a blank one or a 2,001-character one is refused.
    for comment in ("", "   ", "x" * 2001):
        response = act(client_for(reviewer), draft, "request_changes", comment)
        assert "error" in response.text and state(draft) == Review.IN_REVIEW
    # Nothing unknown, nothing to approve twice, and no GET.
    assert "Choose Submit" in said(act(client_for(reviewer), draft, "delete"))
    act(client_for(reviewer), draft, "approve")
    assert "Only an answer submitted" in said(act(client_for(reviewer), draft, "approve"))
    url = reverse("admin:articles_article_review", args=[draft.pk])
    assert client_for(reviewer).get(url).status_code == 405
    assert Client().post(url, {"_review": "approve"}).status_code == 302  # to the login
    assert ReviewEvent.objects.filter(action="approved").count() == 1


def test_a_reviewer_opens_other_doctors_answers_awaiting_review_or_reviewed_by_them(
    django_user_model, author, reviewer, draft
):
    """What a medical reviewer may open beyond their own answers: what waits for review, and
    what they reviewed; another reviewer's approved answer stays closed to them."""
    rosa = client_for(reviewer)
    listed = reverse("admin:articles_article_changelist")
    assert rosa.get(change_url(draft)).status_code == 404
    assert draft not in rosa.get(listed).context["cl"].result_list
    act(client_for(author), draft, "submit")
    page = rosa.get(change_url(draft))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]  # reviewers read, authors write
    assert draft in rosa.get(listed).context["cl"].result_list
    act(rosa, draft, "approve")
    assert state(draft) == Review.APPROVED
    page = rosa.get(change_url(draft))  # still read-only: reading it makes it no one else's
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert Article.objects.get(pk=draft.pk).doctor == author.doctor
    colleague = client_for(account(django_user_model, "vera", "review_article"))
    assert colleague.get(change_url(draft)).status_code == 404


def test_publishing_an_unapproved_answer_needs_a_reason(publisher, draft, reader):
    editor = client_for(publisher)
    data = change_article_data(editor, draft, _publish="Publish", publish_reason="")
    response = editor.post(change_url(draft), data)
    assert response.status_code == 200
    assert "say why it is published anyway" in response.text
    draft.refresh_from_db()
    assert draft.state == Article.State.DRAFT
    # Too long a reason is refused too.
    data = change_article_data(editor, draft, _publish="Publish", publish_reason="y" * 501)
    assert editor.post(change_url(draft), data).status_code == 200

    reason = "Urgent outbreak advice; review booked for Monday."
    data = change_article_data(editor, draft, _publish="Publish", publish_reason=reason)
    assert editor.post(change_url(draft), data).status_code == 302
    assert reader.get(draft.get_absolute_url()).status_code == 200
    event = ReviewEvent.objects.get(article=draft)
    assert (event.action, event.comment, event.actor) == ("published_unapproved", reason, publisher)
    assert reason in event.revision.comment


def test_editing_an_approved_live_answer_sends_it_back_unless_not_clinical(
    publisher, reviewer, author, django_capture_on_commit_callbacks
):
    editor = client_for(publisher)
    approved = {"review_state": Review.APPROVED, "doctor": author.doctor}
    clinical = make_article("Is alcohol safe with cirrhosis?", **approved)
    typo = make_article("Can I take paracetamol?", **approved)

    with django_capture_on_commit_callbacks(execute=True):
        data = change_article_data(editor, clinical, body="No: none at all.", _continue="Save")
        assert editor.post(change_url(clinical), data).status_code == 302
    assert state(clinical) == Review.IN_REVIEW
    assert Article.objects.get(pk=clinical.pk).review_state == Review.APPROVED  # live: as read
    assert [m.to for m in mail.outbox] == [["rosa@example.com"]]
    event = ReviewEvent.objects.get(article=clinical)
    assert (event.action, event.from_state, event.to_state) == ("edited", "approved", "in_review")
    assert Article.objects.awaiting_review().filter(pk=clinical.pk).exists()

    data = change_article_data(
        editor, typo, body="Yes, at the usual dose.", not_clinical="on", _continue="Save"
    )
    assert editor.post(change_url(typo), data).status_code == 302
    assert state(typo) == Review.APPROVED
    assert ReviewEvent.objects.get(article=typo).action == "not_clinical"
    # Still approved, so Publish changes needs no reason.
    data = change_article_data(editor, typo, _publish="Publish changes", publish_reason="")
    assert editor.post(change_url(typo), data).status_code == 302
    typo.refresh_from_db()
    assert typo.body == "Yes, at the usual dose." and typo.review_state == Review.APPROVED


def test_a_live_answers_changes_are_reviewed_and_publishing_them_names_the_reviewer(
    publisher, reviewer, author, reader
):
    live = make_article("Does hepatitis C come back?", doctor=author.doctor)
    writer, editor = client_for(author), client_for(publisher)
    data = change_article_data(writer, live, body="Rarely, after a cure.", _continue="Save")
    assert writer.post(change_url(live), data).status_code == 302
    act(writer, live, "submit")
    act(client_for(reviewer), live, "approve")
    live.refresh_from_db()
    assert live.reviewed_by is None  # the approval is the copy's until published
    # The banner names what publishing changes for readers, not the review's progress.
    banner = editor.get(change_url(live)).text
    assert "(body, reviewed by, reviewed on, next review due)" in banner
    assert "Medically reviewed" not in reader.get(live.get_absolute_url()).text
    data = change_article_data(editor, live, _publish="Publish changes", publish_reason="")
    assert editor.post(change_url(live), data).status_code == 302
    page = reader.get(live.get_absolute_url()).text
    assert "Rarely, after a cure." in page and "Dr Rosa" in page


def test_comments_are_escaped_limited_threaded_and_never_public(
    author, reviewer, draft, reader, publisher
):
    url = reverse("admin:articles_article_comment", args=[draft.pk])
    hostile = '<script>alert("x")</script> & <b>bold</b>'
    writer = client_for(author)
    response = writer.post(url, {"body": hostile}, follow=True)
    assert "Comment added." in said(response)
    page = writer.get(change_url(draft)).text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold" in page
    assert "<script>alert" not in page
    note = ArticleComment.objects.get()

    # A reviewer opens (and comments on) another doctor's answer once it awaits review.
    assert client_for(reviewer).post(url, {"body": "Early?"}).status_code == 404
    act(writer, draft, "submit")
    reply = client_for(reviewer).post(url, {"body": "Agreed.", "parent": note.pk}, follow=True)
    assert "Comment added." in said(reply)
    assert ArticleComment.objects.get(body="Agreed.").parent == note
    # Too long, empty, a parent on another answer: refused, nothing saved.
    other = make_article("Another?", status="draft")
    other_note = ArticleComment.objects.create(article=other, body="Elsewhere.")
    for data in ({"body": "z" * 2001}, {"body": "  "}, {"body": "Hi", "parent": other_note.pk}):
        response = writer.post(url, data, follow=True)
        assert "Comment not added" in said(response)
    assert ArticleComment.objects.filter(article=draft).count() == 2
    # CSRF, login and GET.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(author)
    assert strict.post(url, {"body": "No token."}).status_code == 403
    assert Client().post(url, {"body": "Anonymous."}).status_code == 302
    assert writer.get(url).status_code == 405
    # Kept in the history; never on the public page, even once published.
    history = writer.get(reverse("admin:articles_article_history", args=[draft.pk])).text
    assert "Commented: Agreed." in history
    editor = client_for(publisher)
    data = change_article_data(editor, draft, _publish="Publish", publish_reason="A test.")
    assert editor.post(change_url(draft), data).status_code == 302
    page = reader.get(draft.get_absolute_url()).text
    assert "Agreed." not in page and "alert" not in page


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("The mail server is down.")


def test_publishing_tells_the_author(author, publisher, draft, django_capture_on_commit_callbacks):
    editor = client_for(publisher)
    data = change_article_data(editor, draft, _publish="Publish", publish_reason="Urgent.")
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(change_url(draft), data).status_code == 302
    [message] = mail.outbox
    assert message.to == ["ada@example.com"] and message.subject == f"Published: {draft.title}"
    assert draft.get_absolute_url() in message.body
    # The bulk action, for an approved draft, too.
    approved = make_article("Ready?", doctor=author.doctor, status="draft", review_state="approved")
    changelist = reverse("admin:articles_article_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(changelist, {"action": "publish", "_selected_action": [approved.pk]})
    assert mail.outbox[-1].subject == "Published: Ready?"


def test_a_title_saved_with_a_line_break_still_gets_its_e_mails(
    author, reviewer, draft, django_capture_on_commit_callbacks
):
    """Titles are checked now; one saved before (or past the form) keeps its e-mails, on one
    line, and adds no header of its own."""
    Article.objects.filter(pk=draft.pk).update(title="Hepatitis?\r\nBcc: victim@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        act(client_for(author), draft, "submit")
    [message] = mail.outbox
    assert message.subject == "To review: Hepatitis? Bcc: victim@example.com"
    assert message.recipients() == ["rosa@example.com"]


def test_e_mails_go_after_commit_and_a_failure_is_logged_not_raised(
    author, reviewer, draft, settings, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        act(client_for(author), draft, "submit")
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1

    settings.EMAIL_BACKEND = "tests.test_workflow.FailingBackend"
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = act(client_for(reviewer), draft, "approve")
    assert response.status_code == 200 and state(draft) == Review.APPROVED
    assert "Could not send 'Approved: Can I drink coffee" in caplog.text


def test_the_dashboard_shows_each_person_what_waits_for_them(
    author, reviewer, publisher, django_assert_max_num_queries
):
    def populate() -> None:
        for n in range(3):
            mine = make_article(f"Mine {n}?", doctor=author.doctor, status="draft")
            act(client_for(author), mine, "submit")
        sent_back = make_article("Sent back?", doctor=author.doctor, status="draft")
        act(client_for(author), sent_back, "submit")
        act(client_for(reviewer), sent_back, "request_changes", "More detail.")
        own = make_article("Rosa's own?", doctor=reviewer.doctor, status="draft")
        act(client_for(reviewer), own, "submit")
        ready = make_article("Ready?", doctor=author.doctor, status="draft")
        act(client_for(author), ready, "submit")
        act(client_for(reviewer), ready, "approve")
        make_article("Approved and live?", review_state=Review.APPROVED)
        make_article(
            "Approved, scheduled?",
            review_state=Review.APPROVED,
            published_at=timezone.now() + timedelta(days=1),
        )

    index = reverse("admin:index")
    populate()
    clients = [client_for(user) for user in (reviewer, author, publisher)]
    for client in clients:
        with django_assert_max_num_queries(17):  # as tests/test_dashboard.py
            client.get(index)
    populate()
    for client in clients:  # twice the answers, the same queries
        with django_assert_max_num_queries(17):  # as tests/test_dashboard.py
            client.get(index)
    page = clients[0].get(index)
    assert page.context["dashboard"].waiting == {"to_review": 6, "changes_requested": 0}
    assert "<strong>6</strong> answers to review" in page.text
    waiting = client_for(author).get(index).context["dashboard"].waiting
    assert waiting == {"changes_requested": 2}
    page = client_for(publisher).get(index)
    assert page.context["dashboard"].waiting == {"approved_to_publish": 2}
    assert "<strong>2</strong> approved answers to publish" in page.text
    # The links lead to lists with the same answers.
    listing = client_for(publisher).get(
        reverse("admin:articles_article_changelist") + "?medical_review=approved_to_publish"
    )
    assert listing.context["cl"].result_count == 2


def test_an_approval_pins_the_text_the_reviewer_read_even_on_a_working_copy(
    author, reviewer, publisher, reader
):
    live = make_article("Does hepatitis C come back?", doctor=author.doctor)
    writer, checker, editor = client_for(author), client_for(reviewer), client_for(publisher)
    data = change_article_data(writer, live, body="Rarely, after a cure.", _continue="Save")
    assert writer.post(change_url(live), data).status_code == 302
    act(writer, live, "submit")
    copy = Article.all_rows.get(working_copy_of=live)
    seen = shown_text(checker.get(change_url(live)))
    assert "Approving signs this text" in checker.get(change_url(live)).text

    # An editor corrects the text while the reviewer reads it: that approval is refused.
    corrected = "Rarely, after a cure; ask your doctor."
    data = change_article_data(editor, live, body=corrected, _continue="Save")
    assert editor.post(change_url(live), data).status_code == 302
    response = act(checker, live, "approve", seen=seen)
    assert "The text changed after you opened it" in said(response)
    assert "The text changed" in said(act(checker, live, "approve", seen=""))
    assert state(live) == Review.IN_REVIEW and not ReviewEvent.objects.filter(action="approved")

    # Read again and approved: the step names that text, and its revision holds the copy.
    act(checker, live, "approve")
    event = ReviewEvent.objects.get(action="approved")
    assert len(event.text_hash) == 64 and event.text_hash != seen
    approved = Version.objects.get_for_object_reference(Article, copy.pk).get(
        revision=event.revision
    )
    live.refresh_from_db()
    assert live.reviewed_by is None  # the approval is the copy's until published

    # Publishing the approved copy needs no reason and carries the review onto the live row.
    data = change_article_data(editor, live, _publish="Publish changes", publish_reason="")
    assert editor.post(change_url(live), data).status_code == 302
    assert not Article.all_rows.filter(pk=copy.pk).exists()
    live.refresh_from_db()
    assert (live.reviewed_by, live.reviewed_on) == (reviewer.doctor, timezone.localdate())
    page = reader.get(live.get_absolute_url()).text
    assert corrected in page and "Medically reviewed by" in page and "Dr Rosa" in page
    # The copy is gone; the text approved stays on record, and it is what readers get.
    assert Version.objects.get(pk=approved.pk).field_dict["body"] == corrected == live.body
    page = editor.get(change_url(live)).text
    assert f"This text is the one approved: <code>#{event.text_hash[:8]}</code>." in page


def test_a_clinical_edit_after_approval_sends_it_back_and_takes_the_reviewers_name_off(
    author, reviewer, publisher, reader, draft, django_capture_on_commit_callbacks
):
    earlier = make_doctor("Dr Old")
    live = make_article(
        "Does hepatitis C come back?",
        doctor=author.doctor,
        reviewed_by=earlier,
        reviewed_on=timezone.localdate() - timedelta(days=300),
    )
    writer, checker, editor = client_for(author), client_for(reviewer), client_for(publisher)
    data = change_article_data(writer, live, body="Rarely, after a cure.", _continue="Save")
    assert writer.post(change_url(live), data).status_code == 302
    act(writer, live, "submit")
    act(checker, live, "approve")
    copy = Article.all_rows.get(working_copy_of=live)
    assert copy.reviewed_by == reviewer.doctor

    with django_capture_on_commit_callbacks(execute=True):
        data = change_article_data(editor, live, body="Never, once cured.", _continue="Save")
        assert editor.post(change_url(live), data).status_code == 302
    assert state(live) == Review.IN_REVIEW
    assert [m.to for m in mail.outbox] == [["rosa@example.com"]]  # back to the reviewers
    copy.refresh_from_db()
    assert copy.reviewed_by == earlier  # the live text's own review, not Rosa's approval
    # Publishing it needs a reason now; with one, readers get the text with no reviewer's
    # name: Dr Old read the earlier text, Rosa another one still. The history says so.
    data = change_article_data(editor, live, _publish="Publish changes", publish_reason="")
    assert "say why it is published anyway" in editor.post(change_url(live), data).text
    data["publish_reason"] = "Correcting a dangerous mistake at once."
    assert editor.post(change_url(live), data).status_code == 302
    page = reader.get(live.get_absolute_url()).text
    assert "Never, once cured." in page and "Medically reviewed" not in page
    assert "Dr Old" not in page and "Dr Rosa" not in page
    live.refresh_from_db()
    assert (live.reviewed_by, live.reviewed_on) == (None, None)
    newest = Version.objects.get_for_object(live).first()
    assert newest.field_dict["reviewed_by_id"] is None
    assert "No reviewer named: none read this text." in newest.revision.comment

    # A draft's approval goes the same way: it named no reviewer before, so none again.
    act(writer, draft, "submit")
    act(checker, draft, "approve")
    data = change_article_data(editor, draft, body="Two cups at most.", _continue="Save")
    assert editor.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.review_state == Review.IN_REVIEW
    assert (draft.reviewed_by, draft.reviewed_on, draft.next_review_due) == (None, None, None)


def test_publishing_unapproved_changes_keeps_a_reviewer_only_for_the_text_they_read(
    author, publisher, reader
):
    """The live text's reviewer stays named when publishing changes only its tags, and when an
    editor marked the change not clinical; not for a clinical change published with a reason."""
    earlier = make_doctor("Dr Old")
    reviewed = {"doctor": author.doctor, "reviewed_by": earlier}
    reviewed["reviewed_on"] = timezone.localdate() - timedelta(days=30)
    editor = client_for(publisher)
    tagged = make_article("Is hepatitis A contagious?", **reviewed)
    data = change_article_data(editor, tagged, tags="hepatitis a", _publish="Publish changes")
    assert editor.post(change_url(tagged), data).status_code == 302
    assert "Dr Old" in reader.get(tagged.get_absolute_url()).text

    typo = make_article("Can I donate blood?", review_state=Review.APPROVED, **reviewed)
    data = change_article_data(editor, typo, body="Not after hepatitis B.", not_clinical="on")
    data |= {"_publish": "Publish changes", "publish_reason": ""}
    assert editor.post(change_url(typo), data).status_code == 302
    assert "Dr Old" in reader.get(typo.get_absolute_url()).text

    clinical = make_article("Can I eat shellfish?", **reviewed)
    data = change_article_data(editor, clinical, body="Raw ones, never.", _publish="Publish")
    assert editor.post(change_url(clinical), data).status_code == 302  # with a reason
    page = reader.get(clinical.get_absolute_url()).text
    assert "Raw ones, never." in page and "Dr Old" not in page


def test_only_an_editor_keeps_an_approval_through_an_edit(author, reviewer, publisher, draft):
    writer = client_for(author)
    act(writer, draft, "submit")
    act(client_for(reviewer), draft, "approve")
    assert "not_clinical" not in writer.get(change_url(draft)).text
    assert "not_clinical" in client_for(publisher).get(change_url(draft)).text
    data = change_article_data(writer, draft, body="Any amount.", not_clinical="on")
    assert writer.post(change_url(draft), data).status_code == 403
    draft.refresh_from_db()
    assert draft.body != "Any amount." and draft.review_state == Review.APPROVED


def test_an_author_keeps_no_approval_through_a_restore_either(author, reviewer, draft):
    """History's restore saves through the form: "not clinical" is an editor's there too, so
    an author cannot keep the approval over a text no reviewer read."""
    writer = client_for(author)
    with reversion.create_revision():
        draft.save()
    act(writer, draft, "submit")
    act(client_for(reviewer), draft, "approve")
    version = Version.objects.get_for_object(draft).first()
    url = reverse("admin:articles_article_revision", args=[draft.pk, version.pk])
    data = form_values(writer.get(url), "article_form")
    data |= {"body": "Stop all your medicines at once.", "not_clinical": "on"}
    assert writer.post(url, data).status_code == 403
    draft.refresh_from_db()
    assert draft.body != "Stop all your medicines at once."
    assert draft.review_state == Review.APPROVED
    assert not ReviewEvent.objects.filter(action="not_clinical").exists()


def test_references_are_part_of_the_text_an_approval_signs(
    author, reviewer, publisher, draft, reader
):
    """Readers get them under the answer: a reference added after the approval is a text the
    reviewer did not read, as a changed sentence is."""
    for user in (author, publisher):
        user.user_permissions.add(*Permission.objects.filter(codename__endswith="_reference"))
    writer, checker, editor = client_for(author), client_for(reviewer), client_for(publisher)
    act(writer, draft, "submit")
    act(checker, draft, "approve")
    quack = {"references-0-title": "Quack Weekly", "references-0-url": "https://quack.example/"}
    quack["references-0-position"] = "1"
    data = change_article_data(editor, draft, _publish="Publish", publish_reason="") | quack
    assert "say why it is published anyway" in editor.post(change_url(draft), data).text
    assert not draft.references.exists() and state(draft) == Review.APPROVED

    data = change_article_data(writer, draft, _continue="Save") | quack
    assert writer.post(change_url(draft), data).status_code == 302
    assert state(draft) == Review.IN_REVIEW and draft.references.count() == 1
    assert ReviewEvent.objects.filter(article=draft).first().action == "edited"
    # Read again with its reference and approved: published with no reason, reference shown.
    act(checker, draft, "approve")
    data = change_article_data(editor, draft, _publish="Publish", publish_reason="")
    assert editor.post(change_url(draft), data).status_code == 302
    page = reader.get(draft.get_absolute_url()).text
    assert "Quack Weekly" in page and "Dr Rosa" in page
    # A reference changed under the mark "not clinical" keeps the approval for the new list.
    changed = change_article_data(editor, draft, not_clinical="on", _continue="Save")
    changed["references-0-title"] = "Quack Weekly (2nd ed.)"
    assert editor.post(change_url(draft), changed).status_code == 302
    assert state(draft) == Review.APPROVED
    data = change_article_data(editor, draft, _publish="Publish changes", publish_reason="")
    assert editor.post(change_url(draft), data).status_code == 302
    assert "Quack Weekly (2nd ed.)" in reader.get(draft.get_absolute_url()).text


def test_a_text_changed_past_the_form_is_not_the_one_approved(
    tmp_path, publisher, reviewer, django_user_model
):
    """An import (or a restore from History) can change an approved text without the form:
    the approval names another text, so it no longer counts."""
    page = tmp_path / "page.txt"
    page.write_text(GOOD_PAGE)
    call_command("import_pages", str(page), stdout=io.StringIO())
    answer = Article.objects.get(slug="can-hepatitis-b-be-cured")
    answer.status = Article.Status.DRAFT
    answer.save()
    editor = client_for(publisher)
    act(editor, answer, "submit")
    act(client_for(reviewer), answer, "approve")
    page.write_text(GOOD_PAGE.replace("antiviral drugs.", "antiviral drugs for life."))
    call_command("import_pages", str(page), stdout=io.StringIO())
    assert Article.objects.get(pk=answer.pk).reviewed_by == reviewer.doctor  # left alone

    form = editor.get(change_url(answer)).text
    assert "is not the one approved" in form and 'value="submit"' in form
    # No approval to keep through an edit either.
    data = change_article_data(editor, answer, body="Cured in a week.", not_clinical="on")
    response = editor.post(change_url(answer), data)
    assert response.status_code == 200 and "There is no approval to keep" in response.text
    assert Article.objects.get(pk=answer.pk).body != "Cured in a week."
    changelist = reverse("admin:articles_article_changelist")
    response = editor.post(
        changelist, {"action": "publish", "_selected_action": [answer.pk]}, follow=True
    )
    assert "1 answer is not medically approved" in said(response)
    data = change_article_data(editor, answer, _publish="Publish", publish_reason="")
    assert "say why it is published anyway" in editor.post(change_url(answer), data).text
    assert Article.objects.get(pk=answer.pk).state == Article.State.DRAFT
    act(editor, answer, "submit")  # back to review, as any text not approved
    assert state(answer) == Review.IN_REVIEW
    act(client_for(reviewer), answer, "approve")
    page.write_text(GOOD_PAGE.replace("antiviral drugs.", "antiviral drugs, for years."))
    call_command("import_pages", str(page), stdout=io.StringIO())
    # Published anyway, the reason is on record as for any text not approved.
    data = change_article_data(editor, answer, _publish="Publish", publish_reason="Urgent.")
    assert editor.post(change_url(answer), data).status_code == 302
    event = ReviewEvent.objects.filter(article=answer).first()
    assert (event.action, event.comment) == ("published_unapproved", "Urgent.")


def test_publish_scheduled_tells_the_author_when_answers_and_changes_go_live(
    author, publisher, draft, settings, caplog, django_capture_on_commit_callbacks
):
    editor = client_for(publisher)
    now = timezone.now().replace(second=0, microsecond=0)

    def at(moment) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")

    def run() -> str:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("publish_scheduled", stdout=out)
        return out.getvalue()

    with time_machine.travel(now, tick=False) as clock:
        live = make_article("Is fatty liver reversible?", doctor=author.doctor)
        soon = make_article("Soon published now?", doctor=author.doctor, status="draft")
        with django_capture_on_commit_callbacks(execute=True):
            for answer, fields in [
                (draft, {"_schedule": "Schedule", "when": at(now + timedelta(hours=1))}),
                (live, {"_schedule": "Schedule changes", "when": at(now + timedelta(hours=2))}),
                (soon, {"_schedule": "Schedule", "when": at(now + timedelta(hours=1))}),
            ]:
                data = change_article_data(editor, answer, **fields, publish_reason="Urgent.")
                if answer is live:
                    data["title"] = "Can fatty liver be reversed?"
                assert editor.post(change_url(answer), data).status_code == 302
            # One of them is published at once after all: told now, never again.
            data = change_article_data(editor, soon, _publish="Publish now")
            assert editor.post(change_url(soon), data).status_code == 302
        assert [m.subject for m in mail.outbox] == [
            f"Scheduled: {draft.title}",
            "Changes scheduled: Is fatty liver reversible?",
            "Scheduled: Soon published now?",
            "Published: Soon published now?",
        ]
        mail.outbox.clear()
        assert "0 scheduled answers went live" in run() and mail.outbox == []

        clock.move_to(now + timedelta(hours=2))
        out = run()
        assert "1 working copy published, 1 scheduled answer went live" in out
        assert sorted((m.subject, tuple(m.to)) for m in mail.outbox) == [
            ("Published: Can I drink coffee with hepatitis B?", ("ada@example.com",)),
            ("Published: Can fatty liver be reversed?", ("ada@example.com",)),
        ]
        assert all("went live at its scheduled time" in m.body for m in mail.outbox)
        mail.outbox.clear()
        assert "0 scheduled answers went live" in run() and mail.outbox == []  # once only

        # A mail server that fails is logged; the job goes on and says what it did.
        later = make_article("Later?", doctor=author.doctor, status="draft")
        data = change_article_data(editor, later, _schedule="Schedule", publish_reason="Urgent.")
        data["when"] = at(now + timedelta(hours=3))
        assert editor.post(change_url(later), data).status_code == 302
        clock.move_to(now + timedelta(hours=3))
        settings.EMAIL_BACKEND = "tests.test_workflow.FailingBackend"
        with caplog.at_level(logging.ERROR):
            assert "1 scheduled answer went live" in run()
        assert "Could not send 'Published: Later?'" in caplog.text
