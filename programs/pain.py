"""Pain: when a logged pain means "stop", and when pain is rising. (What the patient is told then
is the clinic's: `Clinic.pain_advice_text`.)

The saved-session page, the history and the dashboard's alerts all ask this module, so the rules
are stated once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from clinic.models import DEFAULT_PAIN_THRESHOLD
from programs.models import Program

# Pain rising: see pain_trend().
BASELINE_DAYS = 14
MIN_EARLIER_SESSIONS = 3
MIN_EARLIER_DAYS = 2
RISE = 2


def threshold_for(program: Program) -> int:
    """The pain (0–10) at or above which the patient is told to stop: the program's own, else
    its clinic's."""
    if program.pain_threshold is not None:
        return program.pain_threshold
    return program.clinic.pain_threshold if program.clinic else DEFAULT_PAIN_THRESHOLD


def is_high(pain: int | None, threshold: int) -> bool:
    return pain is not None and pain >= threshold


@dataclass(frozen=True)
class SessionPain:
    """The worst pain noted in one session."""

    session_id: int
    day: date
    slot: int
    pain: int


@dataclass(frozen=True)
class PainTrend:
    """The judged session's pain against the baseline before it."""

    session: SessionPain
    baseline: float

    @property
    def change(self) -> float:
        return round(self.session.pain - self.baseline, 1)

    @property
    def rising(self) -> bool:
        return self.change >= RISE


def pain_trend(judged: SessionPain, history: Iterable[SessionPain]) -> PainTrend | None:
    """Compare a session's worst pain with the patient's baseline; None when there is not
    enough data to judge.

    The baseline is the mean worst pain of the sessions on the BASELINE_DAYS (14) days before
    the judged session's day. It never includes the judged session, nor anything on its day or
    after. It needs at least MIN_EARLIER_SESSIONS (3) sessions on at least MIN_EARLIER_DAYS (2)
    different days; with less, nothing is judged. Pain is rising when the judged pain is RISE
    (2) or more points above the baseline.

    Worked by hand: earlier pains 2 (Mon), 3 (Tue), 2 (Wed), judged 5 on Thu: baseline 7/3 =
    2.3, change 2.7, rising. Earlier 2, 3 on the same day and 4 the next: baseline 3.0, judged
    5: change 2.0, rising. Earlier 2 and 2 only: not enough data.
    """
    first = judged.day - timedelta(days=BASELINE_DAYS)
    earlier = [
        entry
        for entry in history
        if first <= entry.day < judged.day and entry.session_id != judged.session_id
    ]
    if len(earlier) < MIN_EARLIER_SESSIONS or len({e.day for e in earlier}) < MIN_EARLIER_DAYS:
        return None
    baseline = sum(entry.pain for entry in earlier) / len(earlier)
    return PainTrend(judged, round(baseline, 1))


def latest_trend(history: Iterable[SessionPain]) -> PainTrend | None:
    """The trend of the newest session with pain noted, judged against the ones before it."""
    sessions = sorted(history, key=lambda entry: (entry.day, entry.slot, entry.session_id))
    if not sessions:
        return None
    return pain_trend(sessions[-1], sessions[:-1])
