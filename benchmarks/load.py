"""Load, concurrency and crash tests against real gunicorn servers in production mode.

    .venv/bin/python benchmarks/load.py --short        # every test, a few seconds each (CI)
    .venv/bin/python benchmarks/load.py all            # every test, full length (~5 minutes)
    .venv/bin/python benchmarks/load.py wrk            # or ratio, writers, crash, two-servers

wrk          wrk -c64 for 30 s on an article page, the home page and a search.
ratio        cached article page vs a static file from the same server (five alternating
             3 s runs each, the best of each compared), then with the page cache off
             (LIVERQA_PAGE_CACHE_SECONDS=0).
writers      100 readers + an editor adding a tag every 0.5 s through the admin, with the
             IMMEDIATE and the DEFERRED SQLite transaction mode: reader errors, lost writes.
crash        SIGKILL to gunicorn's whole process group while an editor adds tags, 10 times:
             PRAGMA integrity_check and every acknowledged tag still there.
two-servers  two servers on one PostgreSQL database and Redis: a tag renamed through one is
             shown renamed by both at once.

Each test builds its database as `make serve` would (migrate, collectstatic, the shipped content,
rebuild_indexes --if-empty) plus synthetic articles (seed_demo), copies it for each server, and
starts gunicorn with gunicorn.conf.py in its own process group, stopped (SIGKILL at the latest)
whatever happens. Temporary databases are deleted; server logs stay in the printed folder.
Needs wrk (apt-get install wrk), PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and Redis
at 127.0.0.1:6379. Exits 1 when a target that must hold fails (errors, lost writes, integrity,
consistency); throughput ratios are reported, never fatal. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LUA = Path(__file__).with_name("wrk_report.lua")
HOST = "127.0.0.1"
PORT, PORT_B = 8001, 8002
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
REDIS = "redis://127.0.0.1:6379/"
EDITOR = "loadtest"
# The server's environment is this script's, minus anything that would change what is measured.
CLEARED = ("DJANGO_", "LIVERQA_", "GUNICORN_", "REDIS_URL", "DATABASE_URL", "WEB_CONCURRENCY")
# gunicorn's logging, plus a root handler: with debug off Django sends a 500's traceback only
# to ADMINS, so without it a "database is locked" would leave no trace in the log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}
# An access log line: "[time] [worker pid] [INFO] 127.0.0.1 - ...".
ACCESS = re.compile(r"^\[([^]]+)\] \[(\d+)\] \[INFO\] 127\.0\.0\.1 - ")
# The last line of a traceback: "IndexError: string index out of range".
EXCEPTION = re.compile(r"^(?:[a-z_]+\.)*([A-Z]\w*(?:Error|Exception)\b.*)$")


# -- Databases and servers ----------------------------------------------------------------------


class Workspace:
    """One run's temporary folder: databases (deleted at the end) and server logs (kept)."""

    def __init__(self, short: bool) -> None:
        self.short = short
        self.articles = 200 if short else 2000
        self.dir = Path(tempfile.mkdtemp(prefix="liverqa-load-"))
        self.logs = self.dir / "logs"
        self.logs.mkdir()
        self.databases = self.dir / "databases"
        self.databases.mkdir()
        self.logging = self.dir / "gunicorn-logging.json"
        self.logging.write_text(json.dumps(LOGGING))
        self.secret = secrets.token_urlsafe(50)
        self.password = secrets.token_urlsafe(16)
        self._template: Path | None = None
        self._postgres: list[str] = []
        self._collected = False

    def env(self, database_url: str, **settings: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED)}
        env.update(
            LIVERQA_DOTENV="",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=self.secret,
            DATABASE_URL=database_url,
            DJANGO_SUPERUSER_USERNAME=EDITOR,
            DJANGO_SUPERUSER_PASSWORD=self.password,
            DJANGO_SUPERUSER_EMAIL="loadtest@example.org",
            **settings,
        )
        return env

    def manage(self, database_url: str, *args: str) -> None:
        with open(self.logs / "manage.log", "ab") as log:
            log.write(f"\n$ manage.py {' '.join(args)}\n".encode())
            log.flush()
            subprocess.run(
                [BIN / "python", "manage.py", *args],
                cwd=ROOT,
                env=self.env(database_url),
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=900,
            )

    def _prepare(self, database_url: str) -> None:
        """What `make serve` does before gunicorn starts, plus synthetic articles and an
        editor account."""
        self.manage(database_url, "check", "--deploy", "--fail-level", "ERROR")
        self.manage(database_url, "migrate", "--noinput")
        if not self._collected:
            self.manage(database_url, "collectstatic", "--noinput", "-v0")
            self._collected = True
        self.manage(database_url, "load_initial_content")
        self.manage(database_url, "seed_demo", "--articles", str(self.articles), "--force")
        self.manage(database_url, "rebuild_indexes", "--if-empty")
        self.manage(database_url, "createsuperuser", "--noinput")

    def sqlite(self, name: str) -> str:
        """A fresh copy of the prepared SQLite database (prepared once per run)."""
        if self._template is None:
            template = self.databases / "template.sqlite3"
            self._prepare(f"sqlite:///{template}")
            self._template = template
        copy = self.databases / f"{name}.sqlite3"
        with (
            closing(sqlite3.connect(self._template)) as source,
            closing(sqlite3.connect(copy)) as target,
        ):
            source.backup(target)
        return f"sqlite:///{copy}"

    def postgres(self) -> str:
        """A new PostgreSQL database, prepared; dropped by ``close``."""
        import psycopg

        name = f"liverqa_load_{os.getpid()}_{len(self._postgres)}"
        with psycopg.connect(POSTGRES + "postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        self._postgres.append(name)
        self._prepare(POSTGRES + name)
        return POSTGRES + name

    def close(self) -> None:
        shutil.rmtree(self.databases, ignore_errors=True)
        if self._postgres:
            import psycopg

            with psycopg.connect(POSTGRES + "postgres", autocommit=True) as connection:
                for name in self._postgres:
                    connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def rows(database_url: str, sql: str) -> list[tuple]:
    """Plain SQL that SQLite and PostgreSQL both read, run outside the servers."""
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        with closing(sqlite3.connect(path, timeout=30)) as connection:
            return connection.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute(sql).fetchall()


def integrity(database_url: str) -> str:
    return ", ".join(row[0] for row in rows(database_url, "PRAGMA integrity_check"))


def tag_names(database_url: str) -> set[str]:
    return {name for (name,) in rows(database_url, "SELECT name FROM taggit_tag")}


def port_is_free(port: int) -> bool:
    with closing(socket.socket()) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in a process group: orphaned workers that have exited may
    wait for a reaper that never comes, and hold nothing."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            state, _, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
            if int(group) == pgid and state != "Z":
                members.append(int(stat.parent.name))
    return members


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block (a bounded clean-up) is done. Ignored rather
    than blocked: Python runs handlers in the main thread whichever thread took the signal."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    handlers = {signum: signal.signal(signum, signal.SIG_IGN) for signum in stopping}
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


class Server:
    """gunicorn as `make serve` starts it, in a process group of its own, logging to a file."""

    def __init__(
        self, workspace: Workspace, name: str, port: int, database_url: str, **settings: str
    ) -> None:
        self.port = port
        self.log_path = workspace.logs / f"{name}.log"
        self.command = [
            str(BIN / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--log-config-json",
            str(workspace.logging),
            "liverqa.wsgi",
        ]
        self.env = workspace.env(database_url, HOST=HOST, PORT=str(port), **settings)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        if not port_is_free(self.port):
            raise RuntimeError(f"port {self.port} is taken; stop what listens there first")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed as one
            )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._exited():
                raise RuntimeError(f"gunicorn exited at start; see {self.log_path}")
            with suppress(OSError, http.client.HTTPException):
                if fetch(self.port, "/healthz").status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not healthy after 60 s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once: the crash."""
        self._reap(grace=0)

    def stop(self) -> None:
        """SIGTERM, up to gunicorn's graceful timeout, then SIGKILL to whatever is left."""
        self._reap(grace=25)

    def _exited(self) -> bool:
        """Whether the master has exited, without reaping it: while it is an unreaped zombie,
        its process group id cannot be given to anyone else, so killpg stays safe."""
        flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
        return os.waitid(os.P_PID, self.process.pid, flags) is not None

    def _reap(self, grace: float) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        with uninterrupted():
            pgid = self.process.pid
            if grace:
                with suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGTERM)
                deadline = time.monotonic() + grace
                while not self._exited() and time.monotonic() < deadline:
                    time.sleep(0.1)
            with suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            self.process.wait()
            for _ in range(50):  # workers die with the master; wait until they have
                if not group_members(pgid):
                    break
                time.sleep(0.1)

    def restarts(self) -> int:
        """Workers recycled so far (max_requests): each drops its keep-alive connections and
        its page cache."""
        with open(self.log_path, errors="replace") as log:
            return sum("Autorestarting worker" in line for line in log)

    def served(self) -> Counter:
        """Requests answered so far, by second and worker process (from the access log)."""
        with open(self.log_path, errors="replace") as log:
            return Counter(match.groups() for line in log if (match := ACCESS.match(line)))

    def exceptions(self) -> Counter:
        """The exceptions of the tracebacks in the log (each 500 leaves one), by kind."""
        with open(self.log_path, errors="replace") as log:
            return Counter(match[1][:60] for line in log if (match := EXCEPTION.match(line)))


