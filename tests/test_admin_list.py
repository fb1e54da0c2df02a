"""The article list in the admin on a crowded site: a fixed number of queries whatever the
page size, every main query served by an index, search through the search indexes (drafts
too, never to readers), and hostile searches answered with a page."""

import re
import warnings
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.paginator import UnorderedObjectListWarning
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from articles import search
from articles.editorial import listing, working_copies
from articles.models import Article, Department, Doctor
from articles.search.backends import backend

from .conftest import make_article, make_doctor, rebuild_indexes

pytestmark = pytest.mark.django_db

LIST = "admin:articles_article_changelist"
# Queries of any article list page, the savepoint pair django-reversion opens included.
BUDGET = 13


@pytest.fixture
def crowded(db) -> None:
    """A few hundred synthetic answers from 60 topics: drafts, scheduled and live ones."""
    call_command("seed_demo", articles=300, seed=2, stdout=StringIO(), stderr=StringIO())


def _variants() -> dict[str, str]:
    """Every way an editor reaches the list: each filter, each sortable column, search, pages."""
    article_admin = admin.site._registry[Article]
    department = Department.objects.order_by("pk").first()
    doctor = Doctor.objects.order_by("pk").first()
    tag = Tag.objects.order_by("pk").first()
    variants = {"plain": "", "page 3": "?p=3", "a year": "?published_at__year=2024"}
    for spec in article_admin.list_filter:
        if isinstance(spec, str):
            continue
        for value, _ in spec(None, {}, Article, article_admin).lookup_choices:
            variants[f"{spec.parameter_name}={value}"] = f"?{spec.parameter_name}={value}"
    variants |= {
        "department": f"?doctor__department__id__exact={department.pk}",
        "doctor": f"?doctor__id__exact={doctor.pk}",
        "tag": f"?tags__id__exact={tag.pk}",
    }
    for n, name in enumerate(article_admin.list_display, start=1):
        if name == "title" or getattr(getattr(article_admin, name), "admin_order_field", None):
            variants[f"sorted by {name}"] = f"?o={n}"
            variants[f"sorted by {name}, reversed"] = f"?o=-{n}"
    variants |= {"searched": "?q=liver", "searched, page 2": "?q=liver&p=2"}
    return variants


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as run:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(run.captured_queries)


def test_every_list_page_runs_the_same_few_queries_whatever_the_page_size(
    staff_client, crowded, monkeypatch, django_assert_max_num_queries
):
    url = reverse(LIST)
    article_admin = admin.site._registry[Article]
    # Plus a read for each year with answers, for the date links (never one per row).
    budget = BUDGET + len(Article.objects.dates("published_at", "year"))
    for name, query in _variants().items():
        monkeypatch.setattr(article_admin, "list_per_page", 10)
        few = _queries(staff_client, url + query)
        monkeypatch.setattr(article_admin, "list_per_page", 100)
        with django_assert_max_num_queries(budget):
            many = _queries(staff_client, url + query)
        assert many <= few, name  # one page (no ids query) or the same queries


def test_the_form_and_autocompletes_run_a_fixed_number_of_queries(
    staff_client, crowded, django_assert_max_num_queries
):
    article = Article.objects.published().order_by("pk").first()
    # 31: the review panel reads the references too, as part of the text an approval signs.
    with django_assert_max_num_queries(31):
        assert staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    for model, field in [
        ("relatedpick", "related"),
        ("relatedexclusion", "excluded"),
        ("article", "doctor"),
        ("article", "reviewed_by"),
        ("doctor", "department"),
    ]:
        for term in ["", "liver"]:
            query = {"app_label": "articles", "model_name": model, "field_name": field}
            with django_assert_max_num_queries(8):  # a search reads slugs and indexes first
                response = staff_client.get(reverse("admin:autocomplete"), query | {"term": term})
            assert response.status_code == 200


