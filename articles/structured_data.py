"""schema.org structured data (JSON-LD) for search engines, built from the models.

An answer is a ``MedicalWebPage`` written by a ``Physician`` of a department, with its review,
its audio (an ``AudioObject`` whose transcript is the text) and a ``BreadcrumbList`` (Home ›
Department › Answer); a doctor's page is a ``ProfilePage`` about the ``Physician``. Output is
escaped so that no text an editor typed can close the script element it sits in.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from . import durations
from .models import Article, Doctor

CONTEXT = "https://schema.org"
SITE_NAME = "liverqa"
# "</script>" or "<!--" inside a string must not end or change the element: JSON allows these
# characters escaped, so a parser reads the same text back.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script(data: dict[str, Any]) -> SafeString:
    """The ``<script type="application/ld+json">`` element for ``data``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 (escaped above)


def _publisher(request: HttpRequest) -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:home")),
    }


def physician(doctor: Doctor, request: HttpRequest, *, listed: bool = True) -> dict[str, Any]:
    """``listed``: whether the doctor has a page readers can open (a live answer of their own)."""
    person: dict[str, Any] = {"@type": "Physician", "name": doctor.name}
    if listed:
        person["url"] = request.build_absolute_uri(doctor.get_absolute_url())
    person["medicalSpecialty"] = doctor.department.name
    if doctor.title:
        person["jobTitle"] = doctor.title
    if doctor.hospital:
        person["hospitalAffiliation"] = {"@type": "Hospital", "name": doctor.hospital}
    if doctor.photo:
        person["image"] = request.build_absolute_uri(doctor.photo.url)
    return person


def breadcrumbs(request: HttpRequest, trail: list[tuple[str, str]]) -> dict[str, Any]:
    """Home, then ``trail`` as (name, path) pairs; the last one is the page itself."""
    steps = [("Home", reverse("articles:home")), *trail]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(steps, start=1)
        ],
    }


def article_trail(article: Article) -> list[tuple[str, str]]:
    department = article.doctor.department
    return [
        (department.name, department.get_absolute_url()),
        (article.title, article.get_absolute_url()),
    ]


def article_page(article: Article, request: HttpRequest) -> dict[str, Any]:
    url = request.build_absolute_uri(article.get_absolute_url())
    # The dates the page shows (a draft's preview has none), so the two never disagree.
    published = article.published_on
    page: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": article.title,
        "headline": article.title,
        "description": article.excerpt,
        "inLanguage": "en",
    }
    if published:
        page["datePublished"] = published.isoformat()
        page["dateModified"] = (article.updated_on or published).isoformat()
    page |= {
        "author": physician(article.doctor, request),
        "publisher": _publisher(request),
        "about": [{"@type": "Thing", "name": tag.name} for tag in article.tags.all()],
        "breadcrumb": breadcrumbs(request, article_trail(article)),
    }
    if article.reviewed_by:
        page["lastReviewed"] = article.reviewed_on.isoformat()
        page["reviewedBy"] = physician(article.reviewed_by, request, listed=article.reviewer_listed)
    if article.audio:
        audio = {
            "@type": "AudioObject",
            "contentUrl": request.build_absolute_uri(article.audio.url),
            "transcript": article.plain_text,
        }
        if article.audio_duration:
            audio["duration"] = durations.iso8601(article.audio_duration)
        page["audio"] = audio
    return {"@context": CONTEXT, **page}


def doctor_page(doctor: Doctor, request: HttpRequest) -> dict[str, Any]:
    department = doctor.department
    return {
        "@context": CONTEXT,
        "@type": "ProfilePage",
        "url": request.build_absolute_uri(doctor.get_absolute_url()),
        "name": doctor.name,
        "mainEntity": physician(doctor, request)
        | ({"description": doctor.bio} if doctor.bio else {}),
        "breadcrumb": breadcrumbs(
            request,
            [
                (department.name, department.get_absolute_url()),
                (doctor.name, doctor.get_absolute_url()),
            ],
        ),
    }


def trail_page(request: HttpRequest, trail: list[tuple[str, str]]) -> dict[str, Any]:
    """A page that is only somewhere on the site: its breadcrumbs."""
    return {"@context": CONTEXT, **breadcrumbs(request, trail)}


def home_page(request: HttpRequest) -> dict[str, Any]:
    """The site, and how to search it (a search box in search engines' results)."""
    search = request.build_absolute_uri(reverse("articles:search"))
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:home")),
        "publisher": _publisher(request),
        "potentialAction": {
            "@type": "SearchAction",
            "target": f"{search}?q={{search_term_string}}",
            "query-input": "required name=search_term_string",
        },
    }
