"""A patient's whole record, for an access request: as JSON (complete, for another system) and as
a readable PDF (for the patient). A clinic admin exports any patient of their clinic; a patient
downloads their own from the portal. Every export is recorded on the audit trail.

`patient_record` reads the record with a fixed number of queries, however long the patient has
been logging, and returns plain data (dates stay dates) that both formats render.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from clinic.access import (
    ClinicianRequest,
    PatientRequest,
    SignedInRequest,
    clinic_admin_required,
    patient_for,
    patient_self_required,
)
from clinic.audit import record
from clinic.languages import speaking
from clinic.models import (
    AuditAction,
    AuditEntry,
    AuditSubject,
    CarerAccess,
    Clinic,
    Invitation,
    Patient,
    User,
)
from programs.documents import pdf_response, try_again
from programs.handouts import logo_of, render_pdf
from programs.instruments import GROC_CHOICES
from programs.models import (
    AlertHandled,
    Answer,
    AsNeededLog,
    DocumentDownload,
    Message,
    Program,
    ProgramItem,
    ProgramVersion,
    PsfsActivity,
    Questionnaire,
    SessionEntry,
    SessionLog,
)
from programs.render_limits import TooManyRenders, render_turn
from programs.rtm import export_record as rtm_record

logger = logging.getLogger(__name__)

FORMAT = "physio-patient-record"
FORMAT_VERSION = 1
# The PDF lists the latest audit entries only: a patient followed for years has thousands of
# reads, which would make a long, slow document. The JSON export always holds every entry.
AUDIT_ROWS_IN_PDF = 200

Record = dict[str, Any]


def _person(user: User | None) -> str | None:
    """Who did something, as the app names people; None once the account is gone."""
    return str(user) if user is not None else None


def _profile(patient: Patient) -> Record:
    account = patient.user
    return {
        "id": patient.pk,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth,
        "email": patient.email,
        "phone": patient.phone,
        "preferred_language": patient.preferred_language,
        "status": patient.status,
        "primary_clinician": _person(patient.primary_clinician.user),
        "reminders_enabled": patient.reminders_enabled,
        "reminder_hour": patient.reminder_hour,
        "created_at": patient.created_at,
        "updated_at": patient.updated_at,
        "erased_at": patient.erased_at,
        "portal_account": None
        if account is None
        else {
            "email": account.email,
            "created_at": account.date_joined,
            "last_sign_in": account.last_login,
        },
    }


def _clinic(clinic: Clinic) -> Record:
    return {"name": clinic.name, "email": clinic.email, "phone": clinic.phone}


def _invitation(invitation: Invitation) -> Record:
    # The token's hash is left out: it is a credential, not information about the patient.
    return {
        "email": invitation.email,
        "sent_at": invitation.created_at,
        "expires_at": invitation.expires_at,
        "state": invitation.get_state_display(),
    }


def _item(item: ProgramItem) -> Record:
    return {
        "id": item.pk,
        "exercise": item.display_name,
        "prescription": item.prescription_text,
        "note": item.note,
        "position": item.position,
        "as_needed": item.as_needed,
        "max_per_day": item.max_per_day,
    }


def _use(use: AsNeededLog) -> Record:
    """One use of an exercise done as needed (outside adherence)."""
    return {
        "exercise": use.exercise_name,
        "item_id": use.item_ref,
        "date": use.date,
        "logged_at": use.logged_at,
        "pain": use.pain,
        "entered_by": _person(use.entered_by),
    }


def _version(version: ProgramVersion) -> Record:
    return {
        "number": version.number,
        "created_at": version.created_at,
        "created_by": _person(version.created_by),
        "changes": version.changes,
        "changes_for_the_patient": version.patient_changes,
        "patient_emailed_at": version.notified_at,
        "snapshot": version.snapshot,
    }


def _entry(entry: SessionEntry) -> Record:
    return {
        "exercise": entry.exercise_name,
        "prescription": entry.prescription,
        "done": entry.done,
        "skip_reason": entry.skip_reason,
        "sets_done": entry.sets_done,
        "reps_done": entry.reps_done,
        "pain": entry.pain,
    }


def _session(session: SessionLog, version_numbers: dict[int, int], entries: list[Record]) -> Record:
    pains = [entry["pain"] for entry in entries if entry["pain"] is not None]
    return {
        "id": session.pk,
        "date": session.date,
        "slot": session.slot,
        "program_version": version_numbers.get(session.version_id),
        "difficulty": session.get_difficulty_display() if session.difficulty else "",
        "note": session.note,
        "logged_at": session.logged_at,
        "updated_at": session.updated_at,
        "note_read_at": session.note_read_at,
        "note_read_by": _person(session.note_read_by),
        "max_pain": max(pains) if pains else None,
        "entries": entries,
    }


def _download(download: DocumentDownload) -> Record:
    return {
        "document": download.get_kind_display(),
        "at": download.at,
        "by": _person(download.user),
    }


def _answer(answer: Answer) -> Record:
    """One answer: the instrument by its code ("nprs", "psfs", "groc"), and for the PSFS the
    activity rated, in the patient's words."""
    return {
        "instrument": answer.instrument,
        "activity_id": answer.activity_id,
        "activity": answer.activity.text if answer.activity else None,
        "value": answer.value,
    }


