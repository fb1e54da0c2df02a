"""Doctors' accounts in the admin: every role against every admin address of the content
models, then what each role's lists hold, the doctor fixed on save, hostile posts, bulk
actions, previews on the public site and the createdoctor command."""

import io
from datetime import timedelta

import pytest
import reversion
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.management.commands import createeditor
from articles.models import Article, Doctor, Topic

from .conftest import (
    add_article_data,
    change_article_data,
    form_values,
    make_article,
    make_doctor,
    rebuild_indexes,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "doctor", "other doctor", "reviewer", "editor", "superuser"]


def account(django_user_model, username: str, group: str | None = None, doctor=None):
    user = django_user_model.objects.create_user(username, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    if doctor is not None:
        doctor.user = user
        doctor.save(update_fields=["user"])
    return user


@pytest.fixture
def world(django_user_model):
    """Doctor A's draft (with two versions), a live answer and a topic; an account for every
    role. "doctor" is A's account; "other doctor" is B's."""
    a, b, c = make_doctor("Dr A"), make_doctor("Dr B"), make_doctor("Dr C")
    with reversion.create_revision():
        draft = make_article("Own draft?", doctor=a, status=Article.Status.DRAFT)
    with reversion.create_revision():
        draft.summary = "Changed."
        draft.save()
    versions = list(reversion.models.Version.objects.get_for_object(draft))
    users = {
        "doctor": account(django_user_model, "doc", "Doctors", a),
        "other doctor": account(django_user_model, "other", "Doctors", b),
        "reviewer": account(django_user_model, "rev", "Medical reviewers", c),
        "editor": account(django_user_model, "ed", "Editors"),
        "superuser": django_user_model.objects.create_superuser("root", password="x"),
    }
    return {
        "a": a,
        "b": b,
        "draft": draft,
        "live": make_article("Own live?", doctor=a),
        "theirs": make_article("Their draft?", doctor=b, status=Article.Status.DRAFT),
        "versions": versions,
        "topic": Topic.objects.create(name="cirrhosis"),
        "users": users,
    }


def client_for(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def _article_urls(w):
    pk = w["draft"].pk
    old, new = w["versions"][-1], w["versions"][0]
    return {
        "article list": ("get", reverse("admin:articles_article_changelist"), {}),
        "article add": ("get", reverse("admin:articles_article_add"), {}),
        "article change": ("get", reverse("admin:articles_article_change", args=[pk]), {}),
        "article delete": ("get", reverse("admin:articles_article_delete", args=[pk]), {}),
        "article history": ("get", reverse("admin:articles_article_history", args=[pk]), {}),
        "article compare": (
            "get",
            reverse("admin:articles_article_compare", args=[pk]),
            {"from": old.pk, "to": new.pk},
        ),
        "article restore": (
            "get",
            reverse("admin:articles_article_revision", args=[pk, old.pk]),
            {},
        ),
        "deleted articles": ("get", reverse("admin:articles_article_recoverlist"), {}),
        "discard changes": ("get", reverse("admin:articles_article_discard", args=[pk]), {}),
        "unsaved preview": (
            "post",
            reverse("admin:articles_article_preview_unsaved"),
            {"_preview_of": pk, "title": ""},
        ),
        "body preview": ("post", reverse("admin:articles_article_body_preview"), {"body": "Hi"}),
        "submit for review": (
            "post",
            reverse("admin:articles_article_review", args=[pk]),
            {"_review": "submit"},
        ),
        "comment": (
            "post",
            reverse("admin:articles_article_comment", args=[pk]),
            {"body": "A note."},
        ),
        "tag suggestions": ("get", reverse("admin:articles_article_tag_suggestions"), {"q": "c"}),
        "similar titles": ("get", reverse("admin:articles_article_similar_titles"), {"title": "x"}),
        "autocomplete articles": (
            "get",
            reverse("admin:autocomplete"),
            {"app_label": "articles", "model_name": "relatedpick", "field_name": "related"},
        ),
        "autocomplete doctors": (
            "get",
            reverse("admin:autocomplete"),
            {"app_label": "articles", "model_name": "article", "field_name": "doctor"},
        ),
        "doctor list": ("get", reverse("admin:articles_doctor_changelist"), {}),
        "doctor change": ("get", reverse("admin:articles_doctor_change", args=[w["a"].pk]), {}),
        "doctor add": ("get", reverse("admin:articles_doctor_add"), {}),
        "department list": ("get", reverse("admin:articles_department_changelist"), {}),
        "department change": (
            "get",
            reverse("admin:articles_department_change", args=[w["a"].department_id]),
            {},
        ),
        "topic list": ("get", reverse("admin:articles_topic_changelist"), {}),
        "topic change": ("get", reverse("admin:articles_topic_change", args=[w["topic"].pk]), {}),
        "user list": ("get", reverse("admin:auth_user_changelist"), {}),
        "group list": ("get", reverse("admin:auth_group_changelist"), {}),
    }


# Expected status for doctor (their own draft), other doctor, reviewer, editor, superuser;
# anonymous visitors are sent to the login page from every one.
EXPECTED = {
    "article list": (200, 200, 200, 200, 200),
    "article add": (200, 200, 200, 200, 200),
    "article change": (200, 404, 404, 200, 200),
    "article delete": (200, 404, 404, 200, 200),
    "article history": (200, 404, 404, 200, 200),
    "article compare": (200, 404, 404, 200, 200),
    "article restore": (200, 404, 404, 200, 200),
    "deleted articles": (403, 403, 403, 200, 200),
    "discard changes": (403, 404, 404, 302, 302),  # a draft has no changes: back to its form
    "unsaved preview": (400, 404, 404, 400, 400),  # no title: the form's errors
    "body preview": (200, 200, 200, 200, 200),
    # Back to the form once done; a draft still being written is not the reviewer's to open.
    "submit for review": (302, 404, 404, 302, 302),
    "comment": (302, 404, 404, 302, 302),
    "tag suggestions": (200, 200, 200, 200, 200),
    "similar titles": (200, 200, 200, 200, 200),
    "autocomplete articles": (200, 200, 200, 200, 200),
    "autocomplete doctors": (200, 200, 200, 200, 200),
    "doctor list": (200, 200, 200, 200, 200),
    "doctor change": (200, 200, 200, 200, 200),  # read-only for doctors, below
    "doctor add": (403, 403, 403, 200, 200),
    "department list": (200, 200, 200, 200, 200),
    "department change": (200, 200, 200, 200, 200),
    "topic list": (200, 200, 200, 200, 200),
    "topic change": (200, 200, 200, 200, 200),
    "user list": (403, 403, 403, 403, 200),
    "group list": (403, 403, 403, 403, 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_role_against_every_admin_address(world, role, name):
    method, url, data = _article_urls(world)[name]
    response = getattr(client_for(world, role), method)(url, data)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == EXPECTED[name][ROLES.index(role) - 1], response


def test_the_matrix_names_every_admin_address_of_the_articles():
    """A new admin address for articles must join the matrix above."""
    named = {p.name for p in admin.site._registry[Article].get_urls() if p.name}
    covered = {
        "articles_article_changelist",
        "articles_article_add",
        "articles_article_change",
        "articles_article_delete",
        "articles_article_history",
        "articles_article_compare",
        "articles_article_revision",
        "articles_article_recoverlist",
        "articles_article_recover",  # a deleted row's restore: editors only, tested below
        "articles_article_discard",
        "articles_article_preview_unsaved",
        "articles_article_body_preview",
        "articles_article_review",
        "articles_article_comment",
        "articles_article_tag_suggestions",
        "articles_article_similar_titles",
    }
    assert named == covered


def test_a_doctors_list_and_autocomplete_hold_only_their_answers(world):
    doctor, editor = client_for(world, "doctor"), client_for(world, "editor")
    mine = doctor.get(reverse("admin:articles_article_changelist")).text
    assert "Own draft?" in mine and "Own live?" in mine and "Their draft?" not in mine
    every = editor.get(reverse("admin:articles_article_changelist")).text
    assert all(t in every for t in ["Own draft?", "Own live?", "Their draft?"])
    assert (
        "Own draft?"
        not in client_for(world, "reviewer").get(reverse("admin:articles_article_changelist")).text
    )
    query = {"app_label": "articles", "model_name": "relatedpick", "field_name": "related"}
    found = doctor.get(reverse("admin:autocomplete"), query).json()["results"]
    assert {r["text"] for r in found} == {"Own draft?", "Own live?"}


def test_a_doctor_adds_an_answer_that_is_always_theirs(world):
    client = client_for(world, "doctor")
    html = client.get(reverse("admin:articles_article_add")).text
    assert 'name="doctor"' not in html and 'name="reviewed_by"' not in html
    assert 'name="_publish"' not in html and 'name="_schedule"' not in html
    assert "Editors publish, schedule and unpublish answers" in html
    data = add_article_data(client, title="My new answer?", slug="my-new-answer")
    # Hostile: another doctor, a review and a publication date, as if typed in.
    data |= {"doctor": world["b"].pk, "reviewed_by": world["b"].pk, "reviewed_on": "2026-01-01"}
    data |= {"published_at_0": "2026-01-01", "published_at_1": "10:00"}
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response
    article = Article.objects.get(title="My new answer?")
    assert article.doctor == world["a"]
    assert (article.reviewed_by, article.reviewed_on, article.published_at) == (None, None, None)
    assert article.status == Article.Status.DRAFT


def test_a_doctor_cannot_hand_their_answer_to_another_doctor(world):
    client = client_for(world, "doctor")
    draft = world["draft"]
    data = change_article_data(client, draft, summary="Mine still.", doctor=world["b"].pk)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert (draft.summary, draft.doctor) == ("Mine still.", world["a"])


def test_a_doctor_posting_to_another_doctors_answer_changes_nothing(world):
    client = client_for(world, "doctor")
    theirs = world["theirs"]
    data = change_article_data(client_for(world, "editor"), theirs, title="Taken over?")
    url = reverse("admin:articles_article_change", args=[theirs.pk])
    assert client.post(url, data).status_code == 404
    delete = reverse("admin:articles_article_delete", args=[theirs.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Their draft?"


def test_a_doctor_never_publishes(world):
    client = client_for(world, "doctor")
    draft = world["draft"]
    url = reverse("admin:articles_article_change", args=[draft.pk])
    assert client.post(url, change_article_data(client, draft, _publish="1")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    changelist = reverse("admin:articles_article_changelist")
    html = client.get(changelist).text
    assert 'value="publish"' not in html and 'value="unpublish"' not in html
    posted = {"action": "publish", "_selected_action": [draft.pk]}
    client.post(changelist, posted)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def restore_form(client, article: Article, version) -> tuple[str, dict]:
    """History's restore page for ``version``, and what posting it unchanged would send."""
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    page = client.get(url)
    assert page.status_code == 200, page
    return url, form_values(page, "article_form")


@pytest.mark.parametrize("role", ["doctor", "reviewer"])
@pytest.mark.parametrize(
    "button", [{"_publish": "1"}, {"_schedule": "1", "when": "2030-01-01T10:00"}]
)
def test_no_doctor_publishes_or_schedules_their_draft_through_a_restore(world, role, button):
    """History's restore saves through the same form as the change page: its publishing
    buttons are an editor's there too (403, nothing saved), a reviewer's own answer included."""
    own = world["draft"]
    if role == "reviewer":
        with reversion.create_revision():
            own = make_article("Reviewer's own?", doctor=world["users"]["reviewer"].doctor)
            own.status = Article.Status.DRAFT
            own.save()
    client = client_for(world, role)
    version = reversion.models.Version.objects.get_for_object(own).last()
    url, data = restore_form(client, own, version)
    data |= {**button, "publish_reason": "I say so.", "body": "Restored and published."}
    assert client.post(url, data).status_code == 403
    own.refresh_from_db()
    assert own.status == Article.Status.DRAFT and own.body != "Restored and published."


def test_a_restore_asks_of_the_answer_as_it_is_now_not_the_version(world):
    """An old version is of a draft being written by doctor A: once A submits it, it is frozen
    for A on History's page too (403), and once it is Dr B's, A's restore is a 404, as its
    form is. Nothing changes either way; editors may still restore it."""
    draft, old = world["draft"], world["versions"][-1]
    client, reviewer = client_for(world, "doctor"), client_for(world, "reviewer")
    url, data = restore_form(client, draft, old)
    review = reverse("admin:articles_article_review", args=[draft.pk])
    assert client.post(review, {"_review": "submit"}).status_code == 302
    assert client.get(url).status_code == 200  # read-only, like the form
    assert client.post(url, data | {"body": "Swapped under the reviewer."}).status_code == 403
    assert reviewer.post(url, data | {"body": "Hijacked."}).status_code == 403
    draft.refresh_from_db()
    assert draft.body != "Swapped under the reviewer." and draft.body != "Hijacked."
    assert draft.review_state == Article.Review.IN_REVIEW

    editor = client_for(world, "editor")
    change = reverse("admin:articles_article_change", args=[draft.pk])
    given = change_article_data(editor, draft, doctor=world["b"].pk, body="Dr B's text.")
    assert editor.post(change, given).status_code == 302
    assert client.get(url).status_code == 404
    assert client.post(url, data | {"body": "Mine again."}).status_code == 404
    draft.refresh_from_db()
    assert (draft.doctor, draft.body) == (world["b"], "Dr B's text.")
    _, data = restore_form(editor, draft, old)
    assert editor.post(url, data).status_code == 302


def test_a_doctor_edits_their_live_answer_through_a_working_copy(world):
    client = client_for(world, "doctor")
    live = world["live"]
    url = reverse("admin:articles_article_change", args=[live.pk])
    data = change_article_data(client, live, summary="A better summary.")
    assert client.post(url, data).status_code == 302
    live.refresh_from_db()
    copy = Article.all_rows.get(working_copy_of=live)
    assert live.summary != "A better summary." and copy.summary == "A better summary."
    assert copy.doctor == world["a"]
    # Another doctor cannot reach the copy through any address.
    other = client_for(world, "other doctor")
    assert other.get(url).status_code == 404
    preview = reverse("admin:articles_article_preview_unsaved")
    assert other.post(preview, {"_preview_of": copy.pk, "title": "x"}).status_code == 404


def test_a_doctor_deletes_only_their_own_drafts_even_in_bulk(world):
    client = client_for(world, "doctor")
    draft, live, theirs = world["draft"], world["live"], world["theirs"]
    assert client.get(reverse("admin:articles_article_delete", args=[live.pk])).status_code == 403
    changelist = reverse("admin:articles_article_changelist")
    mixed = {"action": "delete_selected", "_selected_action": [draft.pk, live.pk, theirs.pk]}
    response = client.post(changelist, mixed)
    assert response.status_code == 200 and "Cannot delete" in response.text  # the live one
    assert client.post(changelist, mixed | {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk__in=[draft.pk, live.pk, theirs.pk]).count() == 3
    drafts = {"action": "delete_selected", "_selected_action": [draft.pk, theirs.pk]}
    assert client.post(changelist, drafts | {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=draft.pk).exists()
    assert Article.objects.filter(pk=theirs.pk).exists()  # not in their list, so not selected


def test_a_doctor_cannot_delete_their_draft_while_it_is_in_review(world):
    """Frozen for its author while a reviewer reads it: no Delete link, and the delete view
    and the bulk action refuse (403), nothing deleted. Editors may still delete it."""
    client, draft = client_for(world, "doctor"), world["draft"]
    change = reverse("admin:articles_article_change", args=[draft.pk])
    delete = reverse("admin:articles_article_delete", args=[draft.pk])
    assert 'class="deletelink">Delete</a>' in client.get(change).text
    client.post(reverse("admin:articles_article_review", args=[draft.pk]), {"_review": "submit"})
    page = client.get(change).text
    assert "the text is frozen for you" in page and 'class="deletelink"' not in page
    assert 'name="_continue"' not in page and 'name="_unsaved_preview"' not in page
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"}
    assert client.post(reverse("admin:articles_article_changelist"), bulk).status_code == 403
    assert Article.objects.filter(pk=draft.pk).exists()
    assert 'class="deletelink">Delete</a>' in client_for(world, "editor").get(change).text


def test_deleted_answers_are_restored_by_editors_only(world):
    theirs = world["theirs"]
    with reversion.create_revision():
        theirs.save()
    version = reversion.models.Version.objects.get_for_object(theirs).first()
    theirs.delete()
    url = reverse("admin:articles_article_recover", args=[version.pk])
    assert client_for(world, "doctor").get(url).status_code == 403
    assert client_for(world, "editor").get(url).status_code == 200


def test_doctors_see_departments_doctors_and_tags_read_only_and_no_accounts(world):
    client = client_for(world, "doctor")
    html = client.get(reverse("admin:articles_doctor_change", args=[world["a"].pk])).text
    assert 'name="name"' not in html and 'name="_save"' not in html
    index = client.get(reverse("admin:index")).text
    assert "Users" not in index and "Groups" not in index
    post = client.post(
        reverse("admin:articles_topic_change", args=[world["topic"].pk]), {"name": "x"}
    )
    assert post.status_code == 403
    world["topic"].refresh_from_db()
    assert world["topic"].name == "cirrhosis"


def test_the_duplicate_check_shows_a_doctor_only_what_they_may_know(world):
    make_article("Their live answer?", doctor=world["b"])
    rebuild_indexes()  # what committing does: the check finds titles in the search indexes
    url = reverse("admin:articles_article_similar_titles")
    query = {"title": "Their draft?"}
    mine = client_for(world, "doctor").get(url, query).json()["results"]
    assert [r["title"] for r in mine] == ["Own draft?"]
    editor = client_for(world, "editor").get(url, query).json()["results"]
    assert {r["title"] for r in editor} == {"Their draft?", "Own draft?"}
    [live] = client_for(world, "doctor").get(url, {"title": "Their live answer?"}).json()["results"]
    assert live["edit_url"] == live["public_url"]  # not their form, which is a 404 for them


def test_only_account_managers_link_a_doctor_to_an_account(world, django_user_model):
    """An editor linking an account to a doctor would hand it that doctor's answers."""
    doctor = world["b"]
    spare = django_user_model.objects.create_user("spare")
    url = reverse("admin:articles_doctor_change", args=[doctor.pk])
    editor = client_for(world, "editor")
    assert 'name="user"' not in editor.get(url).text
    data = form_values(editor.get(url), "doctor_form") | {"user": spare.pk}
    assert editor.post(url, data).status_code == 302
    doctor.refresh_from_db()
    assert doctor.user == world["users"]["other doctor"]  # unchanged
    root = client_for(world, "superuser")
    assert 'name="user"' in root.get(url).text
    data = form_values(root.get(url), "doctor_form") | {"user": spare.pk}
    assert root.post(url, data).status_code == 302
    doctor.refresh_from_db()
    assert doctor.user == spare


def test_an_unlinked_doctor_account_sees_nothing(world):
    world["a"].user = None
    world["a"].save(update_fields=["user"])
    client = client_for(world, "doctor")
    assert "Own draft?" not in client.get(reverse("admin:articles_article_changelist")).text
    assert client.get(reverse("admin:articles_article_add")).status_code == 403
    url = reverse("admin:articles_article_change", args=[world["draft"].pk])
    assert client.get(url).status_code == 404


def test_public_previews_follow_the_same_rules(world):
    draft, theirs = world["draft"], world["theirs"]
    doctor = client_for(world, "doctor")
    assert doctor.get(draft.get_absolute_url()).status_code == 200
    assert doctor.get(theirs.get_absolute_url()).status_code == 404
    assert client_for(world, "editor").get(theirs.get_absolute_url()).status_code == 200
    live = make_article("Their live one?", doctor=world["b"])
    page = doctor.get(live.get_absolute_url())
    assert page.status_code == 200
    assert reverse("admin:articles_article_change", args=[live.pk]) not in page.text


def test_a_draft_audio_file_is_for_its_doctor_and_editors(world, tmp_path, settings):
    from django.core.files.base import ContentFile

    theirs = world["theirs"]
    theirs.audio.save("theirs.mp3", ContentFile(b"ID3" + b"\0" * 64), save=True)
    url = theirs.audio.url
    assert client_for(world, "doctor").get(url).status_code == 404
    assert client_for(world, "other doctor").get(url).status_code == 200
    assert client_for(world, "editor").get(url).status_code == 200
    assert Client().get(url).status_code == 404


# createdoctor


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command("createdoctor", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_createdoctor_links_a_new_account_to_the_doctor(monkeypatch, django_user_model):
    doctor = make_doctor("Dr Wu", slug="dr-wu")
    answers = iter(["a-long-Liver-passphrase"] * 2)
    monkeypatch.setattr(createeditor.getpass, "getpass", lambda prompt: next(answers))
    monkeypatch.setattr(createeditor.sys.stdin, "isatty", lambda: True)
    output = run("wu", doctor="dr-wu", email="wu@example.com")
    user = django_user_model.objects.get(username="wu")
    assert "Created 'wu' the account of Dr Wu" in output
    assert user.is_staff and not user.is_superuser and user.email == "wu@example.com"
    assert user.check_password("a-long-Liver-passphrase")
    assert list(user.groups.values_list("name", flat=True)) == ["Doctors"]
    doctor.refresh_from_db()
    assert doctor.user == user


def test_createdoctor_makes_a_reviewer_and_moves_an_existing_account(django_user_model):
    make_doctor("Dr Wu", slug="dr-wu")
    run("wu", doctor="dr-wu", no_password=True)
    assert "Medical reviewers group" in run("wu", doctor="dr-wu", reviewer=True)
    user = django_user_model.objects.get(username="wu")
    assert list(user.groups.values_list("name", flat=True)) == ["Medical reviewers"]
    assert user.has_perm("articles.review_article")
    assert not user.has_usable_password()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("wu", "--doctor", "nobody"), "No doctor has the slug 'nobody'"),
        (("root", "--doctor", "dr-wu"), "superuser"),
        (("new", "--doctor", "dr-linked"), "linked to the account 'taken'"),
        (("taken", "--doctor", "dr-wu"), "another doctor's account"),
        (("new", "--doctor", "dr-wu"), "--no-password"),  # no terminal to ask
    ],
)
def test_createdoctor_refuses_and_changes_nothing(django_user_model, args, message):
    make_doctor("Dr Wu", slug="dr-wu")
    taken = django_user_model.objects.create_user("taken")
    make_doctor("Dr Linked", slug="dr-linked", user=taken)
    django_user_model.objects.create_superuser("root", password="x")
    with pytest.raises(CommandError, match=message):
        call_command("createdoctor", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not django_user_model.objects.filter(username="new").exists()
    assert Doctor.objects.get(slug="dr-wu").user is None
    assert not django_user_model.objects.filter(groups__name="Doctors").exists()


def test_createdoctor_needs_its_groups():
    make_doctor("Dr Wu", slug="dr-wu")
    Group.objects.filter(name="Doctors").delete()
    with pytest.raises(CommandError, match="migrate"):
        run("wu", doctor="dr-wu", no_password=True)


def test_a_scheduled_answer_is_no_draft_to_delete(world):
    scheduled = make_article(
        "Soon?", doctor=world["a"], published_at=timezone.now() + timedelta(days=1)
    )
    url = reverse("admin:articles_article_delete", args=[scheduled.pk])
    assert client_for(world, "doctor").get(url).status_code == 403


def test_a_doctors_dashboard_counts_and_lists_only_their_answers(world):
    editor = client_for(world, "editor")
    for article in (world["draft"], world["theirs"]):
        url = reverse("admin:articles_article_change", args=[article.pk])
        assert editor.post(url, change_article_data(editor, article)).status_code == 302
    index = client_for(world, "doctor").get(reverse("admin:index"))
    assert index.context["editorial"]["drafts"] == 1 and index.context["editorial"]["live"] == 1
    assert "Own draft?" in index.text and "Their draft?" not in index.text
    assert "Their draft?" in editor.get(reverse("admin:index")).text
    changelist = reverse("admin:articles_article_changelist")
    assert "recoverlink" not in client_for(world, "doctor").get(changelist).text
    assert "recoverlink" in editor.get(changelist).text


def test_a_doctor_previews_their_answers_unsaved_as_their_own(world):
    client = client_for(world, "doctor")
    preview = reverse("admin:articles_article_preview_unsaved")
    draft = world["draft"]
    data = change_article_data(client, draft, title="A retitled draft?")
    response = client.post(preview, data | {"_preview_of": draft.pk})
    assert response.status_code == 200 and "A retitled draft?" in response.text
    new = add_article_data(client, title="Never saved?", doctor=world["b"].pk)
    response = client.post(preview, new)
    assert response.status_code == 200 and "Dr A" in response.text and "Dr B" not in response.text
    assert not Article.all_rows.filter(title__in=["A retitled draft?", "Never saved?"]).exists()


def test_the_exported_fixture_carries_no_account(world, tmp_path):
    call_command("export_fixtures", str(tmp_path), stdout=io.StringIO())
    exported = (tmp_path / "content.json").read_text()
    assert '"name": "Dr A"' in exported and '"user"' not in exported
