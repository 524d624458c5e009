"""Discharge leaves clear states on both sides, and never half of one."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from clinic.models import Patient
from exercises.loader import load_library
from programs import handouts
from programs.models import Program
from programs.sessions import EntryValues, log_session
from tests.conftest import client_for
from tests.factories import active_program


@pytest.fixture
def program(db, clinician_a, patient_a):
    load_library()
    program = active_program(
        patient_a, clinician_a, start=patient_a.today() - timedelta(days=9), title="Hip program"
    )
    items = list(program.items.all())
    for back in range(9, 0, -2):  # 5 of the 10 days, both exercises
        log_session(
            program,
            day=patient_a.today() - timedelta(days=back),
            slot=1,
            token=uuid.uuid4(),
            entries=[
                EntryValues(item=item, done=True, sets_done=3, reps_done=10) for item in items
            ],
        )
    program.refresh_from_db()
    return program


def discharge(client, program, notes="Keep going with the bridges."):
    return client.post(
        reverse("program_discharge", args=[program.pk]),
        {"revision": program.revision, "notes": notes},
        follow=True,
    )


def test_a_failed_summary_leaves_the_program_active_and_nothing_stored(
    program, clinician_a, patient_a, monkeypatch, settings
):
    def broken(*args, **kwargs):
        raise OSError("the PDF engine ran out of memory")

    monkeypatch.setattr(handouts, "discharge_summary", broken)
    response = discharge(client_for(clinician_a.user), program)
    assert "The discharge summary could not be made, so the program was not discharged" in (
        response.content.decode()
    )
    program.refresh_from_db()
    patient_a.refresh_from_db()
    assert program.status == Program.Status.ACTIVE
    assert not program.discharge_summary and program.discharged_by is None
    assert patient_a.status == Patient.Status.ACTIVE
    folder = settings.DOCUMENTS_ROOT / "discharge-summaries"
    assert not folder.exists() or not any(folder.iterdir())


def test_discharge_records_who_and_marks_the_patient_discharged(program, clinician_a, patient_a):
    discharge(client_for(clinician_a.user), program)
    program.refresh_from_db()
    patient_a.refresh_from_db()
    assert program.status == Program.Status.DISCHARGED and program.discharge_summary
    assert program.discharged_by == clinician_a.user
    assert patient_a.status == Patient.Status.DISCHARGED
    page = client_for(clinician_a.user).get(patient_a.get_absolute_url()).content.decode()
    assert ">Discharged</span>" in page
    assert "nothing due in the last 7 days" not in page
    # 10 days × 2 exercises scheduled, 5 days × 2 done.
    assert "adherence 50% over the whole course, 10 of 20 exercises done" in page
    assert "discharged by Carl Clinician" in page


def test_the_patient_sees_a_finished_program_with_exercises_to_keep(
    program, clinician_a, patient_a
):
    discharge(client_for(clinician_a.user), program)
    page = client_for(patient_a.user).get(reverse("portal_home")).content.decode()
    assert "Your program has finished" in page
    assert "will appear here" not in page
    assert "Exercises to keep doing" in page
    assert "Clamshell" in page and "Reverse clamshell" in page
    assert "Keep going with the bridges." in page
    assert reverse("portal_discharge_summary", args=[program.pk]) in page


def test_a_new_program_brings_a_discharged_patient_back_into_care(program, clinician_a, patient_a):
    discharge(client_for(clinician_a.user), program)
    active_program(patient_a, clinician_a, slugs=["clamshell"], title="Second round")
    patient_a.refresh_from_db()
    assert patient_a.status == Patient.Status.ACTIVE
