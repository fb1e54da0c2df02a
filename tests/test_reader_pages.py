"""What every answer page tells a reader besides the answer: how long it takes to read, when to
seek urgent care, that it does not replace a consultation; and pages that follow the reader's
colour scheme and print cleanly."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from articles.models import Article

from .conftest import change_article_data, make_article

pytestmark = pytest.mark.django_db

DISCLAIMER = (
    "This answer is general information and not a substitute for a consultation; "
    "medications should be used under a doctor's guidance."
)


@pytest.mark.parametrize(
    ("body", "minutes"),
    [
        ("A short answer.", 1),
        (" ".join(["word"] * 1000), 5),
        ("肝" * 2000, 5),
        (" ".join(["word"] * 500) + " " + "肝" * 1000, 5),
    ],
)
def test_reading_time_counts_words_and_chinese_characters(client, body, minutes):
    article = make_article(body=body)
    assert Article.objects.get(pk=article.pk).reading_minutes == minutes
    assert f"{minutes} min read" in client.get(article.get_absolute_url()).text


def test_the_urgent_care_note_shows_only_when_set_and_as_text(client):
    quiet = make_article("Is coffee good for the liver?")
    assert "Seek urgent care if" not in client.get(quiet.get_absolute_url()).text
    urgent = make_article(
        "What if I vomit blood?", urgent_care="you vomit blood\n<script>alert(1)</script>"
    )
    page = client.get(urgent.get_absolute_url()).text
    assert '<h2 id="urgent-heading">Seek urgent care if…</h2>' in page
    assert "<p>you vomit blood<br>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in page


def test_editors_set_the_urgent_care_note_in_the_admin_with_a_limit(staff_client):
    article = make_article("What if my skin turns yellow?")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_article_data(staff_client, article, urgent_care="x" * 601)
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "at most 600 characters" in response.text
    data["urgent_care"] = "your skin or eyes turn yellow within days."
    data["_publish"] = "Publish changes"
    data["publish_reason"] = "Checked by the editor."
    assert staff_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.urgent_care == "your skin or eyes turn yellow within days."


def test_every_answer_carries_the_medical_disclaimer_and_every_page_the_footer(client):
    article = make_article()
    assert DISCLAIMER in client.get(article.get_absolute_url()).text
    for url in ("/", reverse("articles:article_list"), reverse("articles:department_list")):
        page = client.get(url).text
        assert (
            "not a substitute for a consultation" in page.split('<footer class="site-footer">')[1]
        )


def test_pages_follow_the_colour_scheme_and_print_without_navigation(client):
    assert '<meta name="color-scheme" content="light dark">' in client.get("/").text
    css = Path(finders.find("css/site.css")).read_text(encoding="utf-8")
    dark = css.split("@media (prefers-color-scheme: dark)")[1].split("@media print")[0]
    for variable in ("--ink", "--paper", "--link", "--accent", "--alert"):
        assert f"{variable}:" in dark
    printed = css.split("@media print")[1]
    for hidden in (".site-header", ".sidebar", ".breadcrumbs", ".audio"):
        assert hidden in printed.split("display: none")[0]


def head_tags(html: str) -> list[dict[str, str]]:
    head = html.split("</head>")[0]
    return [
        dict(re.findall(r'([\w:-]+)="([^"]*)"', tag))
        for tag in re.findall(r"<(?:meta|link) [^>]+>", head)
    ]


def one(tags: list[dict[str, str]], **match: str) -> dict[str, str]:
    found = [t for t in tags if all(t.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def test_every_page_names_its_canonical_address_and_open_graph_card(client):
    article = make_article("Can liver calcifications be liver cancer?", tags=("calcifications",))
    for _ in range(10):
        make_article()
    doctor, department = article.doctor, article.doctor.department
    pages = {
        "/": ("website", "Doctors answer your questions about liver disease"),
        reverse("articles:article_list") + "?page=2": ("website", "All answers"),
        article.get_absolute_url(): ("article", article.title),
        doctor.get_absolute_url(): ("profile", doctor.name),
        department.get_absolute_url(): ("website", department.name),
        reverse("articles:tag_detail", args=["calcifications"]): ("website", "calcifications"),
    }
    for url, (kind, title) in pages.items():
        tags = head_tags(client.get(url).text)
        address = f"http://testserver{url}"
        assert one(tags, rel="canonical")["href"] == address
        assert one(tags, property="og:url")["content"] == address
        assert one(tags, property="og:type")["content"] == kind
        assert one(tags, property="og:title")["content"] == title
        assert one(tags, property="og:site_name")["content"] == "liverqa"
        assert one(tags, name="twitter:card")["content"] == "summary"
    tags = head_tags(client.get(article.get_absolute_url() + "?utm_source=x").text)
    assert one(tags, rel="canonical")["href"] == f"http://testserver{article.get_absolute_url()}"
    assert one(tags, property="article:section")["content"] == department.name
    assert one(tags, property="article:tag")["content"] == "calcifications"
    assert one(tags, property="article:author")["content"] == (
        f"http://testserver{doctor.get_absolute_url()}"
    )


def test_a_missing_page_claims_no_canonical_address(client):
    tags = head_tags(client.get("/articles/no-such-answer/").text)
    assert not [t for t in tags if t.get("rel") == "canonical" or t.get("property") == "og:url"]


def test_the_topic_index_lists_live_topics_a_to_z_with_their_counts(
    client, django_assert_max_num_queries
):
    make_article(tags=("liver cancer", "Alcohol"))
    make_article(tags=("liver cancer", "肝硬化", "5-ASA"))
    make_article("A draft?", tags=("secret topic",), status=Article.Status.DRAFT)
    with django_assert_max_num_queries(1):
        page = client.get(reverse("articles:topic_list")).text
    body = page.split("<h1>Topics A–Z</h1>")[1]
    headings = re.findall(r'<h2 id="topics-\d+">([^<]+)</h2>', body)
    assert headings == ["A", "L", "肝", "#"]
    assert re.search(r">liver cancer</a> <span class=\"count\">2 answers</span>", body)
    assert re.search(r">Alcohol</a> <span class=\"count\">1 answer</span>", body)
    assert "secret topic" not in page
    assert f'href="{reverse("articles:topic_list")}">Topics</a>' in client.get("/").text
