"""The duplicate guard: a question that reads like an existing one gets a warning and a link."""

import pytest
from django.urls import reverse

from articles.editorial.duplicates import similar_questions
from articles.models import Article

from .conftest import add_article_data, change_article_data, make_article, make_doctor

pytestmark = pytest.mark.django_db

SHIPPED_TITLES = [
    "Can liver calcifications be liver cancer?",
    "Symptoms of late-stage liver cancer deterioration",
    "What to do if vomiting occurs in liver cancer?",
    "Is primary liver cancer prone to metastasis?",
    "Liver cancer B-ultrasound manifestations",
    "Can a cystic lesion in the liver be liver cancer?",
]


@pytest.fixture
def answered():
    return {title: make_article(title) for title in SHIPPED_TITLES}


@pytest.mark.parametrize(
    ("question", "existing"),
    [
        ("Could calcification in the liver be cancer?", SHIPPED_TITLES[0]),
        ("Can liver calcification be liver cancer", SHIPPED_TITLES[0]),
        ("What are the symptoms of late stage liver cancer?", SHIPPED_TITLES[1]),
        ("Does primary liver cancer metastasize easily?", SHIPPED_TITLES[3]),
        ("Vomiting in liver cancer: what to do?", SHIPPED_TITLES[2]),
    ],
)
def test_rephrased_questions_are_found(answered, question, existing):
    matches = similar_questions(question)
    assert matches and matches[0].article == answered[existing]


@pytest.mark.parametrize(
    "question",
    ["Can liver cancer be cured?", "Is fatty liver reversible?", "Can gallstones hurt?", "？"],
)
def test_different_questions_on_the_same_organ_are_not_flagged(answered, question):
    assert similar_questions(question) == []


def test_the_article_itself_is_not_its_own_duplicate(answered):
    article = answered[SHIPPED_TITLES[0]]
    assert [m.article for m in similar_questions(article.title)] == [article]  # it would match
    assert similar_questions(article.title, exclude_pk=article.pk) == []


def test_duplicate_check_is_two_queries_however_many_titles(answered, django_assert_num_queries):
    """Cheap enough to run on every save: a fixed number of queries, not one per title.
    (Wall-clock timing belongs in benchmarks/run.py, not in the suite.)"""
    Article.objects.bulk_create(
        Article(
            title=f"Question {i} about liver enzymes and diet {i % 37}?",
            slug=f"q-{i}",
            doctor=answered[SHIPPED_TITLES[0]].doctor,
            body="x",
        )
        for i in range(2000)
    )
    with django_assert_num_queries(2):  # the titles, then in_bulk of the top matches
        similar_questions("Can liver calcifications turn into cancer?")


def test_admin_warns_with_a_link_when_a_new_question_reads_like_an_old_one(staff_client, answered):
    data = add_article_data(
        staff_client, title="Could calcification in the liver be cancer?", doctor=make_doctor().pk
    )
    response = staff_client.post(reverse("admin:articles_article_add"), data, follow=True)
    original = answered[SHIPPED_TITLES[0]]
    link = reverse("admin:articles_article_change", args=[original.pk])
    messages = [str(m) for m in response.context["messages"]]
    warning = next(m for m in messages if "looks very like" in m)
    assert f"<a href='{link}'>Can liver calcifications be liver cancer?</a>" in warning
    assert Article.objects.filter(title__startswith="Could").exists()  # a warning, not a block


def test_no_warning_for_a_new_question_or_an_unchanged_title(staff_client, answered):
    data = add_article_data(staff_client, title="Can gallstones hurt?", doctor=make_doctor().pk)
    response = staff_client.post(reverse("admin:articles_article_add"), data, follow=True)
    assert not any("looks very like" in str(m) for m in response.context["messages"])

    article = answered[SHIPPED_TITLES[5]]
    make_article("Can a cystic lesion of the liver be liver cancer?")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_article_data(staff_client, article, summary="Edited.")
    response = staff_client.post(url, data, follow=True)
    assert not any("looks very like" in str(m) for m in response.context["messages"])
