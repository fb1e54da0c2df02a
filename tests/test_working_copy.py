"""Changing a live answer: a working copy readers never see until "Publish changes"; the
buttons by state and permission; scheduled changes and expiry; the unsaved-form preview."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import reversion
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import indexing
from articles.editorial import working_copies
from articles.models import Article, ArticleSlug, Reference, RelatedArticle
from articles.sitemaps import SITEMAPS

from .conftest import change_article_data, form_values, make_article, rebuild_indexes
from .test_page_cache import page_cache  # noqa: F401 (a fixture, used by name)

pytestmark = pytest.mark.django_db

NOON = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
OLD, NEW = "Is coffee good for the liver?", "Does coffee protect the liver?"


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def edit(client, article: Article, button: str = "_continue", **fields):
    """Post the article's form as an editor would after changing ``fields``."""
    data = change_article_data(client, article, **fields, **{button: "pressed"})
    return client.post(change_url(article), data)


def buttons(html: str) -> set[str]:
    """The names of the article form's submit buttons."""
    return set(re.findall(r'type="submit"[^>]*name="(_[a-z_]+)"', html))


@pytest.fixture
def live(db) -> Article:
    article = make_article(OLD, tags=("coffee",), body="Yes, in moderation.")
    Reference.objects.create(article=article, title="A study", url="https://example.org/a")
    return article


def test_saving_a_live_answer_keeps_readers_on_the_live_version(staff_client, reader, live):
    response = edit(staff_client, live, title=NEW, body="Probably, yes.", tags="coffee, diet")
    assert response.status_code == 302
    assert response["Location"] == change_url(live)
    assert Article.objects.count() == 1  # the copy is no article of its own
    live.refresh_from_db()
    assert (live.title, live.body, live.state) == (OLD, "Yes, in moderation.", "live")
    assert set(live.tags.names()) == {"coffee"}
    page = reader.get(live.get_absolute_url())
    assert f"<h1>{OLD}</h1>" in page.text and NEW not in page.text

    messages = staff_client.get(change_url(live)).text
    assert "Saved a draft of your changes; readers still see the published version." in messages
    form = form_values(staff_client.get(change_url(live)), "article_form")
    assert (form["title"], form["tags"]) == (NEW, "coffee, diet")

    preview = staff_client.get(live.get_absolute_url())
    assert f"<h1>{NEW}</h1>" in preview.text
    assert "Preview of your changes — not published." in preview.text
    assert "Changed: title, body, tags." in preview.text  # not the date, shown to the second
    assert "private" in preview["Cache-Control"]
    assert f"<h1>{OLD}</h1>" in staff_client.get(live.get_absolute_url() + "?live=1").text


def test_publish_changes_makes_them_live_as_one_revision(staff_client, reader, live):
    versions = Version.objects.get_for_object(live).count()
    assert edit(staff_client, live, title=NEW).status_code == 302
    assert edit(staff_client, live, body="Second draft.").status_code == 302
    assert Version.objects.get_for_object(live).count() == versions  # drafts are no history
    response = edit(staff_client, live, "_publish", slug="coffee-and-the-liver")
    assert response.status_code == 302
    assert not Article.all_rows.filter(working_copy_of=live).exists()
    live.refresh_from_db()
    assert (live.title, live.body, live.slug) == (NEW, "Second draft.", "coffee-and-the-liver")
    assert live.references.get().url == "https://example.org/a"  # inline rows carried over
    assert f"<h1>{NEW}</h1>" in reader.get("/articles/coffee-and-the-liver/").text
    old = reader.get("/articles/is-coffee-good-for-the-liver/")
    assert (old.status_code, old["Location"]) == (301, "/articles/coffee-and-the-liver/")
    revisions = Version.objects.get_for_object(live)
    assert revisions.count() == versions + 1
    # ...with the reason for publishing a text no reviewer approved
    assert revisions.first().revision.comment.startswith("Published changes. Published without")
    message = staff_client.get(change_url(live)).text
    assert 'View it live: <a href="/articles/coffee-and-the-liver/">' in message


def test_publishing_changes_dates_the_update_unless_the_editor_typed_one(staff_client, live):
    edit(staff_client, live, title=NEW)
    edit(staff_client, live, "_publish")
    live.refresh_from_db()
    today = timezone.localdate()
    assert live.updated_at == today
    page = Client().get(live.get_absolute_url()).text
    assert f'Updated on <time datetime="{today.isoformat()}">' in page
    edit(staff_client, live, body="Again.", updated_at="2025-06-20")
    edit(staff_client, live, "_publish")
    live.refresh_from_db()
    assert live.updated_at.isoformat() == "2025-06-20"


