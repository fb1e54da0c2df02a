"""The editors' pages on a crowded site (issue 14): the dashboard, the doctor, department and
tag lists and an answer's history cost the same number of queries with 30 answers as with 300,
and that number is pinned. ``benchmarks/admin_pages.py`` times the same pages at 100,000."""

from datetime import timedelta
from io import StringIO
from urllib.parse import urlencode

import pytest
import reversion
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.editorial.working_copies import start_working_copy
from articles.models import Article, Doctor

from .conftest import rebuild_indexes

pytestmark = pytest.mark.django_db

SPARSE, CROWDED = 30, 300
REVIEW_STATES = ["in_review", "changes_requested", "approved"]


@pytest.fixture
def people(django_user_model, editor):
    """The editor, a colleague who edits after them, and a doctor who reviews others' work."""
    colleague = django_user_model.objects.create_user("ward", is_staff=True)
    colleague.groups.add(Group.objects.get(name="Editors"))
    doctor = django_user_model.objects.create_user("dr-lin", is_staff=True)
    doctor.groups.add(Group.objects.get(name="Medical reviewers"))
    return editor, colleague, doctor


def crowd(answers: int, people) -> Article:
    """``answers`` synthetic answers with what editors leave on them: reviews falling due,
    review states, working copies, admin log entries by two editors, and one answer with a long
    history. Returns that answer."""
    editor, colleague, doctor_user = people
    call_command("seed_demo", articles=answers, no_index=True, force=True, stdout=StringIO())
    Doctor.objects.filter(user=doctor_user).update(user=None)
    Doctor.objects.filter(pk=Doctor.objects.order_by("pk").first().pk).update(user=doctor_user)
    today = timezone.localdate()
    articles = list(Article.objects.order_by("pk"))
    for i, article in enumerate(articles):
        if i % 3 == 0:  # reviewed, and due from a year ago to a year ahead
            article.reviewed_by_id, article.reviewed_on = article.doctor_id, today - timedelta(400)
            article.next_review_due = today + timedelta(days=i % 730 - 365)
        article.review_state = REVIEW_STATES[i % 3] if i % 4 == 0 else "writing"
    Article.objects.bulk_update(
        articles, ["reviewed_by", "reviewed_on", "next_review_due", "review_state"]
    )
    live = list(Article.objects.published().order_by("pk"))
    for article in live[:: max(1, len(live) // 5)]:
        copy = start_working_copy(article)
        Article.all_rows.filter(pk=copy.pk).update(review_state="in_review")
    kind = ContentType.objects.get_for_model(Article)
    now = timezone.now()
    LogEntry.objects.bulk_create(
        LogEntry(
            user=user,
            content_type=kind,
            object_id=str(article.pk),
            object_repr=article.title[:200],
            action_flag=flag,
            action_time=now - timedelta(minutes=len(articles) * 2 - i * 2 - later),
            change_message="",
        )
        for i, article in enumerate(Article.all_rows.order_by("pk"))
        for user, flag, later in [(editor, ADDITION, 0), (colleague, CHANGE, 1)][: 1 + i % 2]
    )
    storied = articles[0]
    for n in range(answers // 10):
        with reversion.create_revision():
            reversion.set_user(editor if n % 2 else colleague)
            storied.title = f"Asked again, version {n}?"
            storied.save()
    return storied


def queries(client: Client, url: str) -> int:
    client.get(url)  # the content types, cached once per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Each count includes the session and the user (a superuser's permissions need no query).
@pytest.mark.parametrize(
    ("who", "budget"),
    [
        # The editor's permissions, the status counts, the dashboard's eleven queries, the
        # editor's doctor (none) and what waits for them.
        ("editor", 17),
        # A doctor's: the same, with answers to review and their own sent back, but none of
        # the answers they last edited to fetch (an empty list is no query).
        ("doctor", 15),
    ],
)
def test_the_dashboard_costs_the_same_on_a_crowded_site(people, who, budget):
    client = logged_in(people[0] if who == "editor" else people[2])
    crowd(SPARSE, people)
    sparse = queries(client, reverse("admin:index"))
    crowd(CROWDED, people)
    # The sparse site may have no answer of a list to fetch, which saves that list's query.
    assert sparse <= queries(client, reverse("admin:index")) == budget
    dashboard = client.get(reverse("admin:index")).context["dashboard"]
    if who == "editor":
        assert dashboard.my_drafts and dashboard.my_scheduled
        assert len(dashboard.recently_edited) == len(dashboard.reviews_due) == 8
    else:
        assert dashboard.waiting["to_review"] > 0


@pytest.mark.parametrize(
    ("changelist", "budget"),
    # The rows with their counts, the paginator's two counts (all rows, and those filtered);
    # the doctor list's department filter.
    [("doctor", 6), ("department", 5), ("topic", 5)],
)
def test_the_doctor_department_and_tag_lists_cost_the_same_on_a_crowded_site(
    people, staff_client, changelist, budget
):
    url = reverse(f"admin:articles_{changelist}_changelist")
    crowd(SPARSE, people)
    sparse = queries(staff_client, url)
    crowd(CROWDED, people)
    assert (sparse, queries(staff_client, url)) == (budget, budget)


def test_an_answers_history_costs_the_same_however_long_it_is(people, staff_client):
    sparse = queries(
        staff_client,
        reverse("admin:articles_article_history", args=[crowd(SPARSE, people).pk]),
    )
    storied = crowd(CROWDED, people)
    url = reverse("admin:articles_article_history", args=[storied.pk])
    assert (sparse, queries(staff_client, url)) == (5, 5)
    assert len(staff_client.get(url).context["action_list"]) == CROWDED // 10


def _endpoints() -> dict[str, str]:
    """What the editors' forms ask as they are filled in: select boxes' autocompletes, the tag
    field's suggestions, answers whose question reads like the title being typed."""
    autocomplete = reverse("admin:autocomplete") + "?app_label=articles&model_name="
    title = Article.objects.published().order_by("pk").values_list("title", flat=True).first()
    similar = reverse("admin:articles_article_similar_titles")
    suggestions = reverse("admin:articles_article_tag_suggestions")
    return {
        "an answer's doctor": f"{autocomplete}article&field_name=doctor",
        "an answer's doctor, searched": f"{autocomplete}article&field_name=doctor&term=a",
        "a doctor's department": f"{autocomplete}doctor&field_name=department",
        "a doctor's department, searched": f"{autocomplete}doctor&field_name=department&term=e",
        "tag suggestions": suggestions,
        "tag suggestions, searched": f"{suggestions}?q=e",
        "similar titles": f"{similar}?{urlencode({'title': title})}",
    }


# Each count includes the session and the user.
ENDPOINT_BUDGETS = {
    "an answer's doctor": 4,
    "an answer's doctor, searched": 4,
    "a doctor's department": 4,
    "a doctor's department, searched": 4,
    "tag suggestions": 3,
    "tag suggestions, searched": 3,
    # The candidates' ids, their titles, a sample of titles for IDF, the closest answers.
    "similar titles": 6,
}


def test_the_forms_endpoints_cost_the_same_on_a_crowded_site(people, staff_client, settings):
    settings.LIVERQA_PREVIEW_RATE = "1000/m"
    crowd(SPARSE, people)
    rebuild_indexes()
    sparse = {name: queries(staff_client, url) for name, url in _endpoints().items()}
    crowd(CROWDED, people)
    rebuild_indexes()
    crowded = {name: queries(staff_client, url) for name, url in _endpoints().items()}
    assert sparse == crowded == ENDPOINT_BUDGETS
    same = staff_client.get(_endpoints()["similar titles"]).json()["results"]
    assert same[0]["same_title"]


def test_autocompletes_skip_the_lists_counts(people, staff_client):
    """The doctor and department lists count answers per row; a select box shows names."""
    crowd(SPARSE, people)
    for name, url in _endpoints().items():
        if "doctor" in name:
            with CaptureQueriesContext(connection) as run:
                results = staff_client.get(url).json()["results"]
            assert results, name
            answers = Article._meta.db_table
            assert not [q for q in run.captured_queries if answers in q["sql"]], name
