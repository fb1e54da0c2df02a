"""liverqa benchmarks: build databases of synthetic articles and measure the site on them.

    .venv/bin/python benchmarks/run.py                      # SQLite, 1k / 10k / 100k articles
    .venv/bin/python benchmarks/run.py --sizes 1000 10000   # fewer sizes
    .venv/bin/python benchmarks/run.py --postgres           # the same on local PostgreSQL
    .venv/bin/python benchmarks/run.py --database-url URL [URL ...]  # admin pages only

Each size gets a fresh database (a file in /tmp, or a PostgreSQL database named
liverqa_bench_<n>), filled by ``seed_demo``. Build steps run as separate processes, so their
time and peak memory are their own; page timings run in one worker process per database,
through Django's test client (in process, no cache, no network). Prints Markdown tables: the
readers' pages and the build, then the editors' pages (``admin_pages``).

``--database-url`` measures the editors' pages of databases that already exist (a 100,000-answer
build takes about ten minutes), one column each, without rebuilding or editing them; it adds only
a superuser to log in as. Give it copies, smallest first.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES = "postgres://postgres@127.0.0.1:5432/"


def run_step(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``manage.py args``; return (seconds, peak memory in MiB) of that process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def fresh_database(size: int, postgres: bool) -> str:
    if not postgres:
        path = Path(tempfile.gettempdir()) / f"liverqa-bench-{size}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = f"liverqa_bench_{size}"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        command = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql]
        subprocess.run(command, check=True)  # noqa: S607 (PostgreSQL's client, from PATH)
    return POSTGRES + name


def environment(url: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 50}
    env.pop("DJANGO_DEBUG", None)  # debug off, as served
    # Pages timed uncached; the duplicate check's rate limit would answer the timed requests 429.
    env |= {"LIVERQA_DOTENV": "", "LIVERQA_PAGE_CACHE_SECONDS": "0"}
    return env | {"LIVERQA_PREVIEW_RATE": "100000/s", "LIVERQA_REQUIRE_2FA": "0"}


def admin_pages(url: str, repeat: int, limit: float) -> dict:
    """The editors' pages of the database at ``url``, in a worker process of their own."""
    worker = subprocess.run(
        [PYTHON, __file__, "--admin-worker", "--repeat", str(repeat), "--limit", str(limit)],
        cwd=ROOT,
        env=environment(url),
        capture_output=True,
        text=True,
    )
    if worker.returncode != 0:
        raise SystemExit(f"measuring the admin of {url} failed:\n{worker.stderr}")
    return json.loads(worker.stdout.strip().splitlines()[-1]) | {"limit": limit}