# -- HTTP clients -------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(port: int, path: str) -> Answer:
    """One anonymous GET on a connection of its own."""
    with closing(http.client.HTTPConnection(HOST, port, timeout=15)) as connection:
        connection.request("GET", path)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())


class Editor:
    """An editor in the admin over one keep-alive connection, as a browser would be."""

    KEEPALIVE = 4.0  # seconds: reconnect before gunicorn's 5 s keep-alive closes on us

    def __init__(self, port: int, password: str) -> None:
        self.port = port
        self.password = password
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.connection: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        if self.connection is None or time.monotonic() - self.last_used > self.KEEPALIVE:
            self.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        except BaseException:
            self.close()
            raise
        self.last_used = time.monotonic()
        if response.will_close:
            self.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                # Success messages are never read here; kept, they would grow the cookie
                # until Django spilled them into the session.
                if name != "messages":
                    self.cookies[name] = morsel.value
        return answer

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def login(self) -> None:
        """Log in; a refusal (a 500 from a locked database) is tried again a few times."""
        for _ in range(5):
            # The first step of the two-step login (liverqa.logins); the editor has no second.
            form = {
                "admin_login_view-current_step": "auth",
                "auth-username": EDITOR,
                "auth-password": self.password,
                "next": "/admin/",
            }
            answer = self.request("POST", "/admin/login/", self._with_token("/admin/login/", form))
            if answer.status == 302 and "login" not in answer.headers.get("Location", ""):
                # Logging in rotates the CSRF secret; one token of the new one serves every form.
                self.token = csrf_token(self.request("GET", "/admin/articles/topic/add/"))
                return
            time.sleep(0.5)
        raise RuntimeError(f"admin login failed: {answer.status}")

    def _with_token(self, path: str, form: dict[str, str]) -> dict[str, str]:
        return {**form, "csrfmiddlewaretoken": csrf_token(self.request("GET", path))}

    def save_tag(self, name: str, slug: str, pk: int | None = None) -> int:
        """Add a tag (or rename tag ``pk``); return the status, 302 when it was saved."""
        path = f"/admin/articles/topic/{pk}/change/" if pk else "/admin/articles/topic/add/"
        form = {"name": name, "slug": slug, "csrfmiddlewaretoken": self.token, "_save": "Save"}
        answer = self.request("POST", path, form)
        if answer.status == 302 and "login" in answer.headers.get("Location", ""):
            return 403  # the session was lost: nothing was saved
        return answer.status


