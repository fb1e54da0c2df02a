"""'Was this answer helpful?': the form under each answer, posted as a plain form and by the
page's script; what it refuses (forged cross-site posts, stale or forged tokens, floods,
over-long comments) and what it quietly drops (the honeypot); the page cache it must not
break; and the editors' counts and triage list."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse

from articles.editorial.admin import ArticleAdmin
from articles.models import Article, Feedback, PageVersion

from .conftest import form_values, make_article

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    """The rate counts live in the default cache, which outlives a test."""
    caches["default"].clear()
    yield
    caches["default"].clear()


def the_form(client, article: Article) -> dict:
    """The feedback form's fields as the article page gives them to every reader."""
    return form_values(client.get(article.get_absolute_url()), "feedback-form")


def send(client, article: Article, headers=SAME_ORIGIN, environ=None, **fields):
    """Post the form as a browser would, with ``fields`` filled in; ``environ`` sets the
    connection's address or a proxy's X-Forwarded-For."""
    data = the_form(client, article) | fields
    url = reverse("articles:article_feedback", args=[article.slug])
    return client.post(url, data, headers=headers, **(environ or {}))


def test_a_yes_without_a_comment_is_stored_and_thanked(reader):
    article = make_article()
    response = send(reader, article, helpful="yes")
    assert response.status_code == 303
    assert response["Location"] == reverse("articles:feedback_thanks", args=[article.slug])
    assert not response.cookies
    thanks = reader.get(response["Location"])
    assert thanks.status_code == 200
    assert "Thank you" in thanks.text
    feedback = Feedback.objects.get()
    assert (feedback.article, feedback.helpful, feedback.comment) == (article, True, "")


def test_a_no_with_a_comment_is_stored_and_nothing_about_the_reader(reader):
    article = make_article()
    response = send(reader, article, helpful="no", comment="  It did not say how much.  ")
    assert response.status_code == 303
    feedback = Feedback.objects.get()
    assert (feedback.helpful, feedback.comment) == (False, "It did not say how much.")
    # No address, browser or cookie: only these columns exist.
    assert {f.name for f in Feedback._meta.concrete_fields} == {
        "id",
        "article",
        "helpful",
        "comment",
        "created_at",
        "triaged",
    }


def test_the_script_gets_json(reader):
    article = make_article()
    headers = SAME_ORIGIN | {"Accept": "application/json"}
    response = send(reader, article, headers=headers, helpful="no", comment="Too short.")
    assert response.status_code == 200
    assert response.json() == {
        "message": "Thank you. Your answer helps our doctors improve this page."
    }
    too_long = send(reader, article, headers=headers, helpful="no", comment="x" * 501)
    assert too_long.status_code == 400
    assert "500 characters" in too_long.json()["error"]
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "null"},
        {},  # neither header: refused (see articles/feedback/guard.py)
    ],
)
def test_a_post_from_another_site_is_refused(reader, headers):
    article = make_article()
    response = send(reader, article, headers=headers, helpful="yes")
    assert response.status_code == 403
    assert "only be sent from our own pages" in response.text
    assert not Feedback.objects.exists()


def test_a_browser_without_sec_fetch_site_is_judged_by_origin(reader, settings):
    article = make_article()
    assert (
        send(reader, article, headers={"Origin": "http://testserver"}, helpful="yes").status_code
        == 303
    )
    settings.CSRF_TRUSTED_ORIGINS = ["https://liverqa.example.org"]
    trusted = {"Origin": "https://liverqa.example.org"}
    assert send(reader, article, headers=trusted, helpful="yes").status_code == 303
    assert Feedback.objects.count() == 2


def test_a_filled_honeypot_is_thanked_but_not_stored(reader):
    article = make_article()
    response = send(
        reader, article, helpful="no", comment="Buy pills", website="http://spam.example"
    )
    assert response.status_code == 303
    assert not Feedback.objects.exists()


