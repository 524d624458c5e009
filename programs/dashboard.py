"""The clinician's dashboard: the caseload at a glance, and the actions on a patient's alerts
and notes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from clinic.access import ClinicianRequest, clinician_required, patient_for, patients_for
from clinic.audit import patient_event, record
from clinic.invitations import invitation_blocker
from clinic.models import AuditAction, AuditSubject, Patient
from exercises.ladder import ladders_for
from programs import figures, messaging, rtm
from programs.access import patient_session_for
from programs.adherence import courses, week_start
from programs.charts import adherence_chart, pain_chart, pain_series, weekly_adherence
from programs.insights import caseload, recent_entries, suggest, summarize
from programs.models import AlertHandled, AlertKind, Program, ProgramItem, SessionLog
from programs.outcome_views import outcomes_of, record_outcomes_read, with_outcomes

ROWS_PER_PAGE = 25
CHART_WEEKS = timedelta(weeks=7)  # the patient's charts show this week and the 7 before


SORTS: dict[str, str | Promise] = {
    "name": gettext_lazy("Name"),
    "programs": gettext_lazy("Active programs"),
    "adherence7": gettext_lazy("Adherence, 7 days"),
    "adherence28": gettext_lazy("Adherence, 28 days"),
    "last": gettext_lazy("Last session"),
    "pain": gettext_lazy("Latest pain"),
    "trend": gettext_lazy("Pain trend"),
    "notes": gettext_lazy("Unread notes"),
    "flags": gettext_lazy("Flags"),
    # Least improved first on the first click: the patients to look at.
    "outcome": gettext_lazy("Outcome change"),
}
SORT_FIELDS = {
    "programs": "active_programs",
    "adherence7": "adherence_7",
    "adherence28": "adherence_28",
    "last": "last_session",
    "pain": "latest_pain",
    "trend": "pain_trend",
    "notes": "unread_notes",
    "flags": "open_alerts",
    "outcome": "outcome_change",
}
NAME_FIELDS: list[Lower | F] = [Lower("last_name"), Lower("first_name"), F("pk")]
BY_NAME = [field.asc() for field in NAME_FIELDS]
DEFAULT_SORT = "-flags"


def sort_order(sort: str) -> list[Any]:
    """The order of a sort column, ties by name; patients without a value go last either way."""
    key = sort.lstrip("-")
    if key not in SORT_FIELDS:
        return [field.desc() for field in NAME_FIELDS] if sort.startswith("-") else BY_NAME
    column = F("sort_value")
    first = column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_last=True)
    return [first, *BY_NAME]


RTM_DAYS_LEFT = [3, 5, 7, 10, 14]
"""The RTM filter's choices: patients short of data days with this many days or fewer left."""


def _rtm_days_left(request: ClinicianRequest, value: str) -> int | None:
    """The RTM filter's days left, when the clinic keeps RTM records and the value is one of
    the choices; anything else is no filter."""
    if not request.clinician.clinic.rtm_enabled or not value.isdigit():
        return None
    days = int(value)
    return days if days in RTM_DAYS_LEFT else None


def _scoped(
    request: ClinicianRequest, scope: str, status: str, query: str, unread_only: bool
) -> QuerySet[Patient]:
    """The caseload before the figures' filters: whose patients, their status, their name, and
    (for "unread messages") those whose thread assigned to this clinician has unread messages,
    whoever their primary clinician is, since a thread can be handed to a colleague."""
    patients = patients_for(request.user)
    if unread_only:
        patients = patients.filter(messaging.unread_filter(request.clinician))
    elif scope == "mine":
        patients = patients.filter(primary_clinician=request.clinician)
    if status in Patient.Status.values:
        patients = patients.filter(status=status)
    for word in query.split():
        patients = patients.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return patients


@require_safe
@clinician_required
def dashboard(request: ClinicianRequest) -> HttpResponse:
    params = request.GET
    scope = "clinic" if params.get("scope") == "clinic" else "mine"
    status = params.get("status", Patient.Status.ACTIVE)
    flag = params.get("flag", "")
    outcome = params.get("outcome", "")
    unread_only = params.get("messages") == "unread"
    rtm_days_left = _rtm_days_left(request, params.get("rtm", ""))
    query = params.get("q", "").strip()[:100]
    sort = params.get("sort", DEFAULT_SORT)
    if sort.lstrip("-") not in SORTS:
        sort = DEFAULT_SORT

    patients = _scoped(request, scope, status, query, unread_only)
    figures.refresh(patients, request.clinician.clinic.today())
    if (flagged := figures.flag_filter(flag)) is not None:
        patients = patients.filter(flagged)
    if (measured := figures.outcome_filter(outcome)) is not None:
        patients = patients.filter(measured)
    if rtm_days_left is not None:
        clinic = request.clinician.clinic
        patients = patients.filter(pk__in=rtm.short_of_data(clinic, clinic.today(), rtm_days_left))
    if (column := SORT_FIELDS.get(sort.lstrip("-"))) is not None:
        patients = patients.annotate(sort_value=figures.figure(column))
    page = Paginator(patients.order_by(*sort_order(sort)), ROWS_PER_PAGE).get_page(
        params.get("page")
    )
    rows = figures.rows_of(page.object_list)

    base = params.copy()
    base.pop("page", None)
    base.pop("sort", None)
    columns = []
    for key, label in SORTS.items():
        active = sort.lstrip("-") == key
        next_sort = key if active and sort.startswith("-") else f"-{key}" if active else key
        if not active and key in {"flags", "notes", "pain", "trend", "programs"}:
            next_sort = f"-{key}"  # most first is the useful way round for these
        columns.append(
            {
                "key": key,
                "label": label,
                "next": next_sort,
                "active": active,
                "direction": ("descending" if sort.startswith("-") else "ascending")
                if active
                else "",
            }
        )
    querystring = params.copy()
    querystring.pop("page", None)
    return render(
        request,
        "programs/dashboard.html",
        {
            "page": page,
            "rows": rows,
            "columns": columns,
            "base": base.urlencode(),
            "scope": scope,
            "status": status,
            "flag": flag,
            "outcome": outcome,
            "outcome_choices": figures.OUTCOME_CHOICES,
            "unread_only": unread_only,
            "rtm_days_left": rtm_days_left,
            "rtm_choices": RTM_DAYS_LEFT,
            "unread": messaging.unread_counts(request.clinician),
            "query": query,
            "sort": sort,
            "querystring": querystring.urlencode(),
            "flag_choices": AlertKind.choices,
            "status_choices": Patient.Status.choices,
        },
    )


