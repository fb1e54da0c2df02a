"""RSS and Atom feeds, sitemap.xml and robots.txt: parsed as their readers parse them (feedparser,
an XML parser) and checked field by field against the database."""

import re
from datetime import date, timedelta
from xml.etree import ElementTree

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Department, Doctor

from .conftest import make_article, make_doctor

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture
def site(db):
    """Live answers by two doctors, a draft and a scheduled answer with topics of their own."""
    hepatology = make_doctor("Ann Lee")
    surgeon = make_doctor("Bo Chen")
    old = make_article(
        "Can liver calcifications be liver cancer?",
        doctor=hepatology,
        tags=("calcifications", "liver cancer"),
        summary="Mostly harmless <b>scars</b> & old infections.",
        published_at=timezone.now() - timedelta(days=30),
        updated_at=timezone.localdate() - timedelta(days=2),
    )
    new = make_article(
        "Do gallstones need surgery?",
        doctor=surgeon,
        tags=("gallstones",),
        published_at=timezone.now() - timedelta(days=1),
    )
    make_article(
        "Draft: a secret question?",
        doctor=hepatology,
        tags=("secret draft topic",),
        status=Article.Status.DRAFT,
    )
    make_article(
        "Scheduled: next week's question?",
        doctor=make_doctor("Cy Park"),
        tags=("scheduled topic",),
        published_at=timezone.now() + timedelta(days=7),
    )
    return {"old": old, "new": new, "hepatology": hepatology, "surgeon": surgeon}


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return response, feed


@pytest.mark.parametrize("kind", ["feed", "atom"])
def test_the_site_feed_lists_live_answers_newest_first_field_by_field(client, site, kind):
    response, feed = parse(client, reverse(f"articles:{kind}"))
    assert feed.version == ("rss20" if kind == "feed" else "atom10")
    assert feed.feed.title == "liverqa: latest answers"
    assert feed.feed.link == "http://testserver/"
    assert [entry.title for entry in feed.entries] == [site["new"].title, site["old"].title]
    entry = feed.entries[1]
    old = site["old"]
    assert entry.link == f"http://testserver{old.get_absolute_url()}"
    assert entry.summary == old.summary.replace("&", "&amp;").replace("<", "&lt;").replace(
        ">", "&gt;"
    )  # text, escaped once: a summary is never markup
    assert entry.author == "Ann Lee"
    assert sorted(tag.term for tag in entry.tags) == ["calcifications", "liver cancer"]
    published = old.published_at.replace(microsecond=0)
    assert entry.published_parsed[:6] == published.utctimetuple()[:6]
    if kind == "atom":
        assert date(*entry.updated_parsed[:3]) == old.updated_at
    assert "Draft" not in response.text and "Scheduled" not in response.text


@pytest.mark.parametrize("kind", ["feed", "atom"])
def test_department_doctor_and_topic_feeds_hold_only_their_live_answers(client, site, kind):
    hepatology = site["hepatology"]
    for url, title in (
        (
            reverse(f"articles:department_{kind}", args=[hepatology.department.slug]),
            f"liverqa: answers from {hepatology.department.name}",
        ),
        (reverse(f"articles:doctor_{kind}", args=[hepatology.slug]), "liverqa: answers by Ann Lee"),
        (
            reverse(f"articles:tag_{kind}", args=["calcifications"]),
            "liverqa: answers about calcifications",
        ),
    ):
        response, feed = parse(client, url)
        assert feed.feed.title == title
        assert [entry.title for entry in feed.entries] == [site["old"].title], url
        assert "secret" not in response.text


def test_a_topic_used_only_by_drafts_or_unknown_has_no_feed(client, site):
    for slug in ("secret-draft-topic", "scheduled-topic", "no-such-topic"):
        assert client.get(reverse("articles:tag_feed", args=[slug])).status_code == 404
    assert client.get(reverse("articles:doctor_feed", args=["nobody"])).status_code == 404


