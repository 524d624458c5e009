"""Discharge leaves clear states on both sides, and never half of one."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.models import Patient
from exercises.loader import load_library
from programs import handouts
from programs.models import Program, ProgramVersion, PsfsActivity
from programs.sessions import EntryValues, log_session
from tests.conftest import client_for
from tests.factories import active_program, logged_session
from tests.test_handouts import read
from tests.test_outcomes_documents import answered


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


# --- a long course of care -------------------------------------------------------------------


def course(patient, clinician, days: int) -> Program:
    """A program of two exercises started `days` ago, logged every day with pain rising and
    falling over each week (1 on Mondays up to 7 on Sundays)."""
    start = patient.today() - timedelta(days=days - 1)
    program = active_program(patient, clinician, start=start, title=f"{days}-day course")
    ProgramVersion.objects.filter(program=program).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    for back in range(days):
        day = start + timedelta(days=back)
        logged_session(program, day, pain=day.weekday() + 1)
    program.refresh_from_db()
    return program


@pytest.fixture
def pages(monkeypatch) -> list[str]:
    """The summaries' pages as HTML, made into no PDF: what is counted here is the queries,
    the templates' included."""
    seen: list[str] = []

    def write_pdf(html):
        seen.append(html)
        return b"%PDF-1.7"

    monkeypatch.setattr(handouts, "write_pdf", write_pdf)
    return seen


def test_the_summary_costs_the_same_queries_after_30_and_180_days(
    db, clinician_a, patient_a, patient_a2, pages, django_assert_num_queries
):
    load_library()
    short, long = course(patient_a, clinician_a, 30), course(patient_a2, clinician_a, 180)
    for program in (short, long):
        # an outcome questionnaire every two weeks: 3 and 13 of them
        stairs = PsfsActivity.objects.create(program=program, text="Stairs")
        for back in range(0, (program.today() - program.start_date).days + 1, 14):
            answered(program, program.start_date + timedelta(days=back), 5, {stairs: 4})
        program = Program.objects.select_related("patient__clinic", "clinic").get(pk=program.pk)
        # items and their exercises' texts, primary clinician and their user, latest version,
        # pain per day or week, sessions, exercises done, the whole course's adherence
        # (versions, done counts), the weekly adherence (the same two), the outcome
        # questionnaires (answered ones, their answers, the activities)
        with django_assert_num_queries(15):
            handouts.discharge_summary(program, "https://physio.example/")
    assert "30 (60 exercises done)" in pages[0] and "180 (360 exercises done)" in pages[1]
    assert all("0: no clinically important change" in page for page in pages)


def test_a_long_course_charts_the_worst_pain_of_each_week(db, clinician_a, patient_a, pages):
    load_library()
    program = course(patient_a, clinician_a, 180)
    handouts.discharge_summary(program, "https://physio.example/")
    [page] = pages
    assert "Worst pain per week: overall from " in page
    # every full week's worst is its Sunday's 7
    assert "highest 7/10 in the week of" in page
    # 26 weeks (27 as the days fall), a point each for Overall and the two exercises: not a
    # point a day
    assert 26 * 3 <= page.count("<circle") <= 27 * 3


def test_a_short_course_charts_pain_by_day(program, pages):
    handouts.discharge_summary(program, "https://physio.example/")
    assert "Pain over time" in pages[0] and "Worst pain per week" not in pages[0]


def test_the_summary_of_a_long_course_reads_back_whole(db, clinician_a, patient_a):
    load_library()
    program = course(patient_a, clinician_a, 180)
    pdf = handouts.discharge_summary(program, "https://physio.example/").pdf
    text, pages, _ = read(pdf)
    assert "Discharge summary" in text and "Pat Activated" in text
    assert "Sessions logged 180 (360 exercises done)" in text
    assert "Adherence per week" in text and "Worst pain per week" in text
    assert "Clamshell" in text and "Reverse clamshell" in text
    assert pages == 4