@require_POST
@clinician_required
def alert_handled(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    kind, key = request.POST.get("kind", ""), request.POST.get("key", "").strip()
    if kind not in AlertKind.values or not key or len(key) > 40:
        messages.error(request, _("That alert could not be found. Reload the page and try again."))
        return redirect(patient)
    with transaction.atomic():
        _handled, created = AlertHandled.objects.get_or_create(
            patient=patient, kind=kind, key=key, defaults={"handled_by": request.user}
        )
        if created:
            figures.mark_changed([patient.pk])
            patient_event(AuditAction.CHANGE, patient, f"{kind} alert marked handled")
    if created:
        messages.success(
            request, _("%(kind)s alert marked handled.") % {"kind": AlertKind(kind).label}
        )
    return redirect((request.POST.get("next") == "dashboard" and "dashboard") or patient)


@require_POST
@clinician_required
def note_read(request: ClinicianRequest, pk: int, session_pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    session = patient_session_for(patient, session_pk)
    if session.note_read_at is None:
        with transaction.atomic():
            session.note_read_at, session.note_read_by = timezone.now(), request.user
            session.save(update_fields=["note_read_at", "note_read_by", "updated_at"])
            figures.mark_changed([patient.pk])
            record(
                AuditAction.CHANGE,
                AuditSubject.NOTE,
                patient=patient,
                object_id=session.pk,
                detail="marked read",
            )
        messages.success(
            request,
            _("Note marked read; %(name)s will see that.") % {"name": patient.first_name},
        )
    return redirect(patient)


@require_safe
@clinician_required
def patient_detail(request: ClinicianRequest, pk: int) -> HttpResponse:
    """The patient's page: their details and portal access, and their clinical record."""
    patient = patient_for(request.user, pk)
    patient_event(AuditAction.VIEW, patient, "patient record")
    record = patient_record(patient)
    record_outcomes_read(record["outcomes"])
    return render(
        request,
        "programs/patient_detail.html",
        {
            "patient": patient,
            "programs": list(patient.programs.order_by("status", "-created_at")),
            **record,
            "invitation": patient.invitations.first(),
            "invitation_blocker": invitation_blocker(patient),
        },
    )


def patient_record(patient: Patient) -> dict[str, Any]:
    """What the patient's page shows beside their details: figures and alerts, notes, recent
    sessions, charts, a suggestion beside each exercise of their active programs, and each
    program's outcome measures."""
    today = patient.clinic.today()
    summary = summarize(list(caseload(Patient.objects.filter(pk=patient.pk))), today)[0]
    programs = list(
        with_outcomes(
            patient.programs.exclude(status=Program.Status.DRAFT)
            .select_related("clinic", "discharged_by")
            .prefetch_related(Prefetch("items", ProgramItem.objects.select_related("exercise")))
        )
    )
    active = [program for program in programs if program.status == Program.Status.ACTIVE]
    items = [item for program in active for item in program.items.all()]
    recent = recent_entries(items)
    ladders = ladders_for([item.exercise for item in items], patient.clinic)
    rows = [
        {
            "item": item,
            "suggestion": suggest(item, recent.get(item.pk, [])),
            "ladder": ladders[item.exercise_id],
        }
        for item in items
    ]
    sessions = list(
        SessionLog.objects.filter(program__patient=patient)
        .select_related("program__clinic", "note_read_by", "entered_by")
        .prefetch_related("entries")
        .order_by("-date", "-slot")[:15]
    )
    unread = list(
        SessionLog.objects.filter(program__patient=patient, note_read_at__isnull=True)
        .exclude(note="")
        .select_related("program")
        .order_by("-date", "-slot")
    )
    finished = [program for program in programs if program.status == Program.Status.DISCHARGED]
    return {
        "summary": summary,
        "courses": list(zip(finished, courses(finished, today), strict=True)),
        "active_programs": active,
        "item_rows": rows,
        "sessions": sessions,
        "unread_notes": unread,
        "adherence_chart": adherence_chart(weekly_adherence(programs, today)),
        "pain_chart": pain_chart(
            pain_series(programs, since=week_start(today) - CHART_WEEKS),
            _("Pain over the last 8 weeks"),
        ),
        "outcomes": outcomes_of(programs, today),
    }
