"""What one request costs in process, from a static file to an answer's page built from nothing.

    .venv/bin/python benchmarks/page_cost.py [--requests 2000]

Loads the shipped content into a throwaway SQLite file (or DATABASE_URL, which should name an
empty database) as `make serve` does (migrate, collectstatic into a temporary directory,
``load_initial_content``, ``rebuild_indexes --if-empty``), with debug off, pages in process
memory and their versions in the database (REDIS_URL is ignored). Each request then goes
through Django's WSGI handler (the middleware, WhiteNoise, the page cache, as gunicorn calls
it) with a fake environ that accepts gzip, as browsers do; no server, no network. Every row is
``--requests`` requests over the published answers in turn, after a warm-up, and gives the
median and p95 in ms and the most queries any request ran. Before each request of the two
cache misses (untimed), either the stored page alone is forgotten, as when its lifetime ends, or
the answer's Other Voices version is moved with the page cache's version store, as a commit that
changed that list moves it. Prints a Markdown table; ``--profile`` adds where the time of the
last row goes, under cProfile.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WARM_UP = 3  # passes over every page before timing: templates, statements, the page cache


def _environ(path: str) -> dict:
    """A browser's GET of ``path``, as a WSGI server hands it to Django."""
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }


def _request(handler, path: str) -> tuple[int, str | None, list[str]]:
    """(status, X-Page-Cache, the SQL it ran) of one GET through ``handler``, body read and
    closed."""
    from django.db import connection

    started = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        started["status"], started["headers"] = int(status.split()[0]), dict(headers)

    queries = []

    def note(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        response = handler(_environ(path), start_response)
        for _ in response:
            pass
        response.close()
    return started["status"], started["headers"].get("X-Page-Cache"), queries


def _row(
    handler,
    paths: list[str],
    requests: int,
    expect: str | None,
    before: Callable[[str], None] = lambda path: None,
    untouched: str = "",
) -> tuple[float, float, int]:
    """(median ms, p95 ms, most queries) of ``requests`` GETs of ``paths`` in turn, each
    answered 200 with X-Page-Cache ``expect`` and without a query naming the table
    ``untouched``; ``before(path)`` runs untimed first."""
    from benchmarks.run import percentile

    times, queries = [], 0
    for n in range(WARM_UP * len(paths) + requests):
        path = paths[n % len(paths)]
        before(path)
        started = time.perf_counter()
        status, cache, sql = _request(handler, path)
        elapsed = time.perf_counter() - started
        if n < WARM_UP * len(paths):
            continue  # the first pass also fills the page cache
        if (status, cache) != (200, expect):
            raise SystemExit(f"{path} answered {status}, X-Page-Cache {cache}, not {expect}")
        if untouched and any(untouched in statement for statement in sql):
            raise SystemExit(f"{path} read {untouched}")
        times.append(elapsed * 1000)
        queries = max(queries, len(sql))
    return percentile(times, 50), percentile(times, 95), queries


def _answers() -> dict[str, int]:
    """The published answers: {address: id}."""
    from articles.models import Article

    return {a.get_absolute_url(): a.pk for a in Article.objects.published().order_by("pk")}


def measure(requests: int) -> list[tuple[str, float, float, int]]:
    """(label, median ms, p95 ms, queries) per row: the loaded content, static files collected
    into STATIC_ROOT, the page cache on."""
    from django.conf import settings
    from django.core.cache import caches
    from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
    from django.templatetags.static import static
    from django.test.utils import override_settings

    from articles.models import RelatedArticle
    from articles.pagecache import _page_key
    from articles.pageversions import store

    if not settings.LIVERQA_PAGE_CACHE_SECONDS:
        raise SystemExit("The page cache is off (LIVERQA_PAGE_CACHE_SECONDS=0).")
    handler = WSGIHandler()
    answers = _answers()
    pages = list(answers)

    def expire(path: str) -> None:
        """Forget the stored page only, as its lifetime ending would: its Other Voices
        fragment stays. (Moving the answer's version would also move every fragment that
        lists it, and each of the shipped answers lists the others.)"""
        caches["pages"].delete(_page_key(WSGIRequest(_environ(path))))

    def edit_sidebar(path: str) -> None:
        """Move the answer's Other Voices version, as a commit that changed that list does:
        its page and its fragment are both built again."""
        store().bump({f"sidebar:{answers[path]}"})

    rows = [
        ("static file (WhiteNoise)", _row(handler, [static("css/site.css")], requests, None)),
        ("answer's page from the page cache", _row(handler, pages, requests, "hit")),
        (
            "page cache miss (page expired), Other Voices fragment reused",
            _row(
                handler,
                pages,
                requests,
                "miss",
                before=expire,
                untouched=RelatedArticle._meta.db_table,  # the stored Other Voices lists
            ),
        ),
        (
            "page cache miss (its Other Voices changed), fragment rebuilt",
            _row(handler, pages, requests, "miss", before=edit_sidebar),
        ),
    ]
    with override_settings(LIVERQA_PAGE_CACHE_SECONDS=0):
        rows.append(("page cache off", _row(handler, pages, requests, None)))
    return [(label, *figures) for label, figures in rows]


def table(rows: list[tuple[str, float, float, int]], requests: int, database: str) -> str:
    lines = [
        f"| {database}, {requests:,} requests each | median ms | p95 ms | queries |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {label} | {p50:.2f} | {p95:.2f} | {q} |" for label, p50, p95, q in rows]
    return "\n".join(lines)


def profile(requests: int) -> str:
    """Where an answer's page spends its time with the page cache off, under cProfile: a
    Markdown table of shares of the WSGI handler's time (the profiler's own cost included)."""
    import cProfile
    import pstats

    from django.core.handlers.wsgi import WSGIHandler
    from django.db.models.sql.compiler import SQLCompiler
    from django.template.base import Template
    from django.test.utils import override_settings
    from django.urls import reverse

    handler = WSGIHandler()
    pages = list(_answers())
    profiler = cProfile.Profile()
    with override_settings(LIVERQA_PAGE_CACHE_SECONDS=0):
        for n in range(WARM_UP * len(pages) + requests):
            if n == WARM_UP * len(pages):
                profiler.enable()
            _request(handler, pages[n % len(pages)])
        profiler.disable()
    stats = pstats.Stats(profiler).stats

    def cumulative(function: Callable) -> tuple[int, float]:
        code = function.__code__
        _, calls, _, seconds, _ = stats[(code.co_filename, code.co_firstlineno, code.co_name)]
        return calls, seconds

    total = cumulative(WSGIHandler.__call__)[1]
    lines = [
        f"| page cache off, {requests:,} requests under cProfile | share of the time | calls "
        "per request |",
        "| --- | --- | --- |",
    ]
    for label, function in (
        ("the ORM's queries, built and run (`SQLCompiler.execute_sql`)", SQLCompiler.execute_sql),
        ("templates (`Template.render`)", Template.render),
        ("`reverse()`, most of it inside templates", reverse),
    ):
        calls, seconds = cumulative(function)
        lines.append(f"| {label} | {seconds / total:.0%} | {calls / requests:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per row (default 2,000)")
    parser.add_argument(
        "--profile", action="store_true", help="then profile the page cache off row's requests"
    )
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be at least 1")

    if "DATABASE_URL" not in os.environ:
        path = Path(tempfile.gettempdir()) / "liverqa-page-cost.sqlite3"
        for stale in path.parent.glob(path.name + "*"):  # the file and its WAL
            stale.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    for name in ("DJANGO_DEBUG", "REDIS_URL", "LIVERQA_PAGE_CACHE_SECONDS"):
        os.environ.pop(name, None)  # served as `make serve` serves, on one machine
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liverqa.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    with tempfile.TemporaryDirectory() as static_root:
        override_settings(STATIC_ROOT=static_root).enable()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_initial_content", verbosity=0)
        call_command("rebuild_indexes", if_empty=True, verbosity=0, stdout=io.StringIO())
        rows = measure(args.requests)
        database = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
        print(table(rows, args.requests, database))
        if args.profile:
            print()
            print(profile(args.requests))


if __name__ == "__main__":
    main()
