"""The Other Voices sidebar as readers get it: nothing below the relevance floor shown as
related, a short list filled from the department (and said to be that), and the same list in
an editor's preview as on the live page."""

import random
from datetime import timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from articles import indexing
from articles.models import Article, RelatedArticle, RelatedPick
from articles.related import SHOWN
from articles.related.scoring import FLOOR

from .conftest import make_article, make_department, make_doctor, rebuild_indexes
from .test_page_cache import get, page_cache  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

HEPATITIS_B = (
    "Hepatitis B spreads through blood and from mother to child at birth. Family members who "
    "live together should have a blood test for HBsAg and antibodies, and those who are not "
    "immune should be vaccinated. Chronic hepatitis B needs regular check-ups, since over "
    "years the virus can damage the liver."
)


def voices(response) -> tuple[list[str], list[str]]:
    """Titles shown as related, and titles shown under "More from …"."""
    found = response.context["voices"]
    return [a.title for a in found.related], [a.title for a in found.more]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(change):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            change()

    return run


# -- The floor ------------------------------------------------------------------------------


def test_a_question_on_another_topic_gets_no_related_answer_below_the_floor(
    client, site_content, commit
):
    """The issue's case: a hepatitis-B family question on a site of liver-cancer answers
    shares little but the word "liver"; none of them is shown as related."""
    department = make_department("Infectious Diseases and Hepatology")
    question = "My mother has hepatitis B. Should the whole family be tested?"
    commit(
        lambda: make_article(
            question, make_doctor("Wu Lan", department), body=HEPATITIS_B, tags=("hepatitis B",)
        )
    )
    article = Article.objects.get(title=question)
    response = client.get(article.get_absolute_url())
    assert voices(response) == ([], [])
    assert "No other doctors have answered a related question yet." in response.text
    assert "Symptoms of late-stage liver cancer deterioration" not in response.text
    assert not RelatedArticle.objects.filter(article=article).exists()
    # Nor does it enter the liver-cancer answers' lists.
    assert not RelatedArticle.objects.filter(related=article).exists()


def test_nothing_below_the_floor_is_stored_and_the_fixture_sidebars_stay_full(site_content):
    assert not RelatedArticle.objects.filter(is_pick=False, score__lt=FLOOR).exists()
    for article in Article.objects.all():
        assert RelatedArticle.objects.filter(article=article).count() == SHOWN


def test_an_editor_pick_is_shown_whatever_its_score(client, commit):
    hepatology = make_department("Hepatology")
    article = make_article("Is hepatitis B curable?", make_doctor(department=hepatology))
    unrelated = make_article("How is a gallbladder removed?", body="By laparoscopy.")
    commit(lambda: RelatedPick.objects.create(article=article, related=unrelated, position=1))
    assert voices(client.get(article.get_absolute_url())) == (["How is a gallbladder removed?"], [])


# -- The department fill --------------------------------------------------------------------


# Words no two answers share, so the department's answers are not related to each other.
WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima".split()


def _department_with_answers(count: int):
    """``count`` unrelated answers in Hepatology, newest first, titled by ``WORDS``."""
    hepatology = make_department("Hepatology")
    doctors = [make_doctor(department=hepatology) for _ in range(3)]
    now = timezone.now()
    answers = [
        make_article(
            f"{word.title()}?",
            doctors[i % 3],
            body=f"{word} {word}.",
            published_at=now - timedelta(i + 1),
        )
        for i, word in enumerate(WORDS[:count])
    ]
    return hepatology, doctors, answers


def test_a_short_sidebar_is_filled_with_the_department_latest_under_its_own_heading(client):
    hepatology, doctors, answers = _department_with_answers(7)
    gallstones = "Gallstones and gallbladder colic; ultrasound finds gallstones."
    article = make_article("Are gallstones hereditary?", doctors[0], body=gallstones)
    elsewhere = make_article("Do gallstones need surgery?", body=gallstones)
    make_article("Hepatology draft?", doctors[1], status=Article.Status.DRAFT, published_at=None)
    make_article(
        "Hepatology scheduled?", doctors[2], published_at=timezone.now() + timedelta(days=1)
    )
    rebuild_indexes()
    response = client.get(article.get_absolute_url())
    related, more = voices(response)
    assert related == [elsewhere.title]
    # The newest of the department, never the article itself, a draft or a scheduled answer.
    assert more == [a.title for a in answers[: SHOWN - 1]]
    html = unescape(response.text)
    assert "More from Hepatology" in html
    assert html.index("Do gallstones need surgery?") < html.index("More from Hepatology")
    assert html.index("More from Hepatology") < html.index("Alpha?")
    assert "Hepatology draft?" not in html and "Hepatology scheduled?" not in html


def test_a_full_sidebar_has_no_fill_and_an_empty_department_none(client):
    hepatology, doctors, answers = _department_with_answers(3)
    lonely = make_article("Is hepatitis B curable?", make_doctor(department=make_department()))
    rebuild_indexes()
    assert voices(client.get(lonely.get_absolute_url())) == ([], [])
    related, more = voices(client.get(answers[0].get_absolute_url()))
    # Nothing related: the two other answers of the department, newest first.
    assert (related, more) == ([], [answers[1].title, answers[2].title])


