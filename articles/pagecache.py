"""Whole public pages cached for anonymous readers, forgotten exactly when what they show changes.

A view names what its page shows (``depends_on(request, "article:12", "sidebar:12", ...)``).
The page is stored with the version of each of those keys, and a hit is served only if none of
them has moved since. The indexing layer's after-commit hook moves them: an edited article's
key, the keys of the articles whose Other Voices changed, "lists" for every listing page, and
"all" for a change many pages show (a doctor, a department, a tag, a rebuild).

Pages live in the ``pages`` cache (each process's memory, or Redis when ``REDIS_URL`` is set);
versions where every process and app server sees them (``pageversions``: the database, or
Redis), so an editor's change reaches every worker at once. A version that is missing (never
set, or evicted) never matches, so losing versions costs a miss, never a stale page. Readers
with a session (staff) neither read nor fill the cache, and no page outlives the next scheduled
publication, which changes lists with no commit to announce it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db.models import Min, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.http import http_date

from .indexing import Changes, after_flush
from .models import Article
from .pageversions import store

SEQUENCE = "seq"  # moves on every bump, so a page rendered during a change is not stored
QUERY_PARAMETERS = (
    "page",
    "q",
    "p",
)  # all that public views read (p: sitemaps); the rest is ignored
MAX_KEY = 1000  # characters of path and query; longer addresses are not cached


def depends_on(request: HttpRequest, *keys: str) -> None:
    """Mark the page being rendered as cacheable, showing what ``keys`` name."""
    request._page_keys = {"all", *keys}


@after_flush
def forget(changes: Changes) -> None:
    keys = {SEQUENCE}
    if changes.everything:
        keys.add("all")
    if changes.articles or changes.everything:
        keys.add("lists")
    keys |= {f"article:{pk}" for pk in changes.articles}
    keys |= {f"sidebar:{pk}" for pk in changes.sidebars}
    versions = store()
    versions.add(SEQUENCE, time.time_ns())
    versions.bump(keys)


def cached_as(*keys: str) -> Callable:
    """``depends_on`` for a view that is not ours to edit (a feed, a sitemap)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def cacheable(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            depends_on(request, *keys)
            return view(request, *args, **kwargs)

        return cacheable

    return decorate


def fragment(name: str, render: Callable[[], tuple[str, set[str]]]) -> tuple[str, set[str]]:
    """A piece of a page (``render()`` gives its HTML and the keys it shows), kept like whole
    pages and forgotten by the same bumps, so a page that misses the cache (after an edit
    elsewhere on it, for staff, past its lifetime) need not build that piece again."""
    if not settings.LIVERQA_PAGE_CACHE_SECONDS:
        return render()
    key = f"fragment:{name}"
    entry = caches["pages"].get(key)
    if (
        entry is not None
        and time.time() < entry["expires"]
        and _current(entry["versions"]) == entry["versions"]
    ):
        return entry["html"], set(entry["versions"])
    sequence = _versions({SEQUENCE})[SEQUENCE]
    html, keys = render()
    snapshot = _versions({*keys, SEQUENCE})
    if snapshot.pop(SEQUENCE) == sequence:
        ttl = _ttl()
        entry = {"html": html, "versions": snapshot, "expires": time.time() + ttl}
        caches["pages"].set(key, entry, ttl)
    return html, keys


def _page_key(request: HttpRequest) -> str | None:
    query = [(k, request.GET[k]) for k in QUERY_PARAMETERS if k in request.GET]
    address = request.path + ("?" + urlencode(query) if query else "")
    if len(address) > MAX_KEY:
        return None
    return f"page:{request.get_host()}:{address}"


def _anonymous(request: HttpRequest) -> bool:
    return request.method in {"GET", "HEAD"} and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _is_upload(request: HttpRequest) -> bool:
    """Uploaded files are not pages: the media view and HTTP caches keep them, and asking the
    versions cache first would cost every file several queries."""
    return request.path.startswith(settings.MEDIA_URL)


def _current(keys) -> dict[str, int]:
    return store().get_many(keys)


def _versions(keys: set[str]) -> dict[str, int]:
    """The current version of every key, setting those that are missing: one read when all
    exist, as they do once a site has been visited."""
    found = _current(keys)
    if missing := keys - found.keys():
        versions = store()
        for name in missing:
            # A fresh, never-repeated value, so a page stored against a version that was lost
            # and set again can never match it.
            versions.add(name, time.time_ns())
        found |= _current(missing)
    return found


def _ttl() -> int:
    """Seconds a page may be kept: the setting, or less if a scheduled answer goes live, or a
    live one expires, sooner."""
    ttl = settings.LIVERQA_PAGE_CACHE_SECONDS
    moments = Article.objects.aggregate(
        live=Min("published_at", filter=Q(pk__in=Article.objects.scheduled().values("pk"))),
        gone=Min("expires_at", filter=Q(pk__in=Article.objects.published().values("pk"))),
    )
    for upcoming in filter(None, moments.values()):
        ttl = min(ttl, max(1, int((upcoming - timezone.now()) / timedelta(seconds=1)) + 1))
    return ttl


class PageCacheMiddleware:
    """Serve and store anonymous readers' pages; placed before sessions, so a hit costs two
    cache reads and nothing else."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not settings.LIVERQA_PAGE_CACHE_SECONDS
            or not _anonymous(request)
            or _is_upload(request)
        ):
            return self.get_response(request)
        key = _page_key(request)
        if key is None:
            return self.get_response(request)
        entry = caches["pages"].get(key)
        if (
            entry is not None
            and time.time() < entry["expires"]  # whatever the cache's own clock says
            and _current(entry["versions"]) == entry["versions"]
        ):
            response = HttpResponse(entry["content"], headers=entry["headers"])
            _public(response, entry["expires"] - time.time())
            response["X-Page-Cache"] = "hit"
            return response
        sequence = _versions({SEQUENCE})[SEQUENCE]
        response = self.get_response(request)
        keys = getattr(request, "_page_keys", None)
        if keys and self._storable(response):
            self._store(key, keys, sequence, response)
        return response

    @staticmethod
    def _storable(response: HttpResponse) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _store(key: str, keys: set[str], sequence: int, response: HttpResponse) -> None:
        snapshot = _versions({*keys, SEQUENCE})
        if snapshot.pop(SEQUENCE) != sequence:
            return  # something changed while the page was rendered
        ttl = _ttl()
        response["Last-Modified"] = http_date()
        set_response_etag(response)
        headers = dict(response.items())
        entry = {
            "content": response.content,
            "headers": headers,
            "versions": snapshot,
            "expires": time.time() + ttl,
        }
        caches["pages"].set(key, entry, ttl)
        _public(response, ttl)
        response["X-Page-Cache"] = "miss"


def _public(response: HttpResponse, seconds_left: float) -> None:
    """Shared caches (a CDN, a browser) may keep the page this long: never past the moment the
    page cache itself would forget it, nor past ``LIVERQA_CDN_SECONDS``."""
    max_age = max(0, min(int(seconds_left), settings.LIVERQA_CDN_SECONDS))
    patch_cache_control(response, public=True, max_age=max_age)
