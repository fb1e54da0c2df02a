"""An editor's whole first day in Chromium, one step after another, as issue 13 tells it: log
in; add a department and a doctor with a photo; write an answer (Markdown, tags, audio) with
the duplicate warning and the preview before the first save; save it, publish it, change it
while readers keep the live version, publish the change; read its history; make mistakes on
purpose; merge two tags; unpublish; and find it all on the dashboard and the article list.

Each step is asserted and photographed at desktop width (some at phone width too) into
artifacts/first-day/NN-step.png, for a person to look at.
"""

from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article, Department, Doctor, Topic

from . import test_browser
from .conftest import make_article
from .media_files import wav_bytes
from .test_browser import ARTIFACTS, log_in_as_the_editor

# tests/test_browser.py's Chromium, its CSP-watching contexts and its newsroom, and its marks
# (slow; skipped without Chromium; committed data for the live server).
browser = test_browser.browser
new_context = test_browser.new_context
newsroom = test_browser.newsroom
pytestmark = test_browser.pytestmark

SHOTS = ARTIFACTS / "first-day"
TITLE = "Can coffee protect a fatty liver?"
NEW_TITLE = "Does coffee protect a fatty liver?"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def photo_bytes() -> bytes:
    """A photo that shows on a screenshot (media_files' images are white)."""
    buffer = BytesIO()
    Image.new("RGB", (400, 400), "#3d7a8c").save(buffer, "PNG")
    return buffer.getvalue()


PHOTO = photo_bytes()
SUBMIT_ROW = [".submit-row input[value='Merge tags']", ".submit-row .cancel-link"]


