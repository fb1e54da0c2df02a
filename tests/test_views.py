"""The public pages, read as a reader would: content, sidebar, 404s and query budgets."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Department, Doctor, RelatedPick

from .conftest import make_article, make_department, make_doctor, rebuild_indexes

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    """Counts the elements a page's structure depends on."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[dict] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append(dict(attrs))


def outline(response) -> Outline:
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


def sidebar(response) -> list[str]:
    return [article.slug for article in response.context["voices"].related]


# -- Pages render the source content ---------------------------------------------------------


def test_home_lists_articles_departments_and_topics(client, site_content):
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    for article in Article.objects.all():
        assert article.title in response.text
    # As the sections' links with their counts: the names alone are also in the article cards
    # (bylines, titles), so they would be found with both sections gone.
    for department in Department.objects.all():
        assert (
            f'<a href="{department.get_absolute_url()}">{department.name}</a> <span class="count">'
        ) in response.text
    assert '<a href="/tags/liver-cancer/">liver cancer <span class="count">' in response.text


def test_every_article_page_shows_its_text_word_for_word(client, site_content):
    for article in Article.objects.all():
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        body = response.text.replace("&#x27;", "'")
        for paragraph in article.paragraphs:
            assert paragraph in body
        assert article.doctor.name in body
        assert article.doctor.department.name in body


def test_main_article_page_has_byline_date_and_other_voices_in_page_order(client, site_content):
    main = Article.objects.get(slug="can-liver-calcifications-be-liver-cancer")
    response = client.get(main.get_absolute_url())
    html = response.text
    assert "<h1>Can liver calcifications be liver cancer?</h1>" in html
    # The source's "Updated on" falls on the publication day: shown alone, word for word.
    assert 'Updated on <time datetime="2024-12-21">December 21, 2024</time>' in html
    assert "Published <time" not in html.split('<aside class="sidebar"')[0]
    assert '<aside class="sidebar" aria-labelledby="other-voices-heading">' in html
    assert [a.title for a in response.context["voices"].related] == [
        "Symptoms of late-stage liver cancer deterioration",
        "What to do if vomiting occurs in liver cancer?",
        "Is primary liver cancer prone to metastasis?",
        "Liver cancer B-ultrasound manifestations",
        "Can a cystic lesion in the liver be liver cancer?",
    ]
    for length in ["1min 2sec", "1min 10sec", "42sec", "54sec", "56sec"]:
        assert length in html
    assert '<time class="voice__length" datetime="PT1M2S">' in html


def test_every_article_has_a_full_sidebar_of_the_other_answers(client, site_content):
    # Six articles and five slots: every other answer. Staying on topic is tested in
    # test_related.py (test_related_articles_stay_on_topic).
    for article in Article.objects.all():
        response = client.get(article.get_absolute_url())
        related = response.context["voices"].related
        assert len(related) == 5
        assert set(related) == set(Article.objects.exclude(pk=article.pk))


def test_pages_are_well_formed_with_landmarks_one_h1_and_unique_titles(client, site_content):
    doctor = Doctor.objects.get(slug="liu-liang")
    urls = [
        reverse("articles:home"),
        reverse("articles:article_list"),
        reverse("articles:department_list"),
        doctor.get_absolute_url(),
        doctor.department.get_absolute_url(),
        reverse("articles:tag_detail", args=["liver-cancer"]),
        *(a.get_absolute_url() for a in Article.objects.all()),
    ]
    titles, descriptions = set(), set()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = outline(response)
        assert page.tags.count("h1") == 1, url
        for landmark in ["header", "nav", "main", "footer"]:
            assert landmark in page.tags, (url, landmark)
        html = page.attrs[page.tags.index("html")]
        assert html["lang"] == "en"
        title = response.text.split("<title>")[1].split("</title>")[0]
        description = next(
            a["content"]
            for t, a in zip(page.tags, page.attrs, strict=True)
            if t == "meta" and a.get("name") == "description"
        )
        titles.add(title)
        descriptions.add(description)
        assert description.strip()
    assert len(titles) == len(urls)
    assert len(descriptions) == len(urls)