def test_pages_link_their_feeds(client, site):
    home = client.get("/").text
    rss = reverse("articles:feed")
    assert f'type="application/rss+xml" title="liverqa: latest answers (RSS)" href="{rss}"' in home
    assert f'href="{reverse("articles:atom")}"' in home
    doctor = client.get(site["hepatology"].get_absolute_url()).text
    assert f'href="{reverse("articles:doctor_feed", args=[site["hepatology"].slug])}"' in doctor
    department = client.get(site["hepatology"].department.get_absolute_url()).text
    slug = site["hepatology"].department.slug
    assert f'href="{reverse("articles:department_atom", args=[slug])}"' in department
    topic = client.get(reverse("articles:tag_detail", args=["gallstones"])).text
    assert f'href="{reverse("articles:tag_feed", args=["gallstones"])}"' in topic


def sitemap_entries(client) -> dict[str, str | None]:
    """Every <url> of every section the index names: location -> lastmod."""
    response = client.get(reverse("articles:sitemap"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    index = ElementTree.fromstring(response.content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    entries: dict[str, str | None] = {}
    for section in index.iter(f"{SITEMAP}loc"):
        assert section.text.startswith("http://testserver/sitemap-")
        urlset = ElementTree.fromstring(client.get(section.text).content)
        assert urlset.tag == f"{SITEMAP}urlset"
        for url in urlset.iter(f"{SITEMAP}url"):
            location = url.findtext(f"{SITEMAP}loc")
            assert location not in entries, f"{location} listed twice"
            entries[location] = url.findtext(f"{SITEMAP}lastmod")
    return entries


def test_the_sitemap_lists_every_public_page_once_with_w3c_dates(client, site):
    entries = sitemap_entries(client)
    live = Article.objects.published()
    expected = {
        "/",
        reverse("articles:article_list"),
        reverse("articles:department_list"),
        reverse("articles:topic_list"),
        *(article.get_absolute_url() for article in live),
        *(doctor.get_absolute_url() for doctor in Doctor.objects.filter(articles__in=live)),
        *(
            department.get_absolute_url()
            for department in Department.objects.filter(doctors__articles__in=live)
        ),
        *(
            reverse("articles:tag_detail", args=[tag.slug])
            for tag in Tag.objects.filter(tagged_articles__content_object__in=live)
        ),
    }
    assert set(entries) == {f"http://testserver{path}" for path in expected}
    for location, lastmod in entries.items():
        assert lastmod and W3C_DATE.match(lastmod), location
        assert "secret" not in location and "scheduled" not in location
    old = site["old"]
    assert entries[f"http://testserver{old.get_absolute_url()}"] == old.updated_at.isoformat()
    new = site["new"]
    assert entries[f"http://testserver{new.get_absolute_url()}"] == (
        timezone.localdate(new.published_at).isoformat()
    )
    doctor = site["hepatology"]
    assert entries[f"http://testserver{doctor.get_absolute_url()}"] == (
        timezone.localdate(old.published_at).isoformat()
    )


def test_robots_txt_names_the_sitemap_and_keeps_admin_and_search_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert f"Disallow: {reverse('admin:index')}" in lines
    assert f"Disallow: {reverse('articles:search')}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_feeds_and_sitemaps_keep_a_query_budget(client, site, django_assert_max_num_queries):
    urls = [
        reverse("articles:feed"),
        reverse("articles:atom"),
        reverse("articles:doctor_feed", args=[site["hepatology"].slug]),
        reverse("articles:department_atom", args=[site["hepatology"].department.slug]),
        reverse("articles:tag_feed", args=["gallstones"]),
        reverse("articles:sitemap"),
        "/sitemap-articles.xml",
        "/sitemap-doctors.xml",
        "/sitemap-topics.xml",
        "/sitemap-pages.xml",
        "/robots.txt",
    ]
    for _ in range(5):  # more answers and topics must not mean more queries
        make_article(doctor=site["surgeon"], tags=(f"topic {_}", "gallstones"))
    for url in urls:
        # The index: two queries a section (its size, its newest date); anything else: four.
        budget = 10 if url == reverse("articles:sitemap") else 4
        with django_assert_max_num_queries(budget, info=url):
            assert client.get(url).status_code == 200


def test_an_unknown_sitemap_section_or_page_is_a_404(client, site):
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-articles.xml?p=9").status_code == 404
    assert client.get("/sitemap-articles.xml?p=abc").status_code == 404
