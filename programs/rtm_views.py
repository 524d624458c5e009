"""The RTM pages (programs/rtm.py keeps the rules and counts): a patient's RTM page with its
episodes, periods and the chosen month's time; starting and ending an episode; recording and
deleting time; the patient's month as a PDF; and the clinic admin's monthly report with its CSV.

Every page is a 404 unless the clinic turned RTM on. Every read and change is on the audit
trail (subject "RTM record"); a month in a URL is checked (a bad one is a 404).
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timedelta
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic.access import ClinicianRequest, clinic_admin_required, clinician_required, patient_for
from clinic.audit import current_actor, record
from clinic.models import AuditAction, AuditEntry, AuditSubject, Clinic, Clinician, Patient
from clinic.trail import safe_cell
from programs import rtm
from programs.access import rtm_time_for
from programs.documents import pdf_response, try_again
from programs.forms import DateInput
from programs.handouts import logo_of, render_pdf
from programs.models import Interaction, RtmEpisode
from programs.render_limits import TooManyRenders, render_turn

STALE_FORM = gettext_lazy("This form was out of date. Please try again.")
ONCE_SECONDS = 24 * 60 * 60  # how long a time form's token is remembered


# --- who may reach what ----------------------------------------------------------------------


def rtm_patient_for(request: ClinicianRequest, pk: int) -> Patient:
    """A patient of the clinician's clinic, when the clinic keeps RTM records; else 404."""
    if not request.clinician.clinic.rtm_enabled:
        raise Http404("This clinic does not keep RTM records.")
    return patient_for(request.user, pk)


def writable_patient(request: ClinicianRequest, pk: int) -> Patient:
    """As rtm_patient_for, for a change: an erased patient's record takes no new RTM data."""
    patient = rtm_patient_for(request, pk)
    if patient.erased_at is not None:
        raise Http404("This patient's identity was erased.")
    return patient


def clinic_of(request: ClinicianRequest) -> Clinic:
    clinic = request.clinician.clinic
    if not clinic.rtm_enabled:
        raise Http404("This clinic does not keep RTM records.")
    return clinic


def chosen_month(request: HttpRequest, today: date) -> date:
    """?month=YYYY-MM, by default this month; a bad month is a 404."""
    text = request.GET.get("month")
    if text is None:
        return rtm.month_start(today)
    month = rtm.parse_month(text)
    if month is None:
        raise Http404("No such month.")
    return month


def month_url(name: str, *, pk: int | None = None, month: date | None = None) -> str:
    url = reverse(name, args=[pk] if pk is not None else [])
    return f"{url}?{urlencode({'month': f'{month:%Y-%m}'})}" if month else url


def rtm_event(action: str, patient: Patient, object_id: object, detail: str) -> None:
    record(action, AuditSubject.RTM, patient=patient, object_id=object_id, detail=detail)


def record_many(action: str, clinic: Clinic, patient_ids: list[int], detail: str) -> None:
    """One entry per patient whose RTM data a report shows, in one insert."""
    actor = current_actor()
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                user=actor.user,
                role=actor.role,
                clinic_id=clinic.pk,
                patient_id=patient_id,
                action=action,
                subject=AuditSubject.RTM,
                detail=detail,
                address=actor.address,
            )
            for patient_id in patient_ids
        ]
    )


# --- forms -----------------------------------------------------------------------------------


