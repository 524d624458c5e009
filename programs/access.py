"""Who may reach which programs, items and logged sessions. Anything outside a user's reach is
a 404, never a 403 that would confirm it exists."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from clinic.access import clinician_for, patient_profile_for
from clinic.models import Clinician, Patient
from programs.models import AsNeededLog, Program, ProgramItem, RtmTime, SessionLog


def programs_for(user: Any) -> QuerySet[Program]:
    """Programs and templates a clinician may open: their clinic's patient programs and clinic
    templates, their own personal templates, and the library's templates."""
    clinician = clinician_for(user)
    if clinician is None:
        return Program.objects.none()
    scope = Program.Scope
    return Program.objects.filter(
        Q(scope__in=[scope.PATIENT, scope.CLINIC], clinic_id=clinician.clinic_id)
        | Q(scope=scope.PERSONAL, owner=clinician)
        | Q(scope=scope.LIBRARY)
    )


def program_for(user: Any, pk: int) -> Program:
    """One program or template the clinician may open, or 404."""
    return get_object_or_404(
        programs_for(user).select_related("patient__clinic", "clinic", "owner"), pk=pk
    )


def item_for(program: Program, pk: int) -> ProgramItem:
    """An item of that program, or 404 (an item id from another program is refused)."""
    return get_object_or_404(program.items.select_related("exercise"), pk=pk)


def portal_programs_for(who: Patient | Any) -> QuerySet[Program]:
    """The programs a patient sees in the portal: their own, once their physio has activated
    them. `who` is the portal's patient (a PatientRequest's `patient`: the patient themself or
    the one a carer helps); a user stands for the patient of their own account."""
    patient = who if isinstance(who, Patient) else patient_profile_for(who)
    if patient is None:
        return Program.objects.none()
    return Program.objects.filter(patient=patient, scope=Program.Scope.PATIENT).exclude(
        status=Program.Status.DRAFT
    )


def portal_program_for(who: Patient | Any, pk: int) -> Program:
    """One of the patient's own active programs, or 404."""
    return get_object_or_404(
        portal_programs_for(who).filter(status=Program.Status.ACTIVE).select_related("clinic"),
        pk=pk,
    )


def portal_session_for(who: Patient | Any, pk: int) -> SessionLog:
    """One of the patient's own logged sessions, or 404."""
    return get_object_or_404(
        SessionLog.objects.filter(program__in=portal_programs_for(who)).select_related(
            "program__clinic"
        ),
        pk=pk,
    )


def patient_session_for(patient: Patient, pk: int) -> SessionLog:
    """A session logged by that patient, or 404."""
    return get_object_or_404(SessionLog.objects.filter(program__patient=patient), pk=pk)


def as_needed_item_for(program: Program, pk: int) -> ProgramItem:
    """One as-needed item of that program, or 404 (a scheduled item is logged with a session)."""
    return get_object_or_404(
        program.items.filter(as_needed=True)
        .select_related("exercise", "program")
        .prefetch_related("exercise__texts"),
        pk=pk,
    )


def portal_use_for(patient: Patient, pk: int) -> AsNeededLog:
    """One use of an as-needed exercise in the patient's portal programs, or 404."""
    return get_object_or_404(
        AsNeededLog.objects.filter(program__in=portal_programs_for(patient)).select_related(
            "program__clinic", "item"
        ),
        pk=pk,
    )


def rtm_time_for(clinician: Clinician, patient: Patient, pk: int) -> RtmTime:
    """A time entry of that patient that the clinician may delete (their own, or any for a
    clinic admin), or 404."""
    entries = RtmTime.objects.filter(patient=patient).select_related("clinician__user")
    if not clinician.is_admin:
        entries = entries.filter(recorded_by=clinician.user)
    return get_object_or_404(entries, pk=pk)
