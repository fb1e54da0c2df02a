"""The admin site editors log into: Django's, with the editorial dashboard on its index and the
two-factor login in front."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django_otp import user_has_device

from .logins import AdminLoginView


class EditorialAdminSite(admin.AdminSite):
    site_header = "liverqa editorial"
    site_title = "liverqa editorial"
    index_title = "Content"
    # The dashboard and breadcrumbs lead everywhere already; the sidebar's 290 px squeezed
    # the article list's titles to a word per line at 1280 px.
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff, and with ``LIVERQA_REQUIRE_2FA`` only once this session has passed a one-time
        code: a password alone then opens nothing but the way out (logging out)."""
        if not super().has_permission(request):
            return False
        if not settings.LIVERQA_REQUIRE_2FA or request.user.is_verified():
            return True
        return request.path == reverse("admin:logout", current_app=self.name)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        user = request.user
        if (
            settings.LIVERQA_REQUIRE_2FA
            and user.is_active
            and user.is_staff
            and not user_has_device(user)
        ):
            # Logged in with a password but nothing to verify: enrol an app first.
            return redirect("two_factor:setup")
        return AdminLoginView.as_view()(request)

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        from articles.editorial import roles  # the site is built before models
        from articles.editorial.dashboard import dashboard
        from articles.models import Article

        user = request.user
        context = {"title": self.title_for(user), **(extra_context or {})}
        if user.has_perm("articles.view_article"):
            context["editorial"] = roles.viewable(user, Article.objects.all()).editorial_counts()
            context["dashboard"] = dashboard(user)
        return super().index(request, context)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        """The content first: it is what editors come for; accounts and logins follow."""
        apps = super().get_app_list(request, app_label)
        return sorted(apps, key=lambda app: app["app_label"] != "articles")

    @staticmethod
    def title_for(user) -> str:
        """What this user may do here: content, accounts, or both."""
        content = user.has_module_perms("articles")
        accounts = user.has_perm("auth.view_user") or user.has_perm("auth.change_user")
        if content and accounts:
            return "Content and accounts"
        return "Accounts" if accounts else "Content"
