from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles.media.views import media_file

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Uploads, in production and debug alike: the view decides who may fetch each file.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_file, name="media_file"),
    path("", include("articles.urls")),
]
