"""Settings come from the environment; an unsafe production start is refused."""

import os
import subprocess
import sys

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


def test_production_with_a_secret_key_starts():
    result = start(DJANGO_SECRET_KEY="x" * 50)
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