def _questionnaire(questionnaire: Questionnaire, answers: list[Record]) -> Record:
    return {
        "id": questionnaire.pk,
        "occasion": questionnaire.occasion,
        "due_on": questionnaire.due_on,
        "sent_by": _person(questionnaire.requested_by),
        "reminded_at": questionnaire.reminded_at,
        "answered_at": questionnaire.completed_at,
        "answers": answers,
    }


def _activity(activity: PsfsActivity) -> Record:
    return {
        "id": activity.pk,
        "words": activity.text,
        "added_at": activity.added_at,
        "added_by": _person(activity.added_by),
        "retired_at": activity.retired_at,
    }


def _program(program: Program, related: dict[str, dict[int, list[Record]]]) -> Record:
    return {
        "id": program.pk,
        "title": program.title,
        "status": program.get_status_display(),
        "start_date": program.start_date,
        "end_date": program.end_date,
        "how_often": program.frequency_text,
        "note": program.note,
        "stop_if": program.stop_if,
        "pain_threshold": program.pain_threshold,
        "created_at": program.created_at,
        "created_by": _person(program.created_by),
        "activated_at": program.activated_at,
        "discharged_at": program.discharged_at,
        "discharged_by": _person(program.discharged_by),
        "discharge_notes": program.discharge_notes,
        "has_discharge_summary": bool(program.discharge_summary),
        "items": related["items"].get(program.pk, []),
        "versions": related["versions"].get(program.pk, []),
        "sessions": related["sessions"].get(program.pk, []),
        "downloads": related["downloads"].get(program.pk, []),
        "questionnaires": related["questionnaires"].get(program.pk, []),
        "psfs_activities": related["activities"].get(program.pk, []),
        "as_needed_uses": related["as_needed_uses"].get(program.pk, []),
    }


def _audit_entry(entry: AuditEntry) -> Record:
    # The address is left out: it is the reader's (a clinician's) data, not the patient's.
    return {
        "at": entry.at,
        "action": entry.get_action_display(),
        "subject": entry.get_subject_display(),
        "by": _person(entry.user),
        "role": entry.get_role_display(),
        "object_id": entry.object_id,
        "detail": entry.detail,
    }


def _message(message: Message) -> Record:
    """One message between the patient (or their carer) and the clinic."""
    return {
        "author": message.author,
        "sender_name": message.sender_name,
        "sent_at": message.sent_at,
        "edited_at": message.edited_at,
        "read_at": message.read_at,
        "read_by": _person(message.read_by),
        "text": message.body,
    }


def _grouped(rows: list[tuple[int, Record]]) -> dict[int, list[Record]]:
    groups: dict[int, list[Record]] = {}
    for key, row in rows:
        groups.setdefault(key, []).append(row)
    return groups


def patient_record(patient: Patient) -> Record:
    """Everything the clinic holds about one patient: profile, invitations, every program with
    its items, versions, sessions (with their entries), document downloads, outcome
    questionnaires (with their answers), PSFS activities and uses of as-needed exercises,
    handled alerts, carers, messages with the clinic, RTM records and the audit entries about
    them. Eighteen queries, whatever the amount of data."""
    patient = Patient.objects.select_related("clinic", "primary_clinician__user", "user").get(
        pk=patient.pk
    )
    programs = list(
        Program.objects.filter(patient=patient)
        .select_related("created_by", "discharged_by")
        .order_by("created_at", "pk")
    )
    mine = {"program__patient": patient}
    items = ProgramItem.objects.filter(**mine).select_related("exercise", "program")
    versions = list(
        ProgramVersion.objects.filter(**mine).select_related("created_by").order_by("number")
    )
    entries = _grouped(
        [
            (entry.session_id, _entry(entry))
            for entry in SessionEntry.objects.filter(session__program__patient=patient)
        ]
    )
    numbers = {version.pk: version.number for version in versions}
    sessions = (
        SessionLog.objects.filter(**mine).select_related("note_read_by").order_by("date", "slot")
    )
    downloads = DocumentDownload.objects.filter(**mine).select_related("user").order_by("at")
    answers = _grouped(
        [
            (answer.questionnaire_id, _answer(answer))
            for answer in Answer.objects.filter(
                questionnaire__program__patient=patient
            ).select_related("activity")
        ]
    )
    questionnaires = Questionnaire.objects.filter(**mine).select_related("requested_by")
    activities = PsfsActivity.objects.filter(**mine).select_related("added_by")
    uses = AsNeededLog.objects.filter(**mine).select_related("entered_by").order_by("logged_at")
    related = {
        "items": _grouped([(item.program_id, _item(item)) for item in items]),
        "versions": _grouped([(version.program_id, _version(version)) for version in versions]),
        "sessions": _grouped(
            [(s.program_id, _session(s, numbers, entries.get(s.pk, []))) for s in sessions]
        ),
        "downloads": _grouped([(d.program_id, _download(d)) for d in downloads]),
        "questionnaires": _grouped(
            [(q.program_id, _questionnaire(q, answers.get(q.pk, []))) for q in questionnaires]
        ),
        "activities": _grouped([(a.program_id, _activity(a)) for a in activities]),
        "as_needed_uses": _grouped([(use.program_id, _use(use)) for use in uses]),
    }
    alerts = AlertHandled.objects.filter(patient=patient).select_related("handled_by")
    audit = AuditEntry.objects.filter(patient=patient).select_related("user").order_by("at", "pk")
    thread = Message.objects.filter(thread__patient=patient).select_related("read_by")
    carers = patient.carers.order_by("created_at", "pk")
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "clinic": _clinic(patient.clinic),
        "patient": _profile(patient),
        "invitations": [_invitation(invitation) for invitation in patient.invitations.all()],
        "carers": [_carer(access) for access in carers],
        "programs": [_program(program, related) for program in programs],
        "rtm": rtm_record(patient),
        "alerts_handled": [
            {
                "alert": alert.get_kind_display(),
                "at": alert.handled_at,
                "by": _person(alert.handled_by),
            }
            for alert in alerts
        ],
        "messages": [_message(message) for message in thread.order_by("sent_at", "pk")],
        "audit": [_audit_entry(entry) for entry in audit],
    }


