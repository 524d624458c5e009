"""Remote therapeutic monitoring (RTM) records: the US billing framework's episodes, 30-day
periods, data days and monthly treatment-management time, for a clinic that turned RTM on.

The app keeps the records a US clinic bills from; it does not submit claims, and it does not
decide what a payer accepts. The thresholds are data (`Rules`), each set with the day it took
effect, so a rule change is one new `Rules` in `RULES`; a period or month is judged by the rules
in force on its last day.

Periods. An episode starts on the day device set-up and patient education were done
(`RtmEpisode.setup_on`). Period k (from 0) runs from setup_on + 30k to setup_on + 30k + 29;
the last one is cut at the episode's end (`ended_on`). A period counts the data days that fall
inside it, and reaches the device-supply band those days meet (2026: 98985 for 2–15 days,
98977 for 16–30).

Data days. The clinic-local days on which the patient sent data: a session logged (by the day
it was *recorded*, `logged_at`, not the day it says it was done), an outcome questionnaire
completed, or an as-needed exercise logged, for any of the patient's programs.

Months. Treatment-management time is summed per patient per calendar month. 2026: 10–19
minutes is 98979; 20 minutes is 98980; each further full 20 minutes is one 98981 (so 39 minutes
is 98980 alone, 40 is 98980 + one 98981, 60 is 98980 + two 98981). Every management code
requires a real-time interaction with the patient in that month (a call or video visit); a
month without one shows its minutes and band but says the interaction is missing.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import TruncDate

from clinic.audit import record
from clinic.models import AuditAction, AuditSubject, Clinic, Clinician, Patient, User
from programs.models import AsNeededLog, Interaction, Questionnaire, RtmEpisode, RtmTime, SessionLog

# --- the rules, as data ----------------------------------------------------------------------


@dataclass(frozen=True)
class SupplyBand:
    """A device-supply code and the data days in one 30-day period it needs."""

    code: str
    min_days: int
    max_days: int

    @property
    def label(self) -> str:
        return f"{self.min_days}–{self.max_days} days ({self.code})"


@dataclass(frozen=True)
class TimeCode:
    """A treatment-management code and the minutes in a calendar month it needs."""

    code: str
    minutes: int


@dataclass(frozen=True)
class Rules:
    """The RTM thresholds in force from `valid_from`.

    Management time: `short` (if any) from its minutes up to, not including, `first`'s
    minutes; `first` once the month reaches its minutes; then one `further` for each full
    `further.minutes` beyond `first`'s. `interaction_required`: a management code needs a
    real-time interaction (call or video) in the month."""

    valid_from: date
    setup_code: str
    supply_bands: tuple[SupplyBand, ...]  # fewest days first
    first: TimeCode
    further: TimeCode
    short: TimeCode | None = None
    period_days: int = 30
    interaction_required: bool = True

    @property
    def most_days_band(self) -> SupplyBand:
        return self.supply_bands[-1]


# 2022–2025: device supply only from 16 days; management time from 20 minutes.
RULES_2022 = Rules(
    valid_from=date(2022, 1, 1),
    setup_code="98975",
    supply_bands=(SupplyBand("98977", 16, 30),),
    first=TimeCode("98980", 20),
    further=TimeCode("98981", 20),
)

# The 2026 Medicare physician fee schedule adds 2–15 days of device supply (98985) and 10–19
# minutes of management (98979); the musculoskeletal device-supply code is 98977.
RULES_2026 = Rules(
    valid_from=date(2026, 1, 1),
    setup_code="98975",
    supply_bands=(SupplyBand("98985", 2, 15), SupplyBand("98977", 16, 30)),
    short=TimeCode("98979", 10),
    first=TimeCode("98980", 20),
    further=TimeCode("98981", 20),
)

RULES = (RULES_2022, RULES_2026)  # oldest first


def rules_on(day: date) -> Rules:
    """The rules in force on `day`. A day before the earliest rules is judged by them (RTM
    codes began in 2022; the app has no earlier records)."""
    found = RULES[0]
    for rules in RULES:
        if rules.valid_from <= day:
            found = rules
    return found


def supply_band(days: int, rules: Rules) -> SupplyBand | None:
    """The device-supply band `days` data days in one period reach, or None (too few)."""
    reached = None
    for band in rules.supply_bands:
        if band.min_days <= days:
            reached = band
    return reached


@dataclass(frozen=True)
class CodeCount:
    code: str
    units: int

    def __str__(self) -> str:
        return self.code if self.units == 1 else f"{self.code} × {self.units}"


def management_codes(minutes: int, rules: Rules) -> list[CodeCount]:
    """The treatment-management codes a month's minutes reach (interaction aside): below the
    first threshold nothing; then the short code; then the first code and one further code
    for each full further block."""
    if minutes >= rules.first.minutes:
        codes = [CodeCount(rules.first.code, 1)]
        further = (minutes - rules.first.minutes) // rules.further.minutes
        if further:
            codes.append(CodeCount(rules.further.code, further))
        return codes
    if rules.short is not None and minutes >= rules.short.minutes:
        return [CodeCount(rules.short.code, 1)]
    return []


# --- months ----------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def parse_month(text: str) -> date | None:
    """ "2026-01" as the month's first day; None for anything else (a bad month, year 0)."""
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (1 <= month <= 12 and 2000 <= year <= 2999):
        return None
    return date(year, month, 1)


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One 30-day period of an episode (numbered from 1), with its data days.

    `end` is the period's last day, cut at the episode's end; `full_end` its 30th day."""

    number: int
    start: date
    end: date
    full_end: date
    data_days: int = 0

    @property
    def cut(self) -> bool:
        """The episode ended before the period's 30th day."""
        return self.end < self.full_end

    @property
    def rules(self) -> Rules:
        return rules_on(self.end)

    @property
    def band(self) -> SupplyBand | None:
        return supply_band(self.data_days, self.rules)

    def days_left(self, today: date) -> int:
        """Days of the period still to come, today included (0 once it is over; the whole
        period before it starts)."""
        if today > self.end:
            return 0
        return (self.end - max(today, self.start)).days + 1

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_bounds(
    setup_on: date, ended_on: date | None, first: date, last: date, period_days: int = 30
) -> list[Period]:
    """The episode's periods that overlap the days `first`..`last` (both included), without
    data days. A period's end is cut at `ended_on`; nothing starts after it."""
    stop = last if ended_on is None else min(last, ended_on)
    if stop < setup_on or first > stop:
        return []
    number = max(0, (first - setup_on).days // period_days)
    periods = []
    while (start := setup_on + timedelta(days=number * period_days)) <= stop:
        full_end = start + timedelta(days=period_days - 1)
        end = full_end if ended_on is None else min(full_end, ended_on)
        periods.append(Period(number + 1, start, end, full_end))
        number += 1
    return periods


def counted(periods: Iterable[Period], days: set[date]) -> list[Period]:
    """The periods with their data days counted from `days` (the patient's)."""
    return [
        Period(p.number, p.start, p.end, p.full_end, sum(1 for d in days if p.holds(d)))
        for p in periods
    ]


def current_period(episode: RtmEpisode, today: date) -> Period | None:
    """The period of an episode that holds `today`, or None (not started, or ended)."""
    found = period_bounds(episode.setup_on, episode.ended_on, today, today)
    return found[0] if found else None


# --- data days -------------------------------------------------------------------------------


def _moment(clinic: Clinic, day: date) -> datetime:
    """The start of `day` where the clinic is."""
    return datetime.combine(day, time.min, clinic.tz)


def data_days(
    clinic: Clinic, patient_ids: Iterable[int], first: date, last: date
) -> dict[int, set[date]]:
    """The clinic-local days from `first` to `last` on which each patient sent data: one
    query, its days made distinct by the database (a UNION of the three kinds of data).

    A session log counts on the day it was recorded (`logged_at`), not the day it says it was
    done: RTM counts the days data was transmitted, and a log of three past days sent in one
    sitting was sent on one day."""
    ids = list(patient_ids)
    found: dict[int, set[date]] = defaultdict(set)
    if not ids or first > last:
        return found
    since, until = _moment(clinic, first), _moment(clinic, last + timedelta(days=1))
    zone = clinic.tz

    def days(model: Any, moment: str) -> QuerySet[Any]:
        return (
            model.objects.filter(
                program__patient_id__in=ids,
                **{f"{moment}__gte": since, f"{moment}__lt": until},
            )
            .annotate(who=F("program__patient_id"), day=TruncDate(moment, tzinfo=zone))
            .values_list("who", "day")
            .order_by()  # a UNION's parts have no order of their own
        )

    sessions = days(SessionLog, "logged_at")
    questionnaires = days(Questionnaire, "completed_at")
    as_needed = days(AsNeededLog, "logged_at")
    for patient_id, day in sessions.union(questionnaires, as_needed):
        found[patient_id].add(day)
    return found


def episode_periods(episode: RtmEpisode, today: date, clinic: Clinic) -> list[Period]:
    """Every period of the episode up to today (or its end), with data days: one query."""
    bounds = period_bounds(episode.setup_on, episode.ended_on, episode.setup_on, today)
    if not bounds:
        return []
    days = data_days(clinic, [episode.patient_id], bounds[0].start, bounds[-1].end)
    return counted(bounds, days.get(episode.patient_id, set()))


# --- the month's time ------------------------------------------------------------------------


@dataclass(frozen=True)
class InteractionDay:
    day: date
    kind: str  # Interaction value

    @property
    def label(self) -> str:
        return str(Interaction(self.kind).label)


@dataclass
class MonthTime:
    """One patient's treatment-management time in one calendar month."""

    month: date  # its first day
    minutes: int = 0
    interactions: list[InteractionDay] = field(default_factory=list)

    @property
    def rules(self) -> Rules:
        return rules_on(month_end(self.month))

    @property
    def codes(self) -> list[CodeCount]:
        return management_codes(self.minutes, self.rules)

    @property
    def has_interaction(self) -> bool:
        return bool(self.interactions)

    @property
    def needs_interaction(self) -> bool:
        """The minutes reach a code, but the month has no real-time interaction yet."""
        return bool(self.codes) and self.rules.interaction_required and not self.interactions

    @property
    def codes_text(self) -> str:
        return ", ".join(str(code) for code in self.codes)

    @property
    def interaction_text(self) -> str:
        return ", ".join(f"{i.day:%Y-%m-%d} ({i.label})" for i in self.interactions)


def month_time(entries: Iterable[RtmTime], month: date) -> MonthTime:
    """Sum the month's entries (already read) into its minutes and interaction days."""
    summary = MonthTime(month)
    for entry in sorted(entries, key=lambda e: (e.date, e.pk or 0)):
        summary.minutes += entry.minutes
        if entry.interaction:
            summary.interactions.append(InteractionDay(entry.date, entry.interaction))
    return summary


def time_in_month(patient: Patient, month: date) -> QuerySet[RtmTime]:
    return (
        RtmTime.objects.filter(patient=patient, date__gte=month, date__lte=month_end(month))
        .select_related("clinician__user", "recorded_by")
        .order_by("date", "pk")
    )


# --- the clinic's monthly report -------------------------------------------------------------


@dataclass
class ReportRow:
    """One patient's line in the month's report."""

    patient: Patient
    clinician: Clinician  # the treating clinician of the latest episode in the month
    setup_on: date | None  # set-up day, when it falls in the month (the set-up code's month)
    periods: list[Period]
    time: MonthTime

    @property
    def setup_code(self) -> str:
        return rules_on(self.setup_on).setup_code if self.setup_on else ""


def episodes_in_month(
    clinic: Clinic, month: date, patient: Patient | None = None
) -> QuerySet[RtmEpisode]:
    """The clinic's episodes (or one patient's) that overlap the month."""
    episodes = RtmEpisode.objects.filter(patient__clinic=clinic, setup_on__lte=month_end(month))
    if patient is not None:
        episodes = episodes.filter(patient=patient)
    return (
        episodes.exclude(ended_on__lt=month)
        .select_related("patient", "clinician__user")
        .order_by("patient__last_name", "patient__first_name", "patient_id", "setup_on")
    )


def month_report(
    clinic: Clinic, month: date, today: date, patient: Patient | None = None
) -> list[ReportRow]:
    """Per patient (or for one) with an episode overlapping the month: the periods that
    overlap it and have begun by today, with their data days so far and band; the month's
    minutes, codes and interaction days; and the treating clinician. Three queries, however
    many patients."""
    last = min(month_end(month), today)
    episodes = list(episodes_in_month(clinic, month, patient))
    bounds: dict[int, list[Period]] = defaultdict(list)
    rows: dict[int, ReportRow] = {}
    for episode in episodes:
        bounds[episode.patient_id] += period_bounds(episode.setup_on, episode.ended_on, month, last)
        setup_here = month <= episode.setup_on <= month_end(month)
        row = rows.get(episode.patient_id)
        if row is None:
            rows[episode.patient_id] = ReportRow(
                episode.patient,
                episode.clinician,
                episode.setup_on if setup_here else None,
                [],
                MonthTime(month),
            )
        else:  # a later episode in the same month
            row.clinician = episode.clinician
            row.setup_on = episode.setup_on if setup_here else row.setup_on
    every = [period for periods in bounds.values() for period in periods]
    days = (
        data_days(
            clinic,
            bounds,
            min(p.start for p in every),
            max(p.end for p in every),
        )
        if every
        else {}
    )
    for patient_id, periods in bounds.items():
        rows[patient_id].periods = counted(periods, days.get(patient_id, set()))
    entries: dict[int, list[RtmTime]] = defaultdict(list)
    for entry in RtmTime.objects.filter(
        patient_id__in=list(rows), date__gte=month, date__lte=month_end(month)
    ).only("patient_id", "date", "minutes", "interaction"):
        entries[entry.patient_id].append(entry)
    for patient_id, row in rows.items():
        row.time = month_time(entries[patient_id], month)
    return list(rows.values())


REPORT_COLUMNS = [
    "Patient",
    "Patient ID",
    "Date of birth",
    "Treating clinician",
    "Set-up (code)",
    "Period",
    "Data days",
    "Device supply band",
    "Minutes in month",
    "Management codes",
    "Real-time interaction",
]


def report_lines(rows: list[ReportRow]) -> list[list[str]]:
    """The report as table rows, one per period (a patient with two periods in the month has
    two lines; the month's minutes are on each, as they are the patient's)."""
    lines = []
    for row in rows:
        setup = f"{row.setup_on:%Y-%m-%d} ({row.setup_code})" if row.setup_on else ""
        periods: list[Period | None] = [*row.periods] or [None]
        for period in periods:
            band = period.band if period else None
            lines.append(
                [
                    row.patient.full_name,
                    str(row.patient.pk),
                    f"{row.patient.date_of_birth:%Y-%m-%d}" if row.patient.date_of_birth else "",
                    str(row.clinician),
                    setup,
                    f"{period.number}: {period.start:%Y-%m-%d} to {period.end:%Y-%m-%d}"
                    if period
                    else "",
                    str(period.data_days) if period else "",
                    band.label if band else "below 2 days" if period else "",
                    str(row.time.minutes),
                    row.time.codes_text,
                    row.time.interaction_text
                    or ("none (required)" if row.time.needs_interaction else "none"),
                ]
            )
    return lines


# --- the dashboard's filter ------------------------------------------------------------------


def short_of_data(clinic: Clinic, today: date, days_left: int) -> set[int]:
    """The ids of the clinic's patients with an open episode whose current period has fewer
    data days than the top device-supply band needs (16 in 2026) and at most `days_left` days
    left, today included: the patients to prompt while there is time. Two queries."""
    current: dict[int, Period] = {}
    for episode in RtmEpisode.objects.filter(
        patient__clinic=clinic, ended_on__isnull=True, setup_on__lte=today
    ).only("patient_id", "setup_on", "ended_on"):
        period = current_period(episode, today)
        if period is not None and period.days_left(today) <= days_left:
            current[episode.patient_id] = period
    if not current:
        return set()
    days = data_days(clinic, current, min(p.start for p in current.values()), today)
    return {
        patient_id
        for patient_id, period in current.items()
        if sum(1 for d in days.get(patient_id, ()) if period.holds(d))
        < period.rules.most_days_band.min_days
    }


# --- changes ---------------------------------------------------------------------------------


class RtmError(Exception):
    """A change that cannot be made; the message says why, for the clinician."""


def start_episode(
    patient: Patient, *, clinician: Clinician, setup_on: date, by: User
) -> RtmEpisode:
    """Start the patient's episode (one open at a time: the database refuses a second)."""
    with transaction.atomic():
        if (
            RtmEpisode.objects.select_for_update()
            .filter(patient=patient, ended_on__isnull=True)
            .exists()
        ):
            raise RtmError("This patient already has an RTM episode under way.")
        episode = RtmEpisode.objects.create(
            patient=patient, clinician=clinician, setup_on=setup_on, started_by=by
        )
        record(
            AuditAction.CREATE,
            AuditSubject.RTM,
            patient=patient,
            object_id=episode.pk,
            detail="RTM episode started",
        )
    return episode


def end_episode(episode: RtmEpisode, *, ended_on: date, by: User) -> None:
    """End an open episode on `ended_on`; an episode already ended is refused (a stale form)."""
    with transaction.atomic():
        changed = RtmEpisode.objects.filter(pk=episode.pk, ended_on__isnull=True).update(
            ended_on=ended_on, ended_by=by
        )
        if not changed:
            raise RtmError("This RTM episode had already been ended.")
        record(
            AuditAction.CHANGE,
            AuditSubject.RTM,
            patient=episode.patient_id,
            clinic=episode.patient.clinic_id,
            object_id=episode.pk,
            detail="RTM episode ended",
        )
    episode.ended_on, episode.ended_by = ended_on, by


def add_time(patient: Patient, *, clinician: Clinician, by: User, **fields: Any) -> RtmTime:
    with transaction.atomic():
        entry = RtmTime.objects.create(
            patient=patient, clinician=clinician, recorded_by=by, **fields
        )
        record(
            AuditAction.CREATE,
            AuditSubject.RTM,
            patient=patient,
            object_id=entry.pk,
            detail="RTM time recorded",
        )
    return entry


def delete_time(entry: RtmTime) -> None:
    with transaction.atomic():
        record(
            AuditAction.DELETE,
            AuditSubject.RTM,
            patient=entry.patient,
            object_id=entry.pk,
            detail="RTM time entry deleted",
        )
        entry.delete()


# --- the patient's export --------------------------------------------------------------------


def _name(person: object) -> str | None:
    return str(person) if person is not None else None


def export_record(patient: Patient) -> dict[str, list[dict[str, Any]]]:
    """The patient's RTM episodes and time entries, for their record's export (two queries).
    Empty lists when the clinic never kept RTM records for them."""
    episodes = RtmEpisode.objects.filter(patient=patient).select_related(
        "clinician__user", "started_by", "ended_by"
    )
    entries = RtmTime.objects.filter(patient=patient).select_related(
        "clinician__user", "recorded_by"
    )
    return {
        "episodes": [
            {
                "id": episode.pk,
                "set_up_on": episode.setup_on,
                "ended_on": episode.ended_on,
                "treating_clinician": _name(episode.clinician),
                "started_by": _name(episode.started_by),
                "ended_by": _name(episode.ended_by),
                "created_at": episode.created_at,
            }
            for episode in episodes.order_by("setup_on", "pk")
        ],
        "time": [
            {
                "id": entry.pk,
                "date": entry.date,
                "minutes": entry.minutes,
                "started_at": entry.started_at,
                "stopped_at": entry.stopped_at,
                "what_was_done": entry.activity,
                "interaction": entry.interaction,
                "clinician": _name(entry.clinician),
                "recorded_by": _name(entry.recorded_by),
                "recorded_at": entry.recorded_at,
            }
            for entry in entries.order_by("date", "pk")
        ],
    }


def erase_free_text(patient: Patient) -> None:
    """At erasure (programs/erasure.py): what was done is free text that may name the patient;
    it goes. The days, minutes and interactions stay, as the clinic's billing records."""
    RtmTime.objects.filter(patient=patient).update(activity="(erased)")
