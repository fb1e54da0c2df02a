"""RSS and Atom feeds of the latest live answers: the whole site, a department, a doctor, a
tag. Every feed starts from ``Article.objects.published()``, like the pages."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from taggit.models import Tag

from .models import Article, Department, Doctor
from .tags import live_tags, redirect_to_moved_tag

ITEMS = 20
SITE = "liverqa"


class AnswersFeed(Feed):
    """The latest answers of the whole site, as RSS 2.0."""

    title = f"{SITE}: latest answers"
    description = "New answers from hospital doctors to patients' questions about liver disease."

    def link(self, obj=None) -> str:
        return obj.get_absolute_url() if obj is not None else reverse("articles:home")

    def answers(self, obj) -> QuerySet[Article]:
        return Article.objects.published()

    def items(self, obj=None) -> list[Article]:
        return list(
            self.answers(obj)
            .for_listing()
            .prefetch_related("tags")
            .order_by("-published_at", "-pk")[:ITEMS]
        )

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Feed readers render descriptions as HTML; a summary is plain text.
        return escape(item.excerpt)

    def item_pubdate(self, item: Article) -> datetime:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime:
        """The day the text last changed ("Updated on"), or its publication, whichever is later."""
        if item.updated_at is None:
            return item.published_at
        updated = timezone.make_aware(datetime.combine(item.updated_at, time.min))
        return max(updated, item.published_at)

    def item_author_name(self, item: Article) -> str:
        return item.doctor.name

    def item_author_link(self, item: Article) -> str:
        return item.doctor.get_absolute_url()

    def item_categories(self, item: Article) -> list[str]:
        return [tag.name for tag in item.tags.all()]


class DepartmentFeed(AnswersFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Department:
        return get_object_or_404(Department.objects.live(), slug=slug)

    def title(self, obj: Department) -> str:
        return f"{SITE}: answers from {obj.name}"

    def description(self, obj: Department) -> str:
        return f"The latest answers by doctors of {obj.name}."

    def answers(self, obj: Department) -> QuerySet[Article]:
        return Article.objects.published().filter(doctor__department=obj)


class DoctorFeed(AnswersFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Doctor:
        return get_object_or_404(Doctor.objects.live(), slug=slug)

    def title(self, obj: Doctor) -> str:
        return f"{SITE}: answers by {obj.name}"

    def description(self, obj: Doctor) -> str:
        return f"The latest answers by {obj.name}."

    def answers(self, obj: Doctor) -> QuerySet[Article]:
        return Article.objects.published().filter(doctor=obj)


class TagFeed(AnswersFeed):
    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            return redirect_to_moved_tag(request, kwargs["slug"])

    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        """Only a topic readers can see: one used by drafts alone is no more public here than
        on its page (departments and doctors alike)."""
        return get_object_or_404(live_tags(), slug=slug)

    def link(self, obj: Tag) -> str:
        return reverse("articles:tag_detail", args=[obj.slug])

    def title(self, obj: Tag) -> str:
        return f"{SITE}: answers about {obj.name}"

    def description(self, obj: Tag) -> str:
        return f"The latest answers about {obj.name}."

    def answers(self, obj: Tag) -> QuerySet[Article]:
        return Article.objects.published().filter(tags=obj)


def atom(feed: type[AnswersFeed]) -> AnswersFeed:
    """The Atom twin of an RSS feed (Atom calls the description a subtitle)."""
    return type(
        f"{feed.__name__}Atom", (feed,), {"feed_type": Atom1Feed, "subtitle": feed.description}
    )()
