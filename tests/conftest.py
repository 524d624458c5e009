"""Shared personas: two clinics, their staff and patients, and an operator.

clinic A: admin_a (clinic admin), clinician_a, patient_a (has a portal account),
          patient_a2 (not invited yet)
clinic B: clinician_b, patient_b (has a portal account)
operator: staff superuser with no clinic (runs the physio admin)
carers:   carer_a (helps patient_a), carer_b (helps patient_b), carer_ended (helped patient_a
          until the access was ended); each fixture is the CarerAccess, its `user` the account
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from datetime import timedelta
from smtplib import SMTPException
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from clinic.models import CarerAccess, Clinic, Clinician, Patient, User, hash_token
from tests.factories import ClinicFactory, ClinicianFactory, PatientFactory, UserFactory

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploads and stored documents go to folders of the test's own, never the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS_ROOT = tmp_path / "documents"


# Each persona is made by one function, used by its fixture below and by `all_personas` for
# modules that build their world once (the access matrix).


def make_clinic_a() -> Clinic:
    return ClinicFactory(name="Northside Physio", slug="northside")


def make_clinic_b() -> Clinic:
    return ClinicFactory(name="Southside Physio", slug="southside")


def make_admin_a(clinic_a: Clinic) -> Clinician:
    return ClinicianFactory(
        clinic=clinic_a,
        role=Clinician.Role.ADMIN,
        user__email="alice@northside.example",
        user__full_name="Alice Admin",
    )


def make_clinician_a(clinic_a: Clinic) -> Clinician:
    return ClinicianFactory(
        clinic=clinic_a, user__email="carl@northside.example", user__full_name="Carl Clinician"
    )


def make_clinician_b(clinic_b: Clinic) -> Clinician:
    return ClinicianFactory(
        clinic=clinic_b, user__email="bea@southside.example", user__full_name="Bea Other"
    )


def make_patient_a(clinician_a: Clinician) -> Patient:
    return PatientFactory(
        primary_clinician=clinician_a,
        first_name="Pat",
        last_name="Activated",
        email="pat@example.com",
        activated=True,
    )


def make_patient_a2(clinician_a: Clinician) -> Patient:
    return PatientFactory(
        primary_clinician=clinician_a,
        first_name="Nina",
        last_name="Newcomer",
        email="nina@example.com",
    )


def make_patient_b(clinician_b: Clinician) -> Patient:
    return PatientFactory(
        primary_clinician=clinician_b,
        first_name="Olly",
        last_name="Outsider",
        email="olly@example.com",
        activated=True,
    )


def make_operator() -> User:
    return UserFactory(email="ops@physio.example", is_staff=True, is_superuser=True)


def make_carer(patient: Patient, email: str, full_name: str, *, ended: bool = False) -> CarerAccess:
    """A carer who accepted the patient's invitation (and, if `ended`, lost access since)."""
    now = timezone.now()
    return CarerAccess.objects.create(
        patient=patient,
        name=full_name,
        email=email,
        relationship="parent",
        user=UserFactory(email=email, full_name=full_name),
        invited_by=patient.user,
        token_hash=hash_token(f"used-{email}"),
        created_at=now - timedelta(days=2),
        expires_at=now + timedelta(days=5),
        accepted_at=now - timedelta(days=1),
        ended_at=now if ended else None,
        ended_by=patient.user if ended else None,
    )


def make_carer_a(patient_a: Patient) -> CarerAccess:
    return make_carer(patient_a, "cara@family.example", "Cara Carer")


def make_carer_b(patient_b: Patient) -> CarerAccess:
    return make_carer(patient_b, "ben@family.example", "Ben Helper")


def make_carer_ended(patient_a: Patient) -> CarerAccess:
    return make_carer(patient_a, "eddie@family.example", "Eddie Ended", ended=True)


def all_personas() -> dict[str, Any]:
    """Every persona at once, named as the fixtures are."""
    clinic_a, clinic_b = make_clinic_a(), make_clinic_b()
    clinician_a, clinician_b = make_clinician_a(clinic_a), make_clinician_b(clinic_b)
    patient_a, patient_b = make_patient_a(clinician_a), make_patient_b(clinician_b)
    return {
        "admin_a": make_admin_a(clinic_a),
        "clinician_a": clinician_a,
        "clinician_b": clinician_b,
        "patient_a": patient_a,
        "patient_a2": make_patient_a2(clinician_a),
        "patient_b": patient_b,
        "operator": make_operator(),
        "carer_a": make_carer_a(patient_a),
        "carer_b": make_carer_b(patient_b),
        "carer_ended": make_carer_ended(patient_a),
    }


@pytest.fixture
def clinic_a(db):
    return make_clinic_a()


@pytest.fixture
def clinic_b(db):
    return make_clinic_b()


@pytest.fixture
def admin_a(clinic_a):
    return make_admin_a(clinic_a)


@pytest.fixture
def clinician_a(clinic_a):
    return make_clinician_a(clinic_a)


@pytest.fixture
def clinician_b(clinic_b):
    return make_clinician_b(clinic_b)


@pytest.fixture
def patient_a(clinician_a):
    return make_patient_a(clinician_a)


@pytest.fixture
def patient_a2(clinician_a):
    return make_patient_a2(clinician_a)


@pytest.fixture
def patient_b(clinician_b):
    return make_patient_b(clinician_b)


@pytest.fixture
def operator(db):
    return make_operator()


@pytest.fixture
def carer_a(patient_a):
    return make_carer_a(patient_a)


@pytest.fixture
def carer_b(patient_b):
    return make_carer_b(patient_b)


@pytest.fixture
def carer_ended(patient_a):
    return make_carer_ended(patient_a)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@contextmanager
def mail_server_down():
    """The mail server refuses every message; yields the messages it was given."""
    attempted = []

    def refuse(backend, messages):
        attempted.extend(messages)
        raise SMTPException("451 try again later")

    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse):
        yield attempted


# --- real-browser tests -------------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="Chromium is not installed (Debian package 'chromium')")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not CHROMIUM:
        terminalreporter.write_line(
            "Real-browser tests were SKIPPED: Chromium is not installed "
            "(apt-get install chromium). CI installs it and runs them.",
            yellow=True,
        )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # The system Chromium, since Playwright's own browser download is not available offline.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


@pytest.fixture
def context(live_server, context):
    """Every page a browser test opens may load only the app's own files: no CDN, no
    third-party request."""
    from tests.browser import watch_requests

    outside = watch_requests(context, live_server.url)
    yield context
    assert outside == [], f"requests left the app: {outside}"