def test_discarding_changes_asks_first_and_leaves_the_live_answer(staff_client, reader, live):
    edit(staff_client, live, title=NEW)
    discard = reverse("admin:articles_article_discard", args=[live.pk])
    assert 'name="_publish"' in staff_client.get(change_url(live)).text
    confirm = staff_client.get(discard)
    assert "will be lost; this cannot be undone" in confirm.text and "(title)" in confirm.text
    assert Article.all_rows.filter(working_copy_of=live).exists()  # a GET discards nothing
    assert staff_client.post(discard).status_code == 302
    assert not Article.all_rows.filter(working_copy_of=live).exists()
    live.refresh_from_db()
    assert live.title == OLD
    assert NEW not in staff_client.get(live.get_absolute_url()).text


def test_search_and_other_voices_follow_the_live_version_only(
    staff_client, reader, live, django_capture_on_commit_callbacks
):
    neighbour = make_article("Does coffee help fatty liver?", tags=("coffee",))
    rebuild_indexes()
    indexing.forget_pending()  # what making the articles noted: committed by the rebuild
    sidebar = list(RelatedArticle.objects.order_by("article", "rank").values_list())
    with django_capture_on_commit_callbacks(execute=True):
        edit(staff_client, live, title="Zebra stripes and the liver?", tags="zebra")
    search = reverse("articles:search")
    assert not reader.get(search, {"q": "zebra"}).context["hits"]
    assert [h["article"] for h in reader.get(search, {"q": "moderation"}).context["hits"]] == [live]
    assert list(RelatedArticle.objects.order_by("article", "rank").values_list()) == sidebar
    assert OLD in reader.get(neighbour.get_absolute_url()).text  # its Other Voices
    with django_capture_on_commit_callbacks(execute=True):
        edit(staff_client, live, "_publish")
    hits = reader.get(search, {"q": "zebra"}).context["hits"]
    assert [h["article"] for h in hits] == [live]


def test_scheduled_changes_go_live_when_publish_scheduled_runs(staff_client, reader, live):
    with time_machine.travel(NOON, tick=False) as clock:
        live.published_at = NOON - timedelta(days=3)
        live.save()
        response = edit(staff_client, live, "_schedule", title=NEW, when="2025-06-01T15:00")
        assert response.status_code == 302
        copy = Article.all_rows.get(working_copy_of=live)
        assert copy.changes_go_live_at == NOON + timedelta(hours=3)

        clock.move_to(NOON + timedelta(hours=3) - timedelta(seconds=1))
        call_command("publish_scheduled", stdout=io.StringIO())
        assert f"<h1>{OLD}</h1>" in reader.get(live.get_absolute_url()).text

        clock.move_to(NOON + timedelta(hours=3))
        assert f"<h1>{OLD}</h1>" in reader.get(live.get_absolute_url()).text  # needs the job
        out = io.StringIO()
        call_command("publish_scheduled", stdout=out)
        assert f"Published changes to {live.slug}" in out.getvalue()
        assert f"<h1>{NEW}</h1>" in reader.get(live.get_absolute_url()).text
        assert Version.objects.get_for_object(live).first().revision.comment == (
            "Published changes."
        )
        again = io.StringIO()
        call_command("publish_scheduled", stdout=again)
        assert (
            "0 working copies published, 0 scheduled answers went live, 0 answers unpublished."
        ) in again.getvalue()


def test_the_job_never_applies_a_copy_an_editor_published_meanwhile(staff_client, reader, live):
    with time_machine.travel(NOON, tick=False) as clock:
        live.published_at = NOON - timedelta(days=3)
        live.save()
        edit(staff_client, live, "_schedule", title=NEW, when="2025-06-01T15:00")
        clock.move_to(NOON + timedelta(hours=3))
        due = list(Article.all_rows.working_copies_due())  # the job's list, read first
        # ... and an editor publishes other words before the job reaches the copy.
        assert edit(staff_client, live, "_publish", title="Manual words?").status_code == 302
        # The job's loop goes on with its list:
        assert [working_copies.publish_changes(copy, None) for copy in due] == [None]
        page = reader.get(live.get_absolute_url()).text
        assert "<h1>Manual words?</h1>" in page and "A study" in page
        assert list(Article.objects.get(pk=live.pk).tags.names()) == ["coffee"]


