"""How many PDFs are rendered: a few at once and a few a minute per person, and a few at once
on each machine.

A render takes a processor for a second or more, so a held-down reload or a script could tie
up every worker of the app. Each user gets PDF_RENDERS_AT_ONCE renders at the same time and
PDF_RENDERS_PER_MINUTE in any minute (settings); past that, the download view answers 429 with a
"try again shortly" page. The counts live in the cache table in the database (clinic.limits
Quota), so they hold across gunicorn workers and app servers.

However many people ask at once, a machine runs at most PDF_RENDERS_OVERALL renders at the
same time (by default one fewer than its processors, so one is always left for the pages).
The places are lock files in a folder of the machine's own: a render holds an exclusive
lock on one of them (flock) for as long as it runs, and the system lets go of it when the
process ends, however it ends. A render that finds no free place within
PDF_RENDER_WAIT_SECONDS is refused with the same "try again shortly" page. A stored
discharge summary or handout is read from storage and takes no turn and no place.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from clinic.limits import Quota, QuotaSpent, take_all
from clinic.models import User

logger = logging.getLogger(__name__)

# A render that never comes back (its worker was killed) gives its place back after this long.
SLOT_SECONDS = 120
# Asked to wait for a render in progress: a render takes a few seconds at most.
BUSY_RETRY_SECONDS = 5
# How often a render waiting for a place on the machine looks again.
PLACE_POLL_SECONDS = 0.05


class TooManyRenders(Exception):
    """The user has renders enough for now; `retry_after` is in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many PDF renders: try again in {retry_after} s.")
        self.retry_after = retry_after


class NoRenderPlace(TooManyRenders):
    """Every render place of the machine stayed taken for as long as a request may wait."""


def at_once() -> Quota:
    return Quota("pdf-at-once", settings.PDF_RENDERS_AT_ONCE, SLOT_SECONDS)


def per_minute() -> Quota:
    return Quota("pdf-minute", settings.PDF_RENDERS_PER_MINUTE, 60)


@contextmanager
def render_turn(user: User) -> Iterator[None]:
    """Hold one of the user's render places while the block runs, or raise TooManyRenders.

    The place is given back however the block ends, an exception included; the minute's turn
    is kept (a failed render was still a render), unless the machine had no render place for
    it (then nothing was rendered)."""
    slots = at_once()
    try:
        slot, minute = take_all([(slots, user.pk), (per_minute(), user.pk)])
    except QuotaSpent as spent:
        busy = spent.name == slots.name
        logger.warning(
            "PDF rendering throttled for user %s: %s.",
            user.pk,
            "too many at once" if busy else "too many in a minute",
        )
        raise TooManyRenders(BUSY_RETRY_SECONDS if busy else spent.seconds_left) from None
    try:
        yield
    except NoRenderPlace:
        # Nothing was rendered: the minute's turn goes back with the place.
        per_minute().give_back(minute)
        raise
    finally:
        slots.give_back(slot)


def renders_overall() -> int:
    """How many renders may run at once on this machine."""
    return int(settings.PDF_RENDERS_OVERALL)


def places_folder() -> Path:
    """The folder of this machine's render places: PDF_RENDER_PLACES_DIR, else one in the
    system's temporary folder named after the installation, so that two apps on one machine
    do not share places."""
    configured = settings.PDF_RENDER_PLACES_DIR
    if configured:
        return Path(configured)
    install = hashlib.sha256(str(settings.BASE_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"physio-pdf-renders-{install}"


def _take_free_place(folder: Path, places: int) -> int | None:
    """An open, locked place file, or None when all `places` are locked."""
    for number in random.sample(range(places), places):  # spread waiters over the places
        handle = os.open(folder / f"place-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            continue
        return handle
    return None


@contextmanager
def render_place(wait: float | None = None) -> Iterator[None]:
    """Hold one of the machine's render places while the block runs. Waits up to `wait`
    seconds (PDF_RENDER_WAIT_SECONDS by default) for one to be free, else raises
    NoRenderPlace. Each thread opens its own file, so threads of one process count apart."""
    if wait is None:
        wait = float(settings.PDF_RENDER_WAIT_SECONDS)
    folder = places_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    places = renders_overall()
    deadline = time.monotonic() + wait
    while (handle := _take_free_place(folder, places)) is None:
        if time.monotonic() >= deadline:
            logger.warning("PDF rendering refused: all %d render places stayed busy.", places)
            raise NoRenderPlace(BUSY_RETRY_SECONDS)
        time.sleep(PLACE_POLL_SECONDS)
    try:
        yield
    finally:
        os.close(handle)  # closing the file lets go of its lock
