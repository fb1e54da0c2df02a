"""Security headers and cookies, header by header, from gunicorn in production mode behind a
TLS-terminating proxy: the rules of the Mozilla HTTP Observatory's A+.

The server is started as `make serve` starts it (debug off, static files collected into
STATIC_ROOT, a database of its own), with DJANGO_HTTPS=1 and the proxy's header trusted.
Requests that carry ``X-Forwarded-Proto: https`` are what the proxy forwards; those without it
came around it.
"""

import http.client
import re
import secrets
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlencode

import pytest

from .servers import ROOT, free_port, gunicorn, manage, production_env

pytestmark = pytest.mark.slow

SITE = "liverqa.test"
ORIGIN = f"https://{SITE}"
PROXIED = {"Host": SITE, "X-Forwarded-Proto": "https"}
EDITOR = "editor"
PHOTO = f"doctors/headers-test-{secrets.token_hex(8)}.png"

SETUP = f"""
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from articles.models import Article, Department, Doctor
from tests.media_files import image_bytes
name = default_storage.save({PHOTO!r}, ContentFile(image_bytes(96, 96)))
assert name == {PHOTO!r}, name
doctor = Doctor.objects.create(
    name="Yan Chun", department=Department.objects.create(name="Hepatology"), photo=name
)
Article.objects.create(
    title="Is fatty liver reversible?", doctor=doctor, body="Often, yes.",
    status=Article.Status.PUBLISHED, published_at=timezone.now(),
)
"""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    body: bytes

    def cookie(self, name: str) -> str:
        """The whole Set-Cookie line for ``name``, flags included."""
        lines = [c for c in self.headers.get_all("Set-Cookie") or [] if c.startswith(name + "=")]
        assert len(lines) == 1, self.headers.get_all("Set-Cookie")
        return lines[0]


