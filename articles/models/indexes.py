"""Derived data kept in step with the content: the related-ranking index, the stored
Other Voices lists and the search index. All of it can be rebuilt from the content."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .content import Article


class Term(models.Model):
    """A stemmed word, a clinical concept or a tag, and the number of ranked articles that use
    it (its df), kept exact as articles change."""

    class Kind(models.TextChoices):
        WORD = "word", "word"
        CONCEPT = "concept", "concept"
        TAG = "tag", "tag"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    text = models.CharField(max_length=100)
    df = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "text"], name="term_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.text}"


class ArticleTerm(models.Model):
    """One weight of an article's TF-IDF vector: the inverted index behind related ranking."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "term"], name="article_term_unique")
        ]
        indexes = [models.Index(fields=["term", "article"], name="article_term_posting_idx")]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.term_id}={self.weight:.3f}"


class IndexedArticle(models.Model):
    """Which terms a ranked article uses, so an edit can keep every term's df exact, and when
    its weights were last computed, so the stalest are refreshed as the site changes."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    term_ids = models.JSONField(default=list)
    generation = models.PositiveBigIntegerField(default=0, db_index=True)

    def __str__(self) -> str:
        return f"{self.article_id}@{self.generation}"


class RelatedArticle(models.Model):
    """A stored Other Voices entry, with the score components that explain it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sidebar")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="appears_in")
    rank = models.PositiveSmallIntegerField()
    is_pick = models.BooleanField(default=False)
    score = models.FloatField(default=0)
    text_score = models.FloatField(default=0)
    concept_score = models.FloatField(default=0)
    tag_score = models.FloatField(default=0)
    department_score = models.FloatField(default=0)
    doctor_score = models.FloatField(default=0)

    class Meta:
        ordering = ["article", "rank"]
        verbose_name = "related article (computed)"
        verbose_name_plural = "related articles (computed)"
        constraints = [
            models.UniqueConstraint(fields=["article", "rank"], name="related_article_rank_unique"),
            models.UniqueConstraint(fields=["article", "related"], name="related_article_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.related_id}"


class SearchDocument(models.Model):
    """PostgreSQL's search index row: a weighted tsvector per article, under a GIN index.

    Not managed by Django: migration 0001_squashed_0006 creates it on PostgreSQL, and on SQLite
    creates an FTS5 virtual table of the same name instead. ``search.py`` is the only module
    that uses it.
    """

    article = models.OneToOneField(
        Article,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    document = SearchVectorField()

    class Meta:
        managed = False
        db_table = "articles_search"

    def __str__(self) -> str:
        return f"search document {self.pk}"


class PageVersion(models.Model):
    """The version of something cached pages show ("article:12", "lists"): the page cache's
    record of what changed, when Redis does not hold it. Bumped in place, so two editors'
    commits can never both write the same next version."""

    key = models.CharField(max_length=100, primary_key=True)
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.key}={self.version}"
