"""The caseload's figures, kept per patient so the dashboard sorts, filters and pages in the
database instead of working out every patient before showing 25 of them.

What the figures are is insights.summarize's answer (adherence from programs/adherence.py, as
everywhere); this module only keeps that answer, one PatientFigures row per patient, for one
day in their clinic.

- Anything that changes a patient's figures calls mark_changed in the same transaction: a
  session logged or edited, a program changed or discharged, an alert handled, a note read.
  The clinic's own alert settings mark all of its patients (programs/apps.py).
- A row is out of date when it is dirty, when its day is not the clinic's today, or when there
  is none yet. refresh() works out again the out-of-date rows among the patients a page is
  about to show, before the page sorts them, so no page ever shows a stale figure.
- A change made while a refresh is working is not lost: the refresh clears `dirty` before it
  reads (a change after that marks the row again) and never sets it when writing the figures.
- `manage.py refresh_figures`, run after midnight, does the new day's work before the first
  visit of the day would.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy

from clinic.models import Clinic, Patient
from programs.adherence import Adherence
from programs.insights import Alert, PatientSummary, caseload, summarize
from programs.models import AlertKind, OutcomeStatus, PatientFigures

FIGURE_FIELDS = [
    "as_of",
    "active_programs",
    "adherence_7_done",
    "adherence_7_scheduled",
    "adherence_28_done",
    "adherence_28_scheduled",
    "adherence_7",
    "adherence_28",
    "last_session",
    "latest_pain",
    "pain_trend",
    "unread_notes",
    "open_alerts",
    "alert_kinds",
    "alerts",
    "outcome_change",
    "outcome_status",
]


def mark_changed(patient_ids: Iterable[int | None]) -> None:
    """Mark these patients' figures out of date; one query. Call it inside the transaction of
    the change, so the figures and the change are never seen apart."""
    rows = [PatientFigures(patient_id=pk, dirty=True) for pk in set(patient_ids) if pk]
    if rows:
        PatientFigures.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["patient"], update_fields=["dirty"]
        )


def mark_clinic_changed(clinic: Clinic) -> None:
    """Mark every patient of the clinic: its alert settings changed."""
    PatientFigures.objects.filter(patient__clinic=clinic).update(dirty=True)


# Each patient's figures are read through the table's primary key, one patient at a time (a
# subquery, not a join): a join lets the database read every clinic's figures to pick out one
# clinic's, which grows with the network.


def _own(**conditions: Any) -> QuerySet[PatientFigures]:
    return PatientFigures.objects.filter(patient=OuterRef("pk"), **conditions)


def out_of_date(patients: QuerySet[Patient], today: date) -> list[int]:
    """The ids of those of `patients` whose figures are out of date, in two queries that read
    only these patients' rows (as NOT EXISTS, the database would read every clinic's figures)."""
    ids = list(patients.order_by().values_list("pk", flat=True))
    fresh = set(
        PatientFigures.objects.filter(patient__in=ids, dirty=False, as_of=today).values_list(
            "patient_id", flat=True
        )
    )
    return [pk for pk in ids if pk not in fresh]


def figure(column: str) -> Subquery:
    """One of a patient's figures, to sort the caseload by."""
    return Subquery(_own().values(column)[:1])


def refresh(patients: QuerySet[Patient], today: date) -> int:
    """Work out again the figures of those of `patients` that are out of date (all in one
    clinic, whose day is `today`); returns how many. Two queries when none is; thirteen when
    some are, however many (one or two fewer while their active programs have no
    questionnaire, or none answered: Django skips an empty prefetch)."""
    stale = out_of_date(patients, today)
    if not stale:
        return 0
    # Claim the rows first: a change from here on marks its row dirty again, and the figures
    # written below leave `dirty` as that change set it.
    PatientFigures.objects.bulk_create(
        [PatientFigures(patient_id=pk, dirty=False) for pk in stale],
        update_conflicts=True,
        unique_fields=["patient"],
        update_fields=["dirty"],
    )
    summaries = summarize(list(caseload(Patient.objects.filter(pk__in=stale))), today)
    PatientFigures.objects.bulk_create(
        [figures_of(summary, today) for summary in summaries],
        update_conflicts=True,
        unique_fields=["patient"],
        update_fields=FIGURE_FIELDS,
    )
    return len(stale)


