"""In Chromium: an editor changes a live answer's title, previews it (before saving, then at
its address), and publishes it; a reader in another browser sees the old title until then.
Screenshots at phone and desktop widths go to artifacts/, like tests/test_browser.py's."""

from articles.models import Article

from .test_browser import (  # noqa: F401 (fixtures, used by name)
    browser,
    log_in_as_the_editor,
    new_context,
    newsroom,
    pytestmark,
    shot,
)

NEW = "Can a fatty liver heal completely?"


def test_a_live_answer_changes_only_when_the_editor_publishes(
    new_context,  # noqa: F811
    live_server,
    newsroom,  # noqa: F811
):
    _, live = newsroom
    old = live.title
    address = f"{live_server.url}{live.get_absolute_url()}"
    form = f"{live_server.url}/admin/articles/article/{live.pk}/change/"
    reader = new_context(390, 844).new_page()
    editor = new_context().new_page()
    log_in_as_the_editor(editor, live_server.url)

    # Preview before saving anything: the unsaved form, in a new tab.
    editor.goto(form)
    editor.fill("#id_title", NEW)
    with editor.expect_popup() as opened:
        editor.click("button[name=_unsaved_preview]")
    unsaved = opened.value
    unsaved.wait_for_selector(f"h1:text('{NEW}')")
    assert "Preview of unsaved changes." in unsaved.inner_text(".editor-bar")
    shot(unsaved, "wc-01-unsaved-preview")
    unsaved.close()
    assert Article.objects.get(pk=live.pk).title == old
    assert not Article.all_rows.filter(working_copy_of=live).exists()

    # Save a draft of the change: the form says readers still get the live version.
    editor.click("input[value='Save draft']")
    editor.wait_for_selector("text=Saved a draft of your changes")
    assert "Readers see the live version." in editor.inner_text(".working-copy-banner")
    assert editor.input_value("#id_title") == NEW
    shot(editor, "wc-02-working-copy-form")
    editor.set_viewport_size({"width": 390, "height": 844})
    shot(editor, "wc-03-working-copy-form-phone")
    editor.set_viewport_size({"width": 1280, "height": 900})

    reader.goto(address)
    assert reader.inner_text("h1") == old
    shot(reader, "wc-04-reader-before-phone")

    # At the real address editors see the change, with what differs from live.
    editor.goto(address)
    assert editor.inner_text("h1") == NEW
    assert "Changed: title." in editor.inner_text(".editor-bar")
    shot(editor, "wc-05-preview-at-address")
    with editor.expect_navigation():
        editor.click(".editor-bar a:text('See the live version')")
    assert editor.url == address + "?live=1"
    assert editor.inner_text("h1") == old

    # Publish the changes: the message links to the live page; readers get the new title.
    editor.goto(form)
    editor.fill("#id_publish_reason", "Not reviewed yet: a test.")  # no reviewer approved it
    editor.click("input[value='Publish changes']")
    editor.wait_for_selector("text=View it live")
    shot(editor, "wc-06-published")
    reader.reload()
    assert reader.inner_text("h1") == NEW
    assert reader.locator(".editor-bar").count() == 0
    shot(reader, "wc-07-reader-after-phone")
    assert not Article.all_rows.filter(working_copy_of=live).exists()
