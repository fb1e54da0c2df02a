"""The Editors group: every content permission (readers' feedback: all but writing it) and
nothing else; createeditor makes one."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.management.commands import createeditor

from .conftest import make_article

pytestmark = pytest.mark.django_db

CONTENT = [
    "department",
    "doctor",
    "article",
    "taggedarticle",
    "relatedpick",
    "relatedexclusion",
    "reference",
    "topic",
]


def test_editors_group_has_exactly_the_content_permissions():
    group = Group.objects.get(name="Editors")
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    expected = (
        {
            ("articles", f"{action}_{model}")
            for model in CONTENT
            for action in ("add", "change", "delete", "view")
        }
        | {("articles", "view_articleslug"), ("articles", "view_relatedarticle")}
        | {("articles", f"{action}_feedback") for action in ("change", "delete", "view")}
        | {("articles", "publish_article")}  # 0010: everyone who could change one published
    )
    assert granted == expected
    assert not group.permissions.filter(content_type__app_label__in=["auth", "reversion"])


DOCTORS = {
    ("articles", codename)
    for codename in [
        "add_article",
        "change_article",
        "delete_article",  # their own drafts: the admin asks editorial.roles which rows
        "view_article",
        "add_reference",
        "change_reference",
        "delete_reference",
        "view_reference",
        "view_relatedarticle",
        "view_department",
        "view_doctor",
        "view_topic",
    ]
}


def _granted(name: str) -> set[tuple[str, str]]:
    group = Group.objects.get(name=name)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_doctors_group_writes_answers_but_never_publishes_or_sees_accounts():
    assert _granted("Doctors") == DOCTORS
    assert ("articles", "publish_article") not in _granted("Doctors")


def test_medical_reviewers_are_doctors_who_may_review():
    assert _granted("Medical reviewers") == DOCTORS | {("articles", "review_article")}


def test_editor_edits_content_but_cannot_manage_users_or_groups(editor_client, editor):
    article = make_article()
    for url in [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_history", args=[article.pk]),
        reverse("admin:articles_doctor_changelist"),
        reverse("admin:articles_department_changelist"),
        reverse("admin:articles_topic_changelist"),
        reverse("admin:articles_feedback_changelist"),
    ]:
        assert editor_client.get(url).status_code == 200, url
    assert editor_client.get(reverse("admin:articles_feedback_add")).status_code == 403
    for url in [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_user_change", args=[editor.pk]),
        reverse("admin:auth_group_changelist"),
    ]:
        assert editor_client.get(url).status_code == 403, url
    index = editor_client.get(reverse("admin:index")).text
    assert "Articles" in index and "Tags" in index
    assert "Users" not in index and "Groups" not in index
    assert not editor.has_perm("auth.change_user")
    assert not Permission.objects.filter(user=editor).exists()


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command("createeditor", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_createeditor_asks_for_a_password_and_makes_a_staff_editor(monkeypatch, django_user_model):
    answers = iter(["123", "123", "a-long-Liver-passphrase", "a-long-Liver-passphrase"])
    monkeypatch.setattr(createeditor.getpass, "getpass", lambda prompt: next(answers))
    monkeypatch.setattr(createeditor.sys.stdin, "isatty", lambda: True)
    output = run("ward", email="ward@example.com")
    user = django_user_model.objects.get(username="ward")
    assert "Created editor 'ward'" in output
    assert user.is_staff and not user.is_superuser
    assert user.check_password("a-long-Liver-passphrase")  # the short one was refused
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]


def test_createeditor_without_a_terminal_needs_no_password_flag(django_user_model):
    with pytest.raises(CommandError, match="--no-password"):
        run("ward")
    assert not django_user_model.objects.exists()
    output = run("ward", no_password=True)
    assert "changepassword ward" in output
    assert not django_user_model.objects.get().has_usable_password()


def test_createeditor_promotes_an_existing_user_and_spares_superusers(django_user_model):
    django_user_model.objects.create_user("clerk", password="x")
    assert "Made editor 'clerk'" in run("clerk")
    assert django_user_model.objects.get(username="clerk").groups.filter(name="Editors")
    django_user_model.objects.create_superuser("root", password="x")
    with pytest.raises(CommandError, match="superuser"):
        run("root")


def test_createeditor_needs_the_group():
    Group.objects.filter(name="Editors").delete()
    with pytest.raises(CommandError, match="migrate"):
        run("ward", no_password=True)


def test_no_account_ships_with_the_project(django_user_model):
    assert not django_user_model.objects.exists()
