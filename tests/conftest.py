from datetime import timedelta
from html.parser import HTMLParser
from itertools import count

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import indexing
from articles.models import Article, Department, Doctor

_numbers = count(1)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    """Tests render templates without running collectstatic first, upload to a temp dir and
    hash passwords cheaply."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests only: the default PBKDF2 (a million iterations) costs ~0.25 s per password set,
    # which staff_client pays in every test that uses it. No test is about hash strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Test data is never committed, so the page cache would never hear of a change: it is off
    # here and on in tests/test_page_cache.py, which commit.
    settings.LIVERQA_PAGE_CACHE_SECONDS = 0
    yield
    # What a test's (rolled back) transactions noted for indexing must not reach the next test.
    indexing.forget_pending()


def make_department(name: str | None = None, **fields) -> Department:
    return Department.objects.create(name=name or f"Department {next(_numbers)}", **fields)


def make_doctor(name: str | None = None, department: Department | None = None, **fields) -> Doctor:
    return Doctor.objects.create(
        name=name or f"Doctor {next(_numbers)}",
        department=department or make_department(),
        **fields,
    )


def make_article(
    title: str | None = None,
    doctor: Doctor | None = None,
    tags: tuple[str, ...] = (),
    **fields,
) -> Article:
    fields.setdefault("status", Article.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(days=1))
    fields.setdefault("body", "A doctor's answer.\n\nA second paragraph.")
    article = Article.objects.create(
        title=title or f"Question {next(_numbers)}?", doctor=doctor or make_doctor(), **fields
    )
    if tags:
        article.tags.add(*tags)
    return article


def rebuild_indexes() -> None:
    """What committing does, for data made inside a test's transaction (never committed)."""
    indexing.rebuild_all()


@pytest.fixture
def site_content(db) -> None:
    """The shipped fixtures, indexed: the six articles of the source page."""
    call_command("loaddata", "content", verbosity=0)
    rebuild_indexes()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def reader() -> Client:
    """An anonymous visitor, separate from ``client`` (which the staff fixtures log in)."""
    return Client()


@pytest.fixture
def editor(django_user_model):
    """A member of the Editors group that the migrations create: staff, not a superuser."""
    user = django_user_model.objects.create_user("nurse", "nurse@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def add_article_data(client, **fields) -> dict:
    """The add form as a browser would post it, with ``fields`` filled in."""
    data = form_values(client.get(reverse("admin:articles_article_add")), "article_form")
    data |= {"body": "A doctor's answer.", **fields}
    return with_publish_reason(data, fields)


def change_article_data(client, article: Article, **fields) -> dict:
    url = reverse("admin:articles_article_change", args=[article.pk])
    return with_publish_reason(form_values(client.get(url), "article_form") | fields, fields)


def with_publish_reason(data: dict, fields: dict) -> dict:
    """Publishing a text no medical reviewer approved needs the editor's reason; tests about
    publishing itself give one unless they pass their own ``publish_reason``."""
    if {"_publish", "_schedule"} & data.keys() and "publish_reason" not in fields:
        data["publish_reason"] = "Checked by the editor (a test about publishing)."
    return data


class _FormReader(HTMLParser):
    """The values a browser would submit from one form of a page."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.values: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self._add(a["name"], a.get("value", "on" if kind in {"checkbox", "radio"} else ""))
        elif tag == "select":
            self.select = a["name"]
            self.values.setdefault(a["name"], [])
        elif tag == "option" and self.select and "selected" in a:
            self._add(self.select, a.get("value", ""))
        elif tag == "textarea":
            self.textarea = a["name"]
            self._add(a["name"], "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            # Browsers drop the newline that follows <textarea>.
            value = self.values[self.textarea][-1] + data
            self.values[self.textarea][-1] = value.removeprefix("\n")


def form_values(response, form_id: str) -> dict[str, list[str] | str]:
    """What submitting the form ``form_id`` unchanged would post, like a browser."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    return {k: v[0] if len(v) == 1 else v for k, v in reader.values.items() if v}
