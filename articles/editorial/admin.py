from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from ..durations import humanize
from ..models import (
    Article,
    Department,
    Doctor,
    Reference,
    RelatedArticle,
    RelatedExclusion,
    RelatedPick,
    Topic,
)
from ..related import other_voices
from ..related.explain import explain
from ..tags import renamed_on_matching
from . import notifications, roles, rules, workflow, working_copies
from .deletion import deleted_objects
from .duplicates import similar_questions, similar_titles, warning
from .forms import ArticleAdminForm, DoctorAdminForm, ReviewedRowsFormSet
from .history import HistoryAdmin, revision_of_one
from .listing import ListingAdmin
from .preview import body_preview
from .publishing_admin import PublishingAdmin
from .reviews import DUE_SOON
from .roles_admin import RolesAdmin
from .sections import FoldedWhenEmptyMixin
from .tag_admin import usage
from .workflow_admin import ReviewStateFilter, WorkflowAdmin

TAG_SUGGESTIONS = 10


def is_autocomplete(request: HttpRequest) -> bool:
    """Whether this is a select box's autocomplete (Django's ``AutocompleteJsonView`` asks
    the admin's ``get_queryset``): it shows names only, so the list's counts are not paid for."""
    match = request.resolver_match
    return match is not None and match.view_name == f"{admin.site.name}:autocomplete"


REVIEWER_AND_DATE = ["reviewed_by", "reviewed_on"]


@admin.register(Department)
class DepartmentAdmin(HistoryAdmin):
    list_display = ["name", "doctor_count", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        departments = super().get_queryset(request)
        return departments if is_autocomplete(request) else departments.with_editorial_counts()

    @admin.display(description="doctors", ordering="doctor_count")
    def doctor_count(self, department: Department) -> int:
        return department.doctor_count

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, department: Department) -> int:
        return department.article_count


@admin.register(Doctor)
class DoctorAdmin(HistoryAdmin):
    form = DoctorAdminForm
    list_display = ["name", "department", "title", "article_count"]
    list_filter = ["department"]
    list_select_related = ["department"]
    search_fields = ["name", "hospital", "department__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["department", "user"]
    fields = ["name", "slug", "department", "title", "hospital", "bio", "photo", "avatar_preview"]
    readonly_fields = ["avatar_preview"]

    def get_fields(self, request: HttpRequest, obj: Doctor | None = None):
        """The doctor's account, for those who manage accounts: linking one hands it the
        doctor's answers, so an editor without that power must not."""
        if request.user.has_perm("auth.change_user"):
            return [*self.fields, "user"]
        return self.fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Doctor]:
        doctors = super().get_queryset(request)
        return doctors if is_autocomplete(request) else doctors.with_editorial_counts()

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, doctor: Doctor) -> int:
        return doctor.article_count

    @admin.display(description="avatar")
    def avatar_preview(self, doctor: Doctor) -> str:
        if not doctor.avatar:
            return "Made from the photo when one is uploaded."
        return format_html(
            '<img src="{}" alt="{}" width="96" height="96" class="avatar-preview">',
            doctor.avatar.url,
            doctor.photo_alt,
        )


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [*Article.State.choices, ("changes", "Live, with unpublished changes")]

    def queryset(self, request, queryset):
        return {
            Article.State.DRAFT: queryset.drafts,
            Article.State.SCHEDULED: queryset.scheduled,
            Article.State.LIVE: queryset.published,
            "changes": queryset.with_unpublished_changes,
        }.get(self.value(), queryset.all)()


class ReviewFilter(admin.SimpleListFilter):
    title = "clinical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("due_soon", f"Due within {DUE_SOON.days} days"),
            ("never", "Never reviewed"),
        ]

    def queryset(self, request, queryset):
        return {
            "overdue": queryset.review_overdue,
            "due_soon": queryset.review_due_soon,
            "never": queryset.never_reviewed,
        }.get(self.value(), queryset.all)()