def test_a_stale_or_forged_token_is_refused(reader):
    article, other = make_article(), make_article()
    form = the_form(reader, article)
    url = reverse("articles:article_feedback", args=[article.slug])
    with time_machine.travel(timedelta(hours=25)):
        stale = reader.post(url, form | {"helpful": "yes"}, headers=SAME_ORIGIN)
    assert stale.status_code == 400
    assert "reload the page" in stale.text
    assert 'name="comment"' in stale.text  # the form again, with a fresh token
    with time_machine.travel(timedelta(hours=23)):
        assert reader.post(url, form | {"helpful": "yes"}, headers=SAME_ORIGIN).status_code == 303
    for token in [the_form(reader, other)["token"], "12.999999:forged", ""]:
        response = reader.post(url, form | {"helpful": "yes", "token": token}, headers=SAME_ORIGIN)
        assert response.status_code == 400, token
    assert Feedback.objects.count() == 1


def test_an_over_long_comment_gets_the_form_back_with_what_was_written(reader):
    article = make_article()
    comment = "This is far too long. " * 30
    response = send(reader, article, helpful="no", comment=comment)
    assert response.status_code == 400
    assert "Please keep your comment to 500 characters (it has 659)." in response.text
    assert comment.strip() in response.text
    assert not Feedback.objects.exists()


def test_neither_button_is_a_clear_error(reader):
    article = make_article()
    response = send(reader, article, comment="Hello")
    assert response.status_code == 400
    assert "Choose “Yes” or “No”." in response.text
    assert send(reader, article, helpful="maybe").status_code == 400
    assert not Feedback.objects.exists()


def test_unpublished_answers_take_no_feedback(reader):
    draft = make_article(status=Article.Status.DRAFT)
    url = reverse("articles:article_feedback", args=[draft.slug])
    assert reader.post(url, {"helpful": "yes"}, headers=SAME_ORIGIN).status_code == 404
    assert (
        reader.get(reverse("articles:article_feedback", args=[make_article().slug])).status_code
        == 405
    )


def test_one_address_is_limited_per_answer_and_overall(reader, settings):
    articles = [make_article() for _ in range(5)]
    for _ in range(5):
        assert send(reader, articles[0], helpful="yes").status_code == 303
    sixth = send(reader, articles[0], helpful="yes")
    assert sixth.status_code == 429
    assert "try again later" in sixth.text
    assert 0 < int(sixth["Retry-After"]) <= 3600
    # Another address is counted on its own.
    assert (
        send(reader, articles[0], helpful="yes", environ={"REMOTE_ADDR": "10.0.0.2"}).status_code
        == 303
    )
    # Six counted on 127.0.0.1 so far (the refused one too): fourteen more, on other answers,
    # reach the overall twenty.
    for article in [a for a in articles[1:] for _ in range(4)][:14]:
        assert send(reader, article, helpful="no").status_code == 303
    assert send(reader, articles[4], helpful="no").status_code == 429
    assert Feedback.objects.count() == 5 + 1 + 14


def test_behind_a_proxy_the_address_it_saw_is_counted(reader, settings):
    settings.LIVERQA_TRUSTED_PROXIES = 1
    article = make_article()
    for _ in range(5):
        assert (
            send(
                reader, article, helpful="yes", environ={"HTTP_X_FORWARDED_FOR": "1.2.3.4"}
            ).status_code
            == 303
        )
    assert (
        send(
            reader, article, helpful="yes", environ={"HTTP_X_FORWARDED_FOR": "1.2.3.4"}
        ).status_code
        == 429
    )
    # What the client wrote further left is not believed.
    spoofed = "9.9.9.9, 1.2.3.4"
    assert (
        send(reader, article, helpful="yes", environ={"HTTP_X_FORWARDED_FOR": spoofed}).status_code
        == 429
    )
    assert (
        send(
            reader, article, helpful="yes", environ={"HTTP_X_FORWARDED_FOR": "5.6.7.8"}
        ).status_code
        == 303
    )


