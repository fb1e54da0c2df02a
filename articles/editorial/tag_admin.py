"""The tag admin: usage counts, merging near-duplicates and removing unused tags; a renamed
or merged tag's old address keeps leading readers to the tag it became."""

from collections import defaultdict

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_permission_codename
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import ngettext
from reversion import add_to_revision
from taggit.models import Tag

from ..models import Article, TaggedArticle, Topic, TopicSlug
from ..slugs import unique_slug
from ..tags import remember_addresses
from .forms import TagMergeForm, TopicAdminForm
from .history import HistoryAdmin, revision_of_one

# The merge page lists the answers it retags, up to this many (and says how many in all).
AFFECTED_SHOWN = 100


def usage(condition: Q | None = None) -> Coalesce:
    """A tag's answers (meeting ``condition``), counted in one pass over the tag's range of
    ``tagged_article_tag_idx``, no answer's row opened: working copies and the answers readers
    do not see (drafts, scheduled, expired) are few, and are looked up in lists made once per
    query. A working copy's tags are a proposal, not a use of the tag."""
    answers = ~Q(content_object__in=Article.all_rows.filter(working_copy_of__isnull=False))
    tagged = TaggedArticle.objects.filter(tag=OuterRef("pk")).values("tag")
    if condition is not None:
        answers &= condition
    counted = tagged.annotate(n=Count("tag", filter=answers)).values("n")
    return Coalesce(Subquery(counted), 0)


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
    ordering = [Lower("name")]  # "CT scan" among the c's
    list_filter = [UsageFilter]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["earlier_addresses"]
    actions = ["merge", "remove_orphans"]

    def get_fields(self, request: HttpRequest, obj: Topic | None = None) -> list[str]:
        """A new tag has no earlier addresses to show."""
        return ["name", "slug", "earlier_addresses"] if obj else ["name", "slug"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            remember_addresses(obj, form.initial["slug"])

    @admin.display(description="earlier addresses, redirected here")
    def earlier_addresses(self, tag: Topic) -> str:
        if not (slugs := TopicSlug.objects.filter(tag=tag).exclude(slug=tag.slug)):
            return "None: this tag has only ever had its current address."
        return format_html_join(
            ", ",
            "<code>{}</code>",
            ((reverse("articles:tag_detail", args=[s.slug]),) for s in slugs),
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        """Each tag's answers, and those of them readers see (see ``usage``)."""
        unseen = Article.objects.exclude(Article.objects.published_q(timezone.now()))
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_count=usage(),
                published_count=usage(~Q(content_object__in=unseen)),
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
        confirmed = "merge_into" in request.POST
        form = TagMergeForm(request.POST if confirmed else None, tags=tags)
        if not confirmed or not form.is_valid():
            count, affected = _affected(tags)
            return TemplateResponse(
                request,
                "admin/articles/topic/merge.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": "Merge tags",
                    "form": form,
                    "affected_count": count,
                    "affected": affected,
                    "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        target, new_name = form.target, form.cleaned_data["new_name"]
        others = [t for t in tags if t.pk != target.pk]
        old_name = target.name
        moved = _merge(target, others, request, new_name)
        renamed = f" (renamed from “{old_name}”)" if target.name != old_name else ""
        addresses = ", ".join(f"/tags/{t.slug}/" for t in others)
        self.message_user(
            request,
            ngettext("Merged %(n)d tag", "Merged %(n)d tags", len(others)) % {"n": len(others)}
            + f" into “{target.name}”{renamed}; "
            + ngettext("%(n)d article retagged.", "%(n)d articles retagged.", moved) % {"n": moved}
            + f" The old addresses ({addresses}) now lead to /tags/{target.slug}/.",
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


def _affected(tags: list[Topic]) -> tuple[int, list[tuple[Article, list[str]]]]:
    """How many answers carry one of ``tags``, and the first of them by title, each with the
    ones it carries: three queries, however many answers a tag has."""
    articles = Article.objects.filter(tagged_items__tag__in=tags).distinct()
    shown = list(articles.select_related("doctor").order_by("title", "pk")[:AFFECTED_SHOWN])
    carried: dict[int, list[str]] = defaultdict(list)
    for pk, name in (
        TaggedArticle.objects.filter(tag__in=tags, content_object__in=[a.pk for a in shown])
        .order_by("tag__name")
        .values_list("content_object_id", "tag__name")
    ):
        carried[pk].append(name)
    return articles.count(), [(a, carried[a.pk]) for a in shown]


@transaction.atomic
def _merge(target: Topic, others: list[Topic], request: HttpRequest, new_name: str = "") -> int:
    """Retag every article of ``others`` with ``target`` (renamed to ``new_name`` if given),
    then delete ``others``; their addresses, and every address they had, lead to ``target``.
    Each article's history records its retagging in a revision of its own, and the tag's
    history its new name."""
    tagged = TaggedArticle.objects.filter(tag__in=others).select_related("content_object")
    articles = {item.content_object for item in tagged}
    for article in articles:
        article.tags.add(target)
    TopicSlug.objects.filter(tag__in=others).update(tag=target)
    remember_addresses(target, *(t.slug for t in others))
    Topic.objects.filter(pk__in=[t.pk for t in others]).delete()
    merged = ", ".join(t.name for t in others)
    if new_name and new_name != target.name:
        old_name, old_slug = target.name, target.slug
        target.name = new_name
        target.slug = unique_slug(target, new_name, fallback="tag")
        target.save(update_fields=["name", "slug"])
        remember_addresses(target, old_slug)
        with revision_of_one(request, f"Renamed from {old_name} when {merged} merged into it."):
            add_to_revision(target)
    for article in articles:
        with revision_of_one(request, f"Merged {merged} into {target.name}."):
            add_to_revision(article)
    return len(articles)
