from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from clinic.models import Clinic, Clinician, Patient, User
from exercises.loader import load_library
from programs.adherence import adherence
from programs.models import (
    AlertKind,
    Program,
    ProgramItem,
    ProgramVersion,
    SessionEntry,
    SessionLog,
)

CLINICIAN = "clinician@riverside-physio.example"
PASSWORD = "demo-physio-2026"


@pytest.fixture
def library(db):
    load_library()


@pytest.fixture
def demo(settings, library):
    settings.DEBUG = True
    call_command("seed_demo")
    return Clinic.objects.get(slug="riverside")


def rows() -> dict[str, list[tuple]]:
    """Every row the demo makes, with the fields a second run could disturb."""
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "password")),
        "patients": list(Patient.objects.order_by("pk").values_list("pk", "updated_at")),
        "programs": list(
            Program.objects.order_by("pk").values_list("pk", "revision", "status", "updated_at")
        ),
        "items": list(ProgramItem.objects.order_by("pk").values_list("pk", "exercise_id")),
        "versions": list(ProgramVersion.objects.order_by("pk").values_list("pk", "created_at")),
        "sessions": list(
            SessionLog.objects.order_by("pk").values_list("pk", "date", "logged_at", "note_read_at")
        ),
        "entries": list(SessionEntry.objects.order_by("pk").values_list("pk", "pain", "done")),
    }


def test_demo_clinic_is_created_once_and_prints_the_logins(settings, library, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = capsys.readouterr().out
    before = rows()
    call_command("seed_demo")
    assert rows() == before
    assert Clinic.objects.count() == 1
    assert Clinician.objects.filter(role=Clinician.Role.ADMIN).count() == 1
    assert Clinician.objects.filter(role=Clinician.Role.CLINICIAN).count() == 1
    assert Patient.objects.count() == 6
    assert User.objects.count() == 4  # two staff and two patients with a portal account
    assert CLINICIAN in first
    assert "hugo.lindqvist@example.com" in first
    assert PASSWORD in first


def test_demo_caseload_has_active_programs_and_recent_sessions(demo):
    today = demo.today()
    programs = Program.objects.filter(patient__clinic=demo)
    active = programs.filter(status=Program.Status.ACTIVE)
    assert active.count() == 5
    assert programs.filter(status=Program.Status.DRAFT).count() == 1
    for program in active:
        assert today - timedelta(days=42) <= program.start_date <= today - timedelta(days=21)
        sessions = SessionLog.objects.filter(program=program)
        assert sessions.filter(date__lt=today - timedelta(days=14)).exists()
    for weeks_ago in range(3):
        week_end = today - timedelta(days=7 * weeks_ago)
        assert SessionLog.objects.filter(
            program__in=active, date__range=(week_end - timedelta(days=6), week_end)
        ).exists()


def test_demo_sessions_are_dated_as_logged_on_their_day(demo):
    tz = ZoneInfo(demo.timezone)
    for session in SessionLog.objects.all():
        assert session.logged_at.astimezone(tz).date() == session.date
        assert not session.is_backdated
    for program in Program.objects.filter(status=Program.Status.ACTIVE, patient__isnull=False):
        first = program.versions.get(number=1)
        assert first.created_at.astimezone(tz).date() <= program.start_date
        assert first.notified_at is not None  # no stale "your new program" email


def test_demo_adherence_counts_the_whole_course(demo):
    today = demo.today()
    dora = Program.objects.get(patient__email="dora.patel@example.com")
    whole = adherence(dora, today)
    assert whole.scheduled == ((today - dora.start_date).days + 1) * dora.items.count()
    assert whole.percent >= 70
    grace = Program.objects.get(patient__email="grace.okafor@example.com")
    assert not grace.sessions.filter(date__gt=today - timedelta(days=10)).exists()


def test_demo_dashboard_shows_figures_and_alerts(demo, client):
    assert client.login(username=CLINICIAN, password=PASSWORD)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    summaries = {row.patient.first_name: row for row in response.context["rows"]}
    assert set(summaries) == {"Dora", "Ellis", "Grace", "Hugo", "Iris"}
    kinds = {name: {alert.kind for alert in row.open_alerts} for name, row in summaries.items()}
    assert kinds["Hugo"] & {AlertKind.PAIN_RISING, AlertKind.HIGH_PAIN}
    assert AlertKind.SILENT in kinds["Grace"]
    assert kinds["Dora"] == set()
    assert summaries["Dora"].adherence_28.percent >= 70
    assert sum(row.unread_notes for row in summaries.values()) >= 3
    page = response.content.decode()
    assert "Pain rising" in page or "High pain" in page
    assert "No sessions" in page


def test_demo_logins_work(demo, client):
    assert client.login(username=CLINICIAN, password=PASSWORD)
    assert client.login(username="dora.patel@example.com", password=PASSWORD)


def test_demo_needs_the_library_first(settings, db):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="load_library"):
        call_command("seed_demo")
    assert not Clinic.objects.exists()


def test_demo_clinic_is_refused_in_production_unless_asked(settings, db):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("seed_demo")
    assert not Clinic.objects.exists()