def build(size: int, postgres: bool, repeat: int, limit: float) -> tuple[dict, dict]:
    url = fresh_database(size, postgres)
    env = environment(url)
    run_step(["migrate", "-v0"], env)
    seed, _ = run_step(["seed_demo", "--articles", str(size), "--no-index"], env)
    rebuild, memory = run_step(["rebuild_indexes", "-v0"], env)
    worker = subprocess.run(
        [PYTHON, __file__, "--worker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    readers = {
        "size": size,
        "seed_s": seed,
        "rebuild_s": rebuild,
        "rebuild_mib": memory,
        **json.loads(worker.stdout.strip().splitlines()[-1]),
    }
    return readers, admin_pages(url, repeat, limit)


def loaddata_speed(postgres: bool) -> float:
    """Seconds for plain loaddata of the shipped fixtures into an empty database."""
    url = fresh_database(0, postgres)
    env = environment(url)
    run_step(["migrate", "-v0"], env)
    worker = subprocess.run(
        [PYTHON, __file__, "--loaddata"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return float(worker.stdout.strip().splitlines()[-1])


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liverqa.settings")
    import django

    django.setup()


def in_process() -> None:
    """Django's test client against the settings as served (debug off), without collected
    static files."""
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    storage = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={"default": storage, "staticfiles": storage}).enable()


def loaddata_worker() -> None:
    """Time plain loaddata into an empty database, committed, so the indexing it triggers
    (search and Other Voices) is included; not Python start-up. Median of five."""
    setup_django()
    from django.core.management import call_command

    times = []
    for _ in range(5):
        call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        call_command("loaddata", "content", verbosity=0)
        times.append(time.perf_counter() - started)
    print(percentile(times, 50))


# -- The worker: in-process timings against one database ---------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def worker() -> None:
    setup_django()
    import random

    from django.db import connection, transaction
    from django.db.models import Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from articles.models import Article, RelatedArticle
    from articles.related import related_articles
    from articles.search import search

    in_process()
    client = Client()
    rng = random.Random(1)
    published = list(Article.objects.published().values_list("pk", "slug"))
    sample = rng.sample(published, min(200, len(published)))

    def timed(urls: list[str]) -> tuple[float, float, int]:
        for url in urls[:5]:  # warm caches: templates, prepared statements, page cache
            client.get(url)
        times, queries = [], 0
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            queries = max(queries, len(captured))
        if os.environ.get("BENCH_SLOWEST"):
            slowest = sorted(zip(times, urls, strict=True))[-3:]
            print("slowest:", [(round(t, 1), u) for t, u in slowest], file=sys.stderr)
        return percentile(times, 50), percentile(times, 95), queries

    result = {}
    articles = [f"/articles/{slug}/" for _, slug in sample]
    result["article"] = timed(articles)
    # And served from the page cache (filled first), as anonymous readers get them.
    with override_settings(LIVERQA_PAGE_CACHE_SECONDS=600):
        for url in articles:
            client.get(url)
        result["article_cached"] = timed(articles)
    pages = max(1, len(published) // 10)
    result["list"] = timed([f"/articles/?page={rng.randint(1, pages)}" for _ in range(100)])

    words = Article.objects.published().order_by("pk").values_list("title", flat=True)[:50]
    topical = [t.split()[-1].rstrip("?") for t in words]
    queries = (
        ["liver", "patient doctor", "treatment", "the", "pain OR blood", '"follow up"']
        + topical[:30]
        + [f"{a} {b}" for a, b in zip(topical[30:40], topical[40:50], strict=True)]
        + ["-liver", "xylophone", "肝癌"]
    )
    result["search"] = timed([f"/search/?q={q}" for q in queries])

    # The same words through the search index, and through the LIKE scan a search page
    # without one would need: count every match, then fetch the first page.
    indexed, scanned = [], []
    for q in queries:
        started = time.perf_counter()
        found = search(q)
        Article.objects.published().for_listing().in_bulk(found.ids[:10])
        indexed.append((time.perf_counter() - started) * 1000)
        words = [w.strip('"-') for w in q.split() if w.strip('"-') not in {"OR", ""}]
        matches = Article.objects.published()
        for word in words:
            matches = matches.filter(Q(title__icontains=word) | Q(body__icontains=word))
        started = time.perf_counter()
        matches.count()
        list(matches.for_listing().order_by("-published_at")[:10])
        scanned.append((time.perf_counter() - started) * 1000)
    result["search_core"] = (percentile(indexed, 50), percentile(indexed, 95))
    result["like"] = (percentile(scanned, 50), percentile(scanned, 95))

    sidebar = []
    for pk, _ in sample:
        article = Article(pk=pk)
        started = time.perf_counter()
        related_articles(article)
        sidebar.append((time.perf_counter() - started) * 1000)
    result["sidebar_p50"] = percentile(sidebar, 50)

    edits = []
    for pk, _ in sample[:20]:
        article = Article.objects.get(pk=pk)
        started = time.perf_counter()
        with transaction.atomic():
            article.title = article.title.rstrip("?") + " today?"
            article.body += " Follow up blood tests."
            article.save()
        edits.append((time.perf_counter() - started) * 1000)
    result["edit_p50"], result["edit_max"] = percentile(edits, 50), max(edits)

    target = sample[-1][0]
    started = time.perf_counter()
    with transaction.atomic():
        article = Article.objects.get(pk=target)
        article.status = Article.Status.DRAFT
        article.save()
    result["unpublish_ms"] = (time.perf_counter() - started) * 1000
    result["unpublished_gone"] = not RelatedArticle.objects.filter(related_id=target).exists()
    print(json.dumps(result))


def table(rows: list[dict], loaddata: float, database: str) -> str:
    def ms(v: float) -> str:
        return f"{v:.1f}"

    lines = [
        f"| {database} | " + " | ".join(f"{r['size']:,}" for r in rows) + " |",
        "| --- |" + " --- |" * len(rows),
    ]

    def row(label: str, cell) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in rows) + " |")

    row(
        "article page p50 / p95 ms (queries)",
        lambda r: f"{ms(r['article'][0])} / {ms(r['article'][1])} ({r['article'][2]})",
    )
    row(
        "article page from the page cache, p50 / p95 ms (queries)",
        lambda r: (
            f"{ms(r['article_cached'][0])} / {ms(r['article_cached'][1])} "
            f"({r['article_cached'][2]})"
        ),
    )
    row(
        "list page p50 / p95 ms (queries)",
        lambda r: f"{ms(r['list'][0])} / {ms(r['list'][1])} ({r['list'][2]})",
    )
    row(
        "search p50 / p95 ms (queries)",
        lambda r: f"{ms(r['search'][0])} / {ms(r['search'][1])} ({r['search'][2]})",
    )
    row(
        "search data p50 / p95 ms vs LIKE scan",
        lambda r: (
            f"{ms(r['search_core'][0])} / {ms(r['search_core'][1])} vs "
            f"{ms(r['like'][0])} / {ms(r['like'][1])} ({r['like'][0] / r['search_core'][0]:.0f}×)"
        ),
    )
    row("sidebar lookup p50 ms", lambda r: f"{r['sidebar_p50']:.2f}")
    row(
        "edit → every sidebar + index, p50 / max ms",
        lambda r: f"{ms(r['edit_p50'])} / {ms(r['edit_max'])}",
    )
    row(
        "unpublish → gone from every sidebar, ms",
        lambda r: f"{ms(r['unpublish_ms'])} ({'yes' if r['unpublished_gone'] else 'NO'})",
    )
    row(
        "rebuild_indexes s (ms / article)",
        lambda r: f"{r['rebuild_s']:.1f} ({r['rebuild_s'] * 1000 / r['size']:.2f})",
    )
    row("rebuild_indexes peak memory MiB", lambda r: f"{r['rebuild_mib']:.0f}")
    row("seed_demo s (without indexes)", lambda r: f"{r['seed_s']:.1f}")
    lines.append(
        f"\nPlain `loaddata content` into an empty database, search and Other Voices "
        f"included: {loaddata:.2f} s."
    )
    return "\n".join(lines)


def admin_table(rows: list[dict], database: str) -> str:
    """A Markdown table: a row per page, a column per database measured."""
    lines = [
        f"| {database}, admin: p50 / p95 ms (queries) | "
        + " | ".join(f"{r['size']:,}" for r in rows)
        + " |",
        "| --- |" + " --- |" * len(rows),
    ]
    labels = list(dict.fromkeys(label for r in rows for label, *_ in r["pages"]))
    for label in labels:
        cells = []
        for r in rows:
            found = {lbl: (p50, p95, q) for lbl, p50, p95, q in r["pages"]}.get(label)
            if not found:
                cells.append("–")
            elif found[0] is None:
                cells.append(f"over {r['limit']:.0f} s")
            else:
                cells.append(f"{found[0]:.1f} / {found[1]:.1f} ({found[2]})")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument(
        "--database-url",
        nargs="+",
        metavar="URL",
        help="measure the admin pages of these existing databases instead of building any",
    )
    parser.add_argument(
        "--repeat", type=int, default=10, help="requests per admin page (default 10)"
    )
    parser.add_argument(
        "--limit",
        type=float,
        default=30,
        help="seconds after which an admin page's query is stopped and the page marked slow",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--admin-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--loaddata", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    if args.admin_worker:
        setup_django()
        in_process()
        from benchmarks.admin_pages import measure

        print(json.dumps(measure(args.repeat, args.limit)))
        return
    if args.loaddata:
        loaddata_worker()
        return
    if args.database_url:
        rows = []
        for url in args.database_url:
            print(f"measuring the admin of {url}…", file=sys.stderr)
            rows.append(admin_pages(url, args.repeat, args.limit))
        postgres = args.database_url[0].startswith("postgres")
        print(admin_table(rows, "PostgreSQL" if postgres else "SQLite"))
        return
    rows, admin_rows = [], []
    for size in args.sizes:
        print(f"building and measuring {size:,} articles…", file=sys.stderr)
        readers, editors = build(size, args.postgres, args.repeat, args.limit)
        rows.append(readers)
        admin_rows.append(editors)
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(table(rows, loaddata_speed(args.postgres), database))
    print()
    print(admin_table(admin_rows, database))


if __name__ == "__main__":
    main()
