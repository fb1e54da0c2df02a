from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from two_factor import views as two_factor

from articles.media.views import media_file

from . import health

# Enrolling an authenticator app, backup codes, turning it off: beside the admin, named as
# django-two-factor-auth expects. Its own login is not mounted; the admin's login is it.
two_factor_urls = [
    path("", two_factor.ProfileView.as_view(), name="profile"),
    path("setup/", two_factor.SetupView.as_view(), name="setup"),
    path("setup/qrcode/", two_factor.QRGeneratorView.as_view(), name="qr"),
    path("setup/complete/", two_factor.SetupCompleteView.as_view(), name="setup_complete"),
    path("backup-codes/", two_factor.BackupTokensView.as_view(), name="backup_tokens"),
    path("disable/", two_factor.DisableView.as_view(), name="disable"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path(f"{settings.LIVERQA_ADMIN_URL}two-factor/", include((two_factor_urls, "two_factor"))),
    path(settings.LIVERQA_ADMIN_URL, admin.site.urls),
    # Uploads, in production and debug alike: the view decides who may fetch each file.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_file, name="media_file"),
    path("", include("articles.urls")),
]
