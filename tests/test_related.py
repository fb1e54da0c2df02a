"""Other Voices ranking: on topic, rule-abiding, explained, and fresh after every edit."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, RelatedArticle, RelatedExclusion, RelatedPick
from articles.related import related_articles

from .conftest import make_article, make_department, make_doctor, rebuild_indexes

pytestmark = pytest.mark.django_db

# A labelled corpus: five clearly separate topics, six answers each, by doctors who answer
# across topics, all sharing a generic closing sentence and one very common tag.
TOPICS = {
    "gallstones": [
        "Gallstones form in the gallbladder when bile hardens into stones.",
        "A gallstone blocking the bile duct causes colic under the right ribs.",
        "Removing the gallbladder by laparoscopy is the usual gallstone operation.",
        "Fatty meals can trigger gallbladder pain in people with gallstones.",
        "Ultrasound of the gallbladder finds most gallstones.",
        "Small gallstones may pass into the duct and inflame the pancreas.",
    ],
    "hepatitis B": [
        "Hepatitis B is a virus that infects liver cells and spreads through blood.",
        "Antiviral tablets such as entecavir keep the hepatitis B virus suppressed.",
        "Babies of mothers with hepatitis B receive the vaccine and immunoglobulin at birth.",
        "The hepatitis B surface antigen test shows whether the virus is present.",
        "Chronic hepatitis B needs viral load checks every six months.",
        "Vaccination against hepatitis B protects for decades.",
    ],
    "fatty liver": [
        "Fatty liver means fat builds up in liver cells, often with obesity.",
        "Losing weight through diet and exercise reverses fatty liver.",
        "Fatty liver is linked to diabetes, insulin resistance and high triglycerides.",
        "Sugary drinks and fructose worsen fatty liver disease.",
        "A fibroscan measures how stiff a fatty liver has become.",
        "Alcohol on top of fatty liver speeds up the damage.",
    ],
    "transplant": [
        "A liver transplant replaces a failing liver with a donor organ.",
        "After transplant, immunosuppressant drugs such as tacrolimus prevent rejection.",
        "Patients wait on the transplant list ranked by their MELD score.",
        "A living donor can give part of their liver for transplant.",
        "Rejection after transplant shows as rising enzymes and fever.",
        "Transplant recipients avoid infections while immunosuppressed.",
    ],
    "肝硬化": [
        "肝硬化是肝脏长期损伤后形成的纤维化和结节。",
        "肝硬化患者可能出现腹水和下肢水肿。",
        "乙肝和酒精是导致肝硬化的常见原因。",
        "肝硬化需要定期检查胃镜，观察食管静脉曲张。",
        "代偿期肝硬化患者要戒酒并注意饮食。",
        "肝硬化晚期可能出现肝性脑病。",
    ],
}
CLOSING = "See your doctor if the symptoms last."


@pytest.fixture
def corpus() -> dict[int, str]:
    """{article id: topic} for 30 articles."""
    doctors = [make_doctor(department=make_department()) for _ in range(6)]
    topic_of = {}
    now = timezone.now()
    for t, (topic, sentences) in enumerate(TOPICS.items()):
        for i in range(6):
            body = " ".join(sentences[(i + k) % 6] for k in range(3)) + " " + CLOSING
            article = make_article(
                f"{topic} question {i}?",
                doctors[(t + i) % 6],
                tags=(topic, "liver"),
                body=body,
                published_at=now - timedelta(hours=t * 5 + i + 1),
            )
            topic_of[article.pk] = topic
    rebuild_indexes()
    return topic_of


def test_related_articles_stay_on_topic(corpus):
    hits = shown = 0
    for article in Article.objects.filter(pk__in=corpus):
        related = related_articles(article)
        assert len(related) == 5, article
        shown += len(related)
        hits += sum(corpus[r.pk] == corpus[article.pk] for r in related)
    assert hits / shown >= 0.9


def test_text_alone_finds_the_topic_even_without_tags(corpus):
    Article.tags.through.objects.all().delete()
    rebuild_indexes()
    article = Article.objects.get(title="transplant question 0?")
    related = related_articles(article)
    assert related
    assert all(corpus[r.pk] == "transplant" for r in related)


def test_chinese_text_is_compared_by_bigrams(corpus):
    Article.tags.through.objects.all().delete()
    rebuild_indexes()
    article = Article.objects.get(title="肝硬化 question 2?")
    assert {corpus[r.pk] for r in related_articles(article)} == {"肝硬化"}


def test_never_itself_never_unpublished(corpus):
    article = Article.objects.get(title="gallstones question 0?")
    Article.objects.filter(title="gallstones question 1?").update(status=Article.Status.DRAFT)
    Article.objects.filter(title="gallstones question 2?").update(
        published_at=timezone.now() + timedelta(days=1)
    )
    titles = [r.title for r in related_articles(article)]
    assert article.title not in titles
    assert "gallstones question 1?" not in titles
    assert "gallstones question 2?" not in titles
    assert "gallstones question 3?" in titles


def test_editor_picks_come_first_in_order_and_exclusions_are_honoured(corpus):
    article = Article.objects.get(title="gallstones question 0?")
    far_a = Article.objects.get(title="transplant question 3?")
    far_b = Article.objects.get(title="fatty liver question 1?")
    RelatedPick.objects.create(article=article, related=far_a, position=2)
    RelatedPick.objects.create(article=article, related=far_b, position=1)
    excluded = Article.objects.get(title="gallstones question 1?")
    RelatedExclusion.objects.create(article=article, excluded=excluded)
    rebuild_indexes()
    related = related_articles(article)
    assert related[:2] == [far_b, far_a]
    assert excluded not in related
    assert all(corpus[r.pk] == "gallstones" for r in related[2:])


def test_at_most_two_answers_by_one_doctor():
    doctor = make_doctor()
    article = make_article("Jaundice in adults?", body="Jaundice yellow skin bilirubin.")
    for i in range(4):
        make_article(f"Jaundice {i}?", doctor, body="Jaundice yellow skin bilirubin.")
    others = [make_article(f"Bilirubin {i}?", body="Jaundice bilirubin.") for i in range(3)]
    rebuild_indexes()
    related = related_articles(article)
    assert sum(r.doctor == doctor for r in related) == 2
    assert len(related) == 5
    assert set(others) <= set(related)


def test_ties_go_to_the_newer_article_then_the_lower_id():
    now = timezone.now()
    article = make_article("Ascites?", body="Ascites fluid abdomen.")
    older = make_article("A?", body="Ascites fluid abdomen.", published_at=now - timedelta(days=3))
    first = make_article("B?", body="Ascites fluid abdomen.", published_at=now - timedelta(days=1))
    second = make_article("C?", body="Ascites fluid abdomen.", published_at=first.published_at)
    rebuild_indexes()
    assert related_articles(article) == [first, second, older]


def test_rare_shared_tags_count_for_more_than_common_ones():
    body = iter(f"Unrelated words number {w}." for w in ["one", "two", "three", "four", "five"])
    article = make_article(tags=("varices", "liver"), body=next(body))
    common = make_article(tags=("liver",), body=next(body))
    rare = make_article(tags=("varices",), body=next(body))
    for _ in range(2):
        make_article(tags=("liver",), body=next(body))
    rebuild_indexes()
    related = related_articles(article)
    assert related.index(rare) < related.index(common)


def test_unrelated_articles_never_pad_the_list():
    article = make_article("Portal hypertension?", body="Portal pressure varices.")
    make_article("Hair loss?", body="Shampoo scalp.")
    rebuild_indexes()
    assert related_articles(article) == []


def test_stored_entries_explain_the_score(corpus):
    article = Article.objects.get(title="hepatitis B question 0?")
    entry = RelatedArticle.objects.filter(article=article, is_pick=False).first()
    parts = (
        entry.text_score
        + entry.concept_score
        + entry.tag_score
        + entry.department_score
        + entry.doctor_score
    )
    assert entry.score == pytest.approx(parts)
    assert entry.text_score > 0 and entry.tag_score > 0


def test_sidebar_is_one_query(corpus, django_assert_num_queries):
    article = Article.objects.get(title="hepatitis B question 0?")
    with django_assert_num_queries(1):
        assert len(related_articles(article)) == 5


# -- Freshness: edits reach the stored lists right after commit ----------------------------------


def test_a_new_article_enters_the_sidebars_of_its_topic(corpus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new = make_article(
            "How are gallstones removed?",
            body="Gallstones and the gallbladder are removed by laparoscopy when gallstones "
            "cause colic. Ultrasound finds gallstones.",
            tags=("gallstones",),
        )
    entered = RelatedArticle.objects.filter(related=new).values_list("article__title", flat=True)
    assert entered and all(t.startswith("gallstones") for t in entered)
    assert all(corpus[r.pk] == "gallstones" for r in related_articles(new))


def test_unpublishing_removes_an_article_from_every_sidebar(
    corpus, django_capture_on_commit_callbacks
):
    article = Article.objects.get(title="fatty liver question 2?")
    assert RelatedArticle.objects.filter(related=article).exists()
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.DRAFT
        article.save()
    assert not RelatedArticle.objects.filter(related=article).exists()
    assert not RelatedArticle.objects.filter(article=article).exists()
    for other in Article.objects.published():
        assert article not in related_articles(other)


def test_deleting_removes_an_article_from_every_sidebar(corpus, django_capture_on_commit_callbacks):
    article = Article.objects.get(title="transplant question 4?")
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert not RelatedArticle.objects.filter(related_id=article.pk).exists()


def test_editing_an_article_into_another_topic_moves_it(corpus, django_capture_on_commit_callbacks):
    article = Article.objects.get(title="transplant question 1?")
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Does hepatitis B need lifelong antiviral tablets?"
        article.body = " ".join(TOPICS["hepatitis B"][:4])
        article.save()
        article.tags.set(["hepatitis B"])
    assert all(corpus[r.pk] == "hepatitis B" for r in related_articles(article))
    holders = set(RelatedArticle.objects.filter(related=article).values_list("article", flat=True))
    assert holders and all(corpus[pk] == "hepatitis B" for pk in holders)


def test_an_editor_pick_shows_at_once(corpus, django_capture_on_commit_callbacks):
    article = Article.objects.get(title="gallstones question 3?")
    far = Article.objects.get(title="肝硬化 question 0?")
    with django_capture_on_commit_callbacks(execute=True):
        RelatedPick.objects.create(article=article, related=far, position=1)
    assert related_articles(article)[0] == far


def test_rebuild_indexes_command_and_its_old_names(site_content):
    main = Article.objects.get(slug="can-liver-calcifications-be-liver-cancer")
    for name in ["rebuild_indexes", "rebuild_related", "rebuild_search_index"]:
        RelatedArticle.objects.all().delete()
        out, err = io.StringIO(), io.StringIO()
        call_command(name, stdout=out, stderr=err)
        assert "Indexed 6 articles for search and Other Voices" in out.getvalue()
        assert "6/6" in err.getvalue()  # the progress bar
        assert RelatedArticle.objects.count() == 30
        assert len(related_articles(main)) == 5

    out = io.StringIO()
    call_command("rebuild_indexes", if_empty=True, stdout=out)
    assert "already built" in out.getvalue()


def test_pasted_junk_does_not_break_ranking_or_search(client, django_capture_on_commit_callbacks):
    junk = "x" * 5_000 + " " + "肝" * 3_000
    first = make_article("Junk one?", body=f"{junk} ascites")
    make_article("Junk two?", body=f"{junk} ascites")
    rebuild_indexes()
    with django_capture_on_commit_callbacks(execute=True):
        first.body += " varices"
        first.save()
    assert [a.title for a in related_articles(first)] == ["Junk two?"]
    assert client.get("/search/", {"q": "ascites"}).status_code == 200


def test_a_draft_preview_shows_the_other_voices_it_would_get(corpus, admin_client):
    draft = make_article(
        "Are gallstones hereditary?",
        body="Gallstones and gallbladder colic run in families; ultrasound finds gallstones.",
        tags=("gallstones",),
        status=Article.Status.DRAFT,
    )
    response = admin_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    related = response.context["voices"].related
    assert len(related) == 5
    assert all(corpus[r.pk] == "gallstones" for r in related)
    assert not RelatedArticle.objects.filter(article=draft).exists()
