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
    index_title = "Content and accounts"

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
        from articles.models import Article  # the site is built before apps' models import

        context = dict(extra_context or {})
        if request.user.has_perm("articles.view_article"):
            context["editorial"] = Article.objects.editorial_counts()
        return super().index(request, context)
