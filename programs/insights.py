"""What the clinician sees at a glance: per-patient figures, alerts and suggestions.

Everything here is worked out from the logs when asked, in a fixed number of queries whatever
the caseload size; only "this alert was handled" is stored (AlertHandled).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, F, Max, OuterRef, Prefetch, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from clinic.models import Patient
from exercises.models import LinkKind
from programs.adherence import NOTHING, Adherence, adherence, done_counts_of, versions_of
from programs.dates import readable_date
from programs.models import (
    AlertHandled,
    AlertKind,
    AsNeededLog,
    Difficulty,
    OutcomeStatus,
    Program,
    ProgramItem,
    Questionnaire,
    SessionEntry,
    SessionLog,
)
from programs.outcomes import (
    IMPROVED,
    NOT_COMPARED,
    WORSE,
    Change,
    Course,
    course_of,
    no_improvement_since,
)
from programs.pain import PainTrend, SessionPain, is_high, latest_trend

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

HIGH_PAIN_DAYS = 14  # a high pain in a session this recent alerts until handled
PAIN_DAYS = 42  # sessions read for the pain alerts and the trend
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
    trend: PainTrend | None = None
    high_pain: SessionPain | None = None
    high_pain_use: UsePain | None = None
    unread_notes: int = 0
    alerts: list[Alert] = field(default_factory=list)
    courses: dict[int, Course] = field(default_factory=dict)  # active program id -> outcomes

    @property
    def pain_trend(self) -> float | None:
        """Points above (or below) the baseline of the two weeks before the latest session
        with pain noted; None without enough data (programs/pain.py)."""
        return self.trend.change if self.trend else None

    @property
    def open_alerts(self) -> list[Alert]:
        return [alert for alert in self.alerts if alert.handled is None]

    @property
    def outcome_change(self) -> float | None:
        """The best change of an outcome measure (NPRS or PSFS, first score to latest) of the
        active programs, in points towards better: both scales run 0 to 10, so their points
        compare. None while no measure has two scores to compare."""
        found = [change.improvement for change in self._outcome_changes]
        return float(max(found)) if found else None

    @property
    def outcome_status(self) -> str:
        """Improved when any measure improved importantly, else worse when any worsened
        importantly, else no change; empty while nothing can be compared."""
        verdicts = {change.verdict for change in self._outcome_changes}
        if IMPROVED in verdicts:
            return OutcomeStatus.IMPROVED
        if WORSE in verdicts:
            return OutcomeStatus.WORSE
        return OutcomeStatus.NO_CHANGE if verdicts else ""

    @property
    def _outcome_changes(self) -> list[Change]:
        return [
            change
            for course in self.courses.values()
            for change in course.changes.values()
            if change.verdict != NOT_COMPARED
        ]


class SessionFacts(TypedDict):
    """What with_session_facts adds to each patient."""

    latest_session_id: int | None
    latest_session_date: date | None
    unread_count: int | None


if TYPE_CHECKING:
    PatientWithFacts = WithAnnotations[Patient, SessionFacts]


def with_session_facts(patients: QuerySet[Patient]) -> QuerySet[PatientWithFacts]:
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


def summarize(patients: list[PatientWithFacts], today: date) -> list[PatientSummary]:
    """Figures and alerts for patients annotated by with_session_facts, in nine queries
    (seven when no program has an answered questionnaire)."""
    ids = [patient.pk for patient in patients]
    answered = Questionnaire.objects.filter(completed_at__isnull=False).prefetch_related("answers")
    programs = list(
        Program.objects.filter(
            patient__in=ids, scope=Program.Scope.PATIENT, status=Program.Status.ACTIVE
        )
        .select_related("clinic")
        .prefetch_related(Prefetch("questionnaires", answered))
    )
    versions = versions_of(programs)
    # Item ids are unique across programs, so one count serves every program.
    done = done_counts_of(programs, today - timedelta(days=27), today)
    latest_pain = dict(
        SessionEntry.objects.filter(session_id__in=[p.latest_session_id for p in patients])
        .values_list("session_id")
        .annotate(Max("pain"))
    )
    pains, high = session_pains(ids, today)
    high_uses = as_needed_pains(ids, today)
    handled: dict[tuple[int, str, str], AlertHandled] = {
        (h.patient_id, h.kind, h.key): h
        for h in AlertHandled.objects.filter(patient__in=ids).select_related("handled_by")
    }

    by_patient: dict[int | None, list[Program]] = defaultdict(list)
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
            trend=latest_trend(pains[patient.pk]),
            high_pain=high.get(patient.pk),
            high_pain_use=high_uses.get(patient.pk),
            unread_notes=patient.unread_count or 0,
            courses={program.pk: course_of(program.questionnaires.all()) for program in own},
        )
        for program in own:
            kwargs: dict[str, Any] = {"versions": versions[program.pk], "done": done}
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


def session_pains(
    patient_ids: list[int], today: date
) -> tuple[dict[int, list[SessionPain]], dict[int, SessionPain]]:
    """Each patient's sessions with pain noted over the last PAIN_DAYS days (worst pain of
    each), and their latest session in the last HIGH_PAIN_DAYS days whose pain reached its
    program's threshold. One query."""
    rows = (
        SessionEntry.objects.filter(
            session__program__patient__in=patient_ids,
            session__date__gte=today - timedelta(days=PAIN_DAYS),
            pain__isnull=False,
        )
        .values(
            "session_id",
            "session__date",
            "session__slot",
            "session__program__patient",
            "session__program__pain_threshold",
            "session__program__clinic__pain_threshold",
        )
        .annotate(worst=Max("pain"))
        .order_by("session__date", "session__slot", "session_id")
    )
    pains: dict[int, list[SessionPain]] = defaultdict(list)
    high: dict[int, SessionPain] = {}
    for row in rows:
        patient = row["session__program__patient"]
        session = SessionPain(
            row["session_id"], row["session__date"], row["session__slot"], row["worst"]
        )
        pains[patient].append(session)
        threshold = (
            row["session__program__pain_threshold"]
            or row["session__program__clinic__pain_threshold"]
        )
        recent = session.day >= today - timedelta(days=HIGH_PAIN_DAYS - 1)
        if recent and is_high(session.pain, threshold):
            high[patient] = session  # rows are oldest first, so the latest wins
    return pains, high


