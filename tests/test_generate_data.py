"""manage.py generate_data: clinics at network scale with accounts that sign in, a mix of
adherence, and sessions that read like the app's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from clinic.models import Clinic, Clinician, Patient, User
from programs.adherence import adherence
from programs.generate import DEFAULT_PASSWORD, ClinicReport, Network, Pattern, generate_network
from programs.models import Program, ProgramVersion, SessionEntry, SessionLog

SMALL = Network(clinics=2, patients_per_clinic=6, days=21, seed="1")


@pytest.fixture(scope="module")
def shared_network(django_db_setup, django_db_blocker):
    """Two small clinics, made once for the module inside a transaction rolled back at its end;
    each test runs in a savepoint of its own inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate_network(SMALL)
        transaction.set_rollback(True)


@pytest.fixture
def network(shared_network, db) -> list[ClinicReport]:
    return shared_network


def signed_in(email: str) -> Client:
    client = Client()
    assert client.login(email=email, password=DEFAULT_PASSWORD)
    return client


def patient(email: str) -> Patient:
    return Patient.objects.select_related("clinic").get(email=email)


def program_of(email: str) -> Program:
    return Program.objects.select_related("clinic", "patient").get(patient__email=email)


def test_clinics_have_the_fixed_names_and_accounts(network):
    assert list(Clinic.objects.order_by("slug").values_list("slug", "name")) == [
        ("generated-1", "Generated Clinic 1"),
        ("generated-2", "Generated Clinic 2"),
    ]
    staff = Clinician.objects.filter(clinic__slug="generated-1").order_by("user__email")
    assert [(c.user.email, c.role) for c in staff] == [
        ("admin@generated-1.example", Clinician.Role.ADMIN),
        ("clinician1@generated-1.example", Clinician.Role.CLINICIAN),
        ("clinician2@generated-1.example", Clinician.Role.CLINICIAN),
    ]
    patients = Patient.objects.filter(clinic__slug="generated-2").order_by("pk")
    assert [p.email for p in patients] == [f"patient{m}@generated-2.example" for m in range(1, 7)]
    assert all(p.user is not None and p.user.email == p.email for p in patients)
    # The patients are shared between the clinicians, not all on one list.
    assert {p.primary_clinician.user.email for p in patients} == {
        "clinician1@generated-2.example",
        "clinician2@generated-2.example",
    }


def test_every_account_shares_one_password_hash(network):
    hashes = set(User.objects.filter(email__contains="@generated-").values_list("password"))
    assert len(hashes) == 1


def test_patient_signs_in_and_sees_today(network):
    response = signed_in("patient1@generated-1.example").get(reverse("portal_home"))
    assert response.status_code == 200
    assert program_of("patient1@generated-1.example").title in response.text


def test_discharged_patient_still_signs_in(network):
    response = signed_in("patient2@generated-2.example").get(reverse("portal_home"))
    assert response.status_code == 200


@pytest.mark.parametrize("email", ["clinician1@generated-1.example", "admin@generated-2.example"])
def test_staff_sign_in_and_see_the_dashboard(network, email):
    response = signed_in(email).get(reverse("dashboard"))
    assert response.status_code == 200


def test_patient_1_has_an_active_program_with_the_whole_history(network):
    for number in (1, 2):
        program = program_of(f"patient1@generated-{number}.example")
        today = program.clinic.today()
        assert program.status == Program.Status.ACTIVE
        assert program.start_date == today - timedelta(days=SMALL.days - 1)
        days = set(program.sessions.values_list("date", flat=True))
        assert min(days) <= program.start_date + timedelta(days=3)
        assert max(days) >= today - timedelta(days=3)
        figure = adherence(program, today).percent
        assert figure is not None and 50 <= figure < 100


def test_patient_2_is_discharged_as_the_app_discharges(network):
    program = program_of("patient2@generated-1.example")
    today = program.clinic.today()
    assert program.status == Program.Status.DISCHARGED
    assert program.start_date == today - timedelta(days=SMALL.days - 1)
    assert program.end_date == today
    assert program.discharged_at is not None
    assert program.discharged_by is not None
    assert program.patient.status == Patient.Status.DISCHARGED
    assert program.sessions.count() > SMALL.days // 2
    assert network[0].discharged_program == program.pk


def test_every_adherence_pattern_appears(network):
    patterns = {pattern for report in network for pattern in report.patients_by_pattern}
    assert patterns == set(Pattern)


def programs_following(network, pattern: Pattern) -> list[Program]:
    ids = [pk for report in network for pk in report.patients_by_pattern.get(pattern, [])]
    return list(Program.objects.select_related("clinic").filter(patient__in=ids))


def test_patterns_read_as_their_names_in_the_logs(network):
    for program in programs_following(network, Pattern.PERFECT):
        assert adherence(program, program.clinic.today()).percent == 100
    for program in programs_following(network, Pattern.NEVER_STARTED):
        assert program.status == Program.Status.ACTIVE
        assert not program.sessions.exists()
    for program in programs_following(network, Pattern.LAPSED):
        today = program.clinic.today()
        assert program.sessions.exists()
        assert not program.sessions.filter(date__gt=today - timedelta(days=7)).exists()


