"""Every public URL answers hostile input with a 2xx, 3xx or 4xx, never a 5xx: unknown and
Unicode slugs, odd page numbers, huge query strings, every HTTP method, a bad Host header."""

import pytest
from django.urls import URLPattern, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import make_article

pytestmark = pytest.mark.django_db

PAGE_NUMBERS = ["0", "-1", "abc", "1e30", "%00", "\x00", "99999999999999999999", "1.5", " 2", ""]
METHODS = ["get", "head", "options", "trace", "post", "put", "delete", "patch"]


def public_routes() -> list[str]:
    """The URL map's public patterns as templates: "/articles/{slug}/" and the like."""
    routes = []
    for pattern in get_resolver().url_patterns:
        prefix = str(pattern.pattern)
        if prefix.startswith("admin/"):
            continue
        children = getattr(pattern, "url_patterns", [pattern])
        for child in children:
            if isinstance(child, URLPattern):
                route = prefix if child is pattern else prefix + str(child.pattern)
                routes.append("/" + route.replace("<uslug:slug>", "{slug}"))
    return routes


ROUTES = public_routes()
SLUG = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["刘武才", "..", "%2e%2e", "a" * 2000, "\u202e", "-", "_", "0"]),
)


def test_the_url_map_is_covered():
    assert {"/", "/articles/", "/articles/{slug}/", "/search/", "/healthz"} <= set(ROUTES)


@pytest.fixture
def site():
    make_article("Is coffee good for the liver?", tags=("diet",))


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    route=st.sampled_from(ROUTES),
    slug=SLUG,
    page=st.one_of(st.sampled_from(PAGE_NUMBERS), st.integers().map(str)),
    method=st.sampled_from(METHODS),
)
def test_any_method_slug_or_page_number_gets_a_client_error_at_worst(
    client, site, route, slug, page, method
):
    url = route.format(slug=slug.replace("/", "")) if "{slug}" in route else route
    response = getattr(client, method)(url, {"page": page} if method in {"get", "head"} else {})
    assert response.status_code < 500, (method, url, page)


@pytest.mark.parametrize("route", ROUTES)
def test_ten_thousand_character_query_strings(client, site, route):
    url = route.format(slug="is-coffee-good-for-the-liver")
    for query in ({"q": "x" * 10_000}, {"page": "9" * 10_000}, {"x" * 5_000: "y" * 5_000}):
        assert client.get(url, query).status_code < 500


def test_a_bad_host_header_is_a_400(client, site):
    for host in ["evil.example", "127.0.0.1:8000@evil", "[::1", "a" * 300, "localhost\r\nX: y"]:
        assert client.get("/", headers={"Host": host}).status_code == 400
