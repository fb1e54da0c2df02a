from datetime import timedelta
from itertools import count

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import related, search
from articles.models import Article, Department, Doctor

_numbers = count(1)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
    """What rebuild_search_index and rebuild_related do, for data made without commits."""
    search.rebuild()
    related.rebuild()


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
