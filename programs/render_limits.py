"""How many PDFs one person may have rendered: a few at once and a few a minute.

A render takes a worker for a second or more, so a held-down reload or a script could tie up
every worker of the app. Each user gets PDF_RENDERS_AT_ONCE renders at the same time and
PDF_RENDERS_PER_MINUTE in any minute (settings); past that, the download view answers 429 with a
"try again shortly" page. The counts live in the cache table in the database (clinic.limits
Quota), so they hold across gunicorn workers and app servers. A stored discharge summary is
served from storage and takes no turn.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from clinic.limits import Quota, QuotaSpent, take_all
from clinic.models import User

logger = logging.getLogger(__name__)

# A render that never comes back (its worker was killed) gives its place back after this long.
SLOT_SECONDS = 120
# Asked to wait for a render in progress: a render takes a few seconds at most.
BUSY_RETRY_SECONDS = 5


class TooManyRenders(Exception):
    """The user has renders enough for now; `retry_after` is in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many PDF renders: try again in {retry_after} s.")
        self.retry_after = retry_after


def at_once() -> Quota:
    return Quota("pdf-at-once", settings.PDF_RENDERS_AT_ONCE, SLOT_SECONDS)


def per_minute() -> Quota:
    return Quota("pdf-minute", settings.PDF_RENDERS_PER_MINUTE, 60)


@contextmanager
def render_turn(user: User) -> Iterator[None]:
    """Hold one of the user's render places while the block runs, or raise TooManyRenders.

    The place is given back however the block ends, an exception included; the minute's turn
    is kept (a failed render was still a render)."""
    slots = at_once()
    try:
        slot, _ = take_all([(slots, user.pk), (per_minute(), user.pk)])
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
    finally:
        slots.give_back(slot)