def test_scheduled_unpublish_hides_the_answer_at_once_and_the_job_records_it(
    staff_client, reader, live
):
    with time_machine.travel(NOON, tick=False) as clock:
        live.published_at = NOON - timedelta(days=3)
        live.save()
        response = edit(staff_client, live, "_schedule_unpublish", when="2025-06-02T09:30")
        assert response.status_code == 302
        assert not Article.all_rows.filter(working_copy_of=live).exists()  # nothing changed
        live.refresh_from_db()
        assert live.expires_at == datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
        clock.move_to(live.expires_at - timedelta(microseconds=1))
        assert reader.get(live.get_absolute_url()).status_code == 200
        clock.move_to(live.expires_at)  # no job has run: hidden all the same
        assert reader.get(live.get_absolute_url()).status_code == 404
        assert OLD not in reader.get(reverse("articles:home")).text
        out = io.StringIO()
        call_command("publish_scheduled", stdout=out)
        assert f"Unpublished {live.slug}" in out.getvalue()
        live.refresh_from_db()
        assert (live.status, live.expires_at) == ("draft", None)
        comment = Version.objects.get_for_object(live).first().revision.comment
        assert comment == "Unpublished at its scheduled time."


@pytest.mark.parametrize("when", ["", "2020-01-01T10:00", "not a date"])
def test_scheduling_needs_a_moment_to_come(staff_client, live, when):
    response = edit(staff_client, live, "_schedule", title=NEW, when=when)
    assert response.status_code == 200
    assert ("Choose the date and time first." in response.text) or (
        "Choose a moment still to come." in response.text
        or "Enter a valid date/time." in response.text
    )
    assert not Article.all_rows.filter(working_copy_of=live).exists()  # rolled back


def test_a_first_save_with_errors_shows_no_working_copy(staff_client, live):
    """Its copy is rolled back, so the form must not offer changes to discard or publish."""
    response = edit(staff_client, live, title="")
    assert response.status_code == 200 and "Please correct 1 error:" in response.text
    assert "This answer is live." in response.text
    assert "are a working copy" not in response.text and "Discard changes" not in response.text
    assert 'class="deletelink">Delete</a>' not in response.text  # it would name the lost copy
    assert not Article.all_rows.filter(working_copy_of=live).exists()

    edit(staff_client, live, title=NEW)  # a kept copy: its next bad save still shows it
    response = edit(staff_client, live, title="")
    assert "are a working copy" in response.text and "Discard changes" in response.text


def test_a_copy_may_keep_its_address_but_not_take_another_answers(staff_client, live):
    other = make_article("Is tea good for the liver?")
    response = edit(staff_client, live, slug=other.slug)
    assert response.status_code == 200
    assert f"The address /articles/{other.slug}/ is already used by" in response.text
    assert edit(staff_client, live, title=NEW).status_code == 302  # same slug as live: fine
    assert edit(staff_client, live, slug=other.slug).status_code == 200  # on the copy too