def csrf_token(answer: Answer) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', answer.body)
    if answer.status != 200 or not found:
        raise RuntimeError(f"no CSRF token in a {answer.status} answer")
    return found.group(1).decode()


@dataclass(frozen=True)
class Site:
    """Addresses readers can ask for, read from the database."""

    articles: list[str]
    tags: list[str]
    departments: list[str]
    doctors: list[str]
    list_pages: int
    words: list[str]

    @classmethod
    def load(cls, database_url: str) -> Site:
        live = (
            "status = 'published' AND published_at <= CURRENT_TIMESTAMP"
            " AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP)"
            " AND working_copy_of_id IS NULL"
        )
        articles = rows(database_url, f"SELECT slug, title FROM articles_article WHERE {live}")
        # Only departments and doctors with a live answer: the others are 404s, as they should be.
        with_live = (
            "SELECT DISTINCT {table}.slug FROM articles_doctor d"
            " JOIN articles_department p ON p.id = d.department_id"
            f" JOIN articles_article a ON a.doctor_id = d.id WHERE a.{live}"
        )
        titles = " ".join(title for _, title in articles).lower()
        return cls(
            articles=[slug for slug, _ in articles],
            # Only topics readers can open: one used by drafts alone is a 404, as it should be.
            tags=[
                slug
                for (slug,) in rows(
                    database_url,
                    "SELECT DISTINCT t.slug FROM taggit_tag t"
                    " JOIN articles_taggedarticle ta ON ta.tag_id = t.id"
                    f" JOIN articles_article a ON a.id = ta.content_object_id WHERE a.{live}",
                )
            ],
            departments=[s for (s,) in rows(database_url, with_live.format(table="p"))],
            doctors=[s for (s,) in rows(database_url, with_live.format(table="d"))],
            list_pages=max(1, (len(articles) + 9) // 10),
            words=sorted(set(re.findall(r"[a-z]{4,}", titles))),
        )

    def random_path(self, rng: random.Random) -> str:
        """Half article pages, a fifth searches of random words (mostly cache misses), the
        rest list pages."""
        roll = rng.random()
        if roll < 0.5:
            return f"/articles/{quote(rng.choice(self.articles))}/"
        if roll < 0.7:
            words = rng.sample(self.words, rng.randint(1, 2))
            return "/search/?" + urlencode({"q": " ".join(words)})
        return rng.choice(
            [
                "/",
                f"/articles/?page={rng.randint(1, self.list_pages)}",
                "/departments/",
                f"/departments/{quote(rng.choice(self.departments))}/",
                f"/doctors/{quote(rng.choice(self.doctors))}/",
                f"/tags/{quote(rng.choice(self.tags))}/",
            ]
        )


@dataclass
class Tally:
    """What one reader saw; summed after the run."""

    requests: int = 0
    hits: int = 0
    statuses: Counter = field(default_factory=Counter)  # answers outside 2xx, by status
    failures: Counter = field(default_factory=Counter)  # connection errors, by kind

    def add(self, other: Tally) -> None:
        self.requests += other.requests
        self.hits += other.hits
        self.statuses.update(other.statuses)
        self.failures.update(other.failures)

    @property
    def errors(self) -> int:
        return sum(self.statuses.values()) + sum(self.failures.values())

    def describe(self) -> str:
        kinds = {**{str(k): v for k, v in self.statuses.items()}, **self.failures}
        return ", ".join(f"{v}× {k}" for k, v in sorted(kinds.items())) or "none"


def read(port: int, pick: Callable[[], str], stop: threading.Event, pause: float) -> Tally:
    """Fetch pages on one keep-alive connection until ``stop``, as one reader would."""
    tally = Tally()
    connection = None
    for _ in range(1_000_000):
        if stop.is_set():
            break
        try:
            if connection is None:
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
            connection.request("GET", pick())
            response = connection.getresponse()
            response.read()
            tally.requests += 1
            tally.hits += response.getheader("X-Page-Cache") == "hit"
            if not 200 <= response.status < 300:
                tally.statuses[response.status] += 1
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as exc:
            if stop.is_set():
                break  # the server is going away: not the reader's error
            tally.failures[type(exc).__name__] += 1
            if connection is not None:
                connection.close()
            connection = None
        if pause:
            stop.wait(pause)
    if connection is not None:
        connection.close()
    return tally


@contextmanager
def readers(
    count: int, port: int, site: Site, pause: float = 0.0, hot: str = ""
) -> Iterator[Tally]:
    """``count`` reader threads for the duration of the block; the yielded tally is filled
    when it ends. ``hot``, if given, is a third of every reader's requests."""
    stop = threading.Event()
    total = Tally()
    results: list[Tally] = []

    def reader(seed: int) -> None:
        rng = random.Random(seed)

        def pick() -> str:
            return hot if hot and rng.random() < 1 / 3 else site.random_path(rng)

        results.append(read(port, pick, stop, pause))

    threads = [threading.Thread(target=reader, args=(seed,), daemon=True) for seed in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield total
    finally:
        stop.set()
        deadline = time.monotonic() + 60  # each ends within its request's 30 s timeout
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        for result in results:
            total.add(result)


# -- wrk ----------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    socket_errors: int
    non2xx: int


def wrk(port: int, path: str, seconds: int, connections: int) -> WrkResult:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(LUA),
        f"http://{HOST}:{port}{path}",
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("load.py "))
    figures = json.loads(line.removeprefix("load.py "))
    return WrkResult(
        requests_per_s=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p90_ms=figures["p90_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        socket_errors=sum(figures[k] for k in ("connect", "read", "write", "timeout")),
        non2xx=figures["non2xx"],
    )


def busiest_share(served: Counter) -> str:
    """How much of the work the busiest worker did, second by second: about 50% when two
    workers share it, 100% when one serves alone (recycled workers count as new ones)."""
    busiest: dict[str, int] = {}
    for (second, _), count in served.items():
        busiest[second] = max(busiest.get(second, 0), count)
    return f"{sum(busiest.values()) / max(1, served.total()):.0%}"


def shipped_article(database_url: str) -> str:
    """The first live article of the shipped content (not a synthetic one)."""
    (slug,) = rows(
        database_url,
        "SELECT slug FROM articles_article WHERE status = 'published' "
        "AND published_at <= CURRENT_TIMESTAMP AND slug NOT LIKE 'demo-%' ORDER BY id LIMIT 1",
    )[0]
    return f"/articles/{quote(slug)}/"


def table(header: list[str], body: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in line) + " |" for line in body]
    return "\n".join(lines)


# -- The tests: each prints a table and returns what failed of the targets that must hold -------


def test_wrk(workspace: Workspace) -> list[str]:
    """wrk on an article page, the home page and a search."""
    seconds, connections = (3, 16) if workspace.short else (30, 64)
    database = workspace.sqlite("wrk")
    pages = {
        "article page": shipped_article(database),
        "home page": "/",
        "search ?q=liver": "/search/?q=liver",
    }
    body, failures = [], []
    with Server(workspace, "wrk", PORT, database) as server:
        for label, path in pages.items():
            cache = "hit" if cached(PORT, path) else "miss"
            restarts, served = server.restarts(), server.served()
            result = wrk(PORT, path, seconds, connections)
            restarts, served = server.restarts() - restarts, server.served() - served
            body.append(
                [
                    label,
                    f"{result.requests_per_s:,.0f}",
                    f"{result.p50_ms:.1f}",
                    f"{result.p90_ms:.1f}",
                    f"{result.p99_ms:.1f}",
                    result.socket_errors,
                    result.non2xx,
                    cache,
                    busiest_share(served),
                    restarts,
                ]
            )
            if result.socket_errors or result.non2xx:
                failures.append(
                    f"wrk {label}: {result.socket_errors} socket errors, {result.non2xx} non-2xx"
                )
    print(f"\nwrk -t2 -c{connections} -d{seconds}s --latency, SQLite, gunicorn as make serve\n")
    header = ["page", "requests/s", "p50 ms", "p90 ms", "p99 ms", "socket errors", "non-2xx"]
    print(table([*header, "cached", "busiest worker's share", "worker restarts"], body))
    print(
        "\nKeep-alive connections stay on the worker that accepted them, and a gthread worker "
        "accepts\nall it can: a share near 100% means one of the two workers served alone."
    )
    return failures


def test_ratio(workspace: Workspace) -> list[str]:
    """The article page against a static file from the same server, page cache on and off."""
    rounds, seconds, connections = (2, 2, 16) if workspace.short else (5, 3, 64)
    database = workspace.sqlite("ratio")
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())
    static = "/static/" + manifest["paths"]["css/site.css"]
    article = shipped_article(database)
    body = []
    cases = (("on (default)", {}, 0.8), ("off", {"LIVERQA_PAGE_CACHE_SECONDS": "0"}, 0.25))
    for number, (label, settings, target) in enumerate(cases):
        runs: dict[str, list[WrkResult]] = {article: [], static: []}
        with Server(workspace, f"ratio-{number}", PORT, database, **settings):
            cached(PORT, article)
            fetch(PORT, static)
            for _ in range(rounds):  # alternating, so both sides meet the same conditions
                for path, results in runs.items():
                    results.append(wrk(PORT, path, seconds, connections))
        # The best run of each: a run whose connections all went to one worker (see the wrk
        # test) measures that lottery, not the page.
        rates = [[r.requests_per_s for r in results] for results in runs.values()]
        page, asset = (max(rate) for rate in rates)
        medians = [statistics.median(rate) for rate in rates]
        errors = sum(r.socket_errors + r.non2xx for results in runs.values() for r in results)
        body.append(
            [
                label,
                f"{page:,.0f} ({medians[0]:,.0f})",
                f"{asset:,.0f} ({medians[1]:,.0f})",
                f"{page / asset:.2f}",
                f">= {target}",
                "yes" if page / asset >= target else "no",
                errors,
            ]
        )
    print(
        f"\nArticle page vs {static} on one server: wrk -t2 -c{connections} -d{seconds}s, "
        f"{rounds} alternating runs each, best (median)\n"
    )
    header = ["page cache", "article req/s", "site.css req/s", "ratio of best", "target", "met"]
    print(table([*header, "socket errors + non-2xx"], body))
    return []  # throughput is reported, never fatal


