"""An editor's choices about an article beyond its text: related picks and exclusions,
sources, and the addresses it has had (and those its tags have had)."""

from __future__ import annotations

import reversion
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from taggit.models import Tag

from .content import Article


class RelatedPickManager(models.Manager):
    def get_by_natural_key(self, article_slug: str, related_slug: str) -> RelatedPick:
        return self.get(article__slug=article_slug, related__slug=related_slug)


@reversion.register()
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


@reversion.register()
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


class OldAddressManager(models.Manager):
    def get_by_natural_key(self, slug: str) -> OldAddress:
        return self.get(slug=slug)


class OldAddress(models.Model):
    """A slug something has had: its old address answers 301 to where it lives now."""

    created_at = models.DateTimeField(auto_now_add=True)

    objects = OldAddressManager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.slug

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class ArticleSlug(OldAddress):
    """Every slug an article has had: its old addresses answer 301 to the current one."""

    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="slugs")

    class Meta(OldAddress.Meta):
        verbose_name = "article address"
        verbose_name_plural = "article addresses"

    def natural_key(self) -> tuple[str]:
        return super().natural_key()

    natural_key.dependencies = ["articles.article"]


class TopicSlug(OldAddress):
    """Every slug a tag has had, and those of the tags merged into it: a renamed or merged
    tag's old address (its page and feeds) answers 301 to the tag it became."""

    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="addresses")

    class Meta(OldAddress.Meta):
        verbose_name = "tag address"
        verbose_name_plural = "tag addresses"

    def natural_key(self) -> tuple[str]:
        return super().natural_key()

    natural_key.dependencies = ["taggit.tag"]


class ReferenceManager(models.Manager):
    def get_by_natural_key(self, article_slug: str, url: str) -> Reference:
        return self.get(article__slug=article_slug, url=url)


@reversion.register()
class Reference(models.Model):
    """A source the answer relies on, listed under its text."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    title = models.CharField(max_length=300)
    url = models.URLField(
        "URL", max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = ReferenceManager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "url"], name="reference_unique_per_article"),
            # A link readers follow: never javascript:, data: or anything but the web.
            models.CheckConstraint(
                condition=Q(url__istartswith="http://") | Q(url__istartswith="https://"),
                name="reference_url_is_web",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str, str]:
        return (self.article.slug, self.url)

    natural_key.dependencies = ["articles.article"]