@pytest.fixture
def writer_client(client, django_user_model, live):
    """An editor who may write but not publish: the account of the live answer's doctor
    (without a doctor, such an account sees no answer; see editorial.roles)."""
    user = django_user_model.objects.create_user("writer", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    user.user_permissions.clear()
    group = Group.objects.create(name="Writers")
    group.permissions.set(
        Group.objects.get(name="Editors").permissions.exclude(codename="publish_article")
    )
    user.groups.set([group])
    live.doctor.user = user
    live.doctor.save(update_fields=["user"])
    client.force_login(user)
    return client


def test_without_publish_permission_no_publishing_button_works(writer_client, reader, live):
    draft = make_article("A draft?", doctor=live.doctor, status="draft", published_at=None)
    # Their own answers: they may save, preview and submit them for medical review, no more.
    mine = {"_continue", "_unsaved_preview", "_review"}
    assert buttons(writer_client.get(change_url(draft)).text) == mine
    assert buttons(writer_client.get(change_url(live)).text) == mine
    for button in ["_publish", "_schedule", "_unpublish", "_schedule_unpublish"]:
        data = change_article_data(writer_client, draft, title=NEW) | {
            button: "x",
            "when": "2099-01-01T10:00",
        }
        assert writer_client.post(change_url(draft), data).status_code == 403
        assert writer_client.post(change_url(live), data | {"title": NEW}).status_code == 403
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("A draft?", "draft")
    assert not Article.all_rows.filter(working_copy_of=live).exists()
    add = reverse("admin:articles_article_add")
    assert writer_client.post(add, {"title": "X?", "_publish": "x"}).status_code == 403
    # Saving a draft of changes is still theirs to do; discarding or publishing is not.
    assert edit(writer_client, live, title=NEW).status_code == 302
    discard = reverse("admin:articles_article_discard", args=[live.pk])
    assert writer_client.post(discard).status_code == 403
    changelist = reverse("admin:articles_article_changelist")
    writer_client.post(changelist, {"action": "unpublish", "_selected_action": [live.pk]})
    assert Article.objects.get(pk=live.pk).state == "live"
    assert f"<h1>{OLD}</h1>" in reader.get(live.get_absolute_url()).text


def test_view_only_staff_change_nothing(client, django_user_model, live):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename="view_article"))
    live.doctor.user = viewer  # an account reaches only its doctor's answers (editorial.roles)
    live.doctor.save(update_fields=["user"])
    client.force_login(viewer)
    data = change_article_data(client, live, title=NEW)
    assert client.post(change_url(live), data | {"_save": "x"}).status_code == 403
    assert client.post(change_url(live), data | {"_publish": "x"}).status_code == 403
    preview = reverse("admin:articles_article_preview_unsaved")
    assert client.post(preview, data).status_code == 403
    assert not Article.all_rows.filter(working_copy_of=live).exists()


def test_without_publish_permission_no_restore_changes_what_readers_see(
    writer_client, reader, editor, live
):
    # History's restore saves straight onto the row: the live text, or a published version
    # of an answer now back in draft, would reach readers past the publish permission.
    with reversion.create_revision():
        live.status = Article.Status.DRAFT
        live.save()  # a draft version, once
    drafted = Version.objects.get_for_object(live).first()
    with reversion.create_revision():
        live.status = Article.Status.PUBLISHED
        live.save()  # the published version
    published = Version.objects.get_for_object(live).first()
    with reversion.create_revision():
        live.title = NEW
        live.save()
    url = reverse("admin:articles_article_revision", args=[live.pk, published.pk])
    data = form_values(writer_client.get(url), "article_form")
    assert writer_client.post(url, data).status_code == 403
    # reversion's "recover" takes a version of a row that still exists, too.
    recover = reverse("admin:articles_article_recover", args=[drafted.pk])
    assert writer_client.post(recover, data).status_code == 403
    assert Article.objects.get(pk=live.pk).title == NEW
    with reversion.create_revision():
        live.status = Article.Status.DRAFT
        live.save()
    assert writer_client.post(url, data).status_code == 403
    assert Article.objects.get(pk=live.pk).state == "draft"
    assert reader.get(live.get_absolute_url()).status_code == 404
    publisher = Client()
    publisher.force_login(editor)
    data = form_values(publisher.get(url), "article_form")
    assert publisher.post(url, data).status_code == 302  # a publisher may
    assert Article.objects.get(pk=live.pk).state == "live"


def test_the_buttons_follow_the_state(staff_client, live):
    with time_machine.travel(NOON, tick=False):
        new = buttons(staff_client.get(reverse("admin:articles_article_add")).text)
        draft = make_article("Draft?", status="draft", published_at=None)
        later = make_article("Later?", published_at=NOON + timedelta(days=1))
        live.published_at = NOON - timedelta(days=1)
        live.save()
        # A saved answer can also be submitted for medical review (the "_review" button).
        assert new | {"_review"} == buttons(staff_client.get(change_url(draft)).text)
        assert new == {"_continue", "_unsaved_preview", "_publish", "_schedule"}
        assert buttons(staff_client.get(change_url(later)).text) == {
            "_review",
            "_continue",
            "_unsaved_preview",
            "_publish",
            "_unpublish",
        }
        page = staff_client.get(change_url(live)).text
        assert buttons(page) == {
            "_review",
            "_continue",
            "_unsaved_preview",
            "_publish",
            "_unpublish",
            "_schedule",
            "_schedule_unpublish",
        }
        assert "Publish changes" in page and "Discard changes" not in page
        assert 'name="status"' not in page  # the buttons replace the dropdown
        edit(staff_client, live, title=NEW)
        page = staff_client.get(change_url(live)).text
        assert "Discard changes" in page
        assert "Readers see the live version." in page and "(title)" in page