@dataclass(frozen=True)
class Server:
    port: int
    password: str

    def request(
        self,
        path: str,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = urlencode(form) if form is not None else None
        headers = dict(headers if headers is not None else PROXIED)
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("headers")
    password = secrets.token_urlsafe(16)
    env = production_env(
        workspace / "db.sqlite3",
        free_port(),
        DJANGO_ALLOWED_HOSTS=f"{SITE},127.0.0.1",
        DJANGO_HTTPS="1",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        DJANGO_CSRF_TRUSTED_ORIGINS=ORIGIN,
        DJANGO_SUPERUSER_USERNAME=EDITOR,
        DJANGO_SUPERUSER_PASSWORD=password,
        DJANGO_SUPERUSER_EMAIL="editor@example.org",
        # A proxy on another machine, which gunicorn does not trust: Django's setting alone
        # decides that a request came over HTTPS.
        FORWARDED_ALLOW_IPS="192.0.2.1",
    )
    manage(env, "check", "--deploy", "--fail-level", "WARNING")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createsuperuser", "--noinput")
    manage(env, "shell", "-c", SETUP)
    try:
        with gunicorn(env, workspace / "gunicorn.log") as port:
            yield Server(port, password)
    finally:
        (ROOT / "media" / PHOTO).unlink(missing_ok=True)


def csp(answer: Answer) -> dict[str, list[str]]:
    policy = answer.headers["Content-Security-Policy"]
    assert policy, "no Content-Security-Policy"
    directives = [part.split() for part in policy.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


# -- Every response: pages, cached pages, the admin, uploads, errors --------------------------


@pytest.fixture(scope="module")
def answers(server) -> dict[str, Answer]:
    """One answer of each kind the Observatory (or a reader) might fetch."""
    home_first = server.request("/")
    home_again = server.request("/")
    return {
        "public page": home_first,
        "cached page": home_again,
        "admin login": server.request("/admin/login/"),
        "media file": server.request(f"/media/{PHOTO}"),
        "404 page": server.request("/no-such-page/"),
        "admin 404": server.request("/admin/no-such-page/"),
        "health check": server.request("/healthz"),
    }


def test_the_answers_are_what_they_seem(answers):
    assert answers["public page"].headers["X-Page-Cache"] == "miss"
    assert answers["cached page"].headers["X-Page-Cache"] == "hit"
    assert answers["admin login"].status == 200
    assert answers["media file"].status == 200
    assert answers["media file"].headers["Content-Type"] == "image/png"
    assert answers["404 page"].status == 404
    assert answers["admin 404"].status in {302, 404}
    assert answers["health check"].status == 200


KINDS = [
    "public page",
    "cached page",
    "admin login",
    "media file",
    "404 page",
    "admin 404",
    "health check",
]


@pytest.mark.parametrize("kind", KINDS)
def test_content_security_policy(answers, kind):
    policy = csp(answers[kind])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    every_source = " ".join(source for sources in policy.values() for source in sources)
    assert "unsafe-" not in every_source
    assert "http:" not in every_source and "*" not in every_source


@pytest.mark.parametrize("kind", KINDS)
def test_strict_transport_security_for_a_year_with_subdomains(answers, kind):
    assert answers[kind].headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_the_other_security_headers(answers, kind):
    headers = answers[kind].headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Access-Control-Allow-Origin" not in headers


@pytest.mark.parametrize("kind", KINDS)
def test_permissions_policy_denies_what_the_site_never_uses(answers, kind):
    policy = dict(
        part.strip().split("=", 1)
        for part in answers[kind].headers["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert policy[feature] == "()"


@pytest.mark.parametrize("kind", ["public page", "cached page", "admin login", "404 page"])
def test_pages_have_no_inline_script_or_style(answers, kind):
    """The CSP would block them: scripts and styles are files of this site (no nonce, since
    readers share one cached page). Structured data (JSON-LD) is data, never run."""
    html = answers[kind].body.decode()
    script = r'<script(?![^>]*\b(?:src=|type="application/ld\+json"))'
    assert not re.search(script + r"|<style|\sstyle=|\son[a-z]+=", html)


# -- TLS at the proxy ------------------------------------------------------------------------


def test_a_request_that_did_not_come_through_the_proxy_is_sent_to_https(server):
    answer = server.request("/", headers={"Host": SITE})
    assert answer.status == 301
    assert answer.headers["Location"] == f"{ORIGIN}/"
    assert "Strict-Transport-Security" not in answer.headers  # only ever sent over HTTPS


def test_load_balancers_probe_health_over_plain_http(server):
    assert server.request("/healthz", headers={}).status == 200


def login_form(server: Server, headers: dict[str, str]) -> tuple[str, str, str]:
    """The login page's CSRF cookie line, the form's token and the session cookie line that
    keeps the two-step login's state, as a browser gets them."""
    page = server.request("/admin/login/", headers=headers)
    assert page.status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    return page.cookie("__Host-csrftoken"), token.decode(), page.cookie("__Host-sessionid")


def log_in(server: Server, headers: dict[str, str], origin: str = ORIGIN, **changes) -> Answer:
    cookie_line, token, session_line = login_form(server, PROXIED)
    cookies = "; ".join(line.split(";", 1)[0] for line in (cookie_line, session_line))
    # The first step of the two-step login (liverqa.logins); this editor has no second.
    form = {
        "admin_login_view-current_step": "auth",
        "auth-username": EDITOR,
        "auth-password": server.password,
        "next": "/admin/",
    }
    return server.request(
        "/admin/login/",
        method="POST",
        headers={**headers, "Cookie": cookies, "Origin": origin},
        form={**form, "csrfmiddlewaretoken": token, **changes},
    )


def assert_host_cookie(line: str) -> None:
    """Secure, HttpOnly, SameSite, for the whole site and this host only (``__Host-``)."""
    flags = [flag.strip().lower() for flag in line.split(";")[1:]]
    assert "secure" in flags
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "path=/" in flags
    assert not any(flag.startswith("domain=") for flag in flags)


def test_the_csrf_and_session_cookies_are_secure_httponly_host_cookies(server):
    cookie_line, _, session_line = login_form(server, PROXIED)
    assert_host_cookie(cookie_line)
    assert_host_cookie(session_line)


def test_the_admin_login_works_behind_the_tls_proxy(server):
    answer = log_in(server, PROXIED)
    assert answer.status == 302, answer.body[:2000]
    assert answer.headers["Location"] == "/admin/"
    session_line = answer.cookie("__Host-sessionid")
    assert_host_cookie(session_line)
    dashboard = server.request(
        "/admin/", headers={**PROXIED, "Cookie": session_line.split(";", 1)[0]}
    )
    assert dashboard.status == 200
    assert b"Editorial status" in dashboard.body


def test_the_admin_login_works_when_the_proxy_rewrites_the_host(server):
    """A proxy that forwards to 127.0.0.1 without the reader's Host: the trusted origin
    (DJANGO_CSRF_TRUSTED_ORIGINS) is what lets the form's post in."""
    answer = log_in(server, {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
    assert answer.status == 302, answer.body[:2000]
    assert_host_cookie(answer.cookie("__Host-sessionid"))


def test_the_admin_login_fails_closed_without_the_proxys_header(server):
    answer = log_in(server, {"Host": SITE})
    assert answer.status == 301
    assert answer.headers["Location"] == f"{ORIGIN}/admin/login/"
    assert not answer.headers.get_all("Set-Cookie")


def test_a_login_posted_from_another_site_is_refused(server):
    answer = log_in(server, PROXIED, origin="https://evil.example")
    assert answer.status == 403
    assert not any(
        line.startswith("__Host-sessionid=") for line in answer.headers.get_all("Set-Cookie") or []
    )


def test_a_wrong_password_opens_nothing(server):
    """The two-step login keeps its state in a session from the first page on; after a wrong
    password that session is still anonymous."""
    answer = log_in(server, PROXIED, **{"auth-password": "not-the-password"})
    assert answer.status == 200
    assert b"Please enter the correct username and password" in answer.body
    cookie = answer.cookie("__Host-sessionid").split(";", 1)[0]
    admin = server.request("/admin/", headers={**PROXIED, "Cookie": cookie})
    assert admin.status == 302 and "/admin/login/" in admin.headers["Location"]
