"""The editor's whole job in a real browser: log in, write an answer with tags and audio,
preview it, publish it, and find it on the home page and in Other Voices; the admin's own
widgets (calendars, clocks, the "+" popup, inlines, the history compare). All of it under the
site's Content Security Policy, with every violation Chromium reports failing the test. And the
ways in: enrolling an authenticator app and logging in with its codes or a backup code; the
lockout.

Headless Chromium from Debian (/usr/bin/chromium) driven by Playwright; screenshots go to
artifacts/ (gitignored). Skipped, with the reason, where that Chromium is not installed.
"""

import time
from base64 import b32decode
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article, Feedback
from articles.richtext import MAX_BODY_CHARACTERS

from .conftest import make_article, make_department, make_doctor
from .media_files import wav_bytes

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
PASSWORD = "a-long-test-passphrase"
TITLE = "Can coffee protect a fatty liver?"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"no Chromium at {CHROMIUM} (apt-get install -y chromium)",
    ),
    # A live server runs in another thread, so its requests need committed data; the
    # serialized rollback brings back the Editors group that the migrations made.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # The test's queries ran in Playwright's context, on a connection of their own;
        # close it, or PostgreSQL refuses to drop the test database at the end.
        connections.close_all()


@pytest.fixture
def newsroom(django_user_model):
    hepatology = make_department("Hepatology")
    author = make_doctor("Yan Chun", hepatology)
    colleague = make_doctor("Sun Wei", hepatology)
    existing = make_article("Is fatty liver reversible?", colleague, tags=("fatty liver", "diet"))
    editor = django_user_model.objects.create_user("nurse", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    return author, existing


@pytest.fixture
def new_context(browser):
    """Browser profiles whose pages (popups included) report every CSP violation (a script,
    style or form the policy blocks is a broken widget, whether or not a later step notices)
    and every feature of the Permissions-Policy that Chromium does not know."""
    violations = []

    def record(message) -> None:
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            violations.append(f"{message.page.url}: {message.text}")

    def new_context(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(20_000)  # a loaded CI machine is slow
        context.on("console", record)
        return context

    yield new_context
    assert violations == []


def log_in(page, base: str, username: str, password: str) -> None:
    """The login page's first step; a second (the one-time code) follows for enrolled staff."""
    page.goto(f"{base}{reverse('admin:index')}")
    page.fill("#id_auth-username", username)
    page.fill("#id_auth-password", password)
    page.click("button[type=submit]:text('Next')")


def log_in_as_the_editor(page, base: str) -> None:
    log_in(page, base, "nurse", PASSWORD)
    page.wait_for_selector("text=Editorial status")


def shot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def test_editor_writes_previews_and_publishes_an_answer(new_context, live_server, newsroom):
    author, existing = newsroom
    page = new_context().new_page()

    log_in_as_the_editor(page, live_server.url)
    shot(page, "01-dashboard")

    # Write the answer: doctor by autocomplete, tags with suggestions, audio from a file.
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially(TITLE)  # keystrokes fill in the slug
    assert page.input_value("#id_slug") == "can-coffee-protect-a-fatty-liver"
    page.click(".field-doctor .select2-selection")
    page.fill(".select2-search__field", "Yan")
    page.click(".select2-results__option >> text=Yan Chun")
    page.fill("#id_summary", "Coffee may help; it does not replace losing weight.")
    page.fill(
        "#id_body",
        "Coffee *may* slow liver damage.\n\n## What helps most\n\n- losing weight\n- moving more",
    )
    page.wait_for_selector(".markdown-preview__body h2:text('What helps most')")
    page.locator("#id_tags").press_sequentially("fatt")
    page.click(".tag-autocomplete__list [role=option]:has-text('fatty liver')")
    page.locator("#id_tags").press_sequentially("coffee")
    assert page.input_value("#id_tags") == "fatty liver, coffee"
    page.set_input_files(
        "#id_audio",
        files=[{"name": "answer.wav", "mimeType": "audio/wav", "buffer": wav_bytes(62)}],
    )
    shot(page, "02-change-form")
    page.click("input[name=_continue]")
    page.wait_for_selector("text=was added successfully")
    article = Article.objects.get(title=TITLE)
    assert article.state == Article.State.DRAFT
    assert sorted(article.tags.names()) == ["coffee", "fatty liver"]
    assert article.audio_duration.total_seconds() == 62
    assert page.inner_text(".field-audio_length .readonly") == "1min 2sec"

    # Preview it at its real address; readers get a 404 there.
    page.click("a.viewsitelink:text('Preview')")
    page.wait_for_url("**/articles/can-coffee-protect-a-fatty-liver/")
    preview = page
    assert "Preview — not published." in preview.inner_text(".editor-bar")
    assert preview.get_attribute("meta[name=robots]", "content") == "noindex"
    assert preview.inner_text(".answer__body h2") == "What helps most"
    shot(preview, "03-preview")
    reader = new_context(390, 844).new_page()
    address = preview.url
    assert reader.goto(address).status == 404

    # Publish it from the article list, which publishes approved answers only (a reviewer's
    # approval is tests/test_workflow.py's).
    Article.objects.filter(pk=article.pk).update(review_state=Article.Review.APPROVED)
    page.goto(f"{live_server.url}/admin/articles/article/?publication=draft")
    page.check(f"input[name=_selected_action][value='{article.pk}']")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.wait_for_selector("text=Published 1 article.")
    page.goto(f"{live_server.url}/admin/articles/article/")
    assert "Live since" in page.inner_text(f"tr:has-text('{TITLE}') .field-state_label")
    shot(page, "04-changelist")

    # Readers find it on the home page and in the sidebar of the related answer.
    assert reader.goto(f"{live_server.url}/").status == 200
    assert reader.locator(f".card__title >> text={TITLE}").is_visible()
    shot(reader, "05-home-phone")
    reader.goto(f"{live_server.url}{existing.get_absolute_url()}")
    assert TITLE in reader.inner_text(".sidebar")
    shot(reader, "06-sidebar-phone")
    assert reader.goto(address).status == 200
    assert reader.locator(".editor-bar").count() == 0
    shot(reader, "07-article-phone")


def test_a_reader_says_an_answer_did_not_help_without_leaving_the_page(
    new_context, browser, live_server, settings
):
    """From a page the page cache served, under the CSP: the script sends the answer and the
    thank-you takes the form's place; without scripts the plain form post does the same job."""
    settings.LIVERQA_PAGE_CACHE_SECONDS = 600
    caches["pages"].clear()
    caches["default"].clear()  # feedback rate counts outlive other tests' transactions
    article = make_article("Can I drink alcohol with hepatitis B?")
    url = f"{live_server.url}{article.get_absolute_url()}"
    page = new_context(390, 844).new_page()
    assert page.goto(url).headers["x-page-cache"] == "miss"
    # Another address for the browser's own cache; the same page for the page cache.
    assert page.goto(f"{url}?from=feed").headers["x-page-cache"] == "hit"
    page.evaluate("window.notReloaded = true")
    page.fill("#feedback-comment", "It does not say how much is too much.")
    shot(page, "08-feedback-form-phone")
    page.click("#feedback-form button:text('No')")
    page.wait_for_selector(".feedback__status:has-text('Thank you')")
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("#feedback-comment").count() == 0
    assert page.get_attribute(".feedback__status", "aria-live") == "polite"
    assert page.inner_text("#feedback-heading") == "Was this answer helpful?"
    shot(page, "09-feedback-thanks-phone")
    feedback = Feedback.objects.get()
    assert (feedback.helpful, feedback.comment) == (False, "It does not say how much is too much.")

    no_script = browser.new_context(java_script_enabled=False).new_page()
    no_script.goto(url)
    no_script.click("#feedback-form button:text('Yes')")
    no_script.wait_for_url("**/feedback/thanks/")
    assert "Thank you" in no_script.inner_text("main")
    assert Feedback.objects.filter(helpful=True).count() == 1


def test_the_admins_own_widgets_work_under_the_csp(new_context, live_server, newsroom):
    """Calendar and clock, the "+" popup that adds a doctor, inline rows, the history compare:
    the admin's scripts, none of them ours, all of them static files the policy allows."""
    page = new_context().new_page()
    log_in_as_the_editor(page, live_server.url)
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_title", "Does alcohol-free beer harm the liver?")

    # "+" beside the doctor opens the doctor form in a popup; saving it picks the new doctor.
    with page.expect_popup() as opened:
        page.click("#add_id_doctor")
    popup = opened.value
    popup.fill("#id_name", "Li Na")
    popup.click(".field-department .select2-selection")
    popup.fill(".select2-search__field", "Hepa")
    popup.click(".select2-results__option >> text=Hepatology")
    popup.click("input[name=_save]")
    popup.wait_for_event("close", timeout=30_000)
    assert "Li Na" in page.inner_text(".field-doctor .select2-selection__rendered")

    # The calendar and the clock fill in the publication date and time.
    page.click(".field-published_at .datetimeshortcuts a:text('Today')")
    assert page.input_value("#id_published_at_0")
    page.click("#calendarlink0")
    page.click("#calendarbox0 td a:text-is('15')")
    assert page.input_value("#id_published_at_0").endswith("-15")
    page.click("#clocklink0")
    page.click("#clockbox0 a:text('Noon')")
    assert page.input_value("#id_published_at_1") == "12:00:00"
    page.fill("#id_published_at_0", "")
    page.fill("#id_published_at_1", "")

    # Inline rows are added and removed by the admin's script.
    references = page.locator("#references-group")
    rows = references.locator("tr.form-row:not(.empty-form)").count()
    references.locator(".add-row a").click()
    assert references.locator("tr.form-row:not(.empty-form)").count() == rows + 1
    references.locator("tr.form-row:not(.empty-form) .inline-deletelink").last.click()
    assert references.locator("tr.form-row:not(.empty-form)").count() == rows

    # Two saves, then the history compares them.
    page.fill("#id_body", "Less than beer; still not nothing.")
    page.click("input[name=_continue]")
    page.wait_for_selector("text=was added successfully")
    page.fill("#id_body", "Much less than beer, and still not nothing.")
    page.click("input[name=_continue]")
    page.wait_for_selector("text=was changed successfully")
    article = Article.objects.get(slug="does-alcohol-free-beer-harm-the-liver")
    assert article.doctor.name == "Li Na"
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/history/")
    page.click("input[value='Compare selected versions']")
    page.wait_for_selector("table.history-diff")
    assert "Much" in page.inner_text("table.history-diff ins")
    shot(page, "08-history-compare")


def test_the_preview_says_why_it_shows_nothing(new_context, live_server, client, settings):
    """A body past the limit, then too many previews: the preview says so, as text."""
    # Per day: django-ratelimit counts in fixed windows, and a minute's window could end
    # between the previews on a busy machine, so the fourth would not be refused.
    settings.LIVERQA_PREVIEW_RATE = "3/d"
    caches["default"].clear()  # preview counts outlive other tests' transactions
    client.force_login(
        get_user_model().objects.create_superuser("chief", "chief@example.com", PASSWORD)
    )
    context = new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    preview = ".markdown-preview__body"
    page.goto(f"{live_server.url}{reverse('admin:articles_article_add')}")  # preview 1, empty

    page.fill("#id_body", "x" * (MAX_BODY_CHARACTERS + 1))
    page.wait_for_selector(f"{preview}:has-text('the limit is 20,000')")
    page.fill("#id_body", "*fine*")
    page.wait_for_selector(f"{preview} em:text('fine')")
    page.fill("#id_body", "**one too many**")
    page.wait_for_selector(f"{preview}:has-text('Too many previews in a short time')")
    assert page.locator(f"{preview} strong").count() == 0
    shot(page, "04-preview-rate-limited")


def next_code(device: TOTPDevice) -> str:
    """A code the device accepts now: this time step's, or the next one's if this one was used
    already (each code is good once)."""
    step = int(time.time() - device.t0) // device.step + device.drift
    return str(hotp(device.bin_key, max(step, device.last_t + 1), device.digits)).zfill(6)


def no_inline_scripts(page) -> bool:
    """What a Content-Security-Policy of script-src 'self' allows: scripts from files only."""
    return page.evaluate(
        "[...document.scripts].every(s => s.src)"
        " && !document.querySelector('[onclick],[onsubmit],[onload],[onchange]')"
    )


def log_out(page) -> None:
    page.click("#logout-form button")
    page.wait_for_selector("text=Thanks for spending some quality time")


def test_staff_enrol_an_authenticator_then_log_in_with_a_code_or_a_backup_code(
    new_context, live_server, newsroom, settings
):
    settings.LIVERQA_REQUIRE_2FA = True
    context = new_context()
    page = context.new_page()

    # The password alone opens nothing: the editor is sent to enrol an app.
    log_in(page, live_server.url, "nurse", PASSWORD)
    page.wait_for_url(f"**{reverse('two_factor:setup')}")
    assert no_inline_scripts(page)
    page.click("button[type=submit]:text('Next')")
    qr_code = page.locator("img[alt='QR Code']")
    qr_code.wait_for()
    # Shown is not yet decoded under load: wait for the image itself (a timeout if broken).
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 100", arg=qr_code.element_handle()
    )
    assert no_inline_scripts(page)
    shot(page, "11-enrol-qr-code")
    # What the authenticator app would compute from the key the QR code carries.
    secret = page.inner_text("a[href^='otpauth://']")
    page.fill("#id_generator-token", str(totp(b32decode(secret))).zfill(6))
    page.click("button[type=submit]:text('Next')")
    page.wait_for_selector("text=successfully enabled two-factor authentication")

    page.goto(f"{live_server.url}{reverse('two_factor:backup_tokens')}")
    page.click("button:text('Generate new codes')")
    backup_codes = page.locator("#content li").all_inner_texts()
    assert len(backup_codes) == 10
    shot(page, "12-backup-codes")
    page.goto(f"{live_server.url}{reverse('admin:index')}")
    page.wait_for_selector("text=Editorial status")
    session = next(c for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    assert session["expires"] == -1  # gone when the browser closes
    log_out(page)

    # Password, then the app's code.
    log_in(page, live_server.url, "nurse", PASSWORD)
    page.wait_for_selector("#id_token-otp_token")
    assert no_inline_scripts(page)
    shot(page, "13-code-step")
    page.fill("#id_token-otp_token", next_code(TOTPDevice.objects.get(user__username="nurse")))
    page.click("button[type=submit]:text('Next')")
    page.wait_for_selector("text=Editorial status")
    log_out(page)

    # A backup code instead, once.
    for attempt in ("first", "again"):
        log_in(page, live_server.url, "nurse", PASSWORD)
        page.click("button:text('Use a backup code')")
        page.fill("#id_backup-otp_token", backup_codes[0])
        page.click("button[type=submit]:text('Next')")
        if attempt == "first":
            page.wait_for_selector("text=Editorial status")
            log_out(page)
    page.wait_for_selector(".errorlist")
    assert page.locator("text=Editorial status").count() == 0


def test_wrong_passwords_lock_the_login_until_the_cool_off_passes(
    new_context, live_server, newsroom, time_machine
):
    page = new_context().new_page()
    for _ in range(4):
        log_in(page, live_server.url, "nurse", "not-the-password")
        page.wait_for_selector(".errorlist")
    log_in(page, live_server.url, "nurse", "not-the-password")
    page.wait_for_selector("text=Too many failed logins")
    assert "locked for 15 minutes" in page.inner_text("#content")
    shot(page, "14-locked-out")

    log_in(page, live_server.url, "nurse", PASSWORD)  # the right one, still refused
    page.wait_for_selector("text=Too many failed logins")

    time_machine.move_to(timezone.now() + timedelta(minutes=16))
    log_in(page, live_server.url, "nurse", PASSWORD)
    page.wait_for_selector("text=Editorial status")


# The long article form at phone and desktop widths: a form with mistakes opens on a summary
# of them whose links move focus to each field, the save bar is in view without scrolling to
# the bottom, and the history's default comparison is the latest change.
FORM_SIZES = [(390, 844), (1280, 900)]


def in_view(page, selector: str) -> dict:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return {top: box.top, bottom: box.bottom, height: innerHeight};
        }""",
        selector,
    )


@pytest.mark.parametrize(("width", "height"), FORM_SIZES)
def test_a_form_with_mistakes_opens_on_a_summary_that_leads_to_each_field(
    new_context, live_server, newsroom, width, height
):
    _, existing = newsroom
    page = new_context(width, height).new_page()
    log_in_as_the_editor(page, live_server.url)
    page.goto(f"{live_server.url}/admin/articles/article/{existing.pk}/change/")

    bar = in_view(page, ".submit-row")  # no scrolling: the save bar is at the window's foot
    assert bar["top"] >= 0 and bar["bottom"] <= bar["height"]

    page.fill("#id_title", "")
    page.set_input_files(
        "#id_audio",
        files=[{"name": "answer.mp3", "mimeType": "audio/mpeg", "buffer": b"no sound in here"}],
    )
    page.click("input[name=_continue]")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.inner_text("#error-summary p") == "Please correct 2 errors:"
    summary = in_view(page, "#error-summary")
    bar = in_view(page, ".submit-row")
    assert summary["top"] >= 0 and summary["bottom"] <= bar["top"]  # in view, not under the bar
    shot(page, f"form-error-summary-{width}")

    page.click("#error-summary a[href='#id_audio']")
    assert page.evaluate("document.activeElement.id") == "id_audio"
    audio, bar = in_view(page, "#id_audio"), in_view(page, ".submit-row")
    assert audio["top"] >= 0 and audio["bottom"] <= bar["top"]  # the field is clear of the bar
    assert bar["bottom"] <= bar["height"]

    page.focus("#error-summary a[href='#id_title']")  # and from the keyboard
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_title"
    assert Article.objects.get(pk=existing.pk).title == existing.title  # nothing was saved


@pytest.mark.parametrize(("width", "height"), FORM_SIZES)
def test_the_history_shows_the_latest_change_at_once(
    new_context, live_server, newsroom, width, height
):
    _, existing = newsroom
    page = new_context(width, height).new_page()
    log_in_as_the_editor(page, live_server.url)
    page.goto(f"{live_server.url}/admin/articles/article/{existing.pk}/change/")
    for title in ("Is a fatty liver reversible?", "Is a fatty liver reversible at all?"):
        page.fill("#id_title", title)
        page.fill("#id_publish_reason", "Not reviewed yet: a test.")  # no reviewer approved it
        # A live answer: each change is a revision once published (saving keeps a draft).
        page.click("input[value='Publish changes']")
        page.wait_for_selector("text=View it live")
    page.goto(f"{live_server.url}/admin/articles/article/{existing.pk}/history/")
    assert "Current version" in page.inner_text("#change-history tbody tr:first-child")
    shot(page, f"history-{width}")
    page.click("input[value='Compare selected versions']")
    page.wait_for_selector("table.history-diff")
    assert page.locator("table.history-diff del").count() == 0
    assert page.inner_text("table.history-diff ins") == " at all"  # "reversible at all?"
    shot(page, f"history-compare-{width}")
