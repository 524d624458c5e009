"""What the app logs for an operator, and that no log line holds a name, an address or what a
patient wrote."""

import logging
import re

import pytest
from django.urls import reverse

from clinic.invitations import InvitationError, send_invitation
from exercises.loader import load_library
from programs.models import SessionLog
from tests.conftest import client_for, mail_server_down
from tests.factories import active_program

NOTE = "Knee swelled after the gardening, took ibuprofen."


@pytest.fixture
def logs(caplog):
    """Every record at DEBUG: the root logger's and the app's own, which settings keep at
    LOG_LEVEL."""
    caplog.set_level(logging.DEBUG)
    for name in ("clinic", "exercises", "programs"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.fixture
def program(db, clinician_a, patient_a):
    load_library()
    return active_program(patient_a, clinician_a)


def secrets_of(patient):
    return [patient.first_name, patient.last_name, patient.email, NOTE]


def assert_nothing_personal(caplog, secrets):
    for record in caplog.records:
        for secret in secrets:
            assert secret.lower() not in record.getMessage().lower(), (record.name, secret)
    for secret in secrets:
        assert secret.lower() not in caplog.text.lower(), secret


def log_form(program, note):
    data = {"token": "0f4b5c8e-2a51-4c1e-9c44-5d7e8b0c1a23", "slot": 1, "revision": 0}
    for item in program.items.all():
        data |= {
            f"status-{item.pk}": "done",
            f"sets-{item.pk}": item.sets,
            f"reps-{item.pk}": item.reps_max or item.reps_min,
            f"pain-{item.pk}": "8",
            f"reason-{item.pk}": "",
        }
    return data | {"difficulty": "too_hard", "note": note}


def test_a_logged_session_and_the_patient_record_log_nothing_personal(
    program, patient_a, clinician_a, logs
):
    response = client_for(patient_a.user).post(
        reverse("portal_log", args=[program.pk]), log_form(program, NOTE)
    )
    assert response.status_code == 302
    assert SessionLog.objects.get().note == NOTE
    page = client_for(clinician_a.user).get(reverse("patient_detail", args=[patient_a.pk]))
    assert page.status_code == 200
    assert patient_a.last_name in page.content.decode()  # the page did show them
    assert_nothing_personal(logs, secrets_of(patient_a))


def test_a_rendered_pdf_logs_its_kind_program_and_time(program, clinician_a, patient_a, logs):
    response = client_for(clinician_a.user).get(reverse("program_handout", args=[program.pk]))
    assert response["Content-Type"] == "application/pdf"
    [record] = [r for r in logs.records if r.name == "programs.handouts"]
    assert record.levelno == logging.INFO
    assert re.fullmatch(
        rf"PDF handout of program {program.pk} rendered in \d+ ms "
        r"\(\d+ ms of it waiting for a place\)\.",
        record.getMessage(),
    )
    assert_nothing_personal(logs, secrets_of(patient_a))


def test_an_email_failure_logs_a_warning_without_the_address(clinician_a, patient_a2, logs):
    with mail_server_down(), pytest.raises(InvitationError):
        send_invitation(patient_a2, sent_by=clinician_a.user, base_url="http://x/")
    [record] = [r for r in logs.records if r.levelno >= logging.WARNING]
    assert record.name == "clinic.invitations" and record.levelno == logging.WARNING
    assert f"patient {patient_a2.pk}," in record.getMessage()
    assert_nothing_personal(logs, secrets_of(patient_a2))


def test_a_sent_email_logs_ids_only(clinician_a, patient_a2, logs):
    send_invitation(patient_a2, sent_by=clinician_a.user, base_url="http://x/")
    [record] = [r for r in logs.records if r.name == "clinic.invitations"]
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        f"Email invitation (patient {patient_a2.pk}, clinic {patient_a2.clinic_id}) sent."
    )
    assert_nothing_personal(logs, secrets_of(patient_a2))


def test_throttled_sign_in_logs_a_warning_without_the_email(client, clinician_a, logs):
    for _ in range(6):
        client.post(reverse("login"), {"username": "carl@northside.example", "password": "no"})
    [record] = [r for r in logs.records if r.levelno >= logging.WARNING]
    assert record.name == "clinic.forms"
    assert record.getMessage() == (
        "Sign-in throttled: too many failures for one account from one address (client 127.0.0.1)."
    )
    assert_nothing_personal(logs, ["carl@northside.example", "Carl", "Clinician"])
