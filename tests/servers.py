"""gunicorn started as `make serve` starts it, for the tests that need a real production server
(headers through a proxy, Lighthouse): an environment of its own, `manage.py` steps, and a server
stopped whatever happens."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database: Path, port: int, **variables: str) -> dict[str, str]:
    """This process's environment without our settings, plus production mode on ``database``,
    one worker (so a page's second request is a cache hit) and ``variables``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIVERQA_"))}
    return env | {
        "LIVERQA_DOTENV": "",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "WEB_CONCURRENCY": "1",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        **variables,
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [BIN / "python", "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        check=True,
        timeout=300,
    )


def healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[int]:
    """gunicorn with gunicorn.conf.py in a process group of its own; yields its port once
    /healthz answers, and stops it (the whole group) however the block ends."""
    port = int(env["PORT"])
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [BIN / "gunicorn", "--config", "gunicorn.conf.py", "liverqa.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while not healthy(port):
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
            yield port
        finally:
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