@dataclass
class EditorRun:
    """What an editor's tag additions got, filled in as they happen."""

    ledger: list[str] = field(default_factory=list)  # names of the tags answered 302
    refused: Counter = field(default_factory=Counter)  # every other outcome, by kind
    seconds: list[float] = field(default_factory=list)  # each save's round trip

    def describe_refused(self) -> str:
        return ", ".join(f"{v}× {k}" for k, v in sorted(self.refused.items())) or "none"


def add_tags(
    editor: Editor, label: str, stop: threading.Event, interval: float, run: EditorRun
) -> None:
    """Add tags until ``stop``: one per ``interval`` seconds, or back to back if 0."""
    next_at = time.monotonic()
    for number in range(100_000):
        if stop.is_set():
            break
        name = f"load {label} {number}"
        started = time.monotonic()
        try:
            status = editor.save_tag(name, f"load-{label}-{number}")
        except (OSError, http.client.HTTPException) as exc:
            if not stop.is_set():
                run.refused[type(exc).__name__] += 1
            stop.wait(max(interval, 0.1))
            continue
        run.seconds.append(time.monotonic() - started)
        if status == 302:
            run.ledger.append(name)
        else:
            run.refused[str(status)] += 1
        next_at = max(next_at + interval, time.monotonic())
        stop.wait(next_at - time.monotonic())


