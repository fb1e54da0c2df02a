"""The tag admin: usage counts, merging near-duplicates and removing unused tags."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_permission_codename
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import ngettext
from reversion import add_to_revision
from taggit.models import Tag

from ..models import Article, TaggedArticle, Topic
from .forms import TopicAdminForm
from .history import HistoryAdmin, revision_of_one


class UsageFilter(admin.SimpleListFilter):
    title = "usage"
    parameter_name = "usage"

    def lookups(self, request, model_admin):
        return [("used", "On at least one article"), ("unused", "On no article (orphans)")]

    def queryset(self, request, queryset):
        if self.value() == "used":
            return queryset.filter(article_count__gt=0)
        if self.value() == "unused":
            return queryset.filter(article_count=0)
        return queryset


@admin.register(Topic)
class TopicAdmin(HistoryAdmin):
    form = TopicAdminForm
    list_display = ["name", "slug", "article_count", "published_count"]
    ordering = [Lower("name")]  # "CT scan" among the c's; GROUP BY drops Meta.ordering
    list_filter = [UsageFilter]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge", "remove_orphans"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_count=Count("tagged_articles", distinct=True),
                published_count=Count(
                    "tagged_articles",
                    filter=Q(tagged_articles__content_object__in=Article.objects.published()),
                    distinct=True,
                ),
            )
        )

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, tag: Topic) -> int:
        return tag.article_count

    @admin.display(description="published", ordering="published_count")
    def published_count(self, tag: Topic) -> int:
        return tag.published_count

    def has_merge_permission(self, request: HttpRequest) -> bool:
        """Merging deletes the other tags and retags their articles: it takes the right to do
        both, not only to rename tags."""
        article = Article._meta
        return (
            self.has_change_permission(request)
            and self.has_delete_permission(request)
            and request.user.has_perm(
                f"{article.app_label}.{get_permission_codename('change', article)}"
            )
        )

    @admin.action(description="Merge selected tags into one…", permissions=["merge"])
    def merge(self, request: HttpRequest, queryset: QuerySet[Topic]):
        tags = list(queryset.order_by("-article_count", "name"))
        if len(tags) < 2:
            self.message_user(request, "Select two or more tags to merge.", messages.WARNING)
            return None
        chosen = request.POST.get("merge_into")
        target = next((t for t in tags if str(t.pk) == chosen), None)
        if target is None:
            return TemplateResponse(
                request,
                "admin/articles/topic/merge.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": "Merge tags",
                    "tags": tags,
                    "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        others = [t for t in tags if t.pk != target.pk]
        moved = _merge(
            target,
            others,
            request,
            f"Merged {', '.join(t.name for t in others)} into {target.name}.",
        )
        self.message_user(
            request,
            ngettext("Merged %(n)d tag", "Merged %(n)d tags", len(others)) % {"n": len(others)}
            + f" into “{target.name}”; "
            + ngettext("%(n)d article retagged.", "%(n)d articles retagged.", moved) % {"n": moved},
            messages.SUCCESS,
        )
        return None

    @admin.action(description="Remove selected tags that no article uses", permissions=["delete"])
    def remove_orphans(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        orphans = queryset.filter(article_count=0)
        names = sorted(t.name for t in orphans)
        kept = queryset.count() - len(names)
        Topic.objects.filter(pk__in=[t.pk for t in orphans]).delete()
        self.message_user(
            request,
            ngettext("Removed %(n)d unused tag", "Removed %(n)d unused tags", len(names))
            % {"n": len(names)}
            + (f": {', '.join(names)}" if names else "")
            + (
                ngettext(
                    ". Kept %(n)d tag still on articles.",
                    ". Kept %(n)d tags still on articles.",
                    kept,
                )
                % {"n": kept}
                if kept
                else "."
            ),
            messages.SUCCESS if names else messages.WARNING,
        )


# taggit registers its own tag admin; editors get this one, under Content.
admin.site.unregister(Tag)


@transaction.atomic
def _merge(target: Topic, others: list[Topic], request: HttpRequest, comment: str) -> int:
    """Retag every article of ``others`` with ``target``, then delete ``others``; each
    article's history records its retagging in a revision of its own."""
    tagged = TaggedArticle.objects.filter(tag__in=others).select_related("content_object")
    articles = {item.content_object for item in tagged}
    for article in articles:
        article.tags.add(target)
    Topic.objects.filter(pk__in=[t.pk for t in others]).delete()
    for article in articles:
        with revision_of_one(request, comment):
            add_to_revision(article)
    return len(articles)
