"""Today is the clinic's day everywhere.

The server runs on London time; the clinic is in Brisbane, 10 hours ahead. At 20:00 UTC on
21 November it is already 06:00 on Saturday 22 November at the clinic, so every place that
takes "today" from the server (or from UTC) gets the wrong day.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from exercises.loader import load_library
from exercises.models import Exercise
from programs import handouts, prescribing
from programs.adherence import adherence
from programs.forms import NewProgramForm
from programs.models import Program, SessionLog
from programs.notifications import send_reminders
from programs.sessions import check_log_day
from tests.conftest import client_for
from tests.factories import active_program

NOW = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)
SERVER_DAY = date(2026, 11, 21)  # London
CLINIC_DAY = date(2026, 11, 22)  # Brisbane


@pytest.fixture
def brisbane(settings, monkeypatch, clinic_a, clinician_a, patient_a):
    settings.TIME_ZONE = "Europe/London"
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    assert timezone.localdate() == SERVER_DAY
    clinic_a.timezone = "Australia/Brisbane"
    clinic_a.save()
    load_library()
    patient_a.refresh_from_db()
    return patient_a


def test_the_clinic_knows_its_own_day(brisbane):
    assert brisbane.clinic.today() == CLINIC_DAY
    assert brisbane.today() == CLINIC_DAY


def test_prescribing_starts_and_ends_programs_on_the_clinics_day(brisbane, clinician_a):
    program = prescribing.create_program(brisbane, by=clinician_a.user, title="Knee")
    prescribing.add_item(
        program, Exercise.objects.get(slug="clamshell"), revision=None, by=clinician_a.user
    )
    prescribing.activate(program, revision=None, by=clinician_a.user)
    program.refresh_from_db()
    assert program.start_date == CLINIC_DAY
    copy = prescribing.copy_program(program, brisbane, by=clinician_a.user)
    assert copy.start_date == CLINIC_DAY
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    program.refresh_from_db()
    assert program.end_date == CLINIC_DAY


def test_the_new_program_form_starts_on_the_clinics_day(brisbane, clinician_a):
    response = client_for(clinician_a.user).get(reverse("program_create", args=[brisbane.pk]))
    assert response.context["form"].initial["start_date"] == CLINIC_DAY
    form = NewProgramForm(templates=Program.objects.none(), today=brisbane.clinic.today())
    assert form.initial["start_date"] == CLINIC_DAY


def test_logging_and_its_backdating_rule_use_the_clinics_day(brisbane, clinician_a):
    program = active_program(brisbane, clinician_a, slugs=["clamshell"])
    assert program.start_date == CLINIC_DAY
    check_log_day(program, CLINIC_DAY, brisbane.today())  # today at the clinic: allowed
    client = client_for(brisbane.user)
    item = program.items.get()
    response = client.post(
        reverse("portal_log", args=[program.pk]),
        {
            "token": "7d1f4a52-6f55-4c1e-9b8e-1e0a2c3d4e5f",
            "revision": 0,
            "slot": 1,
            f"status-{item.pk}": "done",
            f"sets-{item.pk}": 3,
            f"reps-{item.pk}": 10,
        },
    )
    assert response.status_code == 302
    session = SessionLog.objects.get()
    assert session.date == CLINIC_DAY
    # Logged at 06:00 on the same clinic day: not "logged late", though UTC says the 21st.
    assert not session.is_backdated


def test_adherence_counts_the_clinics_today(brisbane, clinician_a):
    program = active_program(brisbane, clinician_a, slugs=["clamshell"])
    assert adherence(program, brisbane.today()).scheduled == 1


def test_handouts_date_from_the_clinics_day(brisbane, clinician_a):
    program = active_program(brisbane, clinician_a, slugs=["clamshell"])
    rendered = handouts.handout(program, "https://physio.example/")
    assert "22 November 2026" in rendered.html or "22 Nov 2026" in rendered.html
    assert handouts.handout_filename(program, "handout").endswith("2026-11-22.pdf")


def test_reminders_use_the_clinics_hour_and_day(brisbane, clinician_a):
    program = active_program(brisbane, clinician_a, slugs=["clamshell"])
    brisbane.reminder_hour = 6
    brisbane.save()
    assert send_reminders(NOW) == 1  # 06:00 on the 22nd in Brisbane
    brisbane.refresh_from_db()
    assert brisbane.last_reminded_on == CLINIC_DAY
    assert program.start_date == CLINIC_DAY


def test_session_dates_read_from_the_clinics_calendar(brisbane, clinician_a):
    program = active_program(brisbane, clinician_a, slugs=["clamshell"])
    local = NOW.astimezone(ZoneInfo("Australia/Brisbane"))
    assert program.clinic.local_date(NOW) == local.date() == CLINIC_DAY


def test_a_session_logged_the_same_evening_behind_utc_is_not_late(
    settings, monkeypatch, clinic_a, clinician_a, patient_a
):
    # Honolulu is 10 hours behind: 02:00 UTC on the 22nd is 16:00 on the 21st there.
    settings.TIME_ZONE = "Europe/London"
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 22, 2, 0, tzinfo=UTC))
    clinic_a.timezone = "Pacific/Honolulu"
    clinic_a.save()
    load_library()
    patient_a.refresh_from_db()
    program = active_program(patient_a, clinician_a, slugs=["clamshell"])
    assert program.start_date == date(2026, 11, 21)
    item = program.items.get()
    client_for(patient_a.user).post(
        reverse("portal_log", args=[program.pk]),
        {
            "token": "0d1f4a52-6f55-4c1e-9b8e-1e0a2c3d4e5f",
            "revision": 0,
            "slot": 1,
            f"status-{item.pk}": "done",
            f"sets-{item.pk}": 3,
            f"reps-{item.pk}": 10,
        },
    )
    session = SessionLog.objects.get()
    assert session.date == date(2026, 11, 21)
    assert not session.is_backdated