def test_writers(workspace: Workspace) -> list[str]:
    """100 readers and an editor adding a tag every 0.5 s, IMMEDIATE then DEFERRED."""
    seconds = 5 if workspace.short else 30
    body, failures = [], []
    for mode in ("IMMEDIATE", "DEFERRED"):
        database = workspace.sqlite(f"writers-{mode.lower()}")
        site = Site.load(database)
        run = EditorRun()
        stop = threading.Event()
        with (
            Server(
                workspace,
                f"writers-{mode.lower()}",
                PORT,
                database,
                LIVERQA_SQLITE_TRANSACTION_MODE=mode,
            ) as server,
            readers(100, PORT, site) as seen,
        ):
            editor = Editor(PORT, workspace.password)
            editor.login()
            timer = threading.Timer(seconds, stop.set)
            timer.start()
            try:
                add_tags(editor, mode.lower(), stop, 0.5, run)
            finally:
                timer.cancel()
                editor.close()
        lost = sorted(set(run.ledger) - tag_names(database))
        body.append(
            [
                mode,
                f"{seen.requests:,}",
                busiest_share(server.served()),
                f"{seen.hits / max(1, seen.requests):.0%}",
                seen.errors,
                seen.describe(),
                len(run.ledger),
                run.describe_refused(),
                f"{statistics.median(run.seconds) * 1000:.0f} / {max(run.seconds) * 1000:.0f}",
                len(lost),
                ", ".join(f"{v}× {k}" for k, v in server.exceptions().most_common()) or "none",
            ]
        )
        if lost:
            failures.append(f"writers {mode}: {len(lost)} acknowledged tags missing: {lost[:5]}")
        if mode == "IMMEDIATE" and (seen.errors or run.refused):
            failures.append(
                f"writers {mode}: readers saw {seen.describe()}; "
                f"the editor got {run.describe_refused()}"
            )
    print(f"\n100 readers + 1 editor adding a tag every 0.5 s for {seconds} s, SQLite\n")
    header = [
        "transaction mode",
        "reader requests",
        "busiest worker's share",
        "cache hits",
        "reader errors",
        "of which",
        "tags saved (302)",
        "editor: other answers",
        "save p50 / max ms",
        "lost writes",
        "exceptions in the server log",
    ]
    print(table(header, body))
    return failures