def test_the_article_autocomplete_pages_an_ordered_list(staff_client, crowded):
    query = {"app_label": "articles", "model_name": "relatedpick", "field_name": "related"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        found = staff_client.get(reverse("admin:autocomplete"), query).json()
    assert len(found["results"]) == 20 and found["pagination"]["more"]


def _article_reads(run: CaptureQueriesContext) -> list[str]:
    """The queries that read the article table (not the estimates' own EXPLAINs)."""
    table = Article._meta.db_table
    return [
        q["sql"]
        for q in run.captured_queries
        if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
    ]


def _full_scans(sql: str) -> list[str]:
    """The plan lines of ``sql`` that read the whole article table."""
    table = Article._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test table is small enough that the planner would scan it anyway: ask
            # whether an index can serve the query at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
            lines = [row[0] for row in cursor.fetchall()]
            return [line for line in lines if f"Seq Scan on {table}" in line]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        lines = [row[-1] for row in cursor.fetchall()]
        return [line for line in lines if re.fullmatch(rf"SCAN {table}( AS \w+)?", line)]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?p=3",
        "?o=1",
        "?o=-1",
        "?o=2",
        "?o=-2",
        "?o=4",
        "?o=-4",
        "?publication=draft",
        "?publication=scheduled",
        "?publication=live",
        "?review=overdue",
        "?review=due_soon",
        "?medical_review=in_review",
        "?medical_review=changes_requested",
    ],
)
def test_the_lists_main_queries_never_scan_the_article_table(staff_client, crowded, query):
    with CaptureQueriesContext(connection) as run:
        assert staff_client.get(reverse(LIST) + query).status_code == 200
    reads = _article_reads(run)
    assert reads
    for sql in reads:
        assert not _full_scans(sql), sql


def test_the_doctor_filter_reads_the_doctors_rows_only(staff_client, crowded):
    doctor = Doctor.objects.order_by("pk").first()
    with CaptureQueriesContext(connection) as run:
        staff_client.get(reverse(LIST), {"doctor__id__exact": doctor.pk})
    for sql in _article_reads(run):
        assert not _full_scans(sql), sql


def test_a_large_count_on_postgresql_is_the_planners_estimate_and_says_so(
    staff_client, crowded, monkeypatch
):
    monkeypatch.setattr(listing, "EXACT_UP_TO", 10)
    html = staff_client.get(reverse(LIST)).text
    estimated = connection.vendor == "postgresql"
    assert ('class="estimated-count"' in html) == estimated
    total = Article.objects.count()
    if not estimated:
        assert f"{total} articles" in html
    # Past an estimated end, the list answers as Django does for a page that is not there.
    response = staff_client.get(reverse(LIST), {"p": 5000})
    assert response.status_code in {200, 302}


def _titles(client, query: str, **params) -> set[str]:
    response = client.get(reverse(LIST), {"q": query, **params})
    assert response.status_code == 200
    return {a.title for a in response.context["cl"].result_list}


# Matches named by id, or (past LISTED, a word in most answers) tested row by row.
BOTH_WAYS = pytest.mark.parametrize("listed", [search.LISTED, 0], ids=["listed", "row by row"])


@BOTH_WAYS
def test_admin_search_finds_drafts_and_scheduled_answers_through_the_index(
    staff_client, monkeypatch, listed
):
    monkeypatch.setattr(search, "LISTED", listed)
    doctor = make_doctor("Doctor Quill")
    draft = make_article(
        "Draft about scarring?",
        doctor=doctor,
        status=Article.Status.DRAFT,
        published_at=None,
        body="Cirrhosis is the scarring of the liver.",
    )
    scheduled = make_article(
        "Scheduled about scarring?",
        doctor=doctor,
        published_at="2100-01-01T00:00Z",
        body="Scarring again.",
    )
    live = make_article("Live about kidneys?", doctor=doctor)
    rebuild_indexes()
    # "scarred" is in no text: only the index's stemming finds "scarring".
    assert _titles(staff_client, "scarred") == {draft.title, scheduled.title}
    assert _titles(staff_client, "scarred -cirrhosis") == {scheduled.title}
    assert _titles(staff_client, '"doctor quill"') == {draft.title, scheduled.title, live.title}
    assert _titles(staff_client, "scarred", publication="draft") == {draft.title}
    assert _titles(staff_client, str(live.pk)) == {live.title}
    assert _titles(staff_client, live.slug) == {live.title}


