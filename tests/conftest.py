"""Shared personas: two clinics, their staff and patients, and an operator.

clinic A: admin_a (clinic admin), clinician_a, patient_a (has a portal account),
          patient_a2 (not invited yet)
clinic B: clinician_b, patient_b (has a portal account)
operator: staff superuser with no clinic (runs the physio admin)
"""

from __future__ import annotations

import shutil

import pytest
from django.test import Client

from clinic.models import Clinician
from tests.factories import ClinicFactory, ClinicianFactory, PatientFactory, UserFactory

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploads and stored PDFs go to a folder of the test's own, never the project's media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clinic_a(db):
    return ClinicFactory(name="Northside Physio", slug="northside")


@pytest.fixture
def clinic_b(db):
    return ClinicFactory(name="Southside Physio", slug="southside")


@pytest.fixture
def admin_a(clinic_a):
    return ClinicianFactory(
        clinic=clinic_a,
        role=Clinician.Role.ADMIN,
        user__email="alice@northside.example",
        user__full_name="Alice Admin",
    )


@pytest.fixture
def clinician_a(clinic_a):
    return ClinicianFactory(
        clinic=clinic_a, user__email="carl@northside.example", user__full_name="Carl Clinician"
    )


@pytest.fixture
def clinician_b(clinic_b):
    return ClinicianFactory(
        clinic=clinic_b, user__email="bea@southside.example", user__full_name="Bea Other"
    )


@pytest.fixture
def patient_a(clinician_a):
    return PatientFactory(
        primary_clinician=clinician_a,
        first_name="Pat",
        last_name="Activated",
        email="pat@example.com",
        activated=True,
    )


@pytest.fixture
def patient_a2(clinician_a):
    return PatientFactory(
        primary_clinician=clinician_a,
        first_name="Nina",
        last_name="Newcomer",
        email="nina@example.com",
    )


@pytest.fixture
def patient_b(clinician_b):
    return PatientFactory(
        primary_clinician=clinician_b,
        first_name="Olly",
        last_name="Outsider",
        email="olly@example.com",
        activated=True,
    )


@pytest.fixture
def operator(db):
    return UserFactory(email="ops@physio.example", is_staff=True, is_superuser=True)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


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