def test_crash(workspace: Workspace) -> list[str]:
    """SIGKILL to gunicorn's process group while an editor adds tags; integrity and ledger."""
    rounds = 2 if workspace.short else 10
    database = workspace.sqlite("crash")
    rng = random.Random()
    body, failures = [], []
    for round_number in range(1, rounds + 1):
        label = f"crash{round_number}"
        run = EditorRun()
        stop = threading.Event()
        server = Server(workspace, "crash", PORT, database)
        try:
            server.start()
            editor = Editor(PORT, workspace.password)
            editor.login()
            worker = threading.Thread(
                target=add_tags, args=(editor, label, stop, 0.0, run), daemon=True
            )
            worker.start()
            after = rng.uniform(0.5, 3.0)
            time.sleep(after)
            server.kill()
            stop.set()
            worker.join(timeout=60)
            editor.close()
        finally:
            stop.set()
            server.stop()
        check = integrity(database)
        present = tag_names(database)
        missing = [name for name in run.ledger if name not in present]
        unacknowledged = sum(
            name.startswith(f"load {label} ") for name in present - set(run.ledger)
        )
        body.append(
            [
                round_number,
                f"{after:.2f}",
                check,
                len(run.ledger),
                len(run.ledger) - len(missing),
                unacknowledged,
            ]
        )
        if check != "ok" or missing:
            failures.append(f"crash round {round_number}: integrity {check}, missing {missing}")
    print(f"\nSIGKILL to gunicorn's process group while an editor adds tags, {rounds} rounds\n")
    header = [
        "round",
        "killed after s",
        "integrity_check",
        "acknowledged (302)",
        "of those present",
        "saved but unacknowledged",
    ]
    print(table(header, body))
    return failures