@dataclass(frozen=True)
class UsePain:
    """An as-needed exercise logged with pain at or above its program's threshold."""

    use_id: int
    day: date
    pain: int


def as_needed_pains(patient_ids: list[int], today: date) -> dict[int, UsePain]:
    """Each patient's latest use of an as-needed exercise in the last HIGH_PAIN_DAYS days whose
    pain reached its program's threshold. Such uses are outside adherence, never outside the
    safety rule: high pain alerts the clinician whatever the patient logged it on. One query."""
    rows = (
        AsNeededLog.objects.filter(
            program__patient__in=patient_ids,
            date__gte=today - timedelta(days=HIGH_PAIN_DAYS - 1),
            pain__isnull=False,
        )
        .values(
            "pk",
            "date",
            "pain",
            "program__patient",
            "program__pain_threshold",
            "program__clinic__pain_threshold",
        )
        .order_by("date", "logged_at", "pk")
    )
    high: dict[int, UsePain] = {}
    for row in rows:
        threshold = row["program__pain_threshold"] or row["program__clinic__pain_threshold"]
        pain = row["pain"]
        if pain is not None and is_high(pain, threshold):
            high[row["program__patient"]] = UsePain(row["pk"], row["date"], pain)
    return high


def alerts_for(summary: PatientSummary, today: date) -> list[Alert]:
    """The alert rules, each with the reason in words:

    - high pain: a session in the last 14 days with pain at or above its program's threshold
      (the clinic's, 6 unless changed); it stays until handled, even after calmer sessions;
      an as-needed exercise logged with such pain alerts the same way;
    - pain rising: the latest session with pain noted is 2 or more points above the baseline
      of the two weeks before it (programs/pain.py states the rule);
    - silent: no session for the clinic's number of days (4 unless changed) while a program is
      active, counted from the last session, or from the start if there is none;
    - low adherence: under 50% over the last 28 days, once a program has run for 7 days;
    - no improvement: an active program's outcome measures show no clinically important
      improvement over 4 weeks or more of questionnaires (programs/outcomes.py states the
      rule); each newer questionnaire still without improvement alerts again.
    """
    alerts = []
    patient = summary.patient
    high = summary.high_pain
    if high is not None:
        alerts.append(
            Alert(
                AlertKind.HIGH_PAIN,
                f"s{high.session_id}",
                f"Pain {high.pain}/10 in the session of {readable_date(high.day, today.year)}.",
            )
        )
    use = summary.high_pain_use
    if use is not None:
        alerts.append(
            Alert(
                AlertKind.HIGH_PAIN,
                f"u{use.use_id}",
                f"Pain {use.pain}/10 after an as-needed exercise on "
                f"{readable_date(use.day, today.year)}.",
            )
        )
    trend = summary.trend
    if trend is not None and trend.rising:
        alerts.append(
            Alert(
                AlertKind.PAIN_RISING,
                f"s{trend.session.session_id}",
                f"Pain {trend.session.pain}/10 on "
                f"{readable_date(trend.session.day, today.year)} against "
                f"{trend.baseline:.1f} on average in the two weeks before.",
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
                    f"No session for {quiet_days} days since {what} "
                    f"({readable_date(since, today.year)}).",
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
    alerts += _no_improvement_alerts(summary, today)
    return alerts


def _no_improvement_alerts(summary: PatientSummary, today: date) -> list[Alert]:
    """One alert per active program whose outcome measures have not improved; keyed by its
    latest answered questionnaire, so handling it lasts until the next one is answered."""
    alerts = []
    for program in summary.programs:
        course = summary.courses.get(program.pk)
        if course is None or (since := no_improvement_since(course)) is None:
            continue
        latest = max(
            (scores[-1] for scores in course.scores.values() if scores),
            key=lambda score: (score.on, score.questionnaire.pk),
        )
        alerts.append(
            Alert(
                AlertKind.NO_IMPROVEMENT,
                f"q{latest.questionnaire.pk}",
                f"No clinically important improvement in pain or function since "
                f"{readable_date(since, today.year)} (latest questionnaire "
                f"{readable_date(latest.on, today.year)}).",
            )
        )
    return alerts


# --- suggestions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    kind: LinkKind  # a regression (easier) or a progression (harder)
    reason: str

    @property
    def is_regression(self) -> bool:
        return self.kind == LinkKind.REGRESSION


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
            LinkKind.REGRESSION,
            f"Pain 5 or more in {len(painful)} of the last {len(last3)} sessions.",
        )
    if len(last3) == 3 and all(_in_full(item, entry) for entry in last3):
        return Suggestion(
            LinkKind.PROGRESSION,
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
    """The latest `sessions` entries of each item (newest first), in one query: the database
    ranks each item's entries and sends only the first few, however long the history."""
    entries: dict[int, list[SessionEntry]] = defaultdict(list)
    newest_first = [F("session__date").desc(), F("session__slot").desc(), F("pk").desc()]
    rows = (
        SessionEntry.objects.filter(item__in=items)
        .annotate(rank=Window(RowNumber(), partition_by=[F("item_ref")], order_by=newest_first))
        .filter(rank__lte=sessions)
        .select_related("session")
        .order_by("item_ref", "rank")
    )
    for entry in rows:
        entries[entry.item_ref].append(entry)
    return entries


def caseload(patients: QuerySet[Patient]) -> QuerySet[PatientWithFacts]:
    return with_session_facts(patients.select_related("clinic", "primary_clinician__user"))
