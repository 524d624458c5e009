"""Erasing a patient who has left: their identity goes, their logs stay for the statistics."""

import logging
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from clinic.models import (
    AuditAction,
    AuditEntry,
    AuditSubject,
    Clinician,
    Invitation,
    LoginFailure,
    Patient,
    User,
    hash_token,
)
from exercises.loader import load_library
from programs import prescribing
from programs.documents import discharge_with_summary
from programs.models import Program, ProgramVersion, SessionEntry, SessionLog
from tests.conftest import client_for
from tests.factories import ClinicianFactory, active_program, logged_session

PORTAL = "https://physio.example.org/accounts/login/"


@pytest.fixture
def discharged(db, clinician_a, patient_a):
    """Pat, discharged: a program with notes by and to her, logged sessions, a stored
    discharge summary, a used invitation, and a failed sign-in on her address."""
    load_library()
    today = patient_a.today()
    program = active_program(patient_a, clinician_a, start=today - timedelta(days=5))
    item = program.items.first()
    prescribing.update_item(
        item, {"note": "Pat, keep the knee soft."}, revision=None, by=clinician_a.user
    )
    assert "knee soft" in str(program.versions.values_list("changes", flat=True))
    logged_session(program, today - timedelta(days=3), pain=4, note="My neighbour Sue helped.")
    logged_session(program, today - timedelta(days=2), done=[item], pain=2)
    SessionEntry.objects.filter(done=False).update(skip_reason="Visiting my daughter in Leeds")
    program.refresh_from_db()
    discharge_with_summary(
        program, revision=None, by=clinician_a.user, notes="Well done, Pat!", portal_url=PORTAL
    )
    Invitation.objects.create(
        patient=patient_a,
        email=patient_a.email,
        token_hash=hash_token("used"),
        expires_at=timezone.now() + timedelta(days=7),
        used_at=timezone.now(),
    )
    LoginFailure.objects.create(email=patient_a.email)
    patient_a.refresh_from_db()
    assert patient_a.status == Patient.Status.DISCHARGED
    return patient_a


def erase(client, patient, name):
    return client.post(reverse("patient_erase", args=[patient.pk]), {"full_name": name})


def test_erasure_replaces_identity_deletes_account_invitations_and_summary_and_keeps_logs(
    discharged, admin_a, django_capture_on_commit_callbacks
):
    patient = discharged
    account_pk = patient.user_id
    program = patient.programs.get()
    summary = program.discharge_summary.name
    documents = storages["documents"]
    assert documents.exists(summary)
    sessions_before = list(
        SessionLog.objects.filter(program=program).values_list("pk", "date", "difficulty")
    )
    pains_before = sorted(SessionEntry.objects.filter(session__program=program).values_list("pain"))

    with django_capture_on_commit_callbacks(execute=True):
        response = erase(client_for(admin_a.user), patient, "  pat   ACTIVATED ")
    assert response.status_code == 302

    patient.refresh_from_db()
    assert (patient.first_name, patient.last_name) == ("Erased", f"patient {patient.pk}")
    assert patient.date_of_birth is None and patient.email == "" and patient.phone == ""
    assert patient.status == Patient.Status.ARCHIVED and patient.erased_at is not None
    assert patient.user is None and not User.objects.filter(pk=account_pk).exists()
    assert not Invitation.objects.filter(patient=patient).exists()
    assert not LoginFailure.objects.filter(email__iexact="pat@example.com").exists()
    assert not documents.exists(summary)
    program.refresh_from_db()
    assert not program.discharge_summary
    assert program.note == "" and program.discharge_notes == ""
    # The logs stay, without the words that could identify her.
    assert (
        list(SessionLog.objects.filter(program=program).values_list("pk", "date", "difficulty"))
        == sessions_before
    )
    assert (
        sorted(SessionEntry.objects.filter(session__program=program).values_list("pain"))
        == pains_before
    )
    assert not SessionLog.objects.filter(program=program).exclude(note="").exists()
    assert (
        not SessionEntry.objects.filter(session__program=program).exclude(skip_reason="").exists()
    )
    for version in ProgramVersion.objects.filter(program=program):
        text = str([version.snapshot, version.changes, version.patient_changes])
        assert "Pat," not in text and "knee soft" not in text


def test_erasure_writes_one_entry_that_says_who_and_when_not_what(discharged, admin_a):
    reads = AuditEntry.objects.create(
        role="clinician",
        patient=discharged,
        clinic=discharged.clinic,
        action="view",
        subject="patient",
    )
    erase(client_for(admin_a.user), discharged, "Pat Activated")
    entries = AuditEntry.objects.filter(action=AuditAction.ERASE)
    assert entries.count() == 1
    entry = entries.get()
    assert (entry.subject, entry.user, entry.patient, entry.role) == (
        AuditSubject.PATIENT,
        admin_a.user,
        discharged,
        "admin",
    )
    assert "Pat" not in entry.detail and "Activated" not in entry.detail
    assert AuditEntry.objects.filter(pk=reads.pk).exists()  # the trail about her stays


def test_the_patients_own_session_ends(discharged, admin_a):
    portal = client_for(discharged.user)
    assert portal.get(reverse("portal_home")).status_code == 200
    erase(client_for(admin_a.user), discharged, "Pat Activated")
    assert portal.get(reverse("portal_home")).status_code == 302