@contextmanager
def redis_database() -> Iterator[str]:
    """An empty Redis database of the servers' own, flushed afterwards."""
    import redis

    for number in range(15, 0, -1):
        with redis.Redis.from_url(f"{REDIS}{number}") as client:
            if client.dbsize() == 0:
                break
    else:
        raise RuntimeError("no empty Redis database to use")
    url = f"{REDIS}{number}"
    try:
        yield url
    finally:
        with redis.Redis.from_url(url) as client:
            client.flushdb()


def shown_tag(answer: Answer, slug: str) -> str | None:
    """The tag's name as the article page shows it in its list of topics."""
    pattern = rb'<a href="/tags/' + re.escape(slug.encode()) + rb'/">([^<]*)</a>'
    found = re.search(pattern, answer.body)
    return html.unescape(found.group(1).decode()) if found else None


def test_two_servers(workspace: Workspace) -> list[str]:
    """Two servers, one PostgreSQL database and Redis: a rename shows on both at once."""
    rounds = 3 if workspace.short else 20
    database = workspace.postgres()
    site = Site.load(database)
    pk, slug, article = rows(
        database,
        "SELECT t.id, t.slug, a.slug FROM taggit_tag t "
        "JOIN articles_taggedarticle ta ON ta.tag_id = t.id "
        "JOIN articles_article a ON a.id = ta.content_object_id "
        "WHERE a.status = 'published' AND a.published_at <= CURRENT_TIMESTAMP "
        "AND a.slug NOT LIKE 'demo-%' ORDER BY a.id, t.id LIMIT 1",
    )[0]
    page = f"/articles/{quote(article)}/"
    ports = (PORT, PORT_B)
    consistent, cached_before, late = 0, 0, []
    with redis_database() as redis_url:
        settings = {"REDIS_URL": redis_url}
        with (
            Server(workspace, "two-servers-a", PORT, database, **settings),
            Server(workspace, "two-servers-b", PORT_B, database, **settings),
            readers(4, PORT, site, pause=0.05, hot=page) as seen_a,
            readers(4, PORT_B, site, pause=0.05, hot=page) as seen_b,
        ):
            editor = Editor(PORT, workspace.password)
            editor.login()
            for number in range(1, rounds + 1):
                cached_before += all(cached(port, page) for port in ports)
                name = f"Renamed tag {number} {secrets.token_hex(3)}"
                saved = editor.save_tag(name, slug, pk) == 302
                saved_at = time.monotonic()
                shown = [shown_tag(fetch(port, page), slug) for port in ports]
                if saved and shown == [name, name]:
                    consistent += 1
                elif saved:
                    late.append(_converged(ports, page, slug, name, saved_at))
                else:
                    late.append("rename not saved")
            editor.close()
    seen = Tally()
    seen.add(seen_a)
    seen.add(seen_b)
    print(f"\nTwo servers (:{PORT}, :{PORT_B}), one PostgreSQL database, Redis; {rounds} renames\n")
    header = [
        "renames",
        "cached on both before",
        "both showed the new name at once",
        "otherwise",
        "reader requests",
        "reader errors",
    ]
    figures = [rounds, cached_before, f"{consistent}/{rounds}", "; ".join(late) or "-"]
    print(table(header, [[*figures, f"{seen.requests:,}", seen.describe()]]))
    return [] if consistent == rounds else [f"two-servers: {consistent}/{rounds} consistent"]


