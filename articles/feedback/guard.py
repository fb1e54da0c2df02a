"""What a feedback post must pass, on a page every reader shares from the page cache.

The form carries no per-reader CSRF token (it would be stored in the shared page), and the
endpoint sets no cookie. Instead:

- Forged cross-site posts: the browser's ``Sec-Fetch-Site`` must say "same-origin"; browsers
  that do not send it are judged by ``Origin``. A post with neither is refused: every browser
  since 2020 sends ``Origin`` on a POST, and what a forged post would buy an attacker (votes
  from many readers' addresses, past the per-address limit) is exactly what this prevents.
- Naive bots: a signed token naming the article and the hour the page was rendered, the same
  for everyone who gets that page, valid for ``TOKEN_HOURS``; and a honeypot field.
- Floods: a rate per address per article and one per address overall, counted in the default
  cache under a SHA-256 of the address (django-ratelimit); the address is never stored.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from liverqa.logins import client_ip

from ..models import Article

# Long enough for a page kept by the page cache and a CDN, then read slowly, to still post.
TOKEN_HOURS = 24
_signer = signing.Signer(salt="articles.feedback")


def _hour() -> int:
    return int(time.time() // 3600)


def token(article: Article) -> str:
    return _signer.sign(f"{article.pk}.{_hour()}")


def token_is_valid(value: str, article: Article) -> bool:
    try:
        pk, hour = _signer.unsign(value).split(".")
        return int(pk) == article.pk and 0 <= _hour() - int(hour) <= TOKEN_HOURS
    except (signing.BadSignature, ValueError):
        return False


def same_origin(request: HttpRequest) -> bool:
    if site := request.headers.get("Sec-Fetch-Site"):
        return site == "same-origin"
    origin = request.headers.get("Origin")
    own = f"{request.scheme}://{request.get_host()}"
    return origin is not None and origin in {own, *settings.CSRF_TRUSTED_ORIGINS}


def _address(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def seconds_until_allowed(request: HttpRequest, article: Article) -> int | None:
    """None while the address is within both rates; else how long until it may post again."""
    waits = []
    for group, rate in (
        (f"feedback-article-{article.pk}", settings.LIVERQA_FEEDBACK_ARTICLE_RATE),
        ("feedback", settings.LIVERQA_FEEDBACK_RATE),
    ):
        usage = get_usage(request, group=group, key=_address, rate=rate, increment=True)
        if usage and usage["should_limit"]:
            waits.append(max(1, usage["time_left"]))
    return max(waits) if waits else None
