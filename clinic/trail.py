"""The clinic admin's view of the audit trail: who read or changed which patient's data, with
filters, pages and a CSV export. Reading the trail is itself on the trail."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from clinic.access import ClinicianRequest, clinic_admin_required
from clinic.audit import record
from clinic.models import AuditAction, AuditEntry, AuditSubject, Clinic, Patient, User

ENTRIES_PER_PAGE = 50
CSV_COLUMNS = [
    gettext_lazy("When"),
    gettext_lazy("Who"),
    gettext_lazy("Role"),
    gettext_lazy("Patient"),
    gettext_lazy("Action"),
    gettext_lazy("What"),
    gettext_lazy("Object"),
    gettext_lazy("Detail"),
    gettext_lazy("Address"),
]


class TrailFilterForm(forms.Form):
    patient = forms.ModelChoiceField(
        label=gettext_lazy("Patient"),
        queryset=Patient.objects.none(),
        required=False,
        empty_label=gettext_lazy("Any patient"),
    )
    user = forms.ModelChoiceField(
        label=gettext_lazy("Who"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Anyone"),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("Any action")), *AuditAction.choices],
    )
    subject = forms.ChoiceField(
        label=gettext_lazy("What"),
        required=False,
        choices=[("", gettext_lazy("Anything")), *AuditSubject.choices],
    )
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        patients = cast("forms.ModelChoiceField[Patient]", self.fields["patient"])
        patients.queryset = Patient.objects.filter(clinic=clinic).order_by(
            "last_name", "first_name"
        )
        users = cast("forms.ModelChoiceField[User]", self.fields["user"])
        users.queryset = User.objects.filter(clinician__clinic=clinic).order_by(
            "full_name", "email"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        return cleaned

    def entries(self) -> QuerySet[AuditEntry]:
        """The clinic's entries that match the filters, newest first."""
        entries = AuditEntry.objects.filter(clinic=self.clinic).select_related("user", "patient")
        if not self.is_bound or not self.is_valid():
            return entries
        data = self.cleaned_data
        if data["patient"]:
            entries = entries.filter(patient=data["patient"])
        if data["user"]:
            entries = entries.filter(user=data["user"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["subject"]:
            entries = entries.filter(subject=data["subject"])
        zone = self.clinic.tz
        if data["start"]:
            entries = entries.filter(at__gte=datetime.combine(data["start"], time.min, zone))
        if data["end"]:
            next_day = data["end"] + timedelta(days=1)
            entries = entries.filter(at__lt=datetime.combine(next_day, time.min, zone))
        return entries


def who(entry: AuditEntry) -> str:
    if entry.user is None:
        return _("Deleted account") if entry.role == AuditEntry.Role.PATIENT else "—"
    return entry.user.full_name or entry.user.email


@require_safe
@clinic_admin_required
def audit_trail(request: ClinicianRequest) -> HttpResponse:
    clinic = request.clinician.clinic
    form = TrailFilterForm(request.GET or None, clinic=clinic)
    page = Paginator(form.entries(), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(entry, who(entry)) for entry in page.object_list]
    # Recorded once the page is read, so this visit is not among the entries it shows.
    record(AuditAction.VIEW, AuditSubject.AUDIT, clinic=clinic, detail=f"page {page.number}")
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "clinic/audit_trail.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring.urlencode(),
            "rows": rows,
            "zone": clinic.timezone,
        },
    )


class Echo:
    """A file-like object whose write returns the line, for streaming CSV rows."""

    def write(self, value: str) -> str:
        return value


def csv_lines(entries: QuerySet[AuditEntry], zone: ZoneInfo) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                timezone.localtime(entry.at, zone).isoformat(timespec="seconds"),
                safe_cell(who(entry)),
                entry.get_role_display(),
                safe_cell(entry.patient.full_name if entry.patient else ""),
                entry.get_action_display(),
                entry.get_subject_display(),
                entry.object_id,
                safe_cell(entry.detail),
                entry.address or "",
            ]
        )


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (names are typed by people)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@require_safe
@clinic_admin_required
def audit_trail_csv(request: ClinicianRequest) -> StreamingHttpResponse:
    clinic = request.clinician.clinic
    form = TrailFilterForm(request.GET or None, clinic=clinic)
    entries = form.entries()
    record(AuditAction.EXPORT, AuditSubject.AUDIT, clinic=clinic, detail="CSV")
    response = StreamingHttpResponse(csv_lines(entries, clinic.tz), content_type="text/csv")
    stamp = clinic.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    response["Cache-Control"] = "no-store, private"
    return response