def test_publishing_a_draft_and_scheduling_one_say_where_it_is(staff_client):
    with time_machine.travel(NOON, tick=False):
        draft = make_article("Draft?", status="draft", published_at=None)
        response = edit(staff_client, draft, "_publish")
        draft.refresh_from_db()
        assert (draft.state, draft.published_at) == ("live", NOON)
        page = staff_client.get(response["Location"]).text
        assert f'View it live: <a href="{draft.get_absolute_url()}">' in page
        other = make_article("Other?", status="draft", published_at=None)
        edit(staff_client, other, "_schedule", when="2025-06-03T08:00")
        other.refresh_from_db()
        assert other.state == "scheduled"
        assert other.published_at == datetime(2025, 6, 3, 8, 0, tzinfo=UTC)
        edit(staff_client, other, "_unpublish")  # "Back to draft"
        other.refresh_from_db()
        assert other.state == "draft"


def test_the_unsaved_form_previews_without_saving(staff_client, live):
    preview = reverse("admin:articles_article_preview_unsaved")
    data = change_article_data(staff_client, live, title=NEW, slug="brand-new")
    response = staff_client.post(preview, data | {"_preview_of": str(live.pk)})
    assert response.status_code == 200
    assert f"<h1>{NEW}</h1>" in response.text
    assert "Preview of unsaved changes." in response.text
    assert response["X-Robots-Tag"] == "noindex" and "private" in response["Cache-Control"]
    live.refresh_from_db()
    assert live.title == OLD
    assert not Article.all_rows.filter(working_copy_of=live).exists()
    assert not ArticleSlug.objects.filter(slug="brand-new").exists()

    blank = form_values(staff_client.get(reverse("admin:articles_article_add")), "article_form")
    response = staff_client.post(preview, blank | {"title": "Brand new?", "body": "Text."})
    assert response.status_code == 400  # no doctor
    assert "Doctor: This field is required." in response.text
    assert Article.all_rows.count() == 1
    assert staff_client.get(preview).status_code == 405


def test_an_unsaved_preview_leaves_nothing_in_the_page_cache(
    staff_client,
    reader,
    live,
    page_cache,  # noqa: F811
):
    # A hostile preview moves the answer to another department's doctor: readers' Other Voices
    # (filled from the department) must not be the one the unsaved form would give.
    elsewhere = make_article("Only in the other department?")
    rebuild_indexes()
    preview = reverse("admin:articles_article_preview_unsaved")
    data = change_article_data(staff_client, live, doctor=str(elsewhere.doctor_id))
    response = staff_client.post(preview, data | {"_preview_of": str(live.pk)})
    assert response.status_code == 200 and elsewhere.title in response.text
    assert elsewhere.title not in reader.get(live.get_absolute_url()).text


def test_an_unsaved_preview_escapes_what_was_typed_under_the_sites_csp(staff_client, live):
    # Rendered at an admin address, with the editor's session: a hostile title or body must
    # run nothing there.
    preview = reverse("admin:articles_article_preview_unsaved")
    hostile = '<img src=x onerror="alert(1)">?'
    data = change_article_data(
        staff_client,
        live,
        title=hostile,
        body="<script>alert(2)</script>\n\n[x](javascript:alert(3))",
    )
    response = staff_client.post(preview, data | {"_preview_of": str(live.pk)})
    assert response.status_code == 200
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;?" in response.text
    assert "<img src=x" not in response.text  # escaped in the page, \u003C in its JSON-LD
    assert "<script>alert(2)" not in response.text and 'href="javascript:' not in response.text
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x" * 20_001, "the limit is 20,000"),
        (">" * 60 + " deep", "levels deep"),
    ],
)
def test_a_hostile_unsaved_preview_is_a_clear_error(staff_client, live, body, message):
    preview = reverse("admin:articles_article_preview_unsaved")
    data = change_article_data(staff_client, live, body=body)
    response = staff_client.post(preview, data | {"_preview_of": str(live.pk)})
    assert response.status_code == 400
    assert message in response.text
    assert staff_client.post(preview, {"_preview_of": "9999999"}).status_code == 404
    assert staff_client.post(preview, {"_preview_of": "1; DROP"}).status_code == 404


