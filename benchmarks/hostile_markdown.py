"""How long hostile article bodies hold a worker: rendering, the admin's add form, the preview.

    .venv/bin/python benchmarks/hostile_markdown.py

Posts each body in ``HOSTILE_BODIES`` through the real admin add form and the live preview
endpoint (Django's test client, a logged-in superuser, a throwaway SQLite file or
DATABASE_URL), and renders it with ``render_markdown`` alone, printing the wall-clock and CPU
time and the answer of each. The suite (tests/test_hostile_markdown.py) posts the same bodies and
checks the answers; timings live here, not in the suite.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_PARAGRAPH = "The liver filters the blood and stores energy. " * 10 + "\n\n"

# The inputs that stalled or crashed Python-Markdown, the renderer before CommonMark.
HOSTILE_BODIES = {
    "20,000 unclosed [": "[" * 20_000,
    "list 500 deep": "- " * 500 + "x",
    '50,000 "*a"': "*a" * 50_000,
    "2 MB of text": (_PARAGRAPH * (2_000_000 // len(_PARAGRAPH) + 1))[:2_000_000],
}


def _timed(call: Callable[[], str]) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds, and the answer. On a busy machine the CPU time is what the
    request costs the worker; the wall-clock time includes waiting for a core."""
    start, cpu = time.perf_counter(), time.process_time()
    try:
        outcome = call()
    except RecursionError:
        outcome = "RecursionError (a 500)"
    return time.perf_counter() - start, time.process_time() - cpu, outcome


def main() -> None:
    if "DATABASE_URL" not in os.environ:
        path = Path(tempfile.gettempdir()) / "liverqa-hostile-markdown.sqlite3"
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liverqa.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse

    from articles.models import Article, Department, Doctor
    from articles.richtext import render_markdown
    from tests.conftest import add_article_data

    setup_test_environment()  # the test client then accepts "testserver"
    # Admin pages without running collectstatic first, as in the suite.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
    call_command("migrate", verbosity=0)
    Article.objects.filter(slug__startswith="hostile-").delete()
    user, _ = get_user_model().objects.get_or_create(
        username="benchmark", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    department, _ = Department.objects.get_or_create(slug="benchmark", name="Benchmark")
    doctor, _ = Doctor.objects.get_or_create(
        slug="benchmark", defaults={"name": "Benchmark", "department": department}
    )

    def render(body: str) -> Callable[[], str]:
        return lambda: f"{len(render_markdown(body)):,} characters of HTML"

    def add_form(slug: str, body: str) -> Callable[[], str]:
        data = add_article_data(client, title=slug, slug=slug, doctor=doctor.pk, body=body)

        def post() -> str:
            response = client.post(reverse("admin:articles_article_add"), data)
            if response.status_code == 302:
                return "saved"
            if response.status_code == 200 and "errorlist" in response.text:
                errors = response.context["adminform"].form.errors.values()
                return "form error: " + " ".join(m for field in errors for m in field)
            return f"HTTP {response.status_code}"

        return post

    def preview(body: str) -> Callable[[], str]:
        def post() -> str:
            response = client.post(reverse("admin:articles_article_body_preview"), {"body": body})
            return f"HTTP {response.status_code}"

        return post

    rows = []
    for number, (name, body) in enumerate(HOSTILE_BODIES.items(), start=1):
        for path, call in [
            ("render_markdown", render(body)),
            ("admin add form", add_form(f"hostile-{number}", body)),
            ("preview", preview(body)),
        ]:
            seconds, cpu, outcome = _timed(call)
            rows.append((name, path, seconds, cpu, outcome))
            print(f"{name:<18} {path:<16} {seconds:>8.3f} s {cpu:>8.3f} s  {outcome[:60]}")

    print("\n| input | path | wall s | CPU s | answer |\n| --- | --- | ---: | ---: | --- |")
    for name, path, seconds, cpu, outcome in rows:
        print(f"| {name} | {path} | {seconds:.3f} | {cpu:.3f} | {outcome[:90]} |")


if __name__ == "__main__":
    main()
