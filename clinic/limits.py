"""Sliding-window limits on how often one key (an account, an address) may do something:
password resets, invitations, PDF renders. The counts live in the cache, a table in the
database (settings.CACHES), so every app server and worker counts the same uses; inside a
transaction, a use rolls back with it.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.utils import timezone

HOUR = 60 * 60


class QuotaSpent(Exception):
    """Every use of the quota named `name` is taken; the first one lapses at `until`."""

    def __init__(self, name: str, until: datetime) -> None:
        super().__init__(f"The {name} quota is spent until {until:%H:%M:%S} UTC.")
        self.name = name
        self.until = until

    @property
    def seconds_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))


@dataclass(frozen=True)
class Quota:
    """At most `limit` uses in any `seconds` for one key (an account, an address).

    Each use is one entry in the cache that lapses `seconds` after it was taken, so the window
    slides. The cache is a table in the database (settings.CACHES): every app server counts the
    same entries, and taking one is an insert that the table's primary key makes atomic, so two
    requests at the same moment cannot both take the last. Keys are hashed: no email address or
    IP address is written to the cache."""

    name: str
    limit: int
    seconds: int

    def _keys(self, key: object) -> list[str]:
        digest = hashlib.sha256(str(key).lower().encode()).hexdigest()[:32]
        return [f"quota:{self.name}:{digest}:{n}" for n in range(self.limit)]

    def take(self, key: object) -> str:
        """Use one of `key`'s turns and return it (to give back), or raise QuotaSpent."""
        keys = self._keys(key)
        taken = cache.get_many(keys)
        for turn in keys:
            if turn not in taken and cache.add(turn, time.time() + self.seconds, self.seconds):
                return turn
        lapses = [value for value in cache.get_many(keys).values() if isinstance(value, float)]
        until = datetime.fromtimestamp(min(lapses, default=time.time() + 1), tz=UTC)
        raise QuotaSpent(self.name, until)

    def give_back(self, turn: str) -> None:
        cache.delete(turn)


def take_all(quotas: list[tuple[Quota, object]]) -> list[str]:
    """Take a turn of each quota, or none: when one is spent, the turns already taken are given
    back (a refused request does not count) and QuotaSpent is raised."""
    turns: list[str] = []
    try:
        for quota, key in quotas:
            turns.append(quota.take(key))
    except QuotaSpent:
        for done, turn in zip(quotas, turns, strict=False):
            done[0].give_back(turn)
        raise
    return turns