def test_avatars_are_initials_without_a_photo_and_an_image_with_one(client):
    without = make_article(doctor=make_doctor("Liu Wu Cai"))
    response = client.get(without.get_absolute_url())
    assert '<span class="avatar avatar--medium' in response.text
    assert ">LC</span>" in response.text
    assert "<img" not in response.text

    with_photo = make_article(doctor=make_doctor("Sun Wei", photo="doctors/sun-wei.jpg"))
    response = client.get(with_photo.get_absolute_url())
    assert 'src="/media/doctors/sun-wei.jpg" alt="Photo of Sun Wei" width="96" height="96"' in (
        response.text
    )


def test_audio_player_is_shown_only_with_audio(client):
    article = make_article(audio="audio/answer.mp3", audio_duration=timedelta(seconds=62))
    response = client.get(article.get_absolute_url())
    assert '<audio controls preload="none" src="/media/audio/answer.mp3"' in response.text
    assert 'aria-labelledby="audio-caption"' in response.text
    assert "1min 2sec" in response.text

    silent = make_article()
    assert "<audio" not in client.get(silent.get_absolute_url()).text


def test_unicode_slugs_resolve(client):
    doctor = make_doctor("刘武才", make_department("肝胆外科"))
    article = make_article("肝钙化会是肝癌吗？", doctor, tags=("肝癌",))
    assert (
        article.get_absolute_url()
        == "/articles/%E8%82%9D%E9%92%99%E5%8C%96%E4%BC%9A%E6%98%AF%E8%82%9D%E7%99%8C%E5%90%97/"
    )
    for url in [
        article.get_absolute_url(),
        doctor.get_absolute_url(),
        doctor.department.get_absolute_url(),
        reverse("articles:tag_detail", args=[Tag.objects.get().slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "肝钙化会是肝癌吗？" in response.text


def test_department_doctor_and_tag_pages_list_only_their_published_articles(client):
    department = make_department("Oncology")
    doctor = make_doctor("Yan Chun", department)
    mine = make_article("Mine?", doctor, tags=("cyst",))
    draft = make_article("Draft?", doctor, tags=("cyst",), status=Article.Status.DRAFT)
    other = make_article("Other?", tags=("jaundice",))
    for url in [
        department.get_absolute_url(),
        doctor.get_absolute_url(),
        reverse("articles:tag_detail", args=["cyst"]),
    ]:
        listed = list(client.get(url).context["page"].object_list)
        assert listed == [mine], url
    assert draft.title not in client.get(reverse("articles:article_list")).text
    assert other.title in client.get(reverse("articles:article_list")).text


def test_a_topic_only_unpublished_answers_use_is_a_404_like_an_unknown_one(client):
    make_article("Draft?", tags=("secret topic",), status=Article.Status.DRAFT, published_at=None)
    make_article("Soon?", tags=("coming topic",), published_at=timezone.now() + timedelta(days=1))
    make_article(
        "Also draft?", tags=("known topic", "secret topic"), status="draft", published_at=None
    )
    make_article("Known?", tags=("known topic",))
    for slug in ["secret-topic", "coming-topic", "no-such-topic"]:
        assert client.get(reverse("articles:tag_detail", args=[slug])).status_code == 404, slug
    known = client.get(reverse("articles:tag_detail", args=["known-topic"]))
    assert [a.title for a in known.context["page"].object_list] == ["Known?"]


def test_a_doctor_or_department_with_no_live_answer_is_unknown_to_readers(client, staff_client):
    """The rule topics follow: a department or doctor whose answers are all drafts or
    scheduled is listed nowhere and its pages and feeds are 404s, for staff too (their pages
    show live answers only, so there would be nothing to see)."""
    department = make_department("Hepatology")
    doctor = make_doctor("Wu Lan", department)
    make_article("Secret draft?", doctor, status=Article.Status.DRAFT, published_at=None)
    make_article("Scheduled?", doctor, published_at=timezone.now() + timedelta(days=1))
    live = make_article("Live?", make_doctor("Li Na", make_department("Oncology")))
    for url in [
        doctor.get_absolute_url(),
        department.get_absolute_url(),
        reverse("articles:doctor_feed", args=[doctor.slug]),
        reverse("articles:department_feed", args=[department.slug]),
        reverse("articles:department_atom", args=[department.slug]),
    ]:
        assert client.get(url).status_code == 404, url
        assert staff_client.get(url).status_code == 404, url
    for url in [reverse("articles:home"), reverse("articles:department_list")]:
        page = client.get(url)
        assert "Hepatology" not in page.text and "Wu Lan" not in page.text, url
        assert "Oncology" in page.text, url
    assert client.get(live.doctor.get_absolute_url()).status_code == 200


def test_a_department_whose_only_answer_is_scheduled_opens_when_it_goes_live(client):
    department = make_department("Hepatology")
    doctor = make_doctor("Wu Lan", department)
    at = timezone.now() + timedelta(days=1)
    make_article("Scheduled?", doctor, published_at=at)
    pages = [department.get_absolute_url(), doctor.get_absolute_url()]
    assert [client.get(url).status_code for url in pages] == [404, 404]
    assert (
        "Hepatology"
        not in client.get(reverse("articles:sitemap_section", args=["departments"])).text
    )
    with time_machine.travel(at + timedelta(minutes=1)):
        assert [client.get(url).status_code for url in pages] == [200, 200]
        assert "Hepatology" in client.get(reverse("articles:home")).text


def test_a_department_with_a_live_answer_lists_only_doctors_who_have_one(client):
    department = make_department("Hepatology")
    author = make_doctor("Wu Lan", department)
    make_article("Live?", author)
    waiting = make_doctor("Zhao Min", department)
    make_article("Scheduled?", waiting, published_at=timezone.now() + timedelta(days=1))
    make_doctor("Qian Yu", department)  # no answer at all
    for url in [department.get_absolute_url(), reverse("articles:department_list")]:
        page = client.get(url)
        assert "Wu Lan" in page.text, url
        assert "Zhao Min" not in page.text and "Qian Yu" not in page.text, url
        assert "Scheduled?" not in page.text, url
    assert "1 answer<" in client.get(department.get_absolute_url()).text


def test_a_doctor_moved_between_departments_takes_the_department_pages_with_them(client):
    """Departments are found through their doctors' answers, so a move empties one department
    (now a 404) and fills the other, with nothing for an editor to tidy up."""
    old, new = make_department("Infectious Diseases"), make_department("Hepatology")
    doctor = make_doctor("Wu Lan", old)
    make_article("Hepatitis B in the family?", doctor)
    assert client.get(old.get_absolute_url()).status_code == 200
    assert client.get(new.get_absolute_url()).status_code == 404
    doctor.department = new
    doctor.save()
    assert client.get(old.get_absolute_url()).status_code == 404
    page = client.get(new.get_absolute_url())
    assert [a.title for a in page.context["page"].object_list] == ["Hepatitis B in the family?"]
    assert [d.name for d in page.context["doctors"]] == ["Wu Lan"]
    home = client.get(reverse("articles:home")).text
    assert "Infectious Diseases" not in home and "Hepatology" in home


def test_a_reviewer_without_a_live_answer_of_their_own_is_named_but_not_linked(client):
    reviewer = make_doctor("Bo Chen")
    article = make_article(
        "Reviewed?", reviewed_by=reviewer, reviewed_on=timezone.localdate() - timedelta(days=1)
    )
    html = client.get(article.get_absolute_url()).text
    assert "Medically reviewed by Bo Chen" in html
    assert reviewer.get_absolute_url() not in html
    make_article("Bo Chen's own answer?", reviewer)
    html = client.get(article.get_absolute_url()).text
    assert f'<a href="{reviewer.get_absolute_url()}">Bo Chen</a>' in html


def test_article_list_is_paginated_newest_first(client):
    now = timezone.now()
    articles = [make_article(f"Q{i}?", published_at=now - timedelta(hours=i)) for i in range(12)]
    first = client.get(reverse("articles:article_list"))
    assert list(first.context["page"].object_list) == articles[:10]
    assert 'rel="next" href="?page=2"' in first.text
    second = client.get(reverse("articles:article_list"), {"page": 2})
    assert list(second.context["page"].object_list) == articles[10:]
    assert "page 2" in second.text


@pytest.mark.parametrize("page", ["3", "0", "-1", "abc", "1e9", "%00"])
def test_bogus_page_numbers_are_404_not_500(client, page):
    make_article()
    assert client.get(reverse("articles:article_list"), {"page": page}).status_code == 404


# -- Sidebar (ranking rules are in test_related.py) --------------------------------------------


def test_an_article_with_nothing_related_says_so(client):
    article = make_article(tags=("rare",))
    rebuild_indexes()
    response = client.get(article.get_absolute_url())
    assert sidebar(response) == []
    assert "No other doctors have answered a related question yet" in response.text


# -- 404s --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status_or_date", ["draft", "future"], ids=["draft", "scheduled for the future"]
)
def test_unpublished_articles_are_404_for_readers(client, status_or_date):
    if status_or_date == "draft":
        article = make_article(status=Article.Status.DRAFT)
    else:
        article = make_article(published_at=timezone.now() + timedelta(days=1))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert article.title not in response.text


@pytest.mark.parametrize(
    "url",
    ["/articles/no-such-answer/", "/doctors/nobody/", "/departments/none/", "/tags/none/", "/x/"],
)
def test_404_page_helps_the_reader_on(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "We couldn't find that page" in response.text
    assert 'href="/articles/"' in response.text
    assert '<meta name="robots" content="noindex">' in response.text


def test_pages_refuse_posts(client, site_content):
    assert client.post(reverse("articles:home")).status_code == 405


# -- Query budgets: fixed, however many tags, picks and articles there are -------------------


def _build_crowded_site():
    """An article with 30 tags and 5 picks among 40 articles that share tags and doctors."""
    department = make_department("Oncology")
    doctors = [make_doctor(department=department) for _ in range(4)]
    tags = [f"topic {i}" for i in range(30)]
    article = make_article("Crowded?", doctors[0], tags=tuple(tags))
    others = [
        make_article(f"Other {i}?", doctors[i % 4], tags=tuple(tags[i % 30 : i % 30 + 5]))
        for i in range(40)
    ]
    for position, other in enumerate(others[:5], start=1):
        RelatedPick.objects.create(article=others[10], related=other, position=position)
    rebuild_indexes()
    return article, others[10], doctors[0], department


def _budget(client, django_assert_max_num_queries, url, budget):
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


class TestQueryBudgets:
    @pytest.fixture(scope="class")
    @classmethod
    def crowded_site(cls, django_db_setup, django_db_blocker):
        """Built once for the class (the pages only read it) and rolled back after its last
        test. Not module scope: its rows would then be seen by the rest of this module."""
        with django_db_blocker.unblock(), transaction.atomic():
            yield _build_crowded_site()
            transaction.set_rollback(True)

    @pytest.mark.parametrize(
        ("page", "budget"),
        [
            ("home", 3),
            ("article_list", 3),
            ("article_filled", 4),
            ("article_picked", 4),
            ("search", 3),
            ("search_empty", 4),
            ("department_list", 2),
            ("department_detail", 5),
            ("doctor_detail", 4),
            ("tag_detail", 4),
        ],
    )
    def test_each_page_runs_a_fixed_number_of_queries(
        self, client, django_assert_max_num_queries, crowded_site, page, budget
    ):
        article, picked, doctor, department = crowded_site
        url = {
            "home": reverse("articles:home"),
            "article_list": reverse("articles:article_list"),
            "article_filled": article.get_absolute_url(),
            "article_picked": picked.get_absolute_url(),
            "department_list": reverse("articles:department_list"),
            "department_detail": department.get_absolute_url(),
            "doctor_detail": doctor.get_absolute_url(),
            "tag_detail": reverse("articles:tag_detail", args=["topic-3"]),
            "search": reverse("articles:search") + "?q=other+topic",
            "search_empty": reverse("articles:search") + "?q=nothing-like-this",
        }[page]
        _budget(client, django_assert_max_num_queries, url, budget)


@pytest.mark.parametrize(
    "url", ["/articles/%00/", "/tags/a%00b/", "/doctors/%01/", "/departments/x%0A/"]
)
def test_control_characters_in_a_slug_are_404_on_every_database(client, url):
    assert client.get(url).status_code == 404


def test_departments_and_doctors_are_listed_by_name(client):
    zoology = make_department("Zoology")
    anatomy = make_department("Anatomy")
    make_article(doctor=make_doctor("Zhou", zoology))
    make_article(doctor=make_doctor("Ahn", zoology))
    make_article(doctor=make_doctor("Bai", anatomy))
    home = client.get(reverse("articles:home"))
    assert [d.name for d in home.context["departments"]] == ["Anatomy", "Zoology"]
    page = client.get(zoology.get_absolute_url())
    assert [d.name for d in page.context["doctors"]] == ["Ahn", "Zhou"]