def _carer(access: CarerAccess) -> dict[str, Any]:
    """A carer invited to help the patient, and how long their access lasted."""
    return {
        "name": access.name,
        "email": access.email,
        "relationship": access.relationship,
        "invited_at": access.created_at,
        "consent": access.consent_note,
        "accepted_at": access.accepted_at,
        "ended_at": access.ended_at,
    }


# --- the two formats --------------------------------------------------------------------------


def record_json(data: Record) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def record_pdf(patient: Patient, data: Record) -> bytes:
    """The record as a readable document: the profile, then each program with its changes, a
    table of its sessions and its outcome questionnaires, then the audit trail. Times are the
    clinic's."""
    clinic = patient.clinic
    sessions = [s for program in data["programs"] for s in program["sessions"]]
    audit = data["audit"]
    context = {
        "patient": patient,
        "clinic": clinic,
        "record": data,
        "logo": logo_of(clinic),
        "page_size": "letter" if clinic.paper_size == "letter" else "A4",
        "sessions_logged": len(sessions),
        "first_session": sessions and min(s["date"] for s in sessions),
        "last_session": sessions and max(s["date"] for s in sessions),
        "audit_shown": audit[-AUDIT_ROWS_IN_PDF:][::-1],
        "audit_left_out": max(len(audit) - AUDIT_ROWS_IN_PDF, 0),
        "groc_choices": GROC_CHOICES,
    }
    with timezone.override(patient.tz):
        return render_pdf("export", context, f"patient {patient.pk}").pdf


def export_filename(patient: Patient, extension: str, today: date | datetime) -> str:
    """By the patient's number, not their name: the file may sit in a shared downloads folder."""
    return f"patient-record-{patient.pk}-{today:%Y-%m-%d}.{extension}"


def json_response(content: str, filename: str) -> HttpResponse:
    """Health data: downloaded, never shown inline, never kept in a cache."""
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


def send_json(patient: Patient) -> HttpResponse:
    content = record_json(patient_record(patient))
    record(
        AuditAction.EXPORT,
        AuditSubject.EXPORT,
        patient=patient,
        object_id=patient.pk,
        detail="JSON",
    )
    return json_response(content, export_filename(patient, "json", patient.clinic.today()))


def send_pdf(request: SignedInRequest, patient: Patient, back: str) -> HttpResponse:
    """The heaviest document the app renders, so it takes one of the user's render turns.
    Written for the patient, so in their language whoever downloads it (the record's labels,
    such as a program's status, are worded as it is read)."""
    try:
        with render_turn(request.user), speaking(patient.preferred_language):
            pdf = record_pdf(patient, patient_record(patient))
    except TooManyRenders as refused:
        return try_again(request, refused, back)
    record(
        AuditAction.EXPORT, AuditSubject.EXPORT, patient=patient, object_id=patient.pk, detail="PDF"
    )
    return pdf_response(pdf, export_filename(patient, "pdf", patient.clinic.today()))


def exportable_patient(request: ClinicianRequest, pk: int) -> Patient:
    """A patient of the admin's clinic whose identity is still held, or 404: an erased
    patient's record has nobody left to give it to."""
    patient = patient_for(request.user, pk)
    if patient.erased_at is not None:
        raise Http404("This patient's identity was erased; there is nothing to export.")
    return patient


@require_safe
@clinic_admin_required
def patient_export_json(request: ClinicianRequest, pk: int) -> HttpResponse:
    return send_json(exportable_patient(request, pk))


@require_safe
@clinic_admin_required
def patient_export_pdf(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = exportable_patient(request, pk)
    return send_pdf(request, patient, patient.get_absolute_url())


@require_safe
@patient_self_required
def portal_export_json(request: PatientRequest) -> HttpResponse:
    return send_json(request.patient)


@require_safe
@patient_self_required
def portal_export_pdf(request: PatientRequest) -> HttpResponse:
    return send_pdf(request, request.patient, reverse("portal_settings"))
