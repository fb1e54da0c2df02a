"""Settings come from the environment; an unsafe production start is refused."""

import ast
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def start(**env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DATABASE_URL"}
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "liverqa.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_without_a_secret_key_refuses_to_start():
    result = start()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "x",
        secrets.token_urlsafe(50)[:49],
        "abcd" * 20,
        "django-insecure-" + secrets.token_urlsafe(50),
    ],
    ids=["one character", "49 characters", "4 different characters", "startproject's"],
)
def test_production_with_a_weak_secret_key_refuses_to_start(key):
    result = start(DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be at least 50 random characters" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


def test_debug_mode_accepts_a_short_development_key():
    result = start(DJANGO_DEBUG="1", DJANGO_SECRET_KEY="dev")
    assert result.returncode == 0, result.stderr


def test_production_with_a_secret_key_starts():
    result = start(DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_debug_mode_runs_without_a_secret():
    result = start(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_a_garbled_debug_flag_is_a_clear_error():
    result = start(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be" in result.stderr


def test_database_url_selects_postgresql():
    check = (
        "import django; django.setup(); from django.db import connection;"
        "print(connection.vendor, connection.settings_dict['NAME'])"
    )
    environment = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/liverqa"}
    result = subprocess.run(
        [sys.executable, "-c", check],
        cwd=settings.BASE_DIR,
        env=environment | {"DJANGO_SETTINGS_MODULE": "liverqa.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split() == ["postgresql", "liverqa"], result.stderr


def manage(tmp_path, dotenv: str | None, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``manage.py`` as a developer types it, with no settings variables of their own."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DATABASE_URL", "LIVERQA_DOTENV"}
    }
    environment |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **env}
    if dotenv is not None:
        environment["LIVERQA_DOTENV"] = dotenv
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_manage_py_reads_the_development_env_file_and_real_variables_win(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"DJANGO_DEBUG=1\nDJANGO_SECRET_KEY={secrets.token_urlsafe(50)}\n")
    shown = manage(tmp_path, str(dotenv), "diffsettings", "--output", "unified")
    assert shown.returncode == 0, shown.stderr
    assert "+ DEBUG = True" in shown.stdout
    overridden = manage(tmp_path, str(dotenv), "diffsettings", DJANGO_DEBUG="0")
    assert overridden.returncode == 0, overridden.stderr
    assert "DEBUG = True" not in overridden.stdout


def test_without_an_env_file_manage_py_refuses_as_production_does(tmp_path):
    result = manage(tmp_path, "", "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


PRODUCTION = {
    "LIVERQA_DOTENV": "",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
}
SECURITY = (
    "SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE "
    "SESSION_COOKIE_NAME CSRF_COOKIE_NAME SECURE_PROXY_SSL_HEADER CSRF_TRUSTED_ORIGINS"
).split()


def security_settings(tmp_path, **env: str) -> dict[str, str]:
    shown = manage(tmp_path, None, "diffsettings", "--all", **PRODUCTION, **env)
    assert shown.returncode == 0, shown.stderr
    lines = (line.removeprefix("### ").split(" = ", 1) for line in shown.stdout.splitlines())
    return {name: value for name, value in lines if name in SECURITY}


def test_production_over_plain_http_keeps_https_only_settings_off(tmp_path):
    """`make serve` and the load tests on http://127.0.0.1:8000: a Secure or __Host- cookie
    would never come back, and a redirect to https would lead nowhere."""
    assert security_settings(tmp_path) == {
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "SESSION_COOKIE_NAME": "'sessionid'",
        "CSRF_COOKIE_NAME": "'csrftoken'",
        "SECURE_PROXY_SSL_HEADER": "None",
        "CSRF_TRUSTED_ORIGINS": "[]",
    }


def test_production_over_https_behind_a_proxy(tmp_path):
    assert security_settings(
        tmp_path,
        DJANGO_HTTPS="1",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://liverqa.example.org, https://www.liverqa.example.org",
    ) == {
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SESSION_COOKIE_NAME": "'__Host-sessionid'",
        "CSRF_COOKIE_NAME": "'__Host-csrftoken'",
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
        "CSRF_TRUSTED_ORIGINS": (
            "['https://liverqa.example.org', 'https://www.liverqa.example.org']"
        ),
    }


def test_check_deploy_is_clean_over_https(tmp_path):
    result = manage(
        tmp_path,
        None,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        DJANGO_HTTPS="1",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues (1 silenced)" in result.stdout  # security.W021, with its reason


def test_check_deploy_asks_for_preload_only_when_it_is_off(tmp_path):
    result = manage(
        tmp_path,
        None,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        DJANGO_HTTPS="1",
        DJANGO_HSTS_PRELOAD="1",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_a_garbled_proxy_header_is_a_clear_error(tmp_path):
    result = manage(
        tmp_path, None, "check", **PRODUCTION, DJANGO_SECURE_PROXY_SSL_HEADER="X-Proto: https"
    )
    assert result.returncode != 0
    assert "DJANGO_SECURE_PROXY_SSL_HEADER must be a header name" in result.stderr


def test_a_media_origin_with_a_path_is_a_clear_error(tmp_path):
    result = manage(
        tmp_path, None, "check", **PRODUCTION, LIVERQA_MEDIA_ORIGIN="https://bucket.test/media/"
    )
    assert result.returncode != 0
    assert "LIVERQA_MEDIA_ORIGIN must be an origin" in result.stderr


def test_the_media_origin_is_allowed_for_images_and_audio_only(tmp_path):
    shown = manage(
        tmp_path,
        None,
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY)",
        **PRODUCTION,
        LIVERQA_MEDIA_ORIGIN="https://liverqa-media.s3.eu-west-1.amazonaws.com",
    )
    assert shown.returncode == 0, shown.stderr
    directives = ast.literal_eval(shown.stdout.strip().splitlines()[-1])["DIRECTIVES"]
    with_origin = {
        name for name, sources in directives.items() if any("amazonaws" in s for s in sources)
    }
    assert with_origin == {"img-src", "media-src"}


def test_a_malformed_admin_address_is_a_clear_error():
    result = start(DJANGO_DEBUG="1", LIVERQA_ADMIN_URL="/admin")
    assert result.returncode != 0
    assert "LIVERQA_ADMIN_URL must be a path such as backstage/" in result.stderr


def test_a_negative_number_of_trusted_proxies_is_a_clear_error():
    result = start(DJANGO_DEBUG="1", LIVERQA_TRUSTED_PROXIES="-1")
    assert result.returncode != 0
    assert "LIVERQA_TRUSTED_PROXIES must be 0 or a number of proxies" in result.stderr


def _email_settings(**env: str) -> list:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_EMAIL")}
    environment |= {"DJANGO_SETTINGS_MODULE": "liverqa.settings", "DJANGO_DEBUG": "1", **env}
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(repr([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
        "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return ast.literal_eval(result.stdout.strip())


def test_e_mail_goes_to_the_console_unless_an_smtp_host_is_set():
    assert _email_settings()[0] == "django.core.mail.backends.console.EmailBackend"
    assert _email_settings(
        DJANGO_EMAIL_HOST="smtp.example.org",
        DJANGO_EMAIL_PORT="465",
        DJANGO_EMAIL_HOST_USER="liverqa",
        DJANGO_EMAIL_HOST_PASSWORD="secret",
        DJANGO_EMAIL_USE_TLS="0",
        DJANGO_DEFAULT_FROM_EMAIL="reviews@example.org",
    ) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        465,
        "liverqa",
        "secret",
        False,
        "reviews@example.org",
    ]
