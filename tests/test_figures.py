"""The dashboard's stored figures: always the domain functions' answer, never shown stale, and
what lets the caseload sort, filter and page in the database."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from clinic.models import Clinic, Patient
from exercises.loader import load_library
from programs import figures
from programs.adherence import adherence
from programs.insights import caseload, summarize
from programs.models import PatientFigures, Program
from tests.conftest import client_for
from tests.factories import PatientFactory, active_program, logged_session


@pytest.fixture
def program(db, clinician_a, patient_a):
    load_library()
    return active_program(
        patient_a, clinician_a, slugs=["clamshell"], start=patient_a.today() - timedelta(days=20)
    )


def dashboard_rows(user, **params):
    response = client_for(user).get(reverse("dashboard"), {"scope": "clinic", **params})
    assert response.status_code == 200
    return response.context["page"], response.context["rows"]


def test_stored_figures_are_the_domain_functions_answer_for_a_generated_clinic(db):
    call_command(
        "generate_data",
        clinics=1,
        patients_per_clinic=12,
        days=40,
        seed=7,
        allow_production=True,
    )
    clinic = Clinic.objects.get(slug="generated-1")
    today = clinic.today()
    patients = Patient.objects.filter(clinic=clinic)
    assert figures.refresh(patients, today) == 0  # generate_data worked them out
    stored = {row.patient_id: row for row in PatientFigures.objects.filter(patient__clinic=clinic)}
    summaries = summarize(list(caseload(patients)), today)
    assert len(stored) == len(summaries) == 12
    seen_ratios = set()
    for summary in summaries:
        row = stored[summary.patient.pk]
        week = month = adherence(Program(), today)  # nothing, to add each program's to
        for program in summary.programs:
            week += adherence(program, today, start=today - timedelta(days=6))
            month += adherence(program, today, start=today - timedelta(days=27))
        assert (row.adherence_7_done, row.adherence_7_scheduled) == (week.done, week.scheduled)
        assert (row.adherence_28_done, row.adherence_28_scheduled) == (month.done, month.scheduled)
        assert row.adherence_28 == month.ratio
        assert row.last_session == summary.last_session
        assert row.latest_pain == summary.latest_pain
        assert row.pain_trend == summary.pain_trend
        assert row.unread_notes == summary.unread_notes
        assert row.open_alerts == len(summary.open_alerts)
        assert not row.dirty and row.as_of == today
        seen_ratios.add(month.percent)
    assert len(seen_ratios) > 3  # the generated clinic has patients of every kind


def test_a_logged_session_shows_at_once(program, patient_a, clinician_a):
    assert dashboard_rows(clinician_a.user)[1][0].latest_pain is None
    logged_session(program, patient_a.today(), pain=4)
    assert PatientFigures.objects.get(patient=patient_a).dirty
    row = dashboard_rows(clinician_a.user)[1][0]
    assert row.latest_pain == 4 and row.last_session == patient_a.today()
    assert not PatientFigures.objects.get(patient=patient_a).dirty


def test_figures_of_an_earlier_day_are_worked_out_again(program, patient_a, clinician_a):
    dashboard_rows(clinician_a.user)
    yesterday = patient_a.today() - timedelta(days=1)
    PatientFigures.objects.filter(patient=patient_a).update(as_of=yesterday, open_alerts=9)
    row = dashboard_rows(clinician_a.user)[1][0]
    assert len(row.open_alerts) != 9
    assert PatientFigures.objects.get(patient=patient_a).as_of == patient_a.today()


def test_a_change_made_while_figures_are_worked_out_is_not_lost(program, patient_a):
    """A session logged after the refresh read the logs leaves the row dirty, so the next page
    works it out again rather than showing figures without that session."""
    real = figures.summarize

    def summarize_then_log(*args, **kwargs):
        result = real(*args, **kwargs)
        logged_session(program, patient_a.today(), pain=7)  # lands after the logs were read
        return result

    with mock.patch.object(figures, "summarize", summarize_then_log):
        figures.refresh(Patient.objects.filter(pk=patient_a.pk), patient_a.today())
    row = PatientFigures.objects.get(patient=patient_a)
    assert row.dirty and row.latest_pain is None
    figures.refresh(Patient.objects.filter(pk=patient_a.pk), patient_a.today())
    assert PatientFigures.objects.get(patient=patient_a).latest_pain == 7


@pytest.fixture
def new_program(db, clinician_a, patient_a):
    """Three days old: too young for the adherence alert."""
    load_library()
    return active_program(
        patient_a, clinician_a, slugs=["clamshell"], start=patient_a.today() - timedelta(days=3)
    )


def test_changing_the_clinics_alert_settings_alerts_at_once(new_program, patient_a, clinician_a):
    logged_session(new_program, patient_a.today() - timedelta(days=3))
    assert dashboard_rows(clinician_a.user)[1][0].open_alerts == []
    clinic = patient_a.clinic
    clinic.silence_days = 2
    clinic.save()
    assert [a.kind for a in dashboard_rows(clinician_a.user)[1][0].open_alerts] == ["silent"]


def test_handling_an_alert_and_reading_a_note_update_the_row(new_program, patient_a, clinician_a):
    session = logged_session(new_program, patient_a.today(), pain=8, note="Sore")
    row = dashboard_rows(clinician_a.user)[1][0]
    assert row.unread_notes == 1 and [a.kind for a in row.open_alerts] == ["high_pain"]
    client = client_for(clinician_a.user)
    client.post(
        reverse("alert_handled", args=[patient_a.pk]),
        {"kind": "high_pain", "key": f"s{session.pk}"},
    )
    client.post(reverse("note_read", args=[patient_a.pk, session.pk]))
    row = dashboard_rows(clinician_a.user)[1][0]
    assert row.unread_notes == 0 and row.open_alerts == []


def test_sorting_and_flags_reach_across_the_whole_caseload(db, clinician_a):
    """30 patients, sorted by name; the one with low adherence and the one in pain are on page
    2 by name, and come first when sorted or filtered by those figures."""
    load_library()
    start = clinician_a.clinic.today() - timedelta(days=13)
    people = [
        PatientFactory(primary_clinician=clinician_a, last_name=f"Name{n:02d}") for n in range(30)
    ]
    for n, patient in enumerate(people):
        program = active_program(patient, clinician_a, slugs=["clamshell"], start=start)
        for day in range(14):
            if n != 28 or day % 7 == 0:
                logged_session(program, start + timedelta(days=day), pain=8 if n == 29 else 1)
    page, rows = dashboard_rows(clinician_a.user, sort="name")
    assert page.paginator.count == 30 and len(rows) == 25
    assert [r.patient.last_name for r in rows][:2] == ["Name00", "Name01"]
    lowest = dashboard_rows(clinician_a.user, sort="adherence28")[1][0]
    assert lowest.patient.last_name == "Name28" and lowest.adherence_28.percent == 14
    flagged = dashboard_rows(clinician_a.user, flag="high_pain")[1]
    assert [r.patient.last_name for r in flagged] == ["Name29"]
    worst = dashboard_rows(clinician_a.user, sort="-pain")[1][0]
    assert worst.patient.last_name == "Name29" and worst.latest_pain == 8


def test_refresh_figures_works_out_the_new_day_for_every_clinic(program, patient_a, clinician_b):
    PatientFactory(primary_clinician=clinician_b)
    call_command("refresh_figures")
    assert PatientFigures.objects.filter(dirty=False).count() == Patient.objects.count()
    out = mock.MagicMock()
    call_command("refresh_figures", stdout=out)
    assert "for 0 patients" in "".join(c.args[0] for c in out.write.call_args_list)


def test_a_patient_added_after_the_refresh_shows_blank_not_an_error(db, clinician_a):
    patient = PatientFactory(primary_clinician=clinician_a)
    [row] = figures.rows_of([patient])
    assert row.patient == patient and row.latest_pain is None and row.open_alerts == []
    assert not PatientFigures.objects.filter(patient=patient).exists()
