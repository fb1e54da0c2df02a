"""Issue 12's whole review in Chromium, each person in a browser profile of their own: a doctor
(an account made by ``createdoctor``) writes an answer with audio and submits it; a medical
reviewer requests changes with a comment; the doctor reads it, fixes the text and resubmits;
the reviewer approves; an editor schedules it a few seconds ahead; an anonymous reader finds it
live at its time, "Medically reviewed by" the reviewer. Along the way: the doctor has no
publishing buttons, the text is frozen for its author while in review and never editable by the
reviewer, and each step e-mails the person who acts next.

Screenshots go to artifacts/doctors-workflow/NN-step.png (1280 px wide; a few at 390 too).
"""

import time
from datetime import timedelta
from io import StringIO

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from . import test_browser
from .conftest import make_department, make_doctor
from .media_files import wav_bytes
from .test_browser import ARTIFACTS, PASSWORD, log_in

# tests/test_browser.py's Chromium, its CSP-watching contexts and its marks.
browser = test_browser.browser
new_context = test_browser.new_context
pytestmark = test_browser.pytestmark

SHOTS = ARTIFACTS / "doctors-workflow"
TITLE = "Can I drink coffee with hepatitis B?"
BODY = "Coffee is safe with hepatitis B.\n\n## How much\n\n{}"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCHEDULE_AHEAD = timedelta(seconds=20)  # long enough to see it scheduled, short to wait for