def figures_of(summary: PatientSummary, today: date) -> PatientFigures:
    alerts = summary.open_alerts
    return PatientFigures(
        patient_id=summary.patient.pk,
        dirty=False,
        as_of=today,
        active_programs=len(summary.programs),
        adherence_7_done=summary.adherence_7.done,
        adherence_7_scheduled=summary.adherence_7.scheduled,
        adherence_28_done=summary.adherence_28.done,
        adherence_28_scheduled=summary.adherence_28.scheduled,
        adherence_7=summary.adherence_7.ratio,
        adherence_28=summary.adherence_28.ratio,
        last_session=summary.last_session,
        latest_pain=summary.latest_pain,
        pain_trend=summary.pain_trend,
        unread_notes=summary.unread_notes,
        open_alerts=len(alerts),
        alert_kinds="".join(f",{kind}" for kind in sorted({a.kind for a in alerts}))
        + ("," if alerts else ""),
        alerts=[{"kind": a.kind, "key": a.key, "reason": a.reason} for a in alerts],
        outcome_change=summary.outcome_change,
        outcome_status=summary.outcome_status,
    )


@dataclass
class CaseloadRow:
    """One row of the dashboard, read from a patient's stored figures."""

    patient: Patient
    figures: PatientFigures

    @property
    def active_programs(self) -> int:
        return self.figures.active_programs

    @property
    def adherence_7(self) -> Adherence:
        return Adherence(self.figures.adherence_7_done, self.figures.adherence_7_scheduled)

    @property
    def adherence_28(self) -> Adherence:
        return Adherence(self.figures.adherence_28_done, self.figures.adherence_28_scheduled)

    @property
    def last_session(self) -> date | None:
        return self.figures.last_session

    @property
    def latest_pain(self) -> int | None:
        return self.figures.latest_pain

    @property
    def pain_trend(self) -> float | None:
        return self.figures.pain_trend

    @property
    def unread_notes(self) -> int:
        return self.figures.unread_notes

    @property
    def outcome_change(self) -> float | None:
        return self.figures.outcome_change

    @property
    def outcome_status(self) -> str:
        return self.figures.outcome_status

    @property
    def outcome_label(self) -> str:
        status = self.figures.outcome_status
        return str(OutcomeStatus(status).label) if status in OutcomeStatus.values else ""

    @property
    def open_alerts(self) -> list[Alert]:
        return [
            Alert(alert["kind"], alert["key"], alert["reason"])
            for alert in self.figures.alerts
            if alert.get("kind") in AlertKind.values
        ]


def rows_of(patients: Iterable[Patient]) -> list[CaseloadRow]:
    """The rows of a page of patients whose figures are up to date (after refresh); one
    query."""
    patients = list(patients)
    stored = PatientFigures.objects.in_bulk([patient.pk for patient in patients])
    # A patient added since the refresh has no row yet: blank figures, worked out next time.
    return [
        CaseloadRow(patient, stored.get(patient.pk) or PatientFigures(patient=patient))
        for patient in patients
    ]


def flag_filter(flag: str) -> Exists | None:
    """The filter for the dashboard's "flag" choice: any open alert, or one kind."""
    if flag == "any":
        return Exists(_own(open_alerts__gt=0))
    if flag in AlertKind.values:
        return Exists(_own(alert_kinds__contains=f",{flag},"))
    return None


# The dashboard's "outcome" choices: what the outcome measures say, and "not improved", the
# patients whose measures can be compared and show no important improvement.
NOT_IMPROVED = "not_improved"
NOT_MEASURED = "none"
OUTCOME_CHOICES = [
    (NOT_IMPROVED, gettext_lazy("No important improvement")),
    *OutcomeStatus.choices,
    (NOT_MEASURED, gettext_lazy("Not compared yet")),
]


def outcome_filter(outcome: str) -> Exists | None:
    """The filter for the dashboard's "outcome" choice."""
    if outcome == NOT_IMPROVED:
        return Exists(_own(outcome_status__in=[OutcomeStatus.NO_CHANGE, OutcomeStatus.WORSE]))
    if outcome in OutcomeStatus.values:
        return Exists(_own(outcome_status=outcome))
    if outcome == NOT_MEASURED:
        return Exists(_own(outcome_status=""))
    return None
