"""How gunicorn serves the app in production and in `make bench`:

    gunicorn -c python:clinic.gunicorn clinic.wsgi

Each value below can be changed by the environment variable named beside it, parsed as
strictly as the app's own settings (clinic/env.py): a bad value stops start-up with a message.

Worker choice: a handout PDF keeps its request busy for about a second. With sync workers that
second takes the whole process, and a few parallel downloads leave none for the other pages.
Threaded workers (gthread) keep taking requests while one thread renders or waits on the
database; how many renders run at once is bounded by the app itself (programs/render_limits.py).
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

from clinic.env import env_bool, env_int, env_str
from clinic.network import valid_address

CORES = os.cpu_count() or 1

bind = env_str("GUNICORN_BIND", "0.0.0.0:8000")
# gunicorn's own starting point: two workers a core and one more, so a core is never idle
# while a worker waits on PostgreSQL.
workers = env_int("GUNICORN_WORKERS", 2 * CORES + 1, minimum=1, maximum=256)
worker_class = env_str("GUNICORN_WORKER_CLASS", "gthread")
threads = env_int("GUNICORN_THREADS", 4, minimum=1, maximum=64)
# A worker silent for this long is restarted. A gthread worker reports itself alive between
# requests, so this catches a worker that hangs, not one slow request; a PDF render gives up
# after programs/pdf_pool.py's own limit.
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=5, maximum=600)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1, maximum=600)
# Behind the load balancer connections are reused; it closes its idle ones first.
keepalive = env_int("GUNICORN_KEEPALIVE", 5, minimum=1, maximum=300)
# A worker is replaced after this many requests, at staggered moments so they are not all
# replaced at once: memory a library keeps (fonts, layout caches) is handed back.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000, minimum=0, maximum=1_000_000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 100, minimum=0, maximum=100_000)

# The access log goes to standard output, one line a request. It names the path without the
# query string: a patient search puts names there (?q=...).
accesslog = env_str("GUNICORN_ACCESS_LOG", "-")
errorlog = env_str("GUNICORN_ERROR_LOG", "-")
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(client)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
logger_class = "clinic.gunicorn.AccessLog"

BEHIND_PROXY = env_bool("SECURE_PROXY_SSL_HEADER", False)


def client_address(environ: dict[str, Any], behind_proxy: bool = BEHIND_PROXY) -> str:
    """The client's address as the app sees it (clinic/network.py): behind the documented TLS
    proxy, the last entry of X-Forwarded-For, the one the proxy added; else the peer."""
    address = environ.get("REMOTE_ADDR")
    if behind_proxy:
        hops = [hop.strip() for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if hops[-1]:
            address = hops[-1]
    return valid_address(address) or "-"


class AccessLog(Logger):
    """gunicorn's logger with one more field for the access log format: %(client)s."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["client"] = client_address(environ)
        return atoms
