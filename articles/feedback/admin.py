"""Readers' feedback for editors to triage: their words as plain text, never editable."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ..models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "article", "helpful", "comment", "triaged"]
    list_filter = ["triaged", "helpful", "created_at"]
    list_select_related = ["article"]
    search_fields = ["comment", "article__title"]
    date_hierarchy = "created_at"
    # What the reader sent is theirs: editors mark it triaged, or delete it.
    fields = ["article", "helpful", "comment", "created_at", "triaged"]
    readonly_fields = ["article", "helpful", "comment", "created_at"]
    actions = ["mark_triaged"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Mark selected feedback as triaged", permissions=["change"])
    def mark_triaged(self, request: HttpRequest, queryset: QuerySet[Feedback]) -> None:
        done = queryset.filter(triaged=False).update(triaged=True)
        self.message_user(request, f"Marked {done} as triaged.", messages.SUCCESS)
