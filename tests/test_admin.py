"""The editors' admin: every screen renders, lists stay cheap, and edits reach readers."""

import html as htmllib
import json
import re

import pytest
from django.urls import reverse

from articles.models import Article, Department, Doctor, RelatedArticle, RelatedPick

from .conftest import form_values, make_article, make_department, make_doctor

pytestmark = pytest.mark.django_db


def test_admin_index_lists_the_content_under_clear_names(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 200
    # From the app list: "Content" is on every admin page anyway (the index title, a comment).
    content = next(app for app in response.context["app_list"] if app["app_label"] == "articles")
    assert content["name"] == "Content"
    assert {"Articles", "Doctors", "Departments", "Tags"} <= {m["name"] for m in content["models"]}


@pytest.mark.parametrize("model", ["article", "doctor", "department"])
def test_changelists_and_forms_render(staff_client, site_content, model):
    obj = {"article": Article, "doctor": Doctor, "department": Department}[model].objects.first()
    for url in [
        reverse(f"admin:articles_{model}_changelist"),
        reverse(f"admin:articles_{model}_add"),
        reverse(f"admin:articles_{model}_change", args=[obj.pk]),
    ]:
        response = staff_client.get(url)
        assert response.status_code == 200, url


def test_article_changelist_shows_doctor_department_status_and_filters(staff_client, site_content):
    response = staff_client.get(reverse("admin:articles_article_changelist"))
    assert "Hepatobiliary Surgery" in response.text
    assert "Liu Wu Cai" in response.text
    for column in ["title", "state_label", "doctor_and_department", "review", "reader_feedback"]:
        assert f"column-{column}" in response.text
    assert "Live since Dec. 21, 2024" in response.text
    for filter_title in [
        "By publication",
        "By clinical review",
        "By department",
        "By doctor",
        "By tags",
    ]:
        assert filter_title in response.text
    assert 'name="q"' in response.text
    search = staff_client.get(reverse("admin:articles_article_changelist"), {"q": "cystic"})
    assert search.context["cl"].result_count == 1


def test_article_form_has_slug_prepopulation_autocomplete_and_ordered_picks(staff_client):
    article = make_article()
    RelatedPick.objects.create(article=article, related=make_article("A pick?"), position=1)
    response = staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = response.text
    # Every change form has data-prepopulated-fields ("[]" when there is nothing to fill).
    prepopulated = json.loads(
        htmllib.unescape(re.search(r'data-prepopulated-fields="([^"]*)"', html)[1])
    )
    assert [(p["id"], p["dependency_ids"]) for p in prepopulated] == [("#id_slug", ["#id_title"])]
    assert 'class="admin-autocomplete' in html
    assert "Other Voices: the editor&#x27;s picks" in html
    assert "A pick?" in html
    assert 'class="viewsitelink">View on site</a>' in html


def test_editor_edits_an_article_in_admin_and_readers_see_it(staff_client, reader, site_content):
    article = Article.objects.get(slug="can-a-cystic-lesion-in-the-liver-be-liver-cancer")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_values(staff_client.get(url), "article_form")
    data |= {"title": "Can a liver cyst be cancer?", "tags": "liver cyst, imaging"}
    data["_publish"] = "Publish changes"  # saving alone keeps a live answer's changes a draft
    data["publish_reason"] = "Checked by the editor."
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    # An anonymous reader, not ``client``: that is staff_client, who can preview drafts.
    page = reader.get(article.get_absolute_url())
    assert page.status_code == 200
    assert "<h1>Can a liver cyst be cancer?</h1>" in page.text
    assert set(article.tags.names()) == {"liver cyst", "imaging"}


def test_editor_adds_ordered_related_picks(staff_client):
    article = make_article()
    first, second = make_article("First?"), make_article("Second?")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_values(staff_client.get(url), "article_form")
    data |= {
        "picks-TOTAL_FORMS": "2",
        "picks-0-position": "2",
        "picks-0-related": str(first.pk),
        "picks-1-position": "1",
        "picks-1-related": str(second.pk),
        "_publish": "Publish changes",
        "publish_reason": "Checked by the editor.",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert [p.related for p in article.picks.all()] == [second, first]


def test_editor_excludes_an_article_from_other_voices(staff_client):
    article = make_article()
    unwanted = make_article("Unwanted?")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_values(staff_client.get(url), "article_form")
    data |= {"exclusions-TOTAL_FORMS": "1", "exclusions-0-excluded": str(unwanted.pk)}
    data["_publish"] = "Publish changes"
    data["publish_reason"] = "Checked by the editor."
    assert staff_client.post(url, data).status_code == 302
    assert [e.excluded for e in article.exclusions.all()] == [unwanted]


def test_change_form_shows_why_each_article_is_related(staff_client, site_content):
    article = Article.objects.get(slug="what-to-do-if-vomiting-occurs-in-liver-cancer")
    response = staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Other Voices as readers see them" in response.text
    sidebar = next(
        f for f in response.context["inline_admin_formsets"] if f.opts.model is RelatedArticle
    )
    rows = sidebar.formset.other_voices
    assert len(rows) == 5 and all(row.shown for row in rows)
    assert rows[0].relevance == 100
    assert all(row.why for row in rows)


@pytest.mark.parametrize(
    ("changelist", "budget"),
    # Each includes the savepoint pair django-reversion opens around a changelist.
    [("article", 12), ("doctor", 9), ("department", 8)],
)
def test_changelists_run_no_query_per_row(
    staff_client, django_assert_max_num_queries, changelist, budget
):
    departments = [make_department() for _ in range(5)]
    doctors = [make_doctor(department=departments[i % 5]) for i in range(20)]
    for i in range(60):
        make_article(doctor=doctors[i % 20], tags=(f"tag {i % 7}", f"tag {i % 11}"))
    with django_assert_max_num_queries(budget):
        response = staff_client.get(reverse(f"admin:articles_{changelist}_changelist"))
    assert response.status_code == 200


def test_doctor_and_department_changelists_show_article_counts(staff_client):
    department = make_department("Oncology")
    doctor = make_doctor("Yan Chun", department)
    make_article(doctor=doctor)
    make_article(doctor=doctor, status=Article.Status.DRAFT)
    doctors = staff_client.get(reverse("admin:articles_doctor_changelist"))
    assert [row.article_count for row in doctors.context["cl"].result_list] == [2]
    departments = staff_client.get(reverse("admin:articles_department_changelist"))
    row = departments.context["cl"].result_list[0]
    assert (row.doctor_count, row.article_count) == (1, 2)


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
