"""The duplicate guard: a question that reads like an existing one gets a warning and a link."""

import time

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.urls import reverse

from articles.editorial.duplicates import similar_questions
from articles.models import Article

from .conftest import (
    add_article_data,
    change_article_data,
    make_article,
    make_doctor,
    rebuild_indexes,
)

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
    """The shipped questions, indexed as committing would: the check finds titles there."""
    articles = {title: make_article(title) for title in SHIPPED_TITLES}
    rebuild_indexes()
    return articles


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


def test_duplicate_check_is_four_queries_however_many_titles(answered, django_assert_num_queries):
    """Cheap enough to run on every save: a fixed number of queries, not one per title, and
    only titles sharing a rare word are scored, so 2,000 sharing "liver" do not hide the one
    sharing "calcifications". (Wall-clock timing belongs in benchmarks/, not in the suite.)"""
    Article.objects.bulk_create(
        Article(
            title=f"Question {i} about liver enzymes and diet {i % 37}?",
            slug=f"q-{i}",
            doctor=answered[SHIPPED_TITLES[0]].doctor,
            body="x",
        )
        for i in range(2000)
    )
    rebuild_indexes()
    # The candidates' ids, their titles, the sample of titles for IDF, the top matches.
    with django_assert_num_queries(4):
        matches = similar_questions("Can liver calcifications turn into cancer?")
    assert [m.article for m in matches] == [answered[SHIPPED_TITLES[0]]]


def test_a_word_the_stemmer_leaves_apart_is_found_by_its_first_letters(answered):
    """ "metastasize" and "metastasis" stem differently; among 400 titles sharing every other
    word, the answer is still a candidate through the word's first two thirds."""
    Article.objects.bulk_create(
        Article(
            title=f"Is primary liver cancer common in region {i}?",
            slug=f"region-{i}",
            doctor=answered[SHIPPED_TITLES[0]].doctor,
            body="x",
        )
        for i in range(400)
    )
    rebuild_indexes()
    matches = similar_questions("Does primary liver cancer metastasize?")
    assert matches[0].article == answered[SHIPPED_TITLES[3]]


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


# -- The check while typing: /admin/articles/article/similar-titles/ ---------------------------

SIMILAR = reverse("admin:articles_article_similar_titles")


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    """The endpoint counts each editor's checks in the default cache; ids repeat between tests."""
    caches["default"].clear()


def test_the_title_field_asks_as_the_editor_types(staff_client, answered):
    original = answered[SHIPPED_TITLES[0]]
    draft = make_article(
        "Could calcification in the liver be cancer?", status="draft", published_at=None
    )
    rebuild_indexes()
    response = staff_client.get(SIMILAR, {"title": "Can liver calcification be liver cancer"})
    assert response.status_code == 200
    results = response.json()["results"]
    found = next(r for r in results if r["title"] == original.title)
    assert found == {
        "title": original.title,
        "doctor": original.doctor.name,
        "state": "Live",
        "similar": found["similar"],
        "same_title": False,
        "edit_url": reverse("admin:articles_article_change", args=[original.pk]),
        "public_url": original.get_absolute_url(),
    }
    assert 60 <= found["similar"] < 100
    drafted = next(r for r in results if r["title"] == draft.title)
    assert drafted["state"] == "Draft" and drafted["public_url"] is None  # no page to link to

    same = staff_client.get(SIMILAR, {"title": "  can LIVER calcifications be liver cancer  "})
    first = same.json()["results"][0]
    assert (first["title"], first["similar"], first["same_title"]) == (original.title, 100, True)
    own = staff_client.get(SIMILAR, {"title": original.title, "exclude": original.pk})
    assert original.title not in [r["title"] for r in own.json()["results"]]


def test_the_same_title_counts_even_without_a_word_to_score():
    """A title of stop words only has no trigram to compare; the same words still match."""
    existing = make_article("What is it?")
    [match] = similar_questions("what IS it")
    assert match.article == existing and match.same_title and match.score == 1.0


def test_the_check_takes_the_right_to_add_or_change_articles(
    client, reader, django_user_model, editor_client
):
    make_article("Can liver calcifications be liver cancer?")
    rebuild_indexes()
    query = {"title": "Can liver calcifications be liver cancer?"}
    login = reader.get(SIMILAR, query)
    assert login.status_code == 302 and login["Location"].startswith(reverse("admin:login"))

    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    make_doctor(user=clerk)  # who may not publish writes as a doctor (editorial.roles)
    client.force_login(clerk)
    assert client.get(SIMILAR, query).status_code == 403  # staff, no right on articles
    clerk.user_permissions.set(Permission.objects.filter(codename="view_article"))
    assert client.get(SIMILAR, query).status_code == 403  # reading is not writing
    clerk.user_permissions.set(Permission.objects.filter(codename="add_article"))
    assert client.get(SIMILAR, query).status_code == 200

    assert editor_client.get(SIMILAR, query).json()["results"][0]["same_title"] is True
    assert editor_client.post(SIMILAR, query).status_code == 405


@pytest.mark.parametrize(
    "title",
    [
        "x" * 10_000,
        "liver " * 2_000,
        "'; DROP TABLE articles_article; --",
        "%' OR '1'='1",
        'title : "liver" OR NEAR(cancer calcification, 2) * ^ -liver',  # FTS5's syntax
        "liver:A & !cancer | calc:*",  # PostgreSQL's tsquery syntax
        r".*(?:a|b)+$\\[^]",
        "肝钙化是肝癌吗？😀",
        "\x00\x01 null \u202e bidi",
        "",
    ],
)
def test_hostile_titles_are_answered_quickly_and_change_nothing(staff_client, answered, title):
    before = sorted(Article.objects.values_list("pk", "title"))
    started = time.perf_counter()
    response = staff_client.get(SIMILAR, {"title": title})
    assert response.status_code == 200
    assert time.perf_counter() - started < 2  # cut to the title's 255 characters first
    assert isinstance(response.json()["results"], list)
    assert sorted(Article.objects.values_list("pk", "title")) == before