def test_the_article_page_stays_a_cache_hit_and_feedback_does_not_forget_it(
    reader, settings, django_capture_on_commit_callbacks
):
    settings.LIVERQA_PAGE_CACHE_SECONDS = 600
    caches["pages"].clear()
    article = make_article()
    url = article.get_absolute_url()
    assert reader.get(url)["X-Page-Cache"] == "miss"
    hit = reader.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert "Set-Cookie" not in hit
    assert 'id="feedback-form"' in hit.text
    versions = list(PageVersion.objects.values_list("key", "version"))
    with django_capture_on_commit_callbacks(execute=True):
        assert send(reader, article, helpful="no", comment="Unclear.").status_code == 303
    assert list(PageVersion.objects.values_list("key", "version")) == versions
    assert reader.get(url)["X-Page-Cache"] == "hit"


def test_editors_see_comments_as_plain_text(staff_client):
    article = make_article()
    feedback = Feedback.objects.create(
        article=article, helpful=False, comment="<script>alert(1)</script> <b>bold</b>"
    )
    for url in [
        reverse("admin:articles_feedback_changelist"),
        reverse("admin:articles_feedback_change", args=[feedback.pk]),
    ]:
        page = staff_client.get(url).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in page, url
        assert "<script>alert(1)" not in page and "<b>bold</b>" not in page, url


def test_editors_triage_but_cannot_rewrite_or_add_feedback(editor_client):
    article = make_article()
    kept = Feedback.objects.create(article=article, helpful=False, comment="Say more on diet.")
    Feedback.objects.create(article=article, helpful=True)
    url = reverse("admin:articles_feedback_change", args=[kept.pk])
    response = editor_client.post(url, {"comment": "Rewritten.", "helpful": "on", "triaged": "on"})
    assert response.status_code == 302
    kept.refresh_from_db()
    assert (kept.comment, kept.helpful, kept.triaged) == ("Say more on diet.", False, True)
    assert editor_client.get(reverse("admin:articles_feedback_add")).status_code == 403
    changelist = reverse("admin:articles_feedback_changelist")
    untriaged = editor_client.get(changelist, {"triaged__exact": "0"})
    assert untriaged.context["cl"].result_count == 1
    unhelpful = editor_client.get(changelist, {"helpful__exact": "0"})
    assert [f.pk for f in unhelpful.context["cl"].result_list] == [kept.pk]
    response = editor_client.post(
        changelist,
        {"action": "mark_triaged", "_selected_action": [f.pk for f in Feedback.objects.all()]},
        follow=True,
    )
    assert "Marked 1 as triaged." in response.text
    assert not Feedback.objects.filter(triaged=False).exists()


def _column(name: str) -> int:
    return ArticleAdmin.list_display.index(name) + 1  # after the action checkbox


def test_the_article_list_counts_and_sorts_by_feedback_in_flat_queries(
    staff_client, django_assert_max_num_queries
):
    url = reverse("admin:articles_article_changelist")
    counts = {"Rarely useful?": (0, 3), "Often useful?": (4, 1), "Sometimes useful?": (2, 2)}

    def populate(extra: int) -> None:
        for title, (yes, no) in counts.items():
            article = make_article(title, tags=("diet", "alcohol"))
            Feedback.objects.bulk_create(
                [Feedback(article=article, helpful=True) for _ in range(yes)]
                + [Feedback(article=article, helpful=False) for _ in range(no)]
            )
        for _ in range(extra):
            Feedback.objects.create(article=make_article(tags=("diet",)), helpful=True)

    populate(0)
    staff_client.get(url)  # the session and content types, cached
    with django_assert_max_num_queries(10):
        response = staff_client.get(url, {"o": f"-{_column('reader_feedback')}"})
    titles = [a.title for a in response.context["cl"].result_list]
    assert titles == ["Often useful?", "Sometimes useful?", "Rarely useful?"]
    shown = {
        a.title: (a.helpful_count, a.unhelpful_count) for a in response.context["cl"].result_list
    }
    assert shown == counts
    # One column for both: the list stays readable at 1280 px.
    assert "👍 0 · 👎 3" in response.text
    assert 'title="4 helpful, 1 not helpful"' in response.text
    populate(20)
    with django_assert_max_num_queries(10):  # the same with 23 rows as with 3
        staff_client.get(url, {"o": f"-{_column('reader_feedback')}"})
