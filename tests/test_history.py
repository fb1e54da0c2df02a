"""Every editor's save is a revision: who, when, what changed; two versions compare; restore."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import reversion
from django.contrib.auth.models import Permission
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Doctor, Topic

from .conftest import (
    add_article_data,
    change_article_data,
    form_values,
    make_article,
    make_doctor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article_with_two_versions(editor_client):
    doctor = make_doctor("Sun Wei")
    data = add_article_data(
        editor_client,
        title="Is jaundice always serious?",
        doctor=doctor.pk,
        body="Yellow skin needs a doctor.\n\nSee one the same day.",
        tags="jaundice, bile duct",
    )
    assert editor_client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_article_data(
        editor_client,
        article,
        title="Is jaundice serious?",
        body="Yellow skin always needs a doctor.\n\nSee one the same day.",
        tags="jaundice, liver function",
    )
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    return article


def test_each_save_is_a_revision_with_who_when_and_what(article_with_two_versions, editor):
    versions = list(Version.objects.get_for_object(article_with_two_versions))
    assert len(versions) == 2
    newest, first = versions
    assert newest.revision.user == editor and first.revision.user == editor
    assert newest.revision.date_created >= first.revision.date_created
    assert newest.revision.get_comment() == "Changed Title, Body and Tags."
    assert first.field_dict["title"] == "Is jaundice always serious?"


def test_history_lists_versions_and_compares_two(editor_client, article_with_two_versions):
    article = article_with_two_versions
    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code == 200
    assert "Compare selected versions" in history.text
    assert history.text.count("<td>nurse</td>") == 2  # the User column; the header greets too
    assert "Changed Title, Body and Tags." in history.text

    newest, first = Version.objects.get_for_object(article)
    compare = editor_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"from": newest.pk, "to": first.pk},  # either order: older is always "from"
    )
    assert compare.status_code == 200
    changes = {c.label: c for c in compare.context["changes"]}
    assert set(changes) == {"title", "body", "tags"}
    assert str(changes["title"].diff) == "Is jaundice <del>always </del>serious?"
    assert "skin<ins> always</ins> needs" in str(changes["body"].diff)
    assert "<del>bile duct\n</del>jaundice\n" in str(changes["tags"].diff)
    assert "<ins>liver function\n</ins>" in str(changes["tags"].diff)


def test_history_is_newest_first_with_the_current_version_marked(
    editor_client, article_with_two_versions
):
    article = article_with_two_versions
    newest, first = Version.objects.get_for_object(article)
    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    rows = history.context["action_list"]
    assert [row["version"] for row in rows] == [newest, first]
    assert [row["is_current"] for row in rows] == [True, False]
    text = history.text
    assert text.count("Current version") == 1
    assert text.index("Current version") < text.index("Restore this version")
    # Restore is offered for the older version only.
    assert text.count("Restore this version") == 1
    assert reverse("admin:articles_article_revision", args=[article.pk, newest.pk]) not in text
    assert reverse("admin:articles_article_revision", args=[article.pk, first.pk]) in text
    # Times to the second, the full one in a <time> element, and how long ago.
    saved = newest.revision.date_created
    assert f'<time datetime="{saved.isoformat()}" title="{saved:%-d %b %Y, %H:%M:%S}">' in text
    assert text.count("now") + text.count("ago") >= 2


def test_the_default_comparison_is_the_latest_change(editor_client, article_with_two_versions):
    article = article_with_two_versions
    newest, first = Version.objects.get_for_object(article)
    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    compare_form = form_values(history, "change-history-form")
    assert compare_form == {"from": str(first.pk), "to": str(newest.pk)}
    compare = editor_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), compare_form
    )
    assert "to the current version" in compare.text
    changes = {c.label: c for c in compare.context["changes"]}
    assert str(changes["title"].diff) == "Is jaundice <del>always </del>serious?"


def test_compare_shows_values_as_editors_and_readers_see_them(editor_client, settings):
    settings.TIME_ZONE = "Asia/Shanghai"  # the site's zone, not UTC, is what editors read
    article = make_article("Is jaundice serious?", published_at=None, status="draft")
    reviewer = make_doctor("Sun Wei")
    with reversion.create_revision():
        article.save()
    article.published_at = datetime(2026, 11, 25, 21, 51, 0, 594000, tzinfo=UTC)
    article.updated_at = date(2026, 11, 20)
    article.audio_duration = timedelta(minutes=1, seconds=2)
    article.reviewed_by, article.reviewed_on = reviewer, date(2026, 11, 19)
    article.body = "One **bold** word.\n\nAnd a [link](https://example.org/)."
    with reversion.create_revision():
        article.save()
    newest, first = Version.objects.get_for_object(article)
    compare = editor_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"from": first.pk, "to": newest.pk},
    )
    changes = {c.label: c.new for c in compare.context["changes"]}
    assert changes["published at"] == "26 Nov 2026, 05:51:00"
    assert changes["updated on"] == "20 Nov 2026"
    assert changes["audio duration"] == "1min 2sec"
    assert changes["reviewed by"] == "Sun Wei"
    assert changes["reviewed on"] == "19 Nov 2026"
    # The body is compared as the Markdown editors typed, word by word.
    assert changes["body"] == article.body
    assert "+00:00" not in compare.text and "0:01:02" not in compare.text


def test_compare_with_bad_version_ids_is_a_404(editor_client, article_with_two_versions):
    url = reverse("admin:articles_article_compare", args=[article_with_two_versions.pk])
    assert editor_client.get(url, {"from": "x", "to": "1"}).status_code == 404
    assert editor_client.get(url, {"from": "999", "to": "998"}).status_code == 404
    assert editor_client.get(url).status_code == 404


def test_restoring_an_earlier_version_brings_back_text_and_tags(
    editor_client, article_with_two_versions
):
    article = article_with_two_versions
    first = Version.objects.get_for_object(article).last()
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    form = editor_client.get(url)
    assert form.status_code == 200
    article.refresh_from_db()
    assert article.title == "Is jaundice serious?"  # viewing a version changes nothing

    response = editor_client.post(url, form_values(form, "article_form"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_history", args=[article.pk])
    article.refresh_from_db()
    assert article.title == "Is jaundice always serious?"
    assert article.body.startswith("Yellow skin needs a doctor.")
    assert "<p>Yellow skin needs a doctor.</p>" in article.body_html
    assert sorted(article.tags.names()) == ["bile duct", "jaundice"]
    newest = Version.objects.get_for_object(article).first()
    saved = first.revision.date_created
    restored = f"Restored the version of {saved:%-d %b %Y, %H:%M:%S} by nurse."
    assert newest.revision.get_comment() == restored
    history = editor_client.get(response["Location"])
    assert [str(m) for m in history.context["messages"]] == [restored]
    assert history.context["action_list"][0]["version"] == newest


def test_the_restore_form_says_restore_in_plain_words(editor_client, article_with_two_versions):
    article = article_with_two_versions
    first = Version.objects.get_for_object(article).last()
    form = editor_client.get(
        reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    )
    assert form.status_code == 200
    assert 'value="Restore this version"' in form.text
    assert f"saved {first.revision.date_created:%-d %b %Y, %H:%M:%S} by nurse" in form.text
    assert "revert" not in form.text.lower()


def test_doctors_departments_and_tags_keep_history_too(editor_client):
    doctor = make_doctor("Yan Chun")
    url = reverse("admin:articles_doctor_change", args=[doctor.pk])
    data = form_values(editor_client.get(url), "doctor_form") | {"title": "Chief physician"}
    assert editor_client.post(url, data).status_code == 302
    assert Version.objects.get_for_object(doctor).count() == 1

    department = doctor.department
    url = reverse("admin:articles_department_change", args=[department.pk])
    data = form_values(editor_client.get(url), "department_form")
    data |= {"description": "Liver surgery."}
    assert editor_client.post(url, data).status_code == 302
    assert Version.objects.get_for_object(department).count() == 1

    tag = Topic.objects.create(name="jaundice", slug="jaundice")
    url = reverse("admin:articles_topic_change", args=[tag.pk])
    data = form_values(editor_client.get(url), "topic_form") | {"name": "jaundice in adults"}
    assert editor_client.post(url, data).status_code == 302
    versions = Version.objects.get_for_object(tag)
    assert [v.field_dict["name"] for v in versions] == ["jaundice in adults"]
    history = editor_client.get(reverse("admin:articles_topic_history", args=[tag.pk]))
    assert history.status_code == 200
    assert history.text.count("<td>nurse</td>") == 1


def test_adding_a_tag_in_admin_saves_it_with_its_first_version(editor_client):
    url = reverse("admin:articles_topic_add")
    data = form_values(editor_client.get(url), "topic_form")
    data |= {"name": "ascites", "slug": "ascites"}
    response = editor_client.post(url, data)
    assert response.status_code == 302
    tag = Topic.objects.get(name="ascites")
    version = Version.objects.get_for_object(tag).get()  # exactly one
    assert version.revision.user.username == "nurse"
    assert version.field_dict["slug"] == "ascites"


def test_restoring_after_a_bulk_action_restores_only_that_article(editor_client):
    approved = {"status": Article.Status.DRAFT, "review_state": Article.Review.APPROVED}
    first = make_article("First?", body="First text.", **approved)
    second = make_article("Second?", body="Second text.", **approved)
    changelist = reverse("admin:articles_article_changelist")
    response = editor_client.post(
        changelist, {"action": "publish", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert Version.objects.get_for_object(first).count() == 1
    assert Version.objects.get_for_object(second).count() == 1
    assert (
        Version.objects.get_for_object(first).get().revision
        != Version.objects.get_for_object(second).get().revision
    )

    url = reverse("admin:articles_article_change", args=[second.pk])
    data = change_article_data(
        editor_client, second, body="Second text, edited later.", _publish="Publish changes"
    )
    assert editor_client.post(url, data).status_code == 302

    version = Version.objects.get_for_object(first).get()
    url = reverse("admin:articles_article_revision", args=[first.pk, version.pk])
    form = editor_client.get(url)
    assert editor_client.post(url, form_values(form, "article_form")).status_code == 302
    second.refresh_from_db()
    assert second.body == "Second text, edited later."


def test_view_only_staff_cannot_run_bulk_actions(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "view_topic"])
    )
    client.force_login(viewer)
    article = make_article("Live?", tags=("liver cancer",))  # a tag, so the tag list has a row
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish", "_selected_action": [article.pk]},
    )
    assert response.status_code == 200  # the action is unknown to this user: the list again
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    page = client.get(reverse("admin:articles_article_changelist"))
    assert page.status_code == 200
    actions = page.context["cl"].model_admin.get_actions(page.wsgi_request)
    assert not {"publish", "unpublish"} & set(actions)
    # Django hides the action bar on an empty list, so a tag must be listed for this to count.
    topics = client.get(reverse("admin:articles_topic_changelist"))
    assert topics.status_code == 200
    assert len(topics.context["cl"].result_list) == 1
    actions = topics.context["cl"].model_admin.get_actions(topics.wsgi_request)
    assert not {"merge", "remove_orphans"} & set(actions)


def test_a_version_of_another_row_cannot_be_restored_here(editor_client, article_with_two_versions):
    other = make_article("Is itching a liver sign?")
    with reversion.create_revision():
        other.save()
    version = Version.objects.get_for_object(other).get()
    url = reverse(
        "admin:articles_article_revision", args=[article_with_two_versions.pk, version.pk]
    )
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, {"title": "Hijacked?"}).status_code == 404
    article_with_two_versions.refresh_from_db()
    assert article_with_two_versions.title == "Is jaundice serious?"


def test_the_history_says_what_a_publishing_button_did(editor_client):
    """The button is no field: Django alone would log "No fields changed." for a publish."""
    data = add_article_data(
        editor_client, title="Can I fly with cirrhosis?", doctor=make_doctor().pk
    )
    assert editor_client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get()
    url = reverse("admin:articles_article_change", args=[article.pk])
    when = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    scheduled = change_article_data(editor_client, article, _schedule="Schedule", when=when)
    assert editor_client.post(url, scheduled).status_code == 302
    back = change_article_data(editor_client, article, title="Can I fly?", _unpublish="Back")
    assert editor_client.post(url, back).status_code == 302
    published = change_article_data(editor_client, article, _publish="Publish")
    assert editor_client.post(url, published).status_code == 302

    comments = [v.revision.get_comment() for v in Version.objects.get_for_object(article)]
    # No reviewer approved it: the editor's reason follows (tests/conftest.py gives one).
    assert comments[0] == (
        "Published. Published without approval: Checked by the editor (a test about publishing)."
    )
    assert comments[1] == "Changed Title. Back to draft."
    assert comments[2].startswith("Scheduled to go live on ")
    assert comments[3] == "Added."
    history = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "No fields changed." not in history.text


def test_a_version_of_another_model_with_the_same_id_cannot_be_restored_here(
    editor_client, article_with_two_versions
):
    # A doctor's version whose row has the article's id: restoring it through the article's
    # History would revert the doctor with the article's permissions.
    article = article_with_two_versions
    doctor = Doctor.objects.filter(pk=article.pk).first() or make_doctor(pk=article.pk)
    with reversion.create_revision():
        doctor.name = "Sun Wei the First"
        doctor.save()
    version = Version.objects.get_for_object(doctor).get()
    assert version.object_id == str(article.pk)
    doctor.name = "Sun Wei the Second"
    doctor.save()
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    data = change_article_data(editor_client, article)
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, data).status_code == 404
    recover = reverse("admin:articles_article_recover", args=[version.pk])
    assert editor_client.post(recover, data).status_code == 404
    doctor.refresh_from_db()
    assert doctor.name == "Sun Wei the Second"


def test_a_version_the_rules_now_refuse_is_not_restored_and_says_why(
    editor_client, article_with_two_versions
):
    # A version saved before a rule existed (here: titles are one line) cannot come back;
    # the editor is told why, on the history page, and nothing changes.
    article = article_with_two_versions
    first = Version.objects.get_for_object(article).last()
    stored = json.loads(first.serialized_data)
    stored[0]["fields"]["title"] = "Is jaundice\r\nalways serious?"
    Version.objects.filter(pk=first.pk).update(serialized_data=json.dumps(stored))
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    history = reverse("admin:articles_article_history", args=[article.pk])
    assert editor_client.get(url).status_code == 200  # shown, to be read
    response = editor_client.post(url, {"title": "Is jaundice serious?"})
    assert response.status_code == 302
    assert response["Location"] == history
    said = [str(m) for m in editor_client.get(history).context["messages"]]
    assert said == [
        "This version cannot be restored: Article 'is-jaundice-always-serious': A title is "
        "one line of text: remove the line break, tab or other control character in it."
    ]
    article.refresh_from_db()
    assert article.title == "Is jaundice serious?"
