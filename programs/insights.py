"""What the clinician sees at a glance: per-patient figures, alerts and suggestions.

Everything here is worked out from the logs when asked, in a fixed number of queries whatever
the caseload size; only "this alert was handled" is stored (AlertHandled).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
)

from clinic.models import Patient
from programs.adherence import NOTHING, Adherence, adherence
from programs.models import (
    AlertHandled,
    AlertKind,
    Difficulty,
    Program,
    ProgramItem,
    ProgramVersion,
    SessionEntry,
    SessionLog,
)

HIGH_PAIN = 7  # pain at or above this in the last session
PAIN_RISE = 2  # points above the first week's average
LOW_ADHERENCE = 50  # percent over 28 days
MIN_DAYS_FOR_ADHERENCE_ALERT = 7  # a program younger than this is not judged yet


@dataclass
class Alert:
    kind: str
    key: str
    reason: str
    handled: AlertHandled | None = None

    @property
    def label(self) -> str:
        return str(AlertKind(self.kind).label)


@dataclass
class PatientSummary:
    patient: Patient
    programs: list[Program]
    adherence_7: Adherence = NOTHING
    adherence_28: Adherence = NOTHING
    last_session: date | None = None
    latest_pain: int | None = None
    first_week_pain: float | None = None
    unread_notes: int = 0
    alerts: list[Alert] = field(default_factory=list)

    @property
    def pain_trend(self) -> float | None:
        if self.latest_pain is None or self.first_week_pain is None:
            return None
        return round(self.latest_pain - self.first_week_pain, 1)

    @property
    def open_alerts(self) -> list[Alert]:
        return [alert for alert in self.alerts if alert.handled is None]


def with_session_facts(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    """Annotate each patient with their latest session and count of unread notes."""
    sessions = SessionLog.objects.filter(program__patient=OuterRef("pk"))
    latest = sessions.order_by("-date", "-slot", "-pk")
    unread = (
        sessions.filter(note_read_at__isnull=True)
        .exclude(note="")
        .order_by()
        .values("program__patient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return patients.annotate(
        latest_session_id=Subquery(latest.values("pk")[:1]),
        latest_session_date=Subquery(latest.values("date")[:1]),
        unread_count=Subquery(unread[:1]),
    )


def summarize(patients: list[Patient], today: date) -> list[PatientSummary]:
    """Figures and alerts for patients annotated by with_session_facts, in six queries."""
    ids = [patient.pk for patient in patients]
    programs = list(
        Program.objects.filter(
            patient__in=ids, scope=Program.Scope.PATIENT, status=Program.Status.ACTIVE
        ).select_related("clinic")
    )
    versions: dict[int, list[ProgramVersion]] = defaultdict(list)
    for version in ProgramVersion.objects.filter(program__in=programs).order_by("number"):
        versions[version.program_id].append(version)
    done: dict[int, Counter[tuple[int, date]]] = defaultdict(Counter)
    rows = (
        SessionEntry.objects.filter(
            session__program__in=programs,
            done=True,
            session__date__gte=today - timedelta(days=27),
        )
        .values("session__program", "item_ref", "session__date")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        done[row["session__program"]][(row["item_ref"], row["session__date"])] = row["n"]
    latest_pain = dict(
        SessionEntry.objects.filter(session_id__in=[p.latest_session_id for p in patients])
        .values_list("session_id")
        .annotate(Max("pain"))
    )
    first_week_end = ExpressionWrapper(
        F("session__program__start_date") + timedelta(days=6), output_field=DateField()
    )
    first_week = dict(
        SessionEntry.objects.filter(session__program__patient__in=ids, pain__isnull=False)
        .alias(week_end=first_week_end)
        .filter(session__date__lte=F("week_end"))
        .values_list("session__program__patient")
        .annotate(Avg("pain"))
    )
    handled: dict[tuple[int, str, str], AlertHandled] = {
        (h.patient_id, h.kind, h.key): h
        for h in AlertHandled.objects.filter(patient__in=ids).select_related("handled_by")
    }

    by_patient: dict[int, list[Program]] = defaultdict(list)
    for program in programs:
        by_patient[program.patient_id].append(program)
    summaries = []
    for patient in patients:
        own = by_patient[patient.pk]
        summary = PatientSummary(
            patient=patient,
            programs=own,
            last_session=patient.latest_session_date,
            latest_pain=latest_pain.get(patient.latest_session_id),
            first_week_pain=first_week.get(patient.pk),
            unread_notes=patient.unread_count or 0,
        )
        for program in own:
            kwargs: dict[str, Any] = {"versions": versions[program.pk], "done": done[program.pk]}
            summary.adherence_7 += adherence(
                program, today, start=today - timedelta(days=6), **kwargs
            )
            summary.adherence_28 += adherence(
                program, today, start=today - timedelta(days=27), **kwargs
            )
        summary.alerts = alerts_for(summary, today)
        for alert in summary.alerts:
            alert.handled = handled.get((patient.pk, alert.kind, alert.key))
        summaries.append(summary)
    return summaries


def alerts_for(summary: PatientSummary, today: date) -> list[Alert]:
    """The alert rules, each with the reason in words:

    - high pain: pain 7 or more in the last session;
    - pain rising: the last session's pain is 2 or more points above the first week's average;
    - silent: no session for the clinic's number of days (4 unless changed) while a program is
      active, counted from the last session, or from the start if there is none;
    - low adherence: under 50% over the last 28 days, once a program has run for 7 days.
    """
    alerts = []
    patient = summary.patient
    if summary.latest_pain is not None and summary.latest_pain >= HIGH_PAIN:
        alerts.append(
            Alert(
                AlertKind.HIGH_PAIN,
                f"s{patient.latest_session_id}",
                f"Pain {summary.latest_pain}/10 in the last session "
                f"({summary.last_session:%d %b}).",
            )
        )
    trend = summary.pain_trend
    if trend is not None and trend >= PAIN_RISE:
        alerts.append(
            Alert(
                AlertKind.PAIN_RISING,
                f"s{patient.latest_session_id}",
                f"Pain {summary.latest_pain}/10 in the last session against "
                f"{summary.first_week_pain:.1f} in the first week.",
            )
        )
    starts = [p.start_date for p in summary.programs if p.start_date and p.start_date <= today]
    if starts:
        since = summary.last_session or min(starts)
        quiet_days = (today - since).days
        threshold = patient.clinic.silence_days
        if quiet_days >= threshold:
            what = "the last session" if summary.last_session else "the program started"
            alerts.append(
                Alert(
                    AlertKind.SILENT,
                    f"since-{since.isoformat()}",
                    f"No session for {quiet_days} days since {what} ({since:%d %b}).",
                )
            )
        percent = summary.adherence_28.percent
        old_enough = (today - min(starts)).days + 1 >= MIN_DAYS_FOR_ADHERENCE_ALERT
        if percent is not None and percent < LOW_ADHERENCE and old_enough:
            year, week, _ = today.isocalendar()
            alerts.append(
                Alert(
                    AlertKind.LOW_ADHERENCE,
                    f"week-{year}-{week}",
                    f"Adherence {percent}% over the last 28 days.",
                )
            )
    return alerts


# --- suggestions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "regression" or "progression"
    reason: str


def suggest(item: ProgramItem, recent: list[SessionEntry]) -> Suggestion | None:
    """A suggestion for one item from its entries in the last 3 sessions that included it
    (newest first, each with its session loaded):

    - regress when its pain was 5 or more in 2 of the last 3 sessions;
    - progress when the last 3 sessions all did it in full (done, with at least the prescribed
      sets and reps), rated the session too easy or about right, and had pain 2 or less (pain
      not noted counts as none).
    Regressing wins when both apply."""
    last3 = recent[:3]
    painful = [entry for entry in last3 if entry.pain is not None and entry.pain >= 5]
    if len(painful) >= 2:
        return Suggestion(
            "regression", f"Pain 5 or more in {len(painful)} of the last {len(last3)} sessions."
        )
    if len(last3) == 3 and all(_in_full(item, entry) for entry in last3):
        return Suggestion(
            "progression",
            "Done in full in the last 3 sessions, felt easy or about right, pain 2 or less.",
        )
    return None


def _in_full(item: ProgramItem, entry: SessionEntry) -> bool:
    if not entry.done or (entry.pain or 0) > 2:
        return False
    if entry.session.difficulty not in (Difficulty.TOO_EASY, Difficulty.ABOUT_RIGHT):
        return False
    enough_sets = entry.sets_done is not None and entry.sets_done >= item.sets
    enough_reps = item.to_fatigue or (
        entry.reps_done is not None and entry.reps_done >= (item.reps_min or 0)
    )
    return enough_sets and enough_reps


def recent_entries(items: list[ProgramItem], sessions: int = 3) -> dict[int, list[SessionEntry]]:
    """The latest entries of each item (newest first), in one query."""
    entries: dict[int, list[SessionEntry]] = defaultdict(list)
    rows = (
        SessionEntry.objects.filter(item__in=items)
        .select_related("session")
        .order_by("-session__date", "-session__slot", "-pk")
    )
    for entry in rows:
        if len(entries[entry.item_ref]) < sessions:
            entries[entry.item_ref].append(entry)
    return entries


def caseload(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    return with_session_facts(patients.select_related("clinic", "primary_clinician__user"))
