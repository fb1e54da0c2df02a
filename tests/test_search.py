"""Search: finds by stem, phrase, doctor and department, in English and Chinese, and survives
any input a reader can type."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import indexing
from articles.models import Article, Topic

from .conftest import make_article, make_department, make_doctor, rebuild_indexes

pytestmark = pytest.mark.django_db

URL = reverse("articles:search")


def titles(client, q: str, **params) -> list[str]:
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return [hit["article"].title for hit in response.context["hits"]]


@pytest.fixture
def library():
    surgery = make_department("Hepatobiliary Surgery")
    liu = make_doctor("Liu Wu Cai", surgery)
    yan = make_doctor("Yan Chun", make_department("Oncology"))
    make_article(
        "Can gallstones cause liver pain?",
        liu,
        body="A gallstone in the bile duct causes colic and jaundice.",
        tags=("gallstones",),
    )
    make_article(
        "Is breastfeeding safe with hepatitis B?",
        yan,
        body="Mothers can breastfeed once the baby is vaccinated. Liver cancer is not passed on.",
    )
    make_article(
        "What is portal vein thrombosis?",
        yan,
        body="A clot in the portal vein can follow cirrhosis. The vein carries blood to the liver.",
    )
    make_article(
        "肝硬化会变成肝癌吗？",
        make_doctor("刘武才", make_department("肝胆外科")),
        body="肝硬化患者发生肝癌的风险较高，需要定期复查超声。",
    )
    make_article(
        "A draft about gallstones?",
        liu,
        body="Gallstones draft.",
        status=Article.Status.DRAFT,
    )
    make_article(
        "A scheduled answer about gallstones?",
        liu,
        body="Gallstones later.",
        published_at=timezone.now() + timedelta(days=2),
    )
    rebuild_indexes()


def test_finds_by_stem(client, library):
    assert titles(client, "gallstone") == ["Can gallstones cause liver pain?"]
    assert titles(client, "breastfeed") == ["Is breastfeeding safe with hepatitis B?"]
    assert titles(client, "Breastfeeding") == ["Is breastfeeding safe with hepatitis B?"]


def test_finds_phrases_in_quotes_only_in_that_order(client, library):
    assert titles(client, '"portal vein"') == ["What is portal vein thrombosis?"]
    assert titles(client, '"vein portal"') == []


def test_finds_by_doctor_department_and_tag(client, library):
    assert titles(client, "Liu Wu Cai") == ["Can gallstones cause liver pain?"]
    assert set(titles(client, "oncology")) == {
        "Is breastfeeding safe with hepatitis B?",
        "What is portal vein thrombosis?",
    }
    # A word only the tag has: "gallstones" is in its article's title and body too.
    make_article("Is it serious?", body="Rest and fluids.", tags=("ascites",))
    rebuild_indexes()
    assert titles(client, "ascites") == ["Is it serious?"]


def test_finds_chinese_words_inside_sentences(client, library):
    assert titles(client, "肝癌") == ["肝硬化会变成肝癌吗？"]
    assert titles(client, "复查") == ["肝硬化会变成肝癌吗？"]
    assert titles(client, "刘武才") == ["肝硬化会变成肝癌吗？"]
    assert titles(client, "肝") == ["肝硬化会变成肝癌吗？"]  # one character
    assert titles(client, "化会") == ["肝硬化会变成肝癌吗？"]
    assert titles(client, "癌肝") == []


def test_all_words_must_match_unless_or(client, library):
    assert titles(client, "cirrhosis gallstones") == []
    assert set(titles(client, "cirrhosis OR gallstones")) == {
        "What is portal vein thrombosis?",
        "Can gallstones cause liver pain?",
    }


def test_minus_leaves_words_out(client, library):
    assert set(titles(client, "liver -gallstones")) == {
        "Is breastfeeding safe with hepatitis B?",
        "What is portal vein thrombosis?",
    }


def test_title_matches_rank_above_body_matches(client, library):
    make_article("Why does the liver hurt?", body="Stretching of the capsule.")
    rebuild_indexes()
    assert titles(client, "liver")[0] == "Why does the liver hurt?"


def test_drafts_and_scheduled_articles_are_never_found(client, library):
    # Exactly the live one: search still works, and the other two are left out.
    assert titles(client, "gallstones") == ["Can gallstones cause liver pain?"]


def test_matching_words_are_highlighted_and_the_rest_escaped(client, library):
    make_article("Is <b>bold</b> & jaundice dangerous?", body="Jaundice <script>x</script> here.")
    rebuild_indexes()
    response = client.get(URL, {"q": "jaundiced"})
    html = response.text
    assert "Is &lt;b&gt;bold&lt;/b&gt; &amp; <mark>jaundice</mark> dangerous?" in html
    assert "<mark>Jaundice</mark> &lt;script&gt;x&lt;/script&gt; here." in html
    assert "<script>x" not in html


def test_chinese_matches_are_highlighted(client, library):
    response = client.get(URL, {"q": "肝癌"})
    assert "<mark>肝癌</mark>" in response.text


def test_empty_state_suggests_a_way_on(client, library):
    response = client.get(URL, {"q": "xylophone"})
    assert response.status_code == 200
    assert "No answers match “xylophone”" in response.text
    assert "Check the spelling" in response.text
    assert response.context["tags"]


def test_no_query_shows_a_search_page(client, library):
    response = client.get(URL)
    assert response.status_code == 200
    assert "<h1>Search answers</h1>" in response.text


def test_results_are_paginated_and_keep_the_query(client):
    doctor = make_doctor()
    for i in range(13):
        make_article(f"Ascites question {i}?", doctor, body="Ascites is fluid in the belly.")
    rebuild_indexes()
    first = client.get(URL, {"q": "ascites"})
    assert len(first.context["hits"]) == 10
    assert 'href="?q=ascites&amp;page=2"' in first.text
    second = client.get(URL, {"q": "ascites", "page": "2"})
    assert len(second.context["hits"]) == 3
    assert client.get(URL, {"q": "ascites", "page": "junk"}).status_code == 200


def test_every_page_has_a_labelled_search_box(client, site_content):
    for url in ["/", "/articles/", "/departments/", "/articles/no-such-page/"]:
        html = client.get(url).text
        assert 'role="search"' in html, url
        assert '<label class="visually-hidden" for="site-search-q">Search answers</label>' in html


def test_the_index_follows_edits_after_commit(client, library, django_capture_on_commit_callbacks):
    article = Article.objects.get(title="What is portal vein thrombosis?")
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "What is a portal vein clot?"
        article.save()
    assert titles(client, "clot") == ["What is a portal vein clot?"]
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.DRAFT
        article.save()
    assert titles(client, "clot") == []
    doctor = make_doctor("Sun Wei")
    with django_capture_on_commit_callbacks(execute=True):
        new = make_article("Is hepatitis E dangerous in pregnancy?", doctor, body="Sometimes.")
        new.tags.add("pregnancy")
    assert titles(client, "pregnancy") == ["Is hepatitis E dangerous in pregnancy?"]
    with django_capture_on_commit_callbacks(execute=True):
        doctor.name = "Sun Wei Ming"
        doctor.save()
    assert titles(client, "Ming") == ["Is hepatitis E dangerous in pregnancy?"]


HOSTILE = [
    '"',
    '"unbalanced',
    "don't",
    "-",
    "--",
    "*",
    "liver*",
    "^",
    "NEAR(",
    "NEAR(liver cancer, 2)",
    "AND",
    "OR",
    "NOT",
    "liver AND",
    "OR liver",
    "NOT liver",
    "-liver",
    "()",
    "(liver",
    "liver)",
    "\\",
    "\\\\'",
    "a\x00b",
    "\x00",
    "liver\x00cancer",
    "x" * 10_000,
    "liver " * 2_000,
    "🙂🫀 liver 🩺",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "_",
    "title:liver",
    "{title}: liver",
    "col:",
    ":",
    "+liver +cancer",
    "\u200b",
    "\ud7ff",
    "ＬＩＶＥＲ",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_get_a_normal_page_with_the_query_escaped(client, library, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert f'value="{escape(response.context["query"])}"' in response.text
    assert "<script>alert" not in response.text


def test_a_hostile_query_is_shown_escaped(client, library):
    response = client.get(URL, {"q": "<script>alert(1)</script>"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=60), page=st.one_of(st.none(), st.text(max_size=5)))
def test_fuzzed_queries_never_fail(client, library, q, page):
    params = {"q": q} if page is None else {"q": q, "page": page}
    response = client.get(URL, params)
    assert response.status_code == 200


def test_renaming_or_deleting_a_tag_updates_the_index(
    client, library, django_capture_on_commit_callbacks
):
    tag = Topic.objects.get(name="gallstones")
    with django_capture_on_commit_callbacks(execute=True):
        tag.name = "biliary stones"
        tag.save()
    assert titles(client, "biliary") == ["Can gallstones cause liver pain?"]
    with django_capture_on_commit_callbacks(execute=True):
        Topic.objects.get(name="biliary stones").delete()
    assert titles(client, "biliary") == []


def test_editing_a_doctors_bio_reindexes_nothing(
    library, django_capture_on_commit_callbacks, monkeypatch
):
    """A bio is on no index: saving it re-indexes no article (pages still hear of it)."""
    reindexed = []
    monkeypatch.setattr(indexing, "reindex", lambda ids: reindexed.append(set(ids)) or set())
    article = Article.objects.get(title="Can gallstones cause liver pain?")
    doctor = article.doctor
    indexing.forget_pending()  # the fixture's own rows, never committed, are not this test's
    with django_capture_on_commit_callbacks(execute=True):
        doctor.bio = "Twenty years of hepatobiliary surgery."
        doctor.save()
    assert reindexed == []
    with django_capture_on_commit_callbacks(execute=True):
        doctor.name = "Liu Wucai"
        doctor.save()
    assert article.pk in set().union(*reindexed)


def test_snippets_show_text_not_markdown(client):
    make_article("Is ascites serious?", body="**Ascites** is fluid.\n\n## When to worry\n\nSoon.")
    rebuild_indexes()
    html = client.get(URL, {"q": "ascites"}).text
    assert "<mark>Ascites</mark> is fluid." in html
    assert "**" not in html and "##" not in html


def test_stemming_is_right_from_many_threads_at_once():
    """gunicorn serves with threads: each must get the same stems as one thread alone (a
    shared Snowball stemmer gave wrong stems and IndexErrors under load)."""
    import threading

    from articles import text

    words = [
        f"{root}{ending}"
        for root in ("hepat", "cirrhos", "calcif", "gallston", "transplant")
        for ending in ("ation", "ing", "ed", "es", "ities", "ically", "ness", "ments")
    ]
    words = [f"{w}{i}x" for i in range(200) for w in words]  # new words: no cached stems
    expected = {w: text.snowballstemmer.stemmer("english").stemWord(w) for w in words}
    text.stem.cache_clear()
    wrong: list[str] = []

    def work(part: list[str]) -> None:
        wrong.extend(w for w in part if text.stem(w) != expected[w])

    threads = [threading.Thread(target=work, args=(words[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
