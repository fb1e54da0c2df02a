"""Synthetic content for load tests and benchmarks, clearly marked and fully deterministic.

Every synthetic row is marked: slugs start with ``demo-``, names with "Demo". Articles are
written from topics: each topic owns a vocabulary and a tag, so related ranking and search have
real structure to find, with realistic lengths (60-260 words) and a long-tailed tag distribution.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from taggit.models import Tag

from ..bulk import insert
from ..models import (
    Article,
    ArticleSlug,
    ArticleTerm,
    Department,
    Doctor,
    IndexedArticle,
    Reference,
    RelatedArticle,
    RelatedExclusion,
    RelatedPick,
    SearchDocument,
    TaggedArticle,
)
from ..richtext import render_markdown
from ..search.backends import DRAFTS_TABLE, backend

PREFIX = "demo-"
SCHEDULED = datetime(2100, 1, 1, tzinfo=UTC)
TOPICS = 60
DEPARTMENTS = [
    "Hepatology",
    "Hepatobiliary Surgery",
    "Oncology",
    "Medical Oncology",
    "Surgical Oncology",
    "Infectious Diseases",
    "Gastroenterology",
    "Imaging Center",
    "Transplant Surgery",
    "Nutrition",
    "Pediatrics",
    "Interventional Radiology",
]
SURNAMES = """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo
Gao""".split()
GIVEN = """Wei Fang Min Jing Li Qiang Lei Jun Yang Yong Yan Jie Tao Ming Chao Xia Ping Gang
Hui""".split()
SYLLABLES = """hep ato chol lith cyst fib ren gast por tal vas cul osis itis emia plas neo lip bil
iru bin asc ites var ice sten duct lob ule sin us ven ous cap sul ar aden oma""".split()
COMMON = """the patient doctor liver treatment symptoms disease may can should be is are with
for and or of in to a when after before often usually most some many pain test
result blood level normal high low check follow up weeks months years care risk
early late stage cause causes help helps change changes body organ function damage""".split()
QUESTIONS = [
    "Can {a} be caused by {b}?",
    "What should I do about {a}?",
    "Is {a} dangerous with {b}?",
    "How is {a} treated when there is {b}?",
    "Does {a} mean {b}?",
    "What are the signs of {a}?",
]


@dataclass
class Plan:
    departments: list[str]
    doctors: list[tuple[str, int]]  # (name, department index)
    topic_words: list[list[str]]
    tags: list[str]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def plan(rng: random.Random, articles: int) -> Plan:
    vocabulary = sorted({_word(rng) for _ in range(TOPICS * 80)})
    rng.shuffle(vocabulary)
    topic_words = [vocabulary[i * 60 : (i + 1) * 60] for i in range(TOPICS)]
    doctors = [
        (f"Demo {rng.choice(SURNAMES)} {rng.choice(GIVEN)} {i + 1:05d}", i % len(DEPARTMENTS))
        for i in range(max(10, articles // 200))
    ]
    tags = [f"demo {words[0]}" for words in topic_words] + [
        f"demo {_word(rng)} {i}" for i in range(400)
    ]
    return Plan([f"Demo {d}" for d in DEPARTMENTS], doctors, topic_words, tags)


def _sentence(rng: random.Random, topic: list[str]) -> str:
    words = [
        rng.choice(topic) if rng.random() < 0.3 else rng.choice(COMMON)
        for _ in range(rng.randint(8, 20))
    ]
    return " ".join(words).capitalize() + "."


def _article_rows(rng: random.Random, plan: Plan, count: int, now: datetime):
    """(fields..., tag indexes) per article."""
    extra_tags = len(plan.tags) - TOPICS
    for i in range(count):
        topic = rng.randrange(TOPICS)
        words = plan.topic_words[topic]
        title = rng.choice(QUESTIONS).format(a=rng.choice(words), b=rng.choice(words))
        target = rng.randint(60, 260)
        sentences, length = [], 0
        while length < target:
            sentence = _sentence(rng, words)
            sentences.append(sentence)
            length += sentence.count(" ") + 1
        paragraphs = [" ".join(sentences[j : j + 4]) for j in range(0, len(sentences), 4)]
        roll = rng.random()
        status = "draft" if roll < 0.03 else "published"
        # 2% are scheduled: far in the future, so they stay hidden whenever the seed is run.
        published = now - timedelta(days=rng.uniform(0, 5 * 365)) if roll > 0.05 else SCHEDULED
        # Long-tailed extra tags: a few are everywhere, most are rare.
        tags = {
            topic,
            *(TOPICS + int(rng.paretovariate(1.2)) % extra_tags for _ in range(rng.randint(1, 4))),
        }
        yield (
            (
                title[:255],
                f"{PREFIX}{i + 1:06d}",
                rng.randrange(len(plan.doctors)),
                " ".join(sentences[:2])[:300],
                "\n\n".join(paragraphs),
                status,
                None if status == "draft" else published,
                timedelta(seconds=rng.randint(25, 200)) if rng.random() < 0.6 else None,
            ),
            tags,
        )


def real_content_exists() -> bool:
    return (
        Article.objects.exclude(slug__startswith=PREFIX).exists()
        or Doctor.objects.exclude(slug__startswith=PREFIX).exists()
        or Department.objects.exclude(slug__startswith=PREFIX).exists()
    )


def remove() -> None:
    """Delete earlier synthetic content, so a seed can be run again.

    Plain SQL: deleting 100,000 articles through the ORM would load each one and refresh
    every sidebar it is in, only to throw the result away.
    """

    def t(model) -> str:
        return model._meta.db_table

    demo = f"(SELECT id FROM {t(Article)} WHERE slug LIKE '{PREFIX}%%')"
    statements = [
        f"DELETE FROM {t(SearchDocument)} WHERE {backend().key} IN {demo}",
        f"DELETE FROM {DRAFTS_TABLE} WHERE {backend().key} IN {demo}",
        f"DELETE FROM {t(RelatedArticle)} WHERE article_id IN {demo} OR related_id IN {demo}",
        f"DELETE FROM {t(ArticleTerm)} WHERE article_id IN {demo}",
        f"DELETE FROM {t(IndexedArticle)} WHERE article_id IN {demo}",
        f"DELETE FROM {t(TaggedArticle)} WHERE content_object_id IN {demo}",
        f"DELETE FROM {t(RelatedPick)} WHERE article_id IN {demo} OR related_id IN {demo}",
        f"DELETE FROM {t(Reference)} WHERE article_id IN {demo}",
        f"DELETE FROM {t(ArticleSlug)} WHERE article_id IN {demo}",
        f"DELETE FROM {t(RelatedExclusion)} WHERE article_id IN {demo} OR excluded_id IN {demo}",
        f"DELETE FROM {t(Article)} WHERE slug LIKE '{PREFIX}%%'",
        f"DELETE FROM {t(Doctor)} WHERE slug LIKE '{PREFIX}%%'",
        f"DELETE FROM {t(Department)} WHERE slug LIKE '{PREFIX}%%'",
        f"DELETE FROM {t(Tag)} WHERE slug LIKE '{PREFIX}%%'",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, [])


@transaction.atomic
def seed(articles: int, seed: int) -> int:
    rng = random.Random(seed)  # noqa: S311 (synthetic content, the same for the same seed)
    layout = plan(rng, articles)
    remove()
    departments = Department.objects.bulk_create(
        Department(name=name, slug=f"{PREFIX}{i + 1:02d}", description="Synthetic department.")
        for i, name in enumerate(layout.departments)
    )
    doctors = Doctor.objects.bulk_create(
        Doctor(name=name, slug=f"{PREFIX}{i + 1:05d}", department=departments[d], title="Demo")
        for i, (name, d) in enumerate(layout.doctors)
    )
    tags = Tag.objects.bulk_create(
        Tag(name=name, slug=f"{PREFIX}{i + 1:04d}") for i, name in enumerate(layout.tags)
    )
    now = datetime(2026, 1, 1, tzinfo=UTC)
    tag_rows = []

    published_field = Article._meta.get_field("published_at")
    audio_field = Article._meta.get_field("audio_duration")

    def article_rows():
        for (
            title,
            slug,
            doctor,
            summary,
            body,
            status,
            published,
            audio,
        ), tag_set in _article_rows(rng, layout, articles, now):
            tag_rows.append((slug, tag_set))
            yield (
                title,
                slug,
                doctors[doctor].pk,
                summary,
                body,
                render_markdown(body),
                status,
                published_field.get_db_prep_value(published, connection),
                audio_field.get_db_prep_value(audio, connection),
                "",
            )

    insert(
        f"INSERT INTO {Article._meta.db_table} (title, slug, doctor_id, summary, body, "
        "body_html, status, published_at, audio_duration, audio) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        article_rows(),
        batch=5000,
    )
    ids = dict(Article.objects.filter(slug__startswith=PREFIX).values_list("slug", "pk"))
    insert(
        f"INSERT INTO {TaggedArticle._meta.db_table} (content_object_id, tag_id) VALUES (%s, %s)",
        ((ids[slug], tags[t].pk) for slug, tag_set in tag_rows for t in sorted(tag_set)),
    )
    return articles
