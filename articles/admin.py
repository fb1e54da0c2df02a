from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Article, Department, Doctor, RelatedArticle, RelatedExclusion, RelatedPick


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "doctor_count", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return super().get_queryset(request).with_editorial_counts()

    @admin.display(description="doctors", ordering="doctor_count")
    def doctor_count(self, department: Department) -> int:
        return department.doctor_count

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, department: Department) -> int:
        return department.article_count


@admin.register(Doctor)
class DoctorAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "title", "article_count"]
    list_filter = ["department"]
    list_select_related = ["department"]
    search_fields = ["name", "hospital", "department__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["department"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Doctor]:
        return super().get_queryset(request).with_editorial_counts()

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, doctor: Doctor) -> int:
        return doctor.article_count


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
    """The stored sidebar, read-only, with the parts of each score: why it is related."""

    model = RelatedArticle
    fk_name = "article"
    fields = ["rank", "related", "is_pick", "score", "text_score", "tag_score", "boosts"]
    readonly_fields = fields
    can_delete = False
    extra = 0
    verbose_name_plural = "Other Voices as readers see them (computed; why each is related)"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RelatedArticle]:
        return super().get_queryset(request).select_related("related")

    @admin.display(description="department + doctor")
    def boosts(self, entry: RelatedArticle) -> str:
        return f"{entry.department_score:.2f} + {entry.doctor_score:.2f}"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "doctor", "department", "status", "published_at", "updated_at"]
    list_filter = ["status", "doctor__department", "doctor", "tags"]
    list_select_related = ["doctor__department"]
    search_fields = ["title", "summary", "body", "doctor__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["doctor"]
    inlines = [RelatedPickInline, RelatedExclusionInline, RelatedArticleInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "doctor", "summary", "body", "tags"]}),
        ("Publishing", {"fields": ["status", "published_at", "updated_at"]}),
        ("Audio answer", {"fields": ["audio", "audio_duration"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(description="department", ordering="doctor__department__name")
    def department(self, article: Article) -> str:
        return article.doctor.department.name