def test_copies_are_invisible_to_readers_and_lists(staff_client, reader, live, tmp_path):
    edit(staff_client, live, title="Zebra copy?", slug="zebra-copy")
    assert Article.all_rows.count() == 2 and Article.objects.count() == 1
    changelist = staff_client.get(reverse("admin:articles_article_changelist")).text
    assert "Zebra copy?" not in changelist and OLD in changelist
    pages = [
        reverse("articles:home"),
        reverse("articles:article_list"),
        reverse("articles:feed"),
        reverse("articles:atom"),
        reverse("articles:sitemap"),
        *(reverse("articles:sitemap_section", args=[name]) for name in SITEMAPS),
        reverse("articles:search") + "?q=zebra",
        live.doctor.get_absolute_url(),
        "/tags/coffee/",
    ]
    for url in pages:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert "Zebra" not in response.text and "zebra-copy" not in response.text, url
    assert reader.get("/articles/zebra-copy/").status_code == 404
    assert staff_client.get("/articles/zebra-copy/").status_code == 404  # proposed, not real
    call_command("export_fixtures", str(tmp_path), stdout=io.StringIO())
    exported = (tmp_path / "content.json").read_text()
    assert "Zebra" not in exported and exported.count('"https://example.org/a"') == 1


def test_a_live_answer_with_a_copy_costs_readers_no_extra_query(staff_client, reader, live):
    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            response = reader.get(live.get_absolute_url())
        assert f"<h1>{OLD}</h1>" in response.text
        return len(done)

    before = queries()
    edit(staff_client, live, title=NEW)
    assert Article.all_rows.filter(working_copy_of=live).exists()
    assert queries() == before


def test_unpublishing_keeps_pending_changes_on_the_draft(staff_client, reader, live):
    edit(staff_client, live, title=NEW)
    changelist = reverse("admin:articles_article_changelist")
    response = staff_client.post(
        changelist, {"action": "unpublish", "_selected_action": [live.pk]}, follow=True
    )
    assert "Unpublished 1 article; readers no longer see it." in response.text
    live.refresh_from_db()
    assert (live.state, live.title) == ("draft", NEW)
    assert not Article.all_rows.filter(working_copy_of=live).exists()
    assert reader.get(live.get_absolute_url()).status_code == 404


def test_line_breaks_as_browsers_post_them_are_no_change(staff_client, live):
    live.body = "First.\n\nSecond."
    live.save()
    edit(staff_client, live, title=NEW, body="First.\r\n\r\nSecond.")
    copy = Article.all_rows.get(working_copy_of=live)
    assert "Changed: title." in staff_client.get(live.get_absolute_url()).text
    assert copy.body == "First.\r\n\r\nSecond."


def test_no_cached_page_outlives_the_next_expiry(page_cache, reader, settings):  # noqa: F811
    settings.LIVERQA_CDN_SECONDS = 3600
    article = make_article("Expires soon?", expires_at=timezone.now() + timedelta(seconds=30))
    response = reader.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert int(re.search(r"max-age=(\d+)", response["Cache-Control"])[1]) <= 31
    article.expires_at = None
    article.save()
    again = Client().get(reverse("articles:article_list"))
    assert int(re.search(r"max-age=(\d+)", again["Cache-Control"])[1]) > 31


def test_versions_record_the_live_answer_only(staff_client, live):
    edit(staff_client, live, title=NEW)
    edit(staff_client, live, "_publish")
    copies = Article.all_rows.filter(working_copy_of__isnull=False).values_list("pk", flat=True)
    assert not Version.objects.get_for_model(Article).exclude(object_id=str(live.pk)).exists()
    assert not copies


def test_the_form_of_a_copy_links_the_live_answers_history_and_address(staff_client, live):
    assert edit(staff_client, live, "_publish").status_code == 302  # a first version
    version = Version.objects.get_for_object(live).get()
    edit(staff_client, live, title=NEW, slug="a-proposed-address")
    page = staff_client.get(change_url(live)).text
    history = reverse("admin:articles_article_history", args=[live.pk])
    assert f'href="{history}"' in page
    assert "Live since" in page  # "readers see": the live answer, not the copy's "Draft"
    view = re.search(r'href="([^"]+)" class="viewsitelink">Preview<', page)[1]
    assert staff_client.get(view)["Location"].endswith("/articles/is-coffee-good-for-the-liver/")
    restore = reverse("admin:articles_article_revision", args=[live.pk, version.pk])
    restore_form = staff_client.get(restore).text
    assert buttons(restore_form) == {"_save"} and "Restore this version" in restore_form