def shot(page, name: str, phone: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    if phone:
        page.set_viewport_size(PHONE)
        page.screenshot(path=SHOTS / f"{name}-phone.png", full_page=True)
        page.set_viewport_size(DESKTOP)


def doctor_account(username: str, name: str, department, reviewer: bool = False):
    """An account as `createdoctor` makes it, with a password to log in with."""
    doctor = make_doctor(name, department)
    options = {"reviewer": True} if reviewer else {}
    call_command(
        "createdoctor",
        username,
        doctor=doctor.slug,
        email=f"{username}@example.com",
        no_password=True,
        stdout=StringIO(),  # its confirmation
        **options,
    )
    doctor.refresh_from_db()
    doctor.user.set_password(PASSWORD)
    doctor.user.save()
    return doctor


def said(page) -> str:
    return page.inner_text(".messagelist")


def test_a_doctors_answer_goes_through_review_to_readers(
    new_context, live_server, django_user_model, mailoutbox
):
    hepatology = make_department("Hepatology")
    author = doctor_account("ada", "Ada Lovell", hepatology)
    reviewer = doctor_account("rosa", "Rosa Martin", hepatology, reviewer=True)
    editor = django_user_model.objects.create_user(
        "ed", "ed@example.com", password=PASSWORD, is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    assert author.user.groups.filter(name="Doctors").exists()
    assert reviewer.user.groups.filter(name="Medical reviewers").exists()
    base = live_server.url
    doctor = new_context(**DESKTOP).new_page()
    rosa = new_context(**DESKTOP).new_page()

    def sent() -> list[tuple[list[str], str]]:
        return [(message.to, message.subject.split(":")[0]) for message in mailoutbox]

    # 01 The doctor logs in: their dashboard.
    log_in(doctor, base, "ada", PASSWORD)
    doctor.wait_for_selector("#content")
    shot(doctor, "01-doctor-dashboard", phone=True)

    # 02 A new answer with audio; its doctor is theirs, and no button publishes.
    doctor.goto(f"{base}{reverse('admin:articles_article_add')}")
    doctor.fill("#id_title", TITLE)
    doctor.fill("#id_summary", "Yes, in moderation; it may even help the liver.")
    doctor.fill("#id_body", BODY.format("A few cups."))
    doctor.set_input_files(
        "#id_audio",
        files=[{"name": "answer.wav", "mimeType": "audio/wav", "buffer": wav_bytes(30)}],
    )
    buttons = doctor.locator("#publishing-buttons")
    assert buttons.locator("[name=_publish], [name=_schedule]").count() == 0
    shot(doctor, "02-doctor-writes")
    doctor.click("input[name=_continue]")
    doctor.wait_for_selector("text=was added successfully")
    answer = Article.all_rows.get(title=TITLE)
    assert answer.doctor == author and answer.audio and not answer.is_live
    form = f"{base}{reverse('admin:articles_article_change', args=[answer.pk])}"
    assert buttons.locator("[name=_publish], [name=_schedule]").count() == 0

    # 03 Submitted: the reviewer is e-mailed, the text is frozen for its author.
    doctor.click("button[value=submit]")
    doctor.wait_for_selector("text=Submitted for medical review")
    assert sent() == [(["rosa@example.com"], "To review")]
    doctor.goto(form)
    doctor.wait_for_selector(".review-panel")
    assert doctor.locator("#id_body").count() == 0 and doctor.locator("#id_title").count() == 0
    assert "Coffee is safe with hepatitis B." in doctor.inner_text("#content")
    shot(doctor, "03-submitted-and-frozen")

    # 04 The reviewer reads it, cannot change the text, and requests changes.
    log_in(rosa, base, "rosa", PASSWORD)
    rosa.wait_for_selector("#waiting-to-review")
    assert "1 answer to review" in rosa.inner_text("#waiting-to-review")
    shot(rosa, "04-reviewer-dashboard", phone=True)
    rosa.goto(form)
    rosa.wait_for_selector("button[value=request_changes]")
    assert rosa.locator("#id_body").count() == 0 and rosa.locator("#id_title").count() == 0
    assert rosa.locator("#publishing-buttons [name=_publish]").count() == 0
    rosa.fill("#review-comment", "Please say how many cups a day.")
    shot(rosa, "05-reviewer-requests-changes")
    rosa.click("button[value=request_changes]")
    rosa.wait_for_selector("text=Sent back to the author")
    assert sent()[1:] == [(["ada@example.com"], "Changes requested")]
    assert "Please say how many cups a day." in mailoutbox[1].body

    # 06 The doctor reads the comment, fixes the text, saves and resubmits.
    doctor.goto(form)
    doctor.wait_for_selector("#id_body")
    assert "Please say how many cups a day." in doctor.inner_text(".review-panel")
    shot(doctor, "06-doctor-reads-the-comment", phone=True)
    doctor.fill("#id_body", BODY.format("Up to 3 cups a day."))
    doctor.click("input[name=_continue]")
    doctor.wait_for_selector("text=was changed successfully")
    doctor.click("button[value=submit]")
    doctor.wait_for_selector("text=Submitted for medical review")
    assert sent()[2:] == [(["rosa@example.com"], "To review")]
    shot(doctor, "07-doctor-resubmits")

    # 08 The reviewer approves the fixed text.
    rosa.goto(form)
    rosa.wait_for_selector("button[value=approve]")
    assert "Up to 3 cups a day." in rosa.inner_text("#content")
    rosa.click("button[value=approve]")
    rosa.wait_for_selector(".messagelist >> text=Approved")
    assert sent()[3:] == [(["ada@example.com"], "Approved")]
    shot(rosa, "08-reviewer-approves")

    # 09 An editor schedules it a few seconds ahead; no reason is asked, it is approved.
    ed = new_context(**DESKTOP).new_page()
    log_in(ed, base, "ed", PASSWORD)
    ed.wait_for_selector("text=Editorial status")
    ed.goto(form)
    ed.wait_for_selector("#publishing-buttons")
    assert ed.locator(".publish-reason").count() == 0
    ed.click(".publishing-buttons__schedule summary")
    when = timezone.localtime() + SCHEDULE_AHEAD
    ed.fill("#id_when", when.strftime("%Y-%m-%dT%H:%M:%S"))
    shot(ed, "09-editor-schedules")
    ed.click("input[name=_schedule]")
    ed.wait_for_selector("#publishing-buttons input[value='Publish now']")
    answer.refresh_from_db()
    assert answer.state == Article.State.SCHEDULED
    assert sent()[4:] == [(["ada@example.com"], "Scheduled")]
    shot(ed, "10-scheduled")

    # 11 A reader: nothing before its time, then the answer, reviewed by Rosa Martin.
    reader = new_context(**PHONE).new_page()
    address = f"{base}{answer.get_absolute_url()}"
    assert reader.goto(address).status == 404
    deadline = time.monotonic() + SCHEDULE_AHEAD.total_seconds() + 40
    while reader.goto(address).status == 404:
        assert time.monotonic() < deadline, "the scheduled answer never went live"
        reader.wait_for_timeout(1000)
    assert reader.inner_text("h1") == TITLE
    assert "Up to 3 cups a day." in reader.inner_text(".answer__body")
    assert reader.inner_text(".answer__reviewed").startswith("Medically reviewed by Rosa Martin")
    assert reader.locator("audio").count() == 1
    shot(reader, "11-reader-sees-it-live")
    reader.set_viewport_size(DESKTOP)
    shot(reader, "12-reader-sees-it-live-desktop")
