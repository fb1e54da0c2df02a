"""The admin site editors log into: Django's, with the editorial dashboard on its index."""

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse


class EditorialAdminSite(admin.AdminSite):
    site_header = "liverqa editorial"
    site_title = "liverqa editorial"
    index_title = "Content and accounts"

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        from articles.models import Article  # the site is built before apps' models import

        context = dict(extra_context or {})
        if request.user.has_perm("articles.view_article"):
            context["editorial"] = Article.objects.editorial_counts()
        return super().index(request, context)
