"""The programs app's entries on the audit trail (see clinic/audit.py): one function per kind of
record, so every view and domain function names the same subject, patient and object.

Templates belong to no patient and hold no health data, so their changes are not recorded."""

from __future__ import annotations

from clinic.audit import record
from clinic.models import AuditSubject
from programs.models import Program, SessionLog


def program_event(action: str, program: Program, detail: str = "") -> None:
    """A read or a change of a patient's program (builder, preview, a change, discharge)."""
    if program.patient_id is None:
        return
    record(
        action,
        AuditSubject.PROGRAM,
        clinic=program.clinic_id,
        patient=program.patient_id,
        object_id=program.pk,
        detail=detail,
    )


def session_event(action: str, log: SessionLog, program: Program, detail: str = "") -> None:
    """A read or a change of one logged session (its entries, pain and note)."""
    record(
        action,
        AuditSubject.SESSION,
        clinic=program.clinic_id,
        patient=program.patient_id,
        object_id=log.pk,
        detail=detail,
    )


def document_event(action: str, program: Program, detail: str) -> None:
    """A handout or discharge summary downloaded or stored: the trail names the document, never
    what it holds."""
    record(
        action,
        AuditSubject.DOCUMENT,
        clinic=program.clinic_id,
        patient=program.patient_id,
        object_id=program.pk,
        detail=detail,
    )


def questionnaire_event(action: str, program: Program, object_id: int | str, detail: str) -> None:
    """An outcome questionnaire answered, read, sent or changed (its activities): the trail
    names the questionnaire or program, never the answers."""
    record(
        action,
        AuditSubject.QUESTIONNAIRE,
        clinic=program.clinic_id,
        patient=program.patient_id,
        object_id=object_id,
        detail=detail,
    )
