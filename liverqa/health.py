"""/healthz for load balancers: 200 when this app server can reach what it needs, else 503."""

import logging

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> None:
    cache = caches["default"]
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("Redis did not return what was written")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database}
    if settings.REDIS_URL:
        checks["redis"] = _redis
    report = {}
    for name, check in checks.items():
        try:
            check()
            report[name] = "ok"
        except Exception:  # any failure means "take this server out of rotation"
            logger.exception("health check %s failed", name)
            report[name] = "failing"
    healthy = all(state == "ok" for state in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
