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
    dotenv.write_text("DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=" + "k" * 60 + "\n")
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


def test_a_malformed_admin_address_is_a_clear_error():
    result = start(DJANGO_DEBUG="1", LIVERQA_ADMIN_URL="/admin")
    assert result.returncode != 0
    assert "LIVERQA_ADMIN_URL must be a path such as backstage/" in result.stderr
