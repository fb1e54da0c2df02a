"""The editors' pages timed in process (issue 14): what an editor opens on a large site, as a
superuser, through Django's test client with debug off.

The article list's filters and sortable columns are read from the list itself, so a filter or
column added later is timed without changing this file. Nothing is written but the benchmark's
superuser (made once) and its sessions, so it can measure a copy of a real database.
"""

from __future__ import annotations

import math
import random
import time

from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Department, Doctor, Topic
from benchmarks.run import percentile

USERNAME = "benchmark-superuser"
DEEP_PAGE = 5_000
SAMPLED = 20  # change forms and histories: this many different answers


def _client() -> Client:
    user, created = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    client = Client()
    client.force_login(user)
    return client


def _list_pages(client: Client) -> list[tuple[str, list[str]]]:
    """The article list plain, filtered by each filter, sorted by each sortable column,
    searched, and at page 1 and a deep page."""
    changelist = reverse("admin:articles_article_changelist")
    cl = client.get(changelist).context["cl"]
    pages = [("article list", [changelist])]
    for spec in cl.filter_specs:
        choices = [c for c in spec.choices(cl) if not c["selected"] and c["display"] != "-"]
        if len(choices) > 6:  # a row per doctor or tag: the first stands for the others
            choices = [{**choices[0], "display": "its first choice"}]
        for choice in choices:
            label = f"article list, {spec.title}: {choice['display']}"
            pages.append((label, [changelist + choice["query_string"]]))
    if cl.date_hierarchy and (latest := Article.objects.published().first()):
        year = latest.published_at.year
        url = f"{changelist}?{cl.date_hierarchy}__year={year}"
        pages.append(("article list, one year of the date hierarchy", [url]))
    for header in result_headers(cl):
        if header["sortable"]:
            url = changelist + header["url_primary"]
            pages.append((f"article list sorted by {header['text']}", [url]))
    pages.append(("article list searched (?q=liver)", [f"{changelist}?q=liver"]))
    last = max(1, math.ceil(Article.objects.count() / cl.list_per_page))
    label = f"article list, page {DEEP_PAGE:,} (or the last)"
    pages.append((label, [f"{changelist}?p={min(DEEP_PAGE, last)}"]))
    return pages


def pages(client: Client) -> list[tuple[str, list[str]]]:
    """(label, URLs) for every page: one URL asked again and again, or a sample of answers."""
    rng = random.Random(1)  # noqa: S311 (which answers to open, the same every run)
    ids = list(Article.objects.values_list("pk", flat=True).order_by("pk"))
    sample = rng.sample(ids, min(SAMPLED, len(ids)))
    title = Article.objects.published().values_list("title", flat=True).first() or "liver"
    autocomplete = reverse("admin:autocomplete")
    return [
        ("dashboard (/admin/)", [reverse("admin:index")]),
        *_list_pages(client),
        (
            "article change form",
            [reverse("admin:articles_article_change", args=[pk]) for pk in sample],
        ),
        (
            "article history",
            [reverse("admin:articles_article_history", args=[pk]) for pk in sample],
        ),
        ("doctor list", [reverse("admin:articles_doctor_changelist")]),
        ("department list", [reverse("admin:articles_department_changelist")]),
        ("tag list", [reverse("admin:articles_topic_changelist")]),
        (
            "autocomplete: an answer's doctor",
            [f"{autocomplete}?app_label=articles&model_name=article&field_name=doctor&term=wang"],
        ),
        (
            "autocomplete: a related answer",
            [
                f"{autocomplete}?app_label=articles&model_name=relatedpick&field_name=related"
                "&term=liver"
            ],
        ),
        (
            "autocomplete: a doctor's department",
            [f"{autocomplete}?app_label=articles&model_name=doctor&field_name=department&term=hep"],
        ),
        ("tag suggestions", [reverse("admin:articles_article_tag_suggestions") + "?q=demo"]),
        (
            "similar titles, as a title is typed",
            [reverse("admin:articles_article_similar_titles") + f"?title={title}"],
        ),
    ]


class TooSlow(Exception):
    pass


def _limit(seconds: float) -> None:
    """Stop any query of the next request that runs past ``seconds``: some pages took hours at
    100,000 answers, and one such page must not keep the others from being measured."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
    else:
        deadline = time.perf_counter() + seconds
        connection.connection.set_progress_handler(lambda: time.perf_counter() > deadline, 10_000)


def _get(client: Client, url: str) -> None:
    try:
        response = client.get(url)
    except OperationalError as exc:  # SQLite's "interrupted", PostgreSQL's statement timeout
        raise TooSlow from exc
    finally:
        if connection.vendor == "sqlite":
            connection.connection.set_progress_handler(None, 0)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")


def measure(repeat: int, limit: float) -> dict:
    """{size, departments, doctors, tags, pages: [(label, p50 ms, p95 ms, queries)]}, None
    for the times of a page cut off at ``limit`` seconds."""
    client = _client()
    results = []
    for label, urls in pages(client):
        asked = urls * math.ceil(repeat / len(urls))
        try:
            for url in urls[:3]:  # warm: templates, prepared statements, the content types
                _limit(limit)
                _get(client, url)
            times, queries = [], 0
            for url in asked[: max(repeat, len(urls))]:
                _limit(limit)
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    _get(client, url)
                    times.append((time.perf_counter() - started) * 1000)
                queries = max(queries, len(captured))
        except TooSlow:
            results.append((label, None, None, None))
            continue
        results.append((label, percentile(times, 50), percentile(times, 95), queries))
    return {
        "size": Article.objects.count(),
        "doctors": Doctor.objects.count(),
        "departments": Department.objects.count(),
        "tags": Topic.objects.count(),
        "pages": results,
    }