class StartForm(forms.Form):
    setup_on = forms.DateField(
        label=gettext_lazy("Set-up and education done on"),
        widget=DateInput(format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "The day the patient was set up with the app and shown how to use it."
        ),
    )
    clinician = forms.ModelChoiceField(
        label=gettext_lazy("Treating clinician"), queryset=Clinician.objects.none()
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.today = patient.clinic.today()
        clinicians = cast("forms.ModelChoiceField[Clinician]", self.fields["clinician"])
        clinicians.queryset = Clinician.objects.filter(
            clinic_id=patient.clinic_id, is_active=True
        ).select_related("user")
        self.fields["clinician"].initial = patient.primary_clinician_id
        self.fields["setup_on"].initial = self.today

    def clean_setup_on(self) -> date:
        day: date = self.cleaned_data["setup_on"]
        if day > self.today:
            raise forms.ValidationError(_("The set-up day cannot be in the future."))
        last = (
            RtmEpisode.objects.filter(patient=self.patient, ended_on__isnull=False)
            .order_by("-ended_on")
            .values_list("ended_on", flat=True)
            .first()
        )
        if last is not None and day <= last:
            raise forms.ValidationError(
                _("An earlier episode ended on %(day)s: a new one starts after it.")
                % {"day": f"{last:%Y-%m-%d}"}
            )
        return day


class EndForm(forms.Form):
    episode = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": STALE_FORM})
    ended_on = forms.DateField(label=gettext_lazy("Ended on"), widget=DateInput(format="%Y-%m-%d"))

    def __init__(self, *args: Any, episode: RtmEpisode, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_episode, self.today = episode, today
        self.fields["episode"].initial = episode.pk
        self.fields["ended_on"].initial = today

    def clean_episode(self) -> int:
        if self.cleaned_data["episode"] != self.open_episode.pk:
            raise forms.ValidationError(STALE_FORM)
        return self.open_episode.pk

    def clean_ended_on(self) -> date:
        day: date = self.cleaned_data["ended_on"]
        if day > self.today:
            raise forms.ValidationError(_("The end cannot be in the future."))
        if day < self.open_episode.setup_on:
            raise forms.ValidationError(
                _("The episode started on %(day)s: it cannot end before that.")
                % {"day": f"{self.open_episode.setup_on:%Y-%m-%d}"}
            )
        return day


class TimeForm(forms.Form):
    """Time spent on one day: minutes, or the start and stop times (the minutes between)."""

    day = forms.DateField(label=gettext_lazy("Day"), widget=DateInput(format="%Y-%m-%d"))
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes"),
        required=False,
        min_value=1,
        max_value=600,
        help_text=gettext_lazy("Or give the start and stop times below."),
    )
    started_at = forms.TimeField(
        label=gettext_lazy("Started at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    stopped_at = forms.TimeField(
        label=gettext_lazy("Stopped at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    activity = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=200,
        help_text=gettext_lazy("For example: reviewed the week's data and adjusted the program."),
    )
    interaction = forms.ChoiceField(
        label=gettext_lazy("Real-time interaction"),
        choices=Interaction.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("A call or video visit with the patient on this day."),
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": STALE_FORM, "invalid": STALE_FORM}
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.today = patient.clinic.today()
        self.fields["day"].initial = self.today
        self.fields["token"].initial = uuid.uuid4()
        self.fields["interaction"].initial = Interaction.NONE

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if day > self.today:
            raise forms.ValidationError(_("The day cannot be in the future."))
        covered = (
            RtmEpisode.objects.filter(patient=self.patient, setup_on__lte=day)
            .exclude(ended_on__lt=day)
            .exists()
        )
        if not covered:
            raise forms.ValidationError(_("The patient had no RTM episode on that day."))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        minutes = cleaned.get("minutes")
        start, stop = cleaned.get("started_at"), cleaned.get("stopped_at")
        if (
            self.has_error("minutes")
            or self.has_error("started_at")
            or self.has_error("stopped_at")
        ):
            return cleaned
        if (start is None) != (stop is None):
            raise forms.ValidationError(_("Give both the start and the stop time, or neither."))
        if start is not None and stop is not None:
            between = (datetime.combine(date.min, stop) - datetime.combine(date.min, start)).seconds
            worked = between // 60 if stop > start else 0
            if worked < 1:
                self.add_error("stopped_at", _("The stop time must be after the start time."))
                return cleaned
            if worked > 600:
                self.add_error("stopped_at", _("One entry holds at most 600 minutes."))
                return cleaned
            if minutes is not None and minutes != worked:
                self.add_error(
                    "minutes",
                    _("%(minutes)s minutes does not match the start and stop times (%(worked)s).")
                    % {"minutes": minutes, "worked": worked},
                )
                return cleaned
            cleaned["minutes"] = worked
        elif minutes is None:
            self.add_error("minutes", _("Give the minutes, or the start and stop times."))
        return cleaned


# --- the patient's page ----------------------------------------------------------------------


def page_context(request: ClinicianRequest, patient: Patient, month: date) -> dict[str, Any]:
    """The RTM page: every episode with its periods (one query for all their data days), the
    current period's days left, and the chosen month's time entries and band."""
    clinic = patient.clinic
    today = clinic.today()
    episodes = list(
        RtmEpisode.objects.filter(patient=patient).select_related("clinician__user", "ended_by")
    )
    open_episode = next((e for e in episodes if e.ended_on is None), None)
    first = min((e.setup_on for e in episodes), default=today)
    days = rtm.data_days(clinic, [patient.pk], first, today).get(patient.pk, set())
    shown = [
        (
            episode,
            rtm.counted(
                rtm.period_bounds(episode.setup_on, episode.ended_on, episode.setup_on, today),
                days,
            )[::-1],  # the latest period first
        )
        for episode in episodes
    ]
    current = rtm.current_period(open_episode, today) if open_episode else None
    if current is not None:
        current = rtm.counted([current], days)[0]
    entries = list(rtm.time_in_month(patient, month))
    clinician = request.clinician
    following = rtm.month_end(month) + timedelta(days=1)
    return {
        "patient": patient,
        "today": today,
        "episodes": shown,
        "open_episode": open_episode,
        "current": current,
        "days_left": current.days_left(today) if current else None,
        "month": month,
        "previous_month": rtm.month_start(month - timedelta(days=1)),
        "next_month": following if following <= today else None,
        "entries": entries,
        "deletable": {
            e.pk for e in entries if clinician.is_admin or e.recorded_by_id == request.user.pk
        },
        "month_time": rtm.month_time(entries, month),
    }


def render_page(
    request: ClinicianRequest,
    patient: Patient,
    month: date,
    *,
    time_form: TimeForm | None = None,
    start_form: StartForm | None = None,
) -> HttpResponse:
    """The page, with a bound form when one was refused. Time can be recorded once the patient
    has an episode (for a day inside one); an episode starts when none is under way. An erased
    patient's record takes neither."""
    context = page_context(request, patient, month)
    writable = patient.erased_at is None
    if writable and context["episodes"]:
        context["time_form"] = time_form or TimeForm(patient=patient)
    if writable and context["open_episode"] is None:
        context["start_form"] = start_form or StartForm(patient=patient)
    rtm_event(AuditAction.VIEW, patient, patient.pk, f"RTM page, {month:%Y-%m}")
    return render(request, "programs/rtm/patient.html", context)


@require_safe
@clinician_required
def patient_rtm(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = rtm_patient_for(request, pk)
    return render_page(request, patient, chosen_month(request, patient.clinic.today()))


@require_POST
@clinician_required
def rtm_start(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = writable_patient(request, pk)
    form = StartForm(request.POST, patient=patient)
    if not form.is_valid():
        month = rtm.month_start(patient.clinic.today())
        return render_page(request, patient, month, start_form=form)
    try:
        rtm.start_episode(
            patient,
            clinician=form.cleaned_data["clinician"],
            setup_on=form.cleaned_data["setup_on"],
            by=request.user,
        )
    except rtm.RtmError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The RTM episode is under way."))
    return redirect("patient_rtm", pk=patient.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@clinician_required
def rtm_end(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = writable_patient(request, pk)
    episode = (
        RtmEpisode.objects.filter(patient=patient, ended_on__isnull=True)
        .select_related("patient")
        .first()
    )
    if episode is None:
        messages.info(request, _("This patient has no RTM episode under way."))
        return redirect("patient_rtm", pk=patient.pk)
    today = patient.clinic.today()
    form = EndForm(request.POST or None, episode=episode, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            rtm.end_episode(episode, ended_on=form.cleaned_data["ended_on"], by=request.user)
        except rtm.RtmError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The RTM episode has ended."))
        return redirect("patient_rtm", pk=patient.pk)
    return render(
        request,
        "programs/rtm/end.html",
        {"patient": patient, "episode": episode, "form": form},
    )


@require_POST
@clinician_required
def rtm_time_add(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = writable_patient(request, pk)
    form = TimeForm(request.POST, patient=patient)
    if not form.is_valid():
        month = rtm.month_start(patient.clinic.today())
        return render_page(request, patient, month, time_form=form)
    data = form.cleaned_data
    with transaction.atomic():
        # The form's token records a double-submitted form once. The model has no token field,
        # so the token is remembered in the cache table (in the database, so every server sees
        # it, and inside this transaction, so it rolls back with a failed save).
        if not cache.add(f"rtm-time:{data['token']}", 1, ONCE_SECONDS):
            messages.info(request, _("That time was already recorded."))
            return redirect(month_url("patient_rtm", pk=patient.pk, month=data["day"]))
        rtm.add_time(
            patient,
            clinician=request.clinician,
            by=request.user,
            date=data["day"],
            minutes=data["minutes"],
            started_at=data["started_at"],
            stopped_at=data["stopped_at"],
            activity=data["activity"],
            interaction=data["interaction"] or Interaction.NONE,
        )
    messages.success(request, _("The time is recorded."))
    return redirect(month_url("patient_rtm", pk=patient.pk, month=rtm.month_start(data["day"])))


@require_http_methods(["GET", "HEAD", "POST"])
@clinician_required
def rtm_time_delete(request: ClinicianRequest, pk: int, time_pk: int) -> HttpResponse:
    patient = writable_patient(request, pk)
    entry = rtm_time_for(request.clinician, patient, time_pk)
    back = month_url("patient_rtm", pk=patient.pk, month=rtm.month_start(entry.date))
    if request.method == "POST":
        rtm.delete_time(entry)
        messages.success(request, _("The time entry was deleted."))
        return redirect(back)
    return render(
        request, "programs/rtm/time_delete.html", {"patient": patient, "entry": entry, "back": back}
    )


# --- the month as a PDF ----------------------------------------------------------------------


def month_pdf(patient: Patient, month: date, today: date) -> bytes:
    """The patient's month: its periods with data days and band, its time entries, minutes,
    codes and interaction; for the clinic's billing records."""
    clinic = patient.clinic
    rows = rtm.month_report(clinic, month, today, patient)
    entries = list(rtm.time_in_month(patient, month))
    context: dict[str, object] = {
        "patient": patient,
        "clinic": clinic,
        "logo": logo_of(clinic),
        "page_size": "letter" if clinic.paper_size == "letter" else "A4",
        "month": month,
        "row": rows[0] if rows else None,
        "entries": entries,
        "month_time": rtm.month_time(entries, month),
        "today": today,
    }
    return render_pdf("rtm_month", context, f"patient {patient.pk}").pdf


@require_safe
@clinician_required
def patient_rtm_pdf(request: ClinicianRequest, pk: int, month: date) -> HttpResponse:
    """The month (a checked YYYY-MM in the URL) as a PDF; a render takes a render turn."""
    patient = rtm_patient_for(request, pk)
    back = month_url("patient_rtm", pk=patient.pk, month=month)
    try:
        with render_turn(request.user):
            pdf = month_pdf(patient, month, patient.clinic.today())
    except TooManyRenders as refused:
        return try_again(request, refused, back)
    rtm_event(AuditAction.DOWNLOAD, patient, patient.pk, f"RTM month PDF, {month:%Y-%m}")
    return pdf_response(pdf, f"rtm-{patient.pk}-{month:%Y-%m}.pdf")


# --- the clinic's report ---------------------------------------------------------------------


@require_safe
@clinic_admin_required
def rtm_report(request: ClinicianRequest) -> HttpResponse:
    clinic = clinic_of(request)
    today = clinic.today()
    month = chosen_month(request, today)
    rows = rtm.month_report(clinic, month, today)
    record_many(
        AuditAction.VIEW, clinic, [row.patient.pk for row in rows], f"RTM report, {month:%Y-%m}"
    )
    previous = rtm.month_start(month - timedelta(days=1))
    following = rtm.month_end(month) + timedelta(days=1)
    return render(
        request,
        "programs/rtm/report.html",
        {
            "rows": rows,
            "month": month,
            "previous_month": previous,
            "next_month": following if following <= today else None,
            "rules": rtm.rules_on(rtm.month_end(month)),
        },
    )


def report_csv(rows: list[rtm.ReportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rtm.REPORT_COLUMNS)
    for line in rtm.report_lines(rows):
        writer.writerow([safe_cell(cell) for cell in line])
    return out.getvalue()


@require_safe
@clinic_admin_required
def rtm_report_csv(request: ClinicianRequest, month: date) -> HttpResponse:
    clinic = clinic_of(request)
    rows = rtm.month_report(clinic, month, clinic.today())
    content = report_csv(rows)
    record_many(
        AuditAction.DOWNLOAD,
        clinic,
        [row.patient.pk for row in rows],
        f"RTM report CSV, {month:%Y-%m}",
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rtm-report-{month:%Y-%m}.csv"'
    add_never_cache_headers(response)
    return response