def test_edits_keep_the_drafts_index_in_step(staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_article(
            "A draft?", status=Article.Status.DRAFT, published_at=None, body="Fibrosis."
        )
    assert _titles(staff_client, "fibrosis") == {draft.title}
    with django_capture_on_commit_callbacks(execute=True):
        draft.body = "Steatosis."
        draft.save()
    assert _titles(staff_client, "fibrosis") == set()
    assert _titles(staff_client, "steatosis") == {draft.title}
    with django_capture_on_commit_callbacks(execute=True):
        draft.delete()
    assert _titles(staff_client, "steatosis") == set()


def test_readers_never_find_drafts_or_working_copies(staff_client, reader):
    make_article(
        "Unpublished question?", status=Article.Status.DRAFT, published_at=None, body="Ascites."
    )
    live = make_article("Published question?", body="Cholangitis.")
    copy = working_copies.start_working_copy(live)
    copy.body = "Cholangiocarcinoma."
    copy.save()
    rebuild_indexes()
    for word in ["ascites", "cholangiocarcinoma"]:
        page = reader.get(reverse("articles:search"), {"q": word}).text
        assert "Unpublished question?" not in page and "Published question?" not in page
    assert (
        "Published question?" in reader.get(reverse("articles:search"), {"q": "cholangitis"}).text
    )
    assert _titles(staff_client, "ascites") == {"Unpublished question?"}
    assert _titles(staff_client, "cholangitis") == {"Published question?"}  # never its copy
    assert _titles(staff_client, "cholangiocarcinoma") == set()


@BOTH_WAYS
def test_a_doctors_search_finds_only_what_they_may_open(
    client, django_user_model, monkeypatch, listed
):
    monkeypatch.setattr(search, "LISTED", listed)
    account = django_user_model.objects.create_user("dr", is_staff=True)
    account.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "change_article"])
    )
    mine = make_doctor("Doctor Mine", user=account)
    make_article(
        "Mine?", doctor=mine, status=Article.Status.DRAFT, published_at=None, body="Ascites."
    )
    make_article("Theirs?", status=Article.Status.DRAFT, published_at=None, body="Ascites.")
    rebuild_indexes()
    client.force_login(account)
    assert _titles(client, "ascites") == {"Mine?"}


HOSTILE = [
    '"',
    '"""',
    "'",
    'liver" OR 1=1 --',
    "NEAR(liver cancer)",
    "liver*",
    "title:liver",
    "^liver",
    "-",
    "- -- ---",
    "OR",
    "AND NOT",
    "(((",
    "\\",
    "liver\x00cancer",
    "\x00",
    "liver " * 2000,
    "x" * 10_000,
    "1" * 40,
    "9223372036854775808",
    "肝癌 OR 肝",
    "%",
    "_",
    "'; DROP TABLE articles_article; --",
]


@BOTH_WAYS
@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_searches_give_a_page(staff_client, crowded, monkeypatch, query, listed):
    monkeypatch.setattr(search, "LISTED", listed)
    response = staff_client.get(reverse(LIST), {"q": query})
    assert response.status_code == 200
    autocomplete = {"app_label": "articles", "model_name": "relatedpick", "field_name": "related"}
    response = staff_client.get(reverse("admin:autocomplete"), autocomplete | {"term": query})
    assert response.status_code == 200


def test_an_upgraded_site_indexes_its_drafts_at_start_up(staff_client):
    make_article("Old draft?", status=Article.Status.DRAFT, published_at=None, body="Varices.")
    rebuild_indexes()
    backend(drafts=True).clear()  # as migration 0013 leaves a database with drafts
    out = StringIO()
    call_command("rebuild_indexes", if_empty=True, stdout=out)
    assert "Indexed 1 drafts" in out.getvalue()
    assert _titles(staff_client, "varices") == {"Old draft?"}


def test_the_date_links_name_the_years_with_answers_and_the_months_between(staff_client):
    for moment in ["2021-03-02T10:00Z", "2024-05-02T10:00Z", "2024-07-02T10:00Z"]:
        make_article(published_at=moment)
    html = staff_client.get(reverse(LIST)).text
    years = set(re.findall(r"published_at__year=(\d+)", html))
    assert years == {"2021", "2024"}  # no link to 2022 or 2023
    html = staff_client.get(reverse(LIST), {"published_at__year": 2024}).text
    months = set(re.findall(r"published_at__month=(\d+)", html))
    assert months == {"5", "6", "7"}
    for bad in [
        {"published_at__year": 99999},
        {"published_at__year": 2024, "published_at__month": 13},
    ]:
        assert staff_client.get(reverse(LIST), bad).status_code in {200, 302}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan says when it sorts")
@pytest.mark.parametrize("query", ["", "?o=2", "?o=4.-2", "?o=-4.-2"])
def test_a_sorted_list_walks_an_index_in_its_order(staff_client, crowded, query):
    # The first click on a column keeps the list's own order as the tiebreak (?o=4.-2). Most
    # answers share one review date (none), so sorting the ids instead of walking an index in
    # that order read every answer: 160 ms a page at 100,000. (A title's tiebreak may sort:
    # few answers share a title.)
    with CaptureQueriesContext(connection) as run:
        assert staff_client.get(reverse(LIST) + query).status_code == 200
    page_ids = [sql for sql in _article_reads(run) if "ORDER BY" in sql and "LIMIT" in sql]
    assert page_ids
    with connection.cursor() as cursor:
        for sql in page_ids:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = [row[-1] for row in cursor.fetchall()]
            # Nor for the "RIGHT PART" of it: the tiebreak sorted within one huge group.
            assert not any("TEMP B-TREE" in line for line in plan), (sql, plan)