def test_the_fill_costs_one_query_and_only_when_the_list_is_short(
    client, django_assert_max_num_queries
):
    """The article page's budget is 4 (tests/test_views.py), 5 when the sidebar is filled."""
    hepatology, doctors, answers = _department_with_answers(12)
    topics = [f"topic {i}" for i in range(10)]
    answers[0].tags.add(*topics)
    answers[1].tags.add(*topics)
    rebuild_indexes()
    with django_assert_max_num_queries(5):
        response = client.get(answers[0].get_absolute_url())
    related, more = voices(response)
    assert related == [answers[1].title]
    assert more == [a.title for a in answers[2:6]]


def test_a_new_answer_in_the_department_reaches_a_cached_filled_sidebar(
    page_cache,  # noqa: F811 (the fixture)
    reader,
    commit,
):
    hepatology, doctors, answers = _department_with_answers(2)
    indexing.rebuild_all()
    url = answers[0].get_absolute_url()
    get(reader, url)
    assert get(reader, url)[1] == "hit"
    commit(lambda: make_article("Newest hepatology answer?", doctors[2], body="zulu zulu."))
    page, state = get(reader, url)
    assert state == "miss"
    assert voices(page)[1][0] == "Newest hepatology answer?"


# -- Preview and live agree -------------------------------------------------------------------


def _short_list_with_a_blocked_candidate():
    """An answer whose stored list is short (five entries) and full of one doctor's answers:
    a third answer by that doctor is kept out (two a doctor), and comes back only if the list
    is ranked again when one of the two leaves."""
    varices = "Varices bleed in cirrhosis; banding and beta blockers prevent varices bleeding."
    prolific, others = make_doctor("Prolific"), [make_doctor() for _ in range(3)]
    article = make_article("Do varices always bleed?", others[0], body=varices)
    now = timezone.now()
    by_prolific = [
        make_article(f"Varices {i}?", prolific, body=varices, published_at=now - timedelta(i + 1))
        for i in range(3)
    ]
    rest = [make_article(f"Varices by {d.name}?", d, body=varices) for d in others[1:]]
    rebuild_indexes()
    indexing.forget_pending()  # indexed above: a later commit must refresh only its own change
    return article, by_prolific, rest


def test_preview_and_live_show_the_same_other_voices_after_a_neighbour_leaves(
    client, staff_client, commit
):
    """What made the preview show five and the live page four: an answer unpublished from a
    short list left it one short, while the preview, ranked afresh, let the kept-out answer
    back in."""
    article, by_prolific, rest = _short_list_with_a_blocked_candidate()
    assert len(voices(client.get(article.get_absolute_url()))[0]) == 4
    leaving = by_prolific[0]
    leaving.status = Article.Status.DRAFT
    commit(leaving.save)
    live = voices(client.get(article.get_absolute_url()))
    assert len(live[0]) == 4  # the third answer by the prolific doctor took the place
    assert by_prolific[2].title in live[0]
    article.status = Article.Status.DRAFT
    commit(article.save)
    preview = staff_client.get(article.get_absolute_url())
    assert preview.context["preview"]
    assert sorted(voices(preview)[0]) == sorted(live[0])


CLINICAL = (
    "ascites jaundice varices banding fibroscan entecavir tenofovir biopsy nodule cyst "
    "gallstone bile colic steatosis obesity insulin"
).split()


def test_a_draft_preview_shows_what_the_live_page_shows_once_published(
    client, staff_client, commit
):
    """Six answers and a draft, each a few of ``CLINICAL``'s words (drawn with a fixed seed:
    a case where the preview once ranked two entries the other way round, since it scored the
    draft as if it were not on the site)."""
    rng = random.Random(4)
    for i in range(6):
        make_article(
            f"Q{i} {' '.join(rng.sample(CLINICAL, 3))}?",
            body=" ".join(rng.sample(CLINICAL, 5)) + ".",
        )
    rebuild_indexes()
    draft = make_article(
        f"D {' '.join(rng.sample(CLINICAL, 3))}?",
        body=" ".join(rng.sample(CLINICAL, 6)) + ".",
        status=Article.Status.DRAFT,
        published_at=None,
    )
    indexing.forget_pending()  # the answers are indexed: publishing refreshes the draft only
    preview = voices(staff_client.get(draft.get_absolute_url()))
    assert len(preview[0]) == SHOWN
    draft.status, draft.published_at = Article.Status.PUBLISHED, timezone.now()
    commit(draft.save)
    assert voices(client.get(draft.get_absolute_url())) == preview


def test_the_six_fixture_sidebars_still_make_sense(client, site_content):
    """Each answer shows the five others (all on liver cancer), no fill needed."""
    for article in Article.objects.all():
        related, more = voices(client.get(article.get_absolute_url()))
        others = set(Article.objects.exclude(pk=article.pk).values_list("title", flat=True))
        assert set(related) == others and more == []


def test_rebuild_and_refresh_agree_with_the_floor(site_content, commit):
    """A full rebuild stores what the after-edit refresh stored: the floor is applied in the
    one place both rank through."""
    department = make_department("Infectious Diseases and Hepatology")
    commit(
        lambda: make_article(
            "Is hepatitis B passed on in families?",
            make_doctor(department=department),
            body=HEPATITIS_B,
        )
    )
    before = set(RelatedArticle.objects.values_list("article_id", "related_id"))
    call_command("rebuild_indexes", verbosity=0)
    assert set(RelatedArticle.objects.values_list("article_id", "related_id")) == before