def shot(page, name: str, phone: bool = False) -> None:
    """The viewport at desktop width, and at phone width too when asked."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png")
    if phone:
        page.set_viewport_size(PHONE)
        page.screenshot(path=SHOTS / f"{name}-phone.png")
        page.set_viewport_size(DESKTOP)


def pick(page, field: str, typed: str, option: str) -> None:
    """An autocomplete (select2) field: open it, type, choose."""
    page.click(f".field-{field} .select2-selection")
    page.fill(".select2-search__field", typed)
    page.click(f".select2-results__option >> text={option}")


def test_an_editors_first_day(new_context, live_server, newsroom):
    _, existing = newsroom
    make_article("What should I eat with a fatty liver?", tags=("food",))
    base = live_server.url
    page = new_context(**DESKTOP).new_page()
    reader = new_context(**PHONE).new_page()  # anonymous: another browser profile

    # 01 Log in: the dashboard.
    log_in_as_the_editor(page, base)
    assert page.locator("#my-drafts").is_visible()
    shot(page, "01-dashboard", phone=True)

    # 02 A department.
    page.goto(f"{base}{reverse('admin:articles_department_add')}")
    page.locator("#id_name").press_sequentially("Gastroenterology")
    assert page.input_value("#id_slug") == "gastroenterology"
    page.click("input[name=_save]")
    page.wait_for_selector("text=was added successfully")
    assert Department.objects.filter(name="Gastroenterology").exists()
    shot(page, "02-department-added")

    # 03 A doctor with a photo, in that department.
    page.goto(f"{base}{reverse('admin:articles_doctor_add')}")
    page.locator("#id_name").press_sequentially("Lin Mei")
    pick(page, "department", "Gastro", "Gastroenterology")
    page.set_input_files(
        "#id_photo",
        files=[{"name": "lin.png", "mimeType": "image/png", "buffer": PHOTO}],
    )
    shot(page, "03-doctor-form")
    page.click("input[name=_continue]")
    page.wait_for_selector("text=was added successfully")
    doctor = Doctor.objects.get(name="Lin Mei")
    assert doctor.department.name == "Gastroenterology" and doctor.photo
    shot(page, "04-doctor-saved")

    # 05 A new answer: the duplicate warning while typing a title like an existing one.
    page.goto(f"{base}{reverse('admin:articles_article_add')}")
    page.locator("#id_title").press_sequentially("Is a fatty liver reversible")
    warning = page.locator(".duplicate-check__warning")
    warning.wait_for()
    assert existing.title in warning.inner_text()
    shot(page, "05-duplicate-warning", phone=True)
    page.fill("#id_title", "")
    page.locator("#id_title").press_sequentially(TITLE)
    assert page.input_value("#id_slug") == "can-coffee-protect-a-fatty-liver"

    # 06 Markdown (previewed as typed), tags (one in other capitals), audio.
    pick(page, "doctor", "Lin", "Lin Mei")
    page.fill("#id_summary", "Coffee may help; it does not replace losing weight.")
    page.fill("#id_body", "Coffee *may* slow liver damage.\n\n## What helps most\n\n- moving more")
    page.wait_for_selector(".markdown-preview__body h2:text('What helps most')")
    page.locator("#id_tags").press_sequentially("Fatty Liver, coffee, food")
    suggestions = page.locator(".tag-autocomplete__list")
    suggestions.locator("[role=option]:has-text('food')").wait_for()
    page.keyboard.press("Escape")
    suggestions.wait_for(state="hidden")
    page.set_input_files(
        "#id_audio",
        files=[{"name": "answer.wav", "mimeType": "audio/wav", "buffer": wav_bytes(62)}],
    )
    shot(page, "06-new-answer")

    # 07 Preview before the first save: the unsaved form, in a new tab; nothing saved.
    with page.expect_popup() as opened:
        page.click("button[name=_unsaved_preview]")
    preview = opened.value
    preview.wait_for_selector(f"h1:text('{TITLE}')")
    assert "Preview of unsaved changes." in preview.inner_text(".editor-bar")
    assert preview.inner_text(".answer__body h2") == "What helps most"
    preview.set_viewport_size(DESKTOP)
    shot(preview, "07-unsaved-preview", phone=True)
    preview.close()
    assert not Article.objects.filter(title=TITLE).exists()

    # 08 Save draft: the tag typed in other capitals is the existing one, and says so.
    page.click("input[value='Save draft']")
    page.wait_for_selector("text=was added successfully")
    assert "Tags matched existing ones: “Fatty Liver” → “fatty liver”." in page.inner_text(
        ".messagelist"
    )
    article = Article.objects.get(title=TITLE)
    assert article.state == Article.State.DRAFT
    assert sorted(article.tags.names()) == ["coffee", "fatty liver", "food"]
    assert article.audio_duration.total_seconds() == 62
    shot(page, "08-draft-saved")
    address = f"{base}{article.get_absolute_url()}"
    assert reader.goto(address).status == 404

    # 09 Publish: the message links to the live page, which shows the date. No medical
    # reviewer has approved it yet, so the editor says why it goes live anyway.
    page.fill("#id_publish_reason", "Approved by the department head by telephone.")
    page.click("input[value='Publish']")
    page.wait_for_selector("text=View it live")
    shot(page, "09-published")
    with page.expect_navigation():
        page.click(f".messagelist a[href$='{article.get_absolute_url()}']")
    assert page.inner_text(".answer__dates").startswith("Published ")
    today = timezone.localdate().isoformat()
    assert page.get_attribute(".answer__dates time", "datetime") == today
    photo = page.locator(".answer img.avatar")
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    shot(page, "10-live-page", phone=True)
    assert reader.goto(address).status == 200

    # 11 Change the live answer's title and address; save a draft of the change.
    form = f"{base}{reverse('admin:articles_article_change', args=[article.pk])}"
    page.goto(form)
    page.fill("#id_title", NEW_TITLE)
    page.fill("#id_slug", "does-coffee-protect-a-fatty-liver")
    page.click("input[value='Save draft']")
    page.wait_for_selector("text=Saved a draft of your changes")
    assert "Readers see the live version." in page.inner_text(".working-copy-banner")
    shot(page, "11-working-copy", phone=True)
    reader.reload()
    assert reader.inner_text("h1") == TITLE  # readers keep the live version
    shot(reader, "12-reader-sees-the-old-title-phone")

    # 13 Preview at the address: the banner says what changed.
    page.goto(address)
    assert page.inner_text("h1") == NEW_TITLE
    assert "Changed: title, slug." in page.inner_text(".editor-bar")
    assert page.inner_text(".answer__dates").startswith("Published ")  # the live answer's
    shot(page, "13-preview-of-changes")

    # 14 Publish changes: readers get the new title; the old address leads there.
    page.goto(form)
    page.fill("#id_publish_reason", "A clearer title; the text is unchanged.")
    page.click("input[value='Publish changes']")
    page.wait_for_selector("text=View it live")
    new_address = f"{base}/articles/does-coffee-protect-a-fatty-liver/"
    response = reader.request.get(address, max_redirects=0)
    assert (response.status, response.headers["location"]) == (
        301,
        "/articles/does-coffee-protect-a-fatty-liver/",
    )
    reader.goto(address)
    assert reader.url == new_address and reader.inner_text("h1") == NEW_TITLE
    shot(reader, "14-reader-sees-the-new-title-phone")

    # 15 History: newest first, the latest change compared by default; restore's wording.
    page.goto(f"{base}{reverse('admin:articles_article_history', args=[article.pk])}")
    rows = page.locator("#change-history tbody tr")
    assert "Current version" in rows.first.inner_text()
    assert rows.nth(0).locator("input[name=to]").is_checked()
    assert rows.nth(1).locator("input[name=from]").is_checked()
    assert "Restore this version…" in rows.nth(1).inner_text()
    assert "Published changes." in rows.nth(0).inner_text()
    assert "Published." in rows.nth(1).inner_text()  # never "No fields changed."
    shot(page, "15-history", phone=True)
    page.click("input[value='Compare selected versions']")
    page.wait_for_selector("table.history-diff")
    assert "Does" in page.inner_text("table.history-diff ins")
    shot(page, "16-history-compare")
    page.go_back()
    page.click("#change-history tbody tr:nth-child(2) a:text('Restore this version…')")
    page.wait_for_selector("input[value='Restore this version']")
    shot(page, "17-restore-form")

    # 18 A mistake on purpose: no title and a file that is not audio. The summary at the top
    # links to each field, and following a link puts the cursor there.
    page.goto(form)
    page.fill("#id_title", "")
    page.set_input_files(
        "#id_audio",
        files=[{"name": "answer.mp3", "mimeType": "audio/mpeg", "buffer": b"not audio at all"}],
    )
    page.click("input[value='Save draft']")
    summary = page.locator("#error-summary")
    summary.wait_for()
    page.wait_for_function("document.activeElement?.id === 'error-summary'")
    assert "Please correct 2 errors:" in summary.inner_text()
    # Nothing was kept, so the form says what it says of any live answer: no "working copy".
    assert "This answer is live." in page.inner_text(".working-copy-banner")
    assert page.locator("text=Discard changes").count() == 0
    shot(page, "18-error-summary", phone=True)
    for field in ["id_title", "id_audio"]:
        page.click(f"#error-summary a[href='#{field}']")
        page.wait_for_function(f"document.activeElement?.id === '{field}'")
    assert Article.objects.get(pk=article.pk).title == NEW_TITLE  # nothing half-saved

    # 19 Merge two tags: the page lists the answers; the old tag's address leads on.
    page.goto(f"{base}{reverse('admin:articles_topic_changelist')}")
    food, diet = Topic.objects.get(name="food"), Topic.objects.get(name="diet")
    page.check(f"input[name=_selected_action][value='{food.pk}']")
    page.check(f"input[name=_selected_action][value='{diet.pk}']")
    page.select_option("select[name=action]", "merge")
    page.click("button[name=index]")
    page.wait_for_selector("text=Answers with these tags: 3")
    assert NEW_TITLE in page.inner_text(".merge-affected")
    page.check(f"input[name=merge_into][value='{diet.pk}']")
    merge, back = (page.locator(s).bounding_box() for s in SUBMIT_ROW)
    assert (merge["y"], merge["height"]) == (back["y"], back["height"])  # one row of buttons
    shot(page, "19-tag-merge", phone=True)
    page.click("input[value='Merge tags']")
    page.wait_for_selector(".messagelist")
    assert not Topic.objects.filter(name="food").exists()
    response = reader.request.get(f"{base}/tags/food/", max_redirects=0)
    assert (response.status, response.headers["location"]) == (301, "/tags/diet/")
    assert "diet" in Article.objects.get(pk=article.pk).tags.names()
    shot(page, "20-tags-merged")

    # 21 Unpublish: readers get a 404.
    page.goto(form)
    page.click("input[value='Unpublish']")
    page.wait_for_selector("text=readers no longer see it")
    assert Article.objects.get(pk=article.pk).state == Article.State.DRAFT
    assert reader.goto(new_address).status == 404
    shot(page, "21-unpublished")

    # 22 The dashboard: my drafts, and recently edited grouped by answer.
    page.goto(f"{base}{reverse('admin:index')}")
    assert NEW_TITLE in page.inner_text("#my-drafts")
    edited = page.locator("#recently-edited li", has_text=NEW_TITLE)
    assert edited.count() == 1  # one line for all of the day's saves
    shot(page, "22-dashboard-at-the-end", phone=True)

    # 23 The article list: the title column is the wide one; each row has its state badge.
    page.goto(f"{base}{reverse('admin:articles_article_changelist')}")
    row = page.locator("#result_list tbody tr", has_text=NEW_TITLE)
    assert row.locator(".state").inner_text().strip()
    widths = page.evaluate(
        "[...document.querySelectorAll('#result_list thead th')].map(th => th.offsetWidth)"
    )
    title_width = page.locator("#result_list thead th.column-title").evaluate(
        "th => th.offsetWidth"
    )
    assert title_width == max(widths)
    shot(page, "23-article-list", phone=True)