class RelatedPickInline(admin.TabularInline):
    model = RelatedPick
    fk_name = "article"
    fields = ["position", "related"]
    autocomplete_fields = ["related"]
    extra = 1
    verbose_name = "related article (shown first in Other Voices)"
    verbose_name_plural = "Other Voices: the editor's picks, lowest position first"


class RelatedExclusionInline(admin.TabularInline):
    model = RelatedExclusion
    fk_name = "article"
    fields = ["excluded"]
    autocomplete_fields = ["excluded"]
    extra = 0
    verbose_name = "article never to show in Other Voices"
    verbose_name_plural = "Other Voices: articles the editor excludes"


class RelatedArticleInline(admin.TabularInline):
    """The sidebar as readers get it, read-only, each entry explained in words. The table is
    drawn from ``explain()``, not from form rows: nothing here is edited, and the stored list
    holds reserves that readers never see."""

    model = RelatedArticle
    fk_name = "article"
    template = "admin/articles/article/other_voices.html"
    can_delete = False
    extra = 0
    max_num = 0
    verbose_name_plural = "Other Voices as readers see them (computed; why each is related)"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Rebuilt on every edit: a form holding these rows would be stale at once.
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RelatedArticle]:
        return super().get_queryset(request).none()

    def get_formset(self, request: HttpRequest, obj: Article | None = None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A class made for this request, so the rows cannot leak into another one.
        ranked = obj is not None and obj.state != Article.State.DRAFT
        formset.other_voices = explain(obj, other_voices(obj)) if ranked else None
        return formset


class ReferenceInline(admin.TabularInline):
    model = Reference
    formset = ReviewedRowsFormSet  # references are part of what an approval signs
    fields = ["position", "title", "url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 1
    verbose_name_plural = "References, listed under the answer"


@admin.register(Article)
class ArticleAdmin(
    RolesAdmin, ListingAdmin, WorkflowAdmin, PublishingAdmin, FoldedWhenEmptyMixin, HistoryAdmin
):
    form = ArticleAdminForm
    folded_when_empty = ("Clinical review", "Audio answer")
    inlines_folded_when_empty = (RelatedPickInline, RelatedExclusionInline, RelatedArticleInline)
    # Five columns, so the title keeps its width at 1280 px; on a phone each row is a card.
    list_display = ["title", "state_label", "doctor_and_department", "review", "reader_feedback"]
    list_filter = [
        PublicationFilter,
        ReviewStateFilter,
        ReviewFilter,
        "doctor__department",
        "doctor",
        "tags",
    ]
    list_select_related = ["doctor__department"]
    # Searched through the search indexes (get_search_results); naming a field shows the box.
    search_fields = ["title"]
    search_help_text = (
        "Words and “quoted phrases” in the title, text, tags, doctor or department, as on "
        "the site (drafts too); -word leaves a word out; or an exact address (slug) or id."
    )
    show_full_result_count = False  # a second count of the whole table on every filtered page
    date_hierarchy = "published_at"
    change_list_template = "admin/articles/article/change_list.html"  # cheaper date links
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["doctor"]
    # Who reviewed the answer, and when, come from a reviewer's approval (or the fixtures),
    # never from the keyboard: "Medically reviewed by" on the page is always true.
    readonly_fields = ["readers_see", "audio_length", "earlier_addresses", *REVIEWER_AND_DATE]
    inlines = [
        RelatedPickInline,
        RelatedExclusionInline,
        ReferenceInline,
        RelatedArticleInline,
    ]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "doctor", "summary", "body", "urgent_care", "tags"]}),
        (
            "Publishing",
            {
                "fields": ["readers_see", "published_at", "expires_at", "updated_at"],
                "description": (
                    "The buttons below publish, schedule and unpublish. A date of publication "
                    "in the past backdates the answer; “unpublish at” hides it from then on."
                ),
            },
        ),
        (
            "Clinical review",
            {
                "fields": ["reviewed_by", "reviewed_on", "next_review_due"],
                "description": (
                    "Readers see “Medically reviewed by … on …”, set when a medical reviewer "
                    "approves the text. Editors may move the next review; an overdue review "
                    "stays public but is flagged to editors."
                ),
            },
        ),
        ("Audio answer", {"fields": ["audio", "audio_length"]}),
        ("Addresses", {"fields": ["earlier_addresses"], "classes": ["collapse"]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Article | None = None):
        """A new article has no earlier addresses to show."""
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj else [f for f in fieldsets if f[0] != "Addresses"]

    def get_urls(self):
        return [
            path(
                "tag-suggestions/",
                self.admin_site.admin_view(self.tag_suggestions_view),
                name="articles_article_tag_suggestions",
            ),
            path(
                "similar-titles/",
                self.admin_site.admin_view(self.similar_titles_view),
                name="articles_article_similar_titles",
            ),
            path(
                "body-preview/",
                self.admin_site.admin_view(self.body_preview_view),
                name="articles_article_body_preview",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).with_feedback_counts()

    def get_deleted_objects(self, objs, request: HttpRequest):
        return deleted_objects(objs, request, self.admin_site)

    @admin.display(description="feedback", ordering="helpful_count")
    def reader_feedback(self, article: Article) -> str:
        if not (article.helpful_count or article.unhelpful_count):
            return format_html('<span class="quiet">{}</span>', "no feedback yet")
        return format_html(
            '<span class="feedback-count" title="{} helpful, {} not helpful">👍 {} · 👎 {}</span>',
            article.helpful_count,
            article.unhelpful_count,
            article.helpful_count,
            article.unhelpful_count,
        )

    @admin.display(description="doctor", ordering="doctor__name")
    def doctor_and_department(self, article: Article) -> str:
        return format_html(
            '{}<br><span class="quiet">{}</span>', article.doctor.name, article.doctor.department
        )

    @admin.display(description="next review", ordering="next_review_due")
    def review(self, article: Article) -> str:
        if article.next_review_due is None:
            return format_html('<span class="quiet">{}</span>', "never reviewed")
        when = date_format(article.next_review_due)
        if article.review_is_overdue:
            return format_html('<span class="review-overdue">was due {}</span>', when)
        return f"due {when}"

    @admin.display(description="status", ordering="published_at")
    def state_label(self, article: Article) -> str:
        state = article.state
        when = article.published_at and date_format(timezone.localtime(article.published_at))
        text = {
            Article.State.DRAFT: "Draft",
            Article.State.SCHEDULED: f"Scheduled for {when}",
            Article.State.LIVE: f"Live since {when}",
        }[state]
        review = ""
        if article.review_is_overdue:
            review = format_html(' <span class="state state--overdue">{}</span>', "review overdue")
        return format_html('<span class="state state--{}">{}</span>{}', state, text, review)

    @admin.display(description="readers see")
    def readers_see(self, article: Article) -> str:
        article = article.working_copy_of or article  # a working copy's readers see the live one
        if article.pk is None:
            return "Nothing yet: a new answer is a draft until you publish it."
        return self.state_label(article)

    @admin.display(description="length")
    def audio_length(self, article: Article) -> str:
        if article.audio_duration is None:
            return "Read from the file when you upload one."
        return humanize(article.audio_duration)

    @admin.display(description="earlier addresses, redirected here")
    def earlier_addresses(self, article: Article) -> str:
        article = article.working_copy_of or article
        if article.pk is None or not (slugs := article.slugs.exclude(slug=article.slug)):
            return "None: this answer has only ever had its current address."
        return format_html_join(
            ", ",
            "<code>{}</code>",
            ((reverse("articles:article_detail", args=[s.slug]),) for s in slugs),
        )

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if taken := getattr(form, "slug_taken_by", None):
            self.message_user(
                request,
                format_html(
                    "The address {} belongs to “<a href='{}'>{}</a>”, so this answer's is {}.",
                    taken.get_absolute_url(),
                    reverse("admin:articles_article_change", args=[taken.pk]),
                    taken.title,
                    obj.get_absolute_url(),
                ),
                messages.INFO,
            )
        # After a save, not while the form is shown again: the title field checks as the
        # editor types, and only then, so the two never show the same list at once.
        if change and "title" not in form.changed_data:
            return
        # A working copy is like its own live answer by design: that one is no duplicate.
        among = roles.known_to(request.user)
        exclude_pk = obj.working_copy_of_id or obj.pk
        if matches := similar_questions(obj.title, among=among, exclude_pk=exclude_pk):
            self.message_user(request, warning(matches, request.user), messages.WARNING)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if "tags" not in form.changed_data:
            return
        if matched := renamed_on_matching(form.cleaned_data["tags"], form.instance.tags.all()):
            self.message_user(
                request,
                "Tags matched existing ones: "
                + ", ".join(f"“{typed}” → “{kept}”" for typed, kept in matched)
                + ".",
                messages.INFO,
            )

    def has_publish_permission(self, request: HttpRequest) -> bool:
        """For the bulk actions (Django allows an action when any one of its permissions
        holds, so this one asks for both)."""
        return self.has_change_permission(request) and rules.may_publish(request.user)

    @admin.action(
        description="Publish selected articles (a future date keeps them scheduled)",
        permissions=["publish"],
    )
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        done = []
        drafts = list(queryset.drafts().select_related("doctor"))
        approved = [a for a in drafts if workflow.approval_stands(a)]
        if unapproved := len(drafts) - len(approved):
            # A reason is typed per answer, in its form: the bulk action publishes approved ones.
            self.message_user(request, workflow.unapproved_in_bulk(unapproved), messages.WARNING)
        for article in approved:
            rules.publish(article)
            with revision_of_one(request, "Published with the bulk action."):
                article.save(update_fields=["status", "published_at"])
            self.log_change(request, article, "Published.")
            notifications.published(article, request.user)
            done.append(article)
        scheduled = [a for a in done if a.state == Article.State.SCHEDULED]
        if not done:
            if not unapproved:
                self.message_user(
                    request,
                    "Nothing to publish: the selected articles were already published.",
                    messages.WARNING,
                )
            return
        later = (
            " "
            + ngettext(
                "%(n)d of them goes live at its later date.",
                "%(n)d of them go live at their later date.",
                len(scheduled),
            )
            % {"n": len(scheduled)}
            if scheduled
            else ""
        )
        published = ngettext("Published %(n)d article.", "Published %(n)d articles.", len(done))
        self.message_user(request, published % {"n": len(done)} + later, messages.SUCCESS)

    @admin.action(
        description="Unpublish selected articles (back to draft)",
        permissions=["publish"],
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        done = 0
        for article in queryset.rankable():
            working_copies.unpublish(article, request.user, "Unpublished with the bulk action.")
            self.log_change(request, article, "Unpublished.")
            done += 1
        message = ngettext(
            "Unpublished %(n)d article; readers no longer see it.",
            "Unpublished %(n)d articles; readers no longer see them.",
            done,
        )
        self.message_user(
            request,
            message % {"n": done}
            if done
            else "Nothing to unpublish: the selected articles were drafts.",
            messages.SUCCESS if done else messages.WARNING,
        )

    def tag_suggestions_view(self, request: HttpRequest) -> JsonResponse:
        """Existing tags for the tag field, most used first."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()[:100]
        tags = (
            Topic.objects.filter(name__icontains=term)
            .annotate(article_count=usage())
            .order_by("-article_count", "name")[:TAG_SUGGESTIONS]
        )
        return JsonResponse({"results": [{"name": t.name, "count": t.article_count} for t in tags]})

    @method_decorator(require_GET)
    def similar_titles_view(self, request: HttpRequest) -> JsonResponse:
        """Answers whose question reads like the title being typed."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        return similar_titles(request)

    @method_decorator(require_POST)
    def body_preview_view(self, request: HttpRequest) -> JsonResponse:
        """The body as readers will get it, rendered by the code that renders it on save."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        return body_preview(request)