def test_an_active_patient_is_not_erased(db, admin_a, patient_a):
    client = client_for(admin_a.user)
    page = client.get(reverse("patient_erase", args=[patient_a.pk])).content.decode()
    assert "Only a discharged or archived patient can be erased" in page
    assert 'name="full_name"' not in page
    response = erase(client, patient_a, "Pat Activated")
    assert "Only a discharged or archived patient can be erased" in response.content.decode()
    patient_a.refresh_from_db()
    assert patient_a.first_name == "Pat" and patient_a.erased_at is None and patient_a.user
    assert not AuditEntry.objects.filter(action=AuditAction.ERASE).exists()


def test_a_wrong_name_erases_nothing(discharged, admin_a, django_capture_on_commit_callbacks):
    summary = discharged.programs.get().discharge_summary.name
    with django_capture_on_commit_callbacks(execute=True):
        response = erase(client_for(admin_a.user), discharged, "Pat Activate")
    assert response.status_code == 200
    assert "not this patient&#x27;s full name, so nothing was erased" in response.content.decode()
    discharged.refresh_from_db()
    assert discharged.last_name == "Activated" and discharged.erased_at is None
    assert discharged.user is not None and discharged.invitations.exists()
    assert storages["documents"].exists(summary)
    assert SessionLog.objects.exclude(note="").exists()
    assert not AuditEntry.objects.filter(action=AuditAction.ERASE).exists()


def test_a_failed_file_deletion_is_logged_and_does_not_undo_the_erasure(
    discharged, admin_a, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    documents = storages["documents"]

    def broken(name):
        raise OSError("the bucket is unreachable")

    monkeypatch.setattr(documents, "delete", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = erase(client_for(admin_a.user), discharged, "Pat Activated")
    assert response.status_code == 302
    discharged.refresh_from_db()
    assert discharged.erased_at is not None and discharged.first_name == "Erased"
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1
    message = failures[0].getMessage()
    assert f"erased patient {discharged.pk}" in message and "OSError" in message
    assert "Pat" not in message and "Activated" not in message


def test_the_erased_record_says_so_and_offers_no_identity_actions(discharged, admin_a):
    client = client_for(admin_a.user)
    erase(client, discharged, "Pat Activated")
    page = client.get(discharged.get_absolute_url()).content.decode()
    assert "identity was erased on" in page
    assert "Pat Activated" not in page and "Activated" not in page
    assert "pat@example.com" not in page
    for name in ["patient_edit", "patient_invite", "patient_restore", "patient_export_pdf"]:
        assert reverse(name, args=[discharged.pk]) not in page
    assert reverse("patient_erase", args=[discharged.pk]) not in page
    again = client.get(reverse("patient_erase", args=[discharged.pk]), follow=True)
    assert "already erased" in again.content.decode()


def test_only_an_admin_of_the_patients_clinic_may_erase(discharged, clinician_a, clinician_b):
    admin_b = ClinicianFactory(clinic=clinician_b.clinic, role=Clinician.Role.ADMIN)
    url = reverse("patient_erase", args=[discharged.pk])
    for user in [clinician_a.user, clinician_b.user, admin_b.user, discharged.user]:
        assert client_for(user).get(url).status_code == 404
        assert erase(client_for(user), discharged, "Pat Activated").status_code == 404
    discharged.refresh_from_db()
    assert discharged.erased_at is None


def test_the_erase_button_shows_for_admins_once_the_patient_has_left(
    discharged, admin_a, clinician_a, patient_a2
):
    url = reverse("patient_erase", args=[discharged.pk])
    assert url in client_for(admin_a.user).get(discharged.get_absolute_url()).content.decode()
    assert (
        url not in client_for(clinician_a.user).get(discharged.get_absolute_url()).content.decode()
    )
    active_page = client_for(admin_a.user).get(patient_a2.get_absolute_url()).content.decode()
    assert reverse("patient_erase", args=[patient_a2.pk]) not in active_page
    assert "can be erased once they are discharged or archived" in active_page


def test_an_archived_patient_without_an_account_is_erased(db, admin_a, patient_a2):
    patient_a2.archive()
    erase(client_for(admin_a.user), patient_a2, "Nina Newcomer")
    patient_a2.refresh_from_db()
    assert patient_a2.erased_at is not None and patient_a2.email == ""
    assert Program.objects.filter(patient=patient_a2).count() == 0


@pytest.mark.parametrize(
    "name, data",
    [
        ("patient_edit", {"first_name": "Pat", "last_name": "Activated"}),
        ("patient_restore", {}),
        ("patient_archive", {}),
        ("patient_invite", {}),
    ],
)
def test_nothing_gives_an_erased_patient_identity_again(discharged, admin_a, name, data):
    client = client_for(admin_a.user)
    erase(client, discharged, "Pat Activated")
    response = client.post(reverse(name, args=[discharged.pk]), data, follow=True)
    assert "This patient&#x27;s details were erased, so they cannot be changed." in (
        response.content.decode()
    )
    discharged.refresh_from_db()
    assert (discharged.first_name, discharged.status) == ("Erased", Patient.Status.ARCHIVED)
    assert not discharged.invitations.exists()
    assert client.get(reverse("patient_edit", args=[discharged.pk])).status_code == 302