def test_adherence_tells_a_perfect_patient_from_a_lapsed_one(network):
    [perfect, *_] = programs_following(network, Pattern.PERFECT)
    [lapsed, *_] = programs_following(network, Pattern.LAPSED)
    today = perfect.clinic.today()
    perfect_figure = adherence(perfect, today).percent
    lapsed_figure = adherence(lapsed, today).percent
    assert perfect_figure == 100
    assert lapsed_figure is not None and 10 <= lapsed_figure <= 70
    last_week = today - timedelta(days=6)
    assert adherence(lapsed, today, start=last_week).percent == 0


def test_every_entry_belongs_to_its_sessions_version(network):
    entries = SessionEntry.objects.select_related("session__version", "session__program")
    assert entries.exists()
    for entry in entries:
        session = entry.session
        items = {item["id"]: item for item in session.version.snapshot["items"]}
        assert entry.item_ref in items
        assert entry.item_id == entry.item_ref
        assert entry.exercise_name == items[entry.item_ref]["exercise"]
        assert entry.prescription == items[entry.item_ref]["prescription"]
        assert session.version.program_id == session.program_id


def test_sessions_are_logged_under_the_version_in_force_that_day(network):
    changed = ProgramVersion.objects.filter(number=2).select_related("program__clinic")
    assert changed.exists()
    for second in changed:
        program = second.program
        since = program.clinic.local_date(second.created_at)
        sessions = program.sessions.select_related("version")
        assert all((s.version.number == 2) == (s.date >= since) for s in sessions)
        assert {s.version.number for s in sessions} <= {1, 2}


def test_snapshots_have_the_app_format_with_the_programs_own_items(network):
    for version in ProgramVersion.objects.select_related("program").filter(
        program__clinic__slug__startswith="generated-"
    ):
        snapshot = version.snapshot
        assert snapshot["start_date"] == version.program.start_date.isoformat()
        item_ids = set(version.program.items.values_list("pk", flat=True))
        assert {item["id"] for item in snapshot["items"]} <= item_ids
        assert version.changes and version.patient_changes


def test_some_notes_are_read_and_some_are_not(network):
    notes = SessionLog.objects.exclude(note="")
    assert notes.filter(note_read_at__isnull=False, note_read_by__isnull=False).exists()
    assert notes.filter(note_read_at__isnull=True).exists()


def content() -> list[tuple]:
    """What the data says, without ids or the moment it was made."""
    return [
        *Patient.objects.order_by("email").values_list(
            "email", "first_name", "last_name", "date_of_birth", "status"
        ),
        *Program.objects.filter(scope=Program.Scope.PATIENT)
        .order_by("patient__email")
        .values_list("patient__email", "title", "start_date", "end_date", "status", "revision"),
        *SessionLog.objects.order_by("program__patient__email", "date", "slot").values_list(
            "program__patient__email", "date", "slot", "version__number", "note", "token"
        ),
        *SessionEntry.objects.order_by(
            "session__program__patient__email", "session__date", "session__slot", "pk"
        ).values_list("exercise_name", "prescription", "done", "pain", "sets_done"),
    ]


def test_the_same_seed_makes_the_same_data(network):
    before = content()
    generate_network(SMALL, replace=True)
    assert content() == before
    generate_network(Network(clinics=2, patients_per_clinic=6, days=21, seed="2"), replace=True)
    assert content() != before


def test_running_again_without_replace_is_refused(network, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match=r"already has 2 generated clinic.*--replace"):
        call_command("generate_data", "--clinics", "1", "--patients-per-clinic", "3", "--days", "7")
    assert Clinic.objects.filter(slug__startswith="generated-").count() == 2


def test_replace_deletes_the_earlier_clinics_first(network, settings, capsys):
    settings.DEBUG = True
    signed_in("patient1@generated-2.example").get(reverse("portal_home"))  # an audit entry
    call_command(
        "generate_data",
        "--clinics",
        "1",
        "--patients-per-clinic",
        "3",
        "--days",
        "7",
        "--replace",
    )
    assert list(Clinic.objects.values_list("slug", flat=True)) == ["generated-1"]
    assert not User.objects.filter(email__endswith="@generated-2.example").exists()
    assert Patient.objects.count() == 3
    output = capsys.readouterr().out
    assert "Generated 1 clinics, 3 patients" in output
    assert "patient1@generated-<n>.example: an active program with 7 days of history" in output


def test_other_clinics_are_left_alone(network, settings, clinic_a, patient_a):
    settings.DEBUG = True
    call_command(
        "generate_data", "--clinics", "1", "--patients-per-clinic", "2", "--days", "3", "--replace"
    )
    assert Clinic.objects.filter(pk=clinic_a.pk).exists()
    assert Patient.objects.filter(pk=patient_a.pk).exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--clinics", "0", "--patients-per-clinic", "3", "--days", "7"], "--clinics"),
        (["--clinics", "1", "--patients-per-clinic", "x", "--days", "7"], "not 'x'"),
        (
            ["--clinics", "1", "--patients-per-clinic", "3", "--days", "7", "--password", "short"],
            "at least 8",
        ),
    ],
)
def test_bad_options_get_a_clear_message(network, settings, args, message):
    settings.DEBUG = True
    with pytest.raises(CommandError, match=message):
        call_command("generate_data", *args)


def test_known_passwords_need_debug_or_permission(network, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("generate_data", "--clinics", "1", "--patients-per-clinic", "1", "--days", "1")
