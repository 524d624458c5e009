"""Erasing a patient who has left the clinic: their identity goes, their logs stay.

The patient row is kept under a neutral name ("Erased patient 42") so the clinic's statistics
(sessions, entries, pain scores, adherence, outcome questionnaires and their scores) still add
up, and the audit trail still points at it. What identifies the person goes: name, date of
birth, email, phone, the free text they wrote (notes, skip reasons, the words of their PSFS
activities), and the free text written to them (which often greets them by name); their portal
account and invitations are deleted, and their stored discharge summaries and handouts are
deleted from the documents' storage once the erasure is committed. The trail records who
erased which patient number and when, never what was erased.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clinic.access import ClinicianRequest, clinic_admin_required, patient_for
from clinic.audit import record
from clinic.models import AuditAction, AuditSubject, LoginFailure, Patient
from clinic.storage import documents_storage
from programs.models import (
    MessageThread,
    Program,
    ProgramItem,
    ProgramVersion,
    PsfsActivity,
    SessionEntry,
    SessionLog,
)
from programs.rtm import erase_free_text as erase_rtm_text
from programs.stored_handouts import delete_copies

logger = logging.getLogger(__name__)

ERASED_FIRST_NAME = "Erased"
ERASED_TEXT = "(erased)"


class ErasureRefused(Exception):
    """The patient cannot be erased now; the message is fit to show the admin."""


def erasure_blocker(patient: Patient) -> str | None:
    """Why this patient cannot be erased, in words for the admin; None if they can."""
    if patient.erased_at is not None:
        return "This patient's identity was already erased."
    if patient.status == Patient.Status.ACTIVE:
        return (
            "Only a discharged or archived patient can be erased. This patient is still in "
            "care: discharge their program or archive them first."
        )
    return None


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


def name_matches(patient: Patient, typed: str) -> bool:
    """The admin typed the patient's full name (case and spacing aside)."""
    return _normalised(typed) == _normalised(patient.full_name) != ""


def _scrubbed(line: str, texts: list[str]) -> str:
    for text in texts:
        line = line.replace(text, ERASED_TEXT)
    return line


def _scrub_versions(programs: list[Program], versions: list[ProgramVersion]) -> None:
    """Notes to the patient are quoted in the program's version history (its snapshots and
    change lines); replace every one of them there too."""
    notes = {program.note for program in programs} | {
        item.note for item in ProgramItem.objects.filter(program__in=programs)
    }
    for version in versions:
        notes.add(version.snapshot.get("note", ""))
        notes.update(item.get("note", "") for item in version.snapshot.get("items", []))
    texts = sorted((note for note in notes if note), key=len, reverse=True)
    for version in versions:
        snapshot = dict(version.snapshot)
        snapshot["note"] = ""
        snapshot["items"] = [{**item, "note": ""} for item in snapshot.get("items", [])]
        version.snapshot = snapshot
        version.changes = [_scrubbed(line, texts) for line in version.changes]
        version.patient_changes = [_scrubbed(line, texts) for line in version.patient_changes]
    ProgramVersion.objects.bulk_update(versions, ["snapshot", "changes", "patient_changes"])


def _clear_free_text(patient: Patient) -> tuple[list[str], list[int]]:
    """Clear what was written by or to the patient; return the stored documents to delete and
    the programs whose stored handouts go too."""
    programs = list(Program.objects.filter(patient=patient))
    versions = list(ProgramVersion.objects.filter(program__in=programs))
    _scrub_versions(programs, versions)
    ProgramItem.objects.filter(program__in=programs).update(note="")
    SessionLog.objects.filter(program__in=programs).update(note="")
    SessionEntry.objects.filter(session__program__in=programs).update(skip_reason="")
    # The PSFS activities are named in the patient's own words; their ratings stay.
    PsfsActivity.objects.filter(program__in=programs).update(text=ERASED_TEXT)
    documents = [name for program in programs if (name := program.discharge_summary.name)]
    Program.objects.filter(pk__in=[program.pk for program in programs]).update(
        note="", discharge_notes="", discharge_summary=""
    )
    return documents, [program.pk for program in programs]


def erase_patient(patient: Patient, *, confirmed_name: str) -> None:
    """Erase the patient's identity in one transaction, if they may be erased and the admin
    typed their full name; else ErasureRefused, and nothing changed. The stored documents are
    deleted from storage after the commit: a file cannot be brought back by a rollback."""
    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        if blocker := erasure_blocker(patient):
            raise ErasureRefused(blocker)
        if not name_matches(patient, confirmed_name):
            raise ErasureRefused(
                "The name you typed is not this patient's full name, so nothing was erased."
            )
        account, email = patient.user, patient.email
        documents, programs = _clear_free_text(patient)
        # Messages are free text written by and to the patient: they go with the identity.
        MessageThread.objects.filter(patient=patient).delete()
        erase_rtm_text(patient)
        patient.invitations.all().delete()
        # Carers' names and addresses say who the patient is; their accounts stay, as they
        # may help someone else, but no longer reach this record.
        patient.carers.all().delete()
        if email:
            LoginFailure.objects.filter(email__iexact=email).delete()
        patient.first_name, patient.last_name = ERASED_FIRST_NAME, f"patient {patient.pk}"
        patient.date_of_birth, patient.email, patient.phone = None, "", ""
        patient.user, patient.reminders_enabled = None, False
        patient.calendar_key, patient.calendar_token_hash = "", ""  # the feed's link stops
        patient.status, patient.erased_at = Patient.Status.ARCHIVED, timezone.now()
        patient.save()
        if account is not None:
            # Deleting the account ends its sessions everywhere: a session whose user is gone
            # is signed out at its next request. Its audit entries stay, without the user.
            LoginFailure.objects.filter(email__iexact=account.email).delete()
            account.delete()
        record(AuditAction.ERASE, AuditSubject.PATIENT, patient=patient, object_id=patient.pk)
        transaction.on_commit(lambda: delete_documents(patient.pk, documents))
        transaction.on_commit(lambda: delete_copies(programs))
    logger.info("Patient %s was erased.", patient.pk)


def delete_documents(patient_id: int, names: list[str]) -> None:
    """Delete the erased patient's stored documents. A failure is logged for the operator to
    finish by hand; the erasure itself stands."""
    storage = documents_storage()
    for name in names:
        try:
            storage.delete(name)
        except Exception as error:  # any storage backend's failure, whatever its kind
            logger.error(
                "A stored document of erased patient %s could not be deleted (%s): %s",
                patient_id,
                type(error).__name__,
                name,
            )


# --- the confirmation page --------------------------------------------------------------------


class ErasureForm(forms.Form):
    full_name = forms.CharField(
        label="Type the patient's full name to confirm",
        max_length=170,
        help_text="As it appears at the top of their record.",
    )


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def patient_erase(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    if patient.erased_at is not None:
        messages.info(request, "This patient's identity was already erased.")
        return redirect(patient)
    blocker = erasure_blocker(patient)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and blocker is None and form.is_valid():
        try:
            erase_patient(patient, confirmed_name=form.cleaned_data["full_name"])
        except ErasureRefused as error:
            form.add_error("full_name", str(error))
        else:
            messages.success(
                request,
                "The patient's identity was erased. Their session logs are kept, without "
                "identity, for the clinic's statistics.",
            )
            return redirect(patient)
    context: dict[str, Any] = {"patient": patient, "form": form, "blocker": blocker}
    return render(request, "programs/erase.html", context)
