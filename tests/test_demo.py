"""seed_demo: synthetic, marked, deterministic, and never mixed into real content by accident."""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Doctor, RelatedArticle

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=out, stderr=err, **options)
    return out.getvalue()


def content() -> list[tuple]:
    return list(
        Article.objects.order_by("slug").values_list(
            "slug", "title", "body", "status", "published_at", "doctor__name", "audio_duration"
        )
    )


def test_seeds_marked_synthetic_content_with_tags_indexes_and_related_lists():
    output = seed(articles=300, seed=3)
    assert "Seeded 300 synthetic articles" in output
    assert Article.objects.count() == 300
    assert not Article.objects.exclude(slug__startswith="demo-").exists()
    assert all(name.startswith("Demo ") for name in Doctor.objects.values_list("name", flat=True))
    assert Article.objects.published().count() > 250
    assert Article.objects.filter(status="draft").exists()
    article = Article.objects.published().first()
    assert 1 <= article.tags.count() <= 5
    assert 60 <= len(article.body.split()) <= 300
    assert RelatedArticle.objects.filter(article=article).exists()


def test_the_same_seed_gives_the_same_content_and_a_rerun_replaces_it():
    seed(articles=120, seed=5, no_index=True)
    first = content()
    seed(articles=120, seed=5, no_index=True)
    assert content() == first
    seed(articles=120, seed=6, no_index=True)
    assert content() != first


def test_refuses_a_database_with_real_content_unless_forced(site_content):
    with pytest.raises(CommandError, match="holds real content"):
        seed(articles=10)
    assert Article.objects.count() == 6
    seed(articles=10, force=True, no_index=True)
    assert Article.objects.count() == 16
    assert Article.objects.filter(slug="can-liver-calcifications-be-liver-cancer").exists()


def test_rejects_a_nonsense_count(db):
    with pytest.raises(CommandError, match="at least 1"):
        seed(articles=0)


def test_reseeding_after_an_editor_saved_a_demo_article(db):
    seed(articles=20, seed=2, no_index=True)
    article = Article.objects.first()
    article.title += " (edited)"
    article.save()  # records its address in ArticleSlug
    seed(articles=20, seed=2, no_index=True)
    assert Article.objects.count() == 20
