"""The editor's whole job in a real browser: log in, write an answer with tags and audio,
preview it, publish it, and find it on the home page and in Other Voices. And the ways in:
enrolling an authenticator app and logging in with its codes or a backup code; the lockout.

Headless Chromium from Debian (/usr/bin/chromium) driven by Playwright; screenshots go to
artifacts/ (gitignored). Skipped, with the reason, where that Chromium is not installed.
"""

import time
from base64 import b32decode
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article

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


def shot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def log_in(page, base: str, username: str, password: str) -> None:
    """The login page's first step; a second (the one-time code) follows for enrolled staff."""
    page.goto(f"{base}{reverse('admin:index')}")
    page.fill("#id_auth-username", username)
    page.fill("#id_auth-password", password)
    page.click("button[type=submit]:text('Next')")


def test_editor_writes_previews_and_publishes_an_answer(browser, live_server, newsroom):
    author, existing = newsroom
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(10_000)

    # Log in.
    log_in(page, live_server.url, "nurse", PASSWORD)
    page.wait_for_selector("text=Editorial status")
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
    reader = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    address = preview.url
    assert reader.goto(address).status == 404

    # Publish it from the article list.
    page.goto(f"{live_server.url}/admin/articles/article/?publication=draft")
    page.check(f"input[name=_selected_action][value='{article.pk}']")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.wait_for_selector("text=Published 1 article(s).")
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
    browser, live_server, newsroom, settings
):
    settings.LIVERQA_REQUIRE_2FA = True
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)

    # The password alone opens nothing: the editor is sent to enrol an app.
    log_in(page, live_server.url, "nurse", PASSWORD)
    page.wait_for_url(f"**{reverse('two_factor:setup')}")
    assert no_inline_scripts(page)
    page.click("button[type=submit]:text('Next')")
    qr_code = page.locator("img[alt='QR Code']")
    qr_code.wait_for()
    assert qr_code.evaluate("img => img.complete && img.naturalWidth > 100")
    assert no_inline_scripts(page)
    shot(page, "11-enrol-qr-code")
    # What the authenticator app would compute from the key the QR code carries.
    secret = page.inner_text("a[href^='otpauth://']")
    page.fill("#id_generator-token", str(totp(b32decode(secret))).zfill(6))
    page.click("button[type=submit]:text('Next')")
    page.wait_for_selector("text=successfully enabled two-factor authentication")

    page.goto(f"{live_server.url}{reverse('two_factor:backup_tokens')}")
    page.click("button:text('Generate Tokens')")
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
        page.click("button:text('Use Backup Token')")
        page.fill("#id_backup-otp_token", backup_codes[0])
        page.click("button[type=submit]:text('Next')")
        if attempt == "first":
            page.wait_for_selector("text=Editorial status")
            log_out(page)
    page.wait_for_selector(".errorlist")
    assert page.locator("text=Editorial status").count() == 0


def test_wrong_passwords_lock_the_login_until_the_cool_off_passes(
    browser, live_server, newsroom, time_machine
):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(10_000)
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