def test_unsaved_previews_share_the_live_previews_rate(staff_client, live, settings):
    settings.LIVERQA_PREVIEW_RATE = "2/d"  # a day: no window ends mid-test
    caches["default"].clear()
    preview = reverse("admin:articles_article_preview_unsaved")
    data = change_article_data(staff_client, live, title=NEW) | {"_preview_of": str(live.pk)}
    body = reverse("admin:articles_article_body_preview")
    assert staff_client.post(body, {"body": "Hello."}).status_code == 200
    assert staff_client.post(preview, data).status_code == 200
    refused = staff_client.post(preview, data)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Too many previews in a short time" in refused.text


def test_a_copys_tags_are_no_use_of_the_tag(staff_client, live):
    """Counts in the tag admin and the tag field's suggestions: the live answer only."""
    edit(staff_client, live, title=NEW, tags="coffee, diet")  # the copy carries both
    assert Article.all_rows.filter(working_copy_of=live).exists()
    suggestions = staff_client.get(reverse("admin:articles_article_tag_suggestions")).json()
    assert suggestions["results"] == [{"name": "coffee", "count": 1}, {"name": "diet", "count": 0}]
    tags = staff_client.get(reverse("admin:articles_topic_changelist"))
    counts = {t.name: t.article_count for t in tags.context["cl"].result_list}
    assert counts == {"coffee": 1, "diet": 0}


def test_without_publish_permission_the_dates_cannot_make_an_answer_live(
    writer_client, reader, live
):
    # A scheduled answer is edited directly: moving its publication date to the past, or its
    # "unpublish at", with a plain save would publish or hide it past the permission.
    # The writer's own answers (a doctor opens no other doctor's).
    mine = live.doctor
    later = make_article("Later?", doctor=mine, published_at=timezone.now() + timedelta(days=2))
    data = change_article_data(writer_client, later)
    past = timezone.localtime(timezone.now() - timedelta(days=1))
    moved = data | {"published_at_0": f"{past:%Y-%m-%d}", "published_at_1": f"{past:%H:%M:%S}"}
    assert 'name="published_at_0"' not in writer_client.get(change_url(later)).text  # shown
    assert writer_client.post(change_url(later), moved | {"_continue": "x"}).status_code == 302
    assert Article.objects.get(pk=later.pk).state == "scheduled"
    assert reader.get(later.get_absolute_url()).status_code == 404
    expiring = data | {"expires_at_0": f"{past:%Y-%m-%d}", "expires_at_1": f"{past:%H:%M:%S}"}
    writer_client.post(change_url(later), expiring | {"_continue": "x"})
    assert Article.objects.get(pk=later.pk).expires_at is None
    # A draft's dates show readers nothing: still the writer's to set.
    draft = make_article("Draft?", doctor=mine, status="draft", published_at=None)
    data = change_article_data(writer_client, draft)
    dated = data | {"published_at_0": f"{past:%Y-%m-%d}", "published_at_1": f"{past:%H:%M:%S}"}
    assert writer_client.post(change_url(draft), dated | {"_continue": "x"}).status_code == 302


@pytest.mark.parametrize("button", ["_continue", "_publish", "_schedule_unpublish"])
def test_an_emptied_publication_date_is_a_form_error_not_a_500(staff_client, live, button):
    later = make_article("Later?", published_at=timezone.now() + timedelta(days=2))
    for article in (live, later):
        # The button among the fields, so "Publish" carries the reason an unapproved text needs.
        emptied = {"published_at_0": "", "published_at_1": "", button: "x"}
        data = change_article_data(staff_client, article, **emptied)
        response = staff_client.post(change_url(article), data | {"when": "2099-01-01T10:00"})
        if article is later and button == "_publish":
            assert response.status_code == 302  # "Publish" means now
            continue
        assert response.status_code == 200
        assert "needs its date of publication" in response.text
    assert Article.objects.get(pk=live.pk).published_at is not None
    assert Article.objects.get(pk=later.pk).state in {"scheduled", "live"}
