"""Adherence: how much of what was prescribed the patient did.

    adherence = exercise-sessions done / exercise-sessions scheduled

counted from the program's start (or the window's start) to today (or the program's end, or
the window's end, whichever comes first). An "exercise-session" is one exercise done once: a
program of 3 exercises once a day schedules 3 a day; an exercise twice a day counts twice.

The schedule of each day is the one in force that day (the latest version made on or before
it), so a program edited mid-week is judged by the old plan before the edit and the new one
after. Each day counts at most what it scheduled: extra sessions on one day do not cover a
missed day. For "N days a week" schedules, each calendar week (Monday to Sunday) schedules N
days, or fewer when the week is cut by the window; any N days of the week count. Days before
the start, after the end or discharge, and in the future are not counted. Drafts schedule
nothing. Exercises done "as needed" are never scheduled, so they are outside adherence (their
uses are counted apart, in programs/as_needed.py).

This is the only definition: the portal, the dashboard, the handouts and the benchmark use it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count

from programs.models import Program, ProgramVersion, SessionEntry


@dataclass(frozen=True)
class Adherence:
    done: int
    scheduled: int

    @property
    def ratio(self) -> float | None:
        return self.done / self.scheduled if self.scheduled else None

    @property
    def percent(self) -> int | None:
        ratio = self.ratio
        return None if ratio is None else round(ratio * 100)

    def __add__(self, other: Adherence) -> Adherence:
        return Adherence(self.done + other.done, self.scheduled + other.scheduled)


NOTHING = Adherence(0, 0)


def program_window(program: Program, today: date) -> tuple[date, date] | None:
    """The days of a program that count, up to today; None when there are none yet."""
    if program.start_date is None or program.status == Program.Status.DRAFT:
        return None
    last = today
    if program.end_date:
        last = min(last, program.end_date)
    if program.discharged_at:
        tz = ZoneInfo(program.clinic.timezone) if program.clinic else None
        last = min(last, program.discharged_at.astimezone(tz).date())
    if last < program.start_date:
        return None
    return program.start_date, last


def adherence(
    program: Program,
    today: date,
    start: date | None = None,
    end: date | None = None,
    *,
    versions: list[ProgramVersion] | None = None,
    done: Counter[tuple[int, date]] | None = None,
) -> Adherence:
    """Adherence of one program between `start` and `end` (both included), as of `today`.

    `versions` and `done` may be passed in when the caller already has them (the dashboard
    computes many programs at once); otherwise two queries fetch them."""
    window = _window_within(program, today, start, end)
    if window is None:
        return NOTHING
    first, last = window
    if versions is None:
        versions = list(program.versions.order_by("number"))
    if not versions:
        return NOTHING
    if done is None:
        done = done_counts(program, first, last)
    tz = ZoneInfo(program.clinic.timezone) if program.clinic else None
    return _count(versions, done, first, last, tz)


def _window_within(
    program: Program, today: date, start: date | None, end: date | None
) -> tuple[date, date] | None:
    """The program's window as of `today`, narrowed to `start`..`end` when given."""
    window = program_window(program, today)
    if window is None:
        return None
    first = max(window[0], start) if start else window[0]
    last = min(window[1], end) if end else window[1]
    return (first, last) if first <= last else None


def _count(
    versions: list[ProgramVersion],
    done: Counter[tuple[int, date]],
    first: date,
    last: date,
    tz: ZoneInfo | None,
) -> Adherence:
    """Done and scheduled exercise-times from `first` to `last`, each day under the plan then
    in force. Named weekdays count day by day; "N days a week" counts per calendar week, so a
    patient chooses which days."""
    version_days = [version.created_at.astimezone(tz).date() for version in versions]
    scheduled_total = done_total = 0
    flexible: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])

    day = first
    while day <= last:
        # The plan in force that day: the latest version made on or before it (or the first).
        index = max(bisect_right(version_days, day) - 1, 0)
        for item in versions[index].snapshot["items"]:
            if item.get("as_needed"):  # versions before as-needed items have no such key
                continue
            schedule = item["schedule"]
            per_day = schedule["times_per_day"]
            did = min(done.get((item["id"], day), 0), per_day)
            if schedule["weekdays"]:
                if schedule["weekdays"] & (1 << day.weekday()):
                    scheduled_total += per_day
                    done_total += did
            else:
                week = flexible[(item["id"], day - timedelta(days=day.weekday()))]
                week[0] += 1  # days of this week inside the window
                week[1] += did
                week[2] = schedule["days_per_week"]
                week[3] = per_day
        day += timedelta(days=1)

    for days_in_window, did, days_per_week, per_day in flexible.values():
        scheduled = min(days_per_week, days_in_window) * per_day
        scheduled_total += scheduled
        done_total += min(did, scheduled)
    return Adherence(done_total, scheduled_total)


def done_counts(program: Program, first: date, last: date) -> Counter[tuple[int, date]]:
    """How many times each item was done on each day: {(item id, day): count}."""
    return done_counts_of([program], first, last)


def versions_of(programs: list[Program]) -> dict[int, list[ProgramVersion]]:
    """Each program's versions, oldest first, by program id, in one query (what adherence()
    takes as `versions`)."""
    versions: dict[int, list[ProgramVersion]] = defaultdict(list)
    for version in ProgramVersion.objects.filter(program__in=programs).order_by("number"):
        versions[version.program_id].append(version)
    return versions


def done_counts_of(
    programs: list[Program], first: date | None = None, last: date | None = None
) -> Counter[tuple[int, date]]:
    """How many times each item of the programs was done on each day, from `first` to `last`
    when given: {(item id, day): count}, in one query. Item ids are never shared between
    programs, so one count serves each program's adherence()."""
    entries = SessionEntry.objects.filter(session__program__in=programs, done=True)
    if first is not None and last is not None:
        entries = entries.filter(session__date__range=(first, last))
    rows = entries.values("item_ref", "session__date").annotate(count=Count("pk"))
    return Counter({(row["item_ref"], row["session__date"]): row["count"] for row in rows})


def courses(programs: list[Program], today: date) -> list[Adherence]:
    """Adherence over the whole of each program, in two queries however many programs and
    however long their history."""
    versions = versions_of(programs)
    done = done_counts_of(programs)
    return [
        adherence(program, today, versions=versions[program.pk], done=done) for program in programs
    ]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