def cached(port: int, page: str) -> bool:
    """Ask until the page comes from the page cache: a few tries, as each worker process keeps
    its own pages unless they are in Redis."""
    return any(fetch(port, page).headers.get("X-Page-Cache") == "hit" for _ in range(5))


def _converged(ports: tuple[int, ...], page: str, slug: str, name: str, saved_at: float) -> str:
    """How long after the rename both servers showed it, if within 5 s."""
    while time.monotonic() - saved_at < 5:
        if all(shown_tag(fetch(port, page), slug) == name for port in ports):
            return f"shown {time.monotonic() - saved_at:.2f} s after the 302"
        time.sleep(0.05)
    return "still stale 5 s after the 302"


TESTS: dict[str, Callable[[Workspace], list[str]]] = {
    "wrk": test_wrk,
    "ratio": test_ratio,
    "writers": test_writers,
    "crash": test_crash,
    "two-servers": test_two_servers,
}


def main() -> int:
    # --short before or after the test's name; given nowhere, it is off.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--short", action="store_true", default=argparse.SUPPRESS, help="a few seconds each (CI)"
    )
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, parents=[common]
    )
    subcommands = parser.add_subparsers(dest="test", metavar="TEST", help="default: all")
    for name, test in TESTS.items():
        subcommands.add_parser(name, parents=[common], help=test.__doc__)
    subcommands.add_parser("all", parents=[common], help="every test above, in turn")
    args = parser.parse_args()
    chosen = args.test or "all"
    if chosen in {"wrk", "ratio", "all"} and not shutil.which("wrk"):
        parser.error("wrk is missing: apt-get install -y wrk")
    for signum in (signal.SIGTERM, signal.SIGHUP):  # unwind through every finally, as Ctrl-C
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))
    workspace = Workspace(short=getattr(args, "short", False))
    print(f"Server logs: {workspace.logs}")
    failures: list[str] = []
    try:
        for name, test in TESTS.items():
            if chosen not in {name, "all"}:
                continue
            try:
                failures += test(workspace)
            except Exception as exc:  # report it, and go on with the other tests
                traceback.print_exc()
                failures.append(f"{name} could not run: {exc!r}")
    except KeyboardInterrupt:
        failures.append("interrupted")
    finally:
        workspace.close()
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
