"""Emails to patients: the daily reminder and the note that their program changed.

Both are sent by commands meant to run from cron every few minutes; running them more often,
or twice at once, sends nothing twice (each send is claimed first by a conditional update).
An email the mail server refuses gives its claim back, so the next run tries again, and does
not stop the emails to other patients. Each email is in the patient's preferred language."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.db.models import Prefetch

from clinic.email import send_clinic_email
from clinic.languages import speaking
from clinic.models import Patient
from programs.models import Program, ProgramVersion
from programs.prescribing import changes_since
from programs.sessions import items_due

logger = logging.getLogger(__name__)

QUIET_MINUTES = 10  # wait this long after a clinician's last change, then send one email


def send_reminders(now: datetime) -> int:
    """Remind each patient who has exercises due today and nothing logged by their hour.
    At most one reminder a day; never to discharged or archived patients. Returns how many."""
    sent = 0
    patients = (
        Patient.objects.filter(
            status=Patient.Status.ACTIVE,
            reminders_enabled=True,
            user__isnull=False,
            user__is_active=True,
            programs__status=Program.Status.ACTIVE,
        )
        .select_related("clinic", "user")
        .distinct()
    )
    for patient in patients:
        if patient.user is None:  # the query asked for patients with an account
            continue
        local = now.astimezone(patient.tz)
        today = local.date()
        if local.hour < patient.reminder_hour or patient.last_reminded_on == today:
            continue
        due = [
            program for program in _active_programs(patient) if _due_and_not_logged(program, today)
        ]
        if not due:
            continue
        claimed = (
            Patient.objects.filter(pk=patient.pk)
            .exclude(last_reminded_on=today)
            .update(last_reminded_on=today)
        )
        if not claimed:
            continue  # another run got there first
        if not send_clinic_email(
            patient.clinic,
            patient.user.email,
            "programs/email/reminder",
            {"patient": patient, "programs": due},
            about={"patient": patient.pk},
            log=logger,
            language=patient.preferred_language,
        ):
            # Not reminded after all: give the claim back so the next run tries again.
            Patient.objects.filter(pk=patient.pk, last_reminded_on=today).update(
                last_reminded_on=patient.last_reminded_on
            )
            continue
        sent += 1
    return sent


def _active_programs(patient: Patient) -> list[Program]:
    return list(
        patient.programs.filter(status=Program.Status.ACTIVE).prefetch_related(
            Prefetch("items"), Prefetch("sessions")
        )
    )


def _due_and_not_logged(program: Program, today: date) -> bool:
    if not program.start_date or program.start_date > today:
        return False
    if program.end_date and program.end_date < today:
        return False
    if not items_due(program.items.all(), today):
        return False
    return not any(session.date == today for session in program.sessions.all())


def send_program_updates(now: datetime, quiet_minutes: int = QUIET_MINUTES) -> int:
    """One email per program listing every change not yet sent, once the clinician has made no
    change for `quiet_minutes` (so one editing session makes one email). Returns how many."""
    quiet_since = now - timedelta(minutes=quiet_minutes)
    sent = 0
    waiting = (
        Program.objects.filter(versions__notified_at__isnull=True)
        .select_related("patient__user", "patient__clinic")
        .distinct()
    )
    for program in waiting:
        versions = list(program.versions.filter(notified_at__isnull=True).order_by("number"))
        if not versions or versions[-1].created_at > quiet_since:
            continue  # still being edited
        claimed = ProgramVersion.objects.filter(
            pk__in=[v.pk for v in versions], notified_at__isnull=True
        ).update(notified_at=now)
        if claimed != len(versions):
            continue  # another run is sending these
        patient = program.patient
        if patient is None or patient.user is None or patient.status != Patient.Status.ACTIVE:
            continue  # nobody to tell; they will see it when they sign in
        # One merged list since the last email: an exercise added and removed again within
        # the quiet spell is not mentioned. Worded now, so in the patient's language.
        with speaking(patient.preferred_language):
            lines = changes_since(program, list(program.versions.all()), versions[0].number - 1)
        context = {
            "patient": patient,
            "program": program,
            "lines": lines,
            "is_new": versions[0].number == 1,
        }
        if not send_clinic_email(
            patient.clinic,
            patient.user.email,
            "programs/email/program_changed",
            context,
            about={"program": program.pk, "patient": patient.pk},
            log=logger,
            language=patient.preferred_language,
        ):
            # Not notified after all: give the claim back so the next run tries again.
            ProgramVersion.objects.filter(pk__in=[v.pk for v in versions], notified_at=now).update(
                notified_at=None
            )
            continue
        sent += 1
    return sent
