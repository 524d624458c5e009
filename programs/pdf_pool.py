"""WeasyPrint in a process of its own, so that a PDF render never holds the interpreter of a
worker that is serving other pages.

gunicorn's gthread workers (clinic/gunicorn.py) answer several requests in one process with
threads. A render is half a second or more of pure Python; run in a request's thread, it holds
the interpreter lock, and the pages the other threads of that worker are answering wait for it.
So each worker process hands the HTML to one render process of its own and its thread only
waits (a wait that releases the lock). How many renders run at once on the machine is bounded
apart from this, by the render places (render_limits.py).

PDF_RENDER_PROCESS=0 renders in the request's thread instead (the tests do, and so may a
machine that serves one request at a time).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings

logger = logging.getLogger(__name__)

RENDER_TIMEOUT_SECONDS = 120  # a render that takes this long is given up (and its process)

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_pid = 0  # the process that made the pool: a forked worker makes its own


def _start() -> None:
    """The render process's start: Django's settings and apps, as the worker has them (the
    settings module's name is in the environment it inherits)."""
    import django

    django.setup()


def _render(html: str) -> bytes:
    from programs.handouts import write_pdf

    return write_pdf(html)


def _render_pool() -> ProcessPoolExecutor:
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():
            # forkserver: the render process starts clean, not as a copy of a worker that
            # has threads and open database connections.
            context = multiprocessing.get_context("forkserver")
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_start)
            _pool_pid = os.getpid()
        return _pool


def _forget(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def write_pdf_apart(html: str) -> bytes:
    """The HTML as a PDF, rendered in this worker's render process (or in this thread when
    PDF_RENDER_PROCESS is off). A render process that died is replaced for the next render;
    this one then fails like any render error."""
    if not settings.PDF_RENDER_PROCESS:
        return _render(html)
    pool = _render_pool()
    try:
        return pool.submit(_render, html).result(timeout=RENDER_TIMEOUT_SECONDS)
    except (BrokenProcessPool, TimeoutError):
        logger.error("The PDF render process failed or timed out; starting a new one.")
        _forget(pool)
        raise
