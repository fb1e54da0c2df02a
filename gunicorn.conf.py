"""gunicorn's settings for `make serve` (production mode). Every value can be overridden by the
environment, e.g. WEB_CONCURRENCY=4 GUNICORN_THREADS=8.

Workers: one per CPU core. The work is CPU-bound Python under one GIL per process, so more
processes than cores only add memory and context switches. Threads: 4 per worker (gthread), so
a slow client, a database wait or SQLite's write lock idles a thread, not the core; each thread
keeps its own persistent database connection.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Recycle workers now and then, so a slow leak in any library cannot grow without bound.
max_requests = 20_000
max_requests_jitter = 2_000
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Behind a proxy on this machine only; a remote proxy is trusted by FORWARDED_ALLOW_IPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
