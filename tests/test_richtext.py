"""Bodies are Markdown rendered once on save; nothing an editor types can run in a browser."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.templatetags.static import static
from django.urls import reverse

from articles.models import Article, Reference
from articles.richtext import render_markdown

from .conftest import add_article_data, make_article, make_doctor

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '[x](https://example.org/" onmouseover="alert(1))',
    "<style>body{display:none}</style>",
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<details open ontoggle=alert(1)>",
    "![x](javascript:alert(1))",
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]
DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "img"}
# HTML that Python-Markdown, the renderer before CommonMark, gave for the shipped bodies and
# for each construct the body's help text names: readers must see the same pages.
BEFORE = json.loads(
    (Path(__file__).parent / "data" / "markdown_rendered_before_commonmark.json").read_text()
)


class Elements(HTMLParser):
    """Every element and attribute a browser would build from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def assert_harmless(html: str) -> None:
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        if tag == "script" and attrs == {"type": "application/ld+json"}:
            continue  # structured data: never run; a payload that closed it early would show
        if tag == "script" and attrs == {"src": static("js/feedback.js"), "defer": None}:
            continue  # the feedback form's own script, from the site's static files
        assert tag not in DANGEROUS_TAGS, (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in {"href", "src", "action", "formaction"}:
                scheme = (value or "").strip().lower().split(":", 1)[0]
                assert scheme not in {"javascript", "data", "vbscript"}, (tag, name, value)


# -- Markdown ---------------------------------------------------------------------------------


def test_markdown_gives_paragraphs_headings_lists_emphasis_and_links():
    html = render_markdown(
        "# Causes\n\n### Early signs\n\nFat builds up *slowly*, **silently**.\n\n"
        "- alcohol\n- weight\n\n"
        "1. first\n2. second\n\n[NHS](https://www.nhs.uk/) · [us](/articles/) · "
        "[write](mailto:help@example.org)"
    )
    assert "<h2>Causes</h2>" in html  # the page's h1 is the question
    assert "<h3>Early signs</h3>" in html
    assert "<em>slowly</em>" in html and "<strong>silently</strong>" in html
    assert "<ul>\n<li>alcohol</li>" in html and "<ol>\n<li>first</li>" in html
    assert '<a href="https://www.nhs.uk/" rel="nofollow noopener">NHS</a>' in html
    assert '<a href="/articles/">us</a>' in html  # internal: no rel
    assert '<a href="mailto:help@example.org">write</a>' in html


def test_typed_html_is_shown_as_text_not_run():
    assert render_markdown("<b>bold</b> & <script>x</script>") == (
        "<p>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;</p>"
    )


def test_rendering_is_deterministic_and_kept_in_step_on_save():
    article = make_article(body="First *one*.")
    assert article.body_html == "<p>First <em>one</em>.</p>"
    article.body = "Second."
    article.save(update_fields=["body"])
    article.refresh_from_db()
    assert article.body_html == render_markdown(article.body) == "<p>Second.</p>"
    assert render_markdown("a\n\nb") == "<p>a</p>\n<p>b</p>"


@pytest.mark.parametrize("payload", XSS)
def test_xss_payload_is_defused_by_the_sanitizer(payload):
    assert_harmless(render_markdown(payload))
    assert_harmless(render_markdown(f"Text before.\n\n{payload}\n\nText after."))


def test_shipped_bodies_render_as_they_did_before():
    fixture = json.loads((Path(settings.BASE_DIR) / "fixtures" / "content.json").read_text())
    bodies = {
        row["fields"]["slug"]: row["fields"]["body"]
        for row in fixture
        if row["model"] == "articles.article"
    }
    assert bodies.keys() == BEFORE["shipped"].keys()
    for slug, body in bodies.items():
        assert render_markdown(body) == BEFORE["shipped"][slug], slug


@pytest.mark.parametrize(("markdown", "html"), BEFORE["features"])
def test_markdown_constructs_render_as_they_did_before(markdown, html):
    assert render_markdown(markdown) == html


def test_the_source_paragraphs_render_word_for_word(site_content):
    for article in Article.objects.all():
        for paragraph in article.paragraphs:
            assert f"<p>{paragraph}</p>" in article.body_html


# -- Every field readers see, through the admin ----------------------------------------------


def test_xss_payloads_in_every_field_never_reach_a_reader(staff_client, reader):
    doctor = make_doctor("Sun Wei")
    payloads = " ".join(XSS)
    data = add_article_data(
        staff_client,
        title=f"Q {XSS[0]} {XSS[1]}",
        slug="xss",
        doctor=doctor.pk,
        summary=payloads,
        body="\n\n".join(XSS),
        tags=", ".join(p.replace(",", " ") for p in XSS[:6]),
        _publish="Publish",
        **{
            "references-0-title": " ".join(XSS[:4]),
            "references-0-url": 'https://example.org/"><script>alert(1)</script>',
        },
    )
    response = staff_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, [
        f.formset.errors for f in response.context["inline_admin_formsets"]
    ]
    article = Article.objects.get(slug="xss")
    make_article("Related?", doctor=doctor, tags=tuple(article.tags.names()[:1]))
    urls = [
        article.get_absolute_url(),
        reverse("articles:home"),
        reverse("articles:article_list"),
        doctor.get_absolute_url(),
        doctor.department.get_absolute_url(),
        *(reverse("articles:tag_detail", args=[t.slug]) for t in article.tags.all()),
    ]
    for url in urls:
        page = reader.get(url)
        assert page.status_code == 200, url
        assert_harmless(page.text)
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in article.body_html


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>x</script>", "ftp://example.org/x"]
)
def test_references_must_be_web_links(staff_client, url):
    data = add_article_data(
        staff_client,
        title="Q?",
        doctor=make_doctor().pk,
        **{"references-0-title": "A study", "references-0-url": url},
    )
    response = staff_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    assert not Article.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reference.objects.create(article=make_article(), title="x", url=url)


def test_references_are_listed_under_the_text(reader):
    article = make_article()
    Reference.objects.create(
        article=article, title="EASL guidelines", url="https://easl.eu/", position=2
    )
    Reference.objects.create(
        article=article, title="NHS: cirrhosis", url="https://nhs.uk/", position=1
    )
    html = reader.get(article.get_absolute_url()).text
    assert '<h2 id="references-heading">References</h2>' in html
    assert html.index("NHS: cirrhosis") < html.index("EASL guidelines")
    assert '<a href="https://nhs.uk/" rel="nofollow noopener">NHS: cirrhosis</a>' in html


def test_body_preview_endpoint_renders_like_the_page(staff_client, reader):
    url = reverse("admin:articles_article_body_preview")
    response = staff_client.post(url, {"body": "**Hi** <script>x</script>"})
    assert response.json() == {"html": render_markdown("**Hi** <script>x</script>")}
    assert staff_client.get(url).status_code == 405
    assert reader.post(url, {"body": "x"}).status_code == 302  # to the login page
