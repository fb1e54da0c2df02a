from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from .slugs import unique_slug


class SlugQuerySet(models.QuerySet):
    """Fixtures refer to rows by slug, never by numeric id."""

    def get_by_natural_key(self, slug: str) -> models.Model:
        return self.get(slug=slug)


class DepartmentQuerySet(SlugQuerySet):
    def with_article_counts(self) -> DepartmentQuerySet:
        return self.annotate(
            article_count=Count(
                "doctors__articles",
                filter=Q(doctors__articles__in=Article.objects.published()),
            )
        )

    def with_editorial_counts(self) -> DepartmentQuerySet:
        """Counts for editors: every doctor and every article, drafts included."""
        return self.annotate(
            doctor_count=Count("doctors", distinct=True),
            article_count=Count("doctors__articles", distinct=True),
        )


class Department(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="department")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:department_detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class DoctorQuerySet(SlugQuerySet):
    def with_article_counts(self) -> DoctorQuerySet:
        return self.annotate(
            article_count=Count("articles", filter=Q(articles__in=Article.objects.published()))
        )

    def with_editorial_counts(self) -> DoctorQuerySet:
        return self.annotate(article_count=Count("articles"))


class Doctor(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True, allow_unicode=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="doctors")
    title = models.CharField(max_length=120, blank=True, help_text="E.g. Chief physician.")
    hospital = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to="doctors/", blank=True)

    objects = DoctorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="doctor")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:doctor_detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["articles.department"]

    @property
    def initials(self) -> str:
        """ "Liu Wu Cai" -> "LC"; "刘武才" -> "刘": for the avatar shown when there is no photo."""
        words = self.name.split()
        if not words:
            return "?"
        if len(words) == 1:
            return words[0][0].upper()
        return (words[0][0] + words[-1][0]).upper()

    @property
    def avatar_tone(self) -> int:
        """A stable colour (0-5) per doctor, so avatars differ without storing anything."""
        return sum(map(ord, self.slug)) % 6


class ArticleQuerySet(SlugQuerySet):
    def published(self) -> ArticleQuerySet:
        """The one definition of what readers may see."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self) -> ArticleQuerySet:
        """Published, but not until a future moment: hidden from readers until then."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def rankable(self) -> ArticleQuerySet:
        """Published now or scheduled: ranked and indexed ahead of time, shown once live."""
        return self.filter(status=Article.Status.PUBLISHED)

    def for_listing(self) -> ArticleQuerySet:
        """Everything an article card shows, in one query."""
        return self.select_related("doctor__department")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    doctor = models.ForeignKey(Doctor, on_delete=models.PROTECT, related_name="articles")
    summary = models.TextField(
        blank=True, help_text="One or two sentences for lists and search engines."
    )
    body = models.TextField(help_text="Paragraphs separated by a blank line.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Readers see a published article from this moment on.",
    )
    updated_at = models.DateField(
        "updated on", null=True, blank=True, help_text='Shown to readers as "Updated on …".'
    )
    audio = models.FileField(upload_to="audio/", blank=True)
    audio_duration = models.DurationField(
        null=True, blank=True, help_text="Length of the audio answer, e.g. 00:01:02."
    )
    tags = TaggableManager("tags", through="TaggedArticle", blank=True)
    related = models.ManyToManyField(
        "self",
        through="RelatedPick",
        through_fields=("article", "related"),
        symmetrical=False,
        related_name="picked_by",
        blank=True,
        help_text="The editor's related articles, shown first in Other Voices.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "pk"]
        indexes = [
            # Covers published() ordered by (-published_at, pk), so deep pages need no sort.
            models.Index(fields=["status", "-published_at", "id"], name="article_listing_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(self, self.title, fallback="article")
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:article_detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    natural_key.dependencies = ["articles.doctor"]

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]

    @property
    def excerpt(self) -> str:
        return self.summary or Truncator(self.body).words(30)


class TaggedArticleManager(models.Manager):
    def get_by_natural_key(self, article_slug: str, tag_name: str) -> TaggedArticle:
        return self.get(content_object__slug=article_slug, tag__name=tag_name)


class TaggedArticle(TaggedItemBase):
    """Tags through a real foreign key, so joins are cheap and fixtures survive a round trip."""

    content_object = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    objects = TaggedArticleManager()

    class Meta:
        verbose_name = "tagged article"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_article_unique")
        ]

    def __str__(self) -> str:
        return f"{self.content_object} – {self.tag}"

    def natural_key(self) -> tuple[str, str]:
        return (self.content_object.slug, self.tag.name)

    natural_key.dependencies = ["articles.article", "taggit.tag"]


class RelatedPickManager(models.Manager):
    def get_by_natural_key(self, article_slug: str, related_slug: str) -> RelatedPick:
        return self.get(article__slug=article_slug, related__slug=related_slug)


class RelatedPick(models.Model):
    """One of an editor's ordered related articles."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="picks")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="picked_in")
    position = models.PositiveSmallIntegerField(default=0)

    objects = RelatedPickManager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "related pick"
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="related_pick_unique"),
            models.CheckConstraint(
                condition=~Q(article=models.F("related")), name="related_pick_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.related}"

    def natural_key(self) -> tuple[str, str]:
        return (self.article.slug, self.related.slug)

    natural_key.dependencies = ["articles.article"]


class RelatedExclusionManager(models.Manager):
    def get_by_natural_key(self, article_slug: str, excluded_slug: str) -> RelatedExclusion:
        return self.get(article__slug=article_slug, excluded__slug=excluded_slug)


class RelatedExclusion(models.Model):
    """An article the editor never wants in another article's Other Voices."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="exclusions")
    excluded = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="excluded_from")

    objects = RelatedExclusionManager()

    class Meta:
        verbose_name = "related exclusion"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "excluded"], name="related_exclusion_unique"
            ),
            models.CheckConstraint(
                condition=~Q(article=models.F("excluded")), name="related_exclusion_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"not {self.excluded}"

    def natural_key(self) -> tuple[str, str]:
        return (self.article.slug, self.excluded.slug)

    natural_key.dependencies = ["articles.article"]


class Term(models.Model):
    """A stemmed word (or a tag) and the number of ranked articles that use it (its df)."""

    class Kind(models.TextChoices):
        WORD = "word", "word"
        TAG = "tag", "tag"

    kind = models.CharField(max_length=4, choices=Kind.choices)
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


class RelatedArticle(models.Model):
    """A stored Other Voices entry, with the score components that explain it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sidebar")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="appears_in")
    rank = models.PositiveSmallIntegerField()
    is_pick = models.BooleanField(default=False)
    score = models.FloatField(default=0)
    text_score = models.FloatField(default=0)
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

    Not managed by Django: migration 0002 creates it on PostgreSQL, and on SQLite creates an
    FTS5 virtual table of the same name instead. ``search.py`` is the only module that uses it.
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
