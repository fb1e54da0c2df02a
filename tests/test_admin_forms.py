"""Every admin change form: an error summary at the top linking to each field in error, the
sections most answers leave empty folded until they hold something, never while they hold an
error."""

import re
from datetime import date
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article

from .conftest import add_article_data, form_values, make_article, make_doctor

pytestmark = pytest.mark.django_db

ADD = "admin:articles_article_add"


def summary_links(html: str) -> list[tuple[str, str]]:
    """(target id, text) of each link in the error summary."""
    summary = re.search(r'<div class="errornote error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    return [
        (target, unescape(re.sub(r"<[^>]+>", "", text)))
        for target, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary.group(0))
    ]


def folded(html: str, heading: str) -> bool:
    """Whether the section with this heading is a closed <details> (Django's "collapse")."""
    section = re.search(
        rf"(<details><summary>)?\s*<h2[^>]*>\s*{re.escape(heading)}\s*</h2>", html, re.S
    )
    assert section, f"no section {heading!r}"
    return section.group(1) is not None


def test_the_summary_lists_each_error_with_a_link_to_its_field(editor_client):
    data = add_article_data(editor_client, title="", doctor=make_doctor().pk)
    data |= {
        "audio": SimpleUploadedFile("answer.mp3", b"no sound in here", content_type="audio/mpeg"),
        "references-0-title": "Guidelines",
        "references-0-url": "not an address",
    }
    response = editor_client.post(reverse(ADD), data)
    assert response.status_code == 200
    html = response.text
    assert "Please correct 3 errors:" in html
    assert summary_links(html) == [
        ("id_title", "Title: This field is required."),
        (
            "id_audio",
            "Audio: This file is not audio we can read. Upload an MP3, M4A, Ogg, WAV recording.",
        ),
        (
            "id_references-0-url",
            "References, listed under the answer, row 1: URL: Enter a valid URL.",
        ),
    ]
    for target, _ in summary_links(html):
        assert f'id="{target}"' in html  # each anchor lands on a field of the page
    # At the top: before the first field, and announced to screen readers.
    assert html.index('id="error-summary"') < html.index('id="id_title"')
    assert 'role="alert"' in html
    assert "js/error-summary.js" in html


def test_one_error_is_one_error(editor_client):
    data = add_article_data(editor_client, title="Is jaundice serious?", doctor="")
    html = editor_client.post(reverse(ADD), data).text
    assert "Please correct 1 error:" in html
    assert summary_links(html) == [("id_doctor", "Doctor: This field is required.")]


def test_a_valid_form_has_no_summary(editor_client):
    html = editor_client.get(reverse(ADD)).text
    assert "error-summary" not in html
    data = add_article_data(editor_client, title="Is jaundice serious?", doctor=make_doctor().pk)
    assert editor_client.post(reverse(ADD), data).status_code == 302


def test_other_admin_forms_get_the_summary_too(editor_client):
    doctor = make_doctor("Yan Chun")
    url = reverse("admin:articles_doctor_change", args=[doctor.pk])
    data = form_values(editor_client.get(url), "doctor_form") | {"name": ""}
    html = editor_client.post(url, data).text
    assert summary_links(html) == [("id_name", "Name: This field is required.")]


def test_optional_sections_are_folded_until_they_hold_something(editor_client):
    html = editor_client.get(reverse(ADD)).text
    assert folded(html, "Clinical review")
    assert folded(html, "Audio answer")
    assert folded(html, "Other Voices: the editor&#x27;s picks, lowest position first")
    assert not folded(html, "Publishing")
    assert not folded(html, "References, listed under the answer")

    reviewer = make_doctor("Sun Wei")
    article = make_article(
        "Is jaundice serious?", reviewed_by=reviewer, reviewed_on=date(2026, 1, 5)
    )
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    assert not folded(html, "Clinical review")
    assert folded(html, "Audio answer")
    assert folded(html, "Addresses")  # always folded: only ever read


def test_a_section_holding_an_error_is_open(editor_client):
    data = add_article_data(
        editor_client,
        title="Is jaundice serious?",
        doctor=make_doctor().pk,
        next_review_due="the day after tomorrow",
    )
    data |= {"picks-0-position": "not a number", "picks-0-related": make_article().pk}
    html = editor_client.post(reverse(ADD), data).text
    assert not folded(html, "Clinical review")
    assert not folded(html, "Other Voices: the editor&#x27;s picks, lowest position first")
    links = dict(summary_links(html))
    assert links["id_next_review_due"] == "Next review due: Enter a valid date."
    assert links["id_picks-0-position"].startswith(
        "Other Voices: the editor's picks, lowest position first, row 1: Position:"
    )


@pytest.mark.parametrize(
    "title", ["Hepatitis?\r\nBcc: someone@example.com", "Tab\tinside?", "Two\u2028lines?"]
)
def test_a_title_is_one_line(editor_client, title):
    """A line break in a title would break every e-mail subject about the answer: the form
    says so at the title, and nothing is saved."""
    data = add_article_data(editor_client, title=title, slug="one-line", doctor=make_doctor().pk)
    response = editor_client.post(reverse(ADD), data)
    assert response.status_code == 200
    [(target, text)] = summary_links(response.text)
    assert target == "id_title" and text.startswith("Title: A title is one line of text")
    assert not Article.all_rows.filter(slug="one-line").exists()
