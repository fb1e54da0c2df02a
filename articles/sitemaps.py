"""sitemap.xml: every public page once, with the date it last changed. Only what readers can
open is listed: live answers, and doctors, departments and topics that have one."""

from __future__ import annotations

from datetime import date

from django.contrib.sitemaps import Sitemap
from django.db import models
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.models import Tag

from .models import Article, Department, Doctor


def _latest_publication() -> date | None:
    latest = Article.objects.published().aggregate(at=Max("published_at"))["at"]
    return latest.date() if latest else None


class _Section(Sitemap):
    """A section whose newest entry is found with one query: Django's default reads every
    item of the section to build the index."""

    def get_latest_lastmod(self) -> date | None:
        return _latest_publication()


class ArticleSitemap(_Section):
    def items(self) -> QuerySet[Article]:
        return Article.objects.published().only("slug", "published_at", "updated_at").order_by("pk")

    def lastmod(self, item: Article) -> date:
        published = timezone.localdate(item.published_at)
        return max(item.updated_at, published) if item.updated_at else published

    def get_latest_lastmod(self) -> date | None:
        latest = Article.objects.published().aggregate(updated=Max("updated_at"))["updated"]
        return max(filter(None, (latest, _latest_publication())), default=None)


def _latest_live(**where) -> Subquery:
    """When the newest live answer matching ``where`` was published: what changes a doctor's,
    department's or topic's page, and None where there is none."""
    answers = Article.objects.published().filter(**where)
    return Subquery(answers.order_by("-published_at").values("published_at")[:1])


class _WithLiveAnswers(_Section):
    """Pages of a model listed only while they show a live answer, dated by the newest one;
    ``answers`` is the lookup from an answer to the model."""

    model: type[models.Model]
    answers: str

    def items(self) -> QuerySet:
        return (
            self.model.objects.annotate(latest=_latest_live(**{self.answers: OuterRef("pk")}))
            .filter(latest__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, item) -> date:
        return timezone.localdate(item.latest)


class DoctorSitemap(_WithLiveAnswers):
    model, answers = Doctor, "doctor"


class DepartmentSitemap(_WithLiveAnswers):
    model, answers = Department, "doctor__department"


class TagSitemap(_WithLiveAnswers):
    model, answers = Tag, "tags"

    def location(self, item: Tag) -> str:
        return reverse("articles:tag_detail", args=[item.slug])


class ListingSitemap(_Section):
    """The home page and the three indexes."""

    def items(self) -> list[str]:
        return [
            "articles:home",
            "articles:article_list",
            "articles:department_list",
            "articles:topic_list",
        ]

    def location(self, item: str) -> str:
        return reverse(item)

    @cached_property
    def _latest(self) -> date | None:
        return _latest_publication()

    def lastmod(self, item: str) -> date | None:
        return self._latest


SITEMAPS = {
    "pages": ListingSitemap,
    "articles": ArticleSitemap,
    "doctors": DoctorSitemap,
    "departments": DepartmentSitemap,
    "topics": TagSitemap,
}