def test_a_title_longer_than_the_field_is_cut_not_refused(staff_client):
    long_title = "Is hepatitis " + "b" * 240 + " contagious?"  # 265 characters
    existing = make_article(long_title[:255])
    rebuild_indexes()
    results = staff_client.get(SIMILAR, {"title": long_title}).json()["results"]
    assert results[0]["title"] == existing.title and results[0]["same_title"]


@pytest.mark.parametrize("exclude", ["abc", "1 OR 1=1", "-1", "²", "1" * 19, "1.0"])
def test_a_bogus_exclude_is_a_clear_400(staff_client, exclude):
    response = staff_client.get(SIMILAR, {"title": "Liver?", "exclude": exclude})
    assert response.status_code == 400
    assert response.json() == {"error": "exclude must be an article's id."}


def test_checks_are_rate_limited_per_editor(settings, staff_client, editor_client):
    settings.LIVERQA_PREVIEW_RATE = "3/m"
    for _ in range(3):
        assert staff_client.get(SIMILAR, {"title": "Liver?"}).status_code == 200
    limited = staff_client.get(SIMILAR, {"title": "Liver?"})
    assert limited.status_code == 429
    assert limited.json()["error"].startswith("Too many checks in a short time")
    assert 1 <= int(limited["Retry-After"]) <= 60


def test_the_form_loads_the_check_as_a_static_script(staff_client, answered):
    add = staff_client.get(reverse("admin:articles_article_add")).text
    assert f'data-similar-url="{SIMILAR}"' in add
    assert "js/duplicate-check.js" in add
    assert "data-exclude" not in add and "data-check-now" not in add  # nothing typed yet
    article = answered[SHIPPED_TITLES[0]]
    change = staff_client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    assert f'data-exclude="{article.pk}"' in change
    assert "data-check-now" not in change  # the warning after a save is shown once, on top
    data = add_article_data(staff_client, title=SHIPPED_TITLES[0], body="")
    shown_again = staff_client.post(reverse("admin:articles_article_add"), data)
    assert shown_again.status_code == 200 and "data-check-now" in shown_again.text


# -- An exact duplicate: a slug of its own, never an error on a field the editor left alone ----


def test_an_exact_duplicate_gets_a_numbered_address_and_a_warning_naming_the_original(
    staff_client, answered
):
    original = answered[SHIPPED_TITLES[0]]
    # As the browser posts it: the form filled the slug in from the title.
    data = add_article_data(
        staff_client,
        title=original.title,
        slug="can-liver-calcifications-be-liver-cancer",
        doctor=make_doctor().pk,
    )
    response = staff_client.post(reverse("admin:articles_article_add"), data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    duplicate = Article.objects.exclude(pk=original.pk).get(title=original.title)
    assert duplicate.slug == "can-liver-calcifications-be-liver-cancer-2"
    link = reverse("admin:articles_article_change", args=[original.pk])
    messages = [str(m) for m in response.context["messages"]]
    assert (
        "The address /articles/can-liver-calcifications-be-liver-cancer/ belongs to "
        f"“<a href='{link}'>{original.title}</a>”, so this answer's is "
        "/articles/can-liver-calcifications-be-liver-cancer-2/."
    ) in messages
    warning = next(m for m in messages if "looks very like" in m)
    assert f"“<a href='{link}'>{original.title}</a>” by {original.doctor.name} (Live, " in warning
    assert "same title" in warning
    assert "already exists" not in response.text


def test_an_empty_slug_on_a_duplicate_title_is_numbered_too(staff_client, answered):
    original = answered[SHIPPED_TITLES[1]]
    for n in (2, 3):
        data = add_article_data(
            staff_client, title=original.title, slug="", doctor=make_doctor().pk
        )
        assert staff_client.post(reverse("admin:articles_article_add"), data).status_code == 302
        assert Article.objects.filter(slug=f"{original.slug}-{n}").exists()


def test_a_typed_slug_that_is_taken_is_an_error_naming_the_answer(staff_client, answered):
    original = answered[SHIPPED_TITLES[2]]
    data = add_article_data(
        staff_client,
        title="Nausea with a liver tumour",
        slug=original.slug,
        doctor=make_doctor().pk,
    )
    response = staff_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["slug"]
    link = reverse("admin:articles_article_change", args=[original.pk])
    assert errors == [
        f"The address /articles/{original.slug}/ is already used by “<a href='{link}'>"
        f"{original.title}</a>”. Choose another, or empty this field to make one from the title."
    ]
    assert f"<a href='{link}'>{original.title}</a>" in response.text  # a link, not escaped
    assert "Article with this Slug already exists" not in response.text
    assert not Article.objects.filter(title="Nausea with a liver tumour").exists()


def test_a_title_with_markup_is_escaped_in_every_message(staff_client):
    hostile = make_article("<script>alert(1)</script> liver?")
    data = add_article_data(
        staff_client, title=hostile.title, slug=hostile.slug + "-x", doctor=make_doctor().pk
    )
    response = staff_client.post(reverse("admin:articles_article_add"), data, follow=True)
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; liver?" in response.text
    data = add_article_data(
        staff_client, title="Other?", slug=hostile.slug, doctor=make_doctor().pk
    )
    error = staff_client.post(reverse("admin:articles_article_add"), data)
    assert "<script>alert(1)</script>" not in error.text
