"""The audit trail: every read and write of health data, and every sign-in event, is recorded
once, with who, role, clinic, patient, action and address; nobody can change or delete an entry;
a clinic admin reads and exports their own clinic's trail."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.audit import record
from clinic.models import AuditEntry, AuditTrailIsReadOnly, Clinic, LoginFailure, Patient
from exercises.loader import load_library
from exercises.models import Exercise
from programs import prescribing
from programs.prescribing import StaleProgram
from tests.conftest import client_for
from tests.factories import PASSWORD, active_program, logged_session
from tests.test_portal import form_data

Action, Subject, Role = AuditEntry.Action, AuditEntry.Subject, AuditEntry.Role


@pytest.fixture
def library(db):
    load_library()


@pytest.fixture
def program(library, patient_a, clinician_a):
    return active_program(patient_a, clinician_a)


def entries_after(mark: int):
    return list(AuditEntry.objects.filter(pk__gt=mark).order_by("pk"))


def last_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- reads ------------------------------------------------------------------------------------


def test_opening_a_patient_record_is_one_entry_naming_who_what_and_where(
    program, clinician_a, patient_a
):
    client = client_for(clinician_a.user)
    mark = last_pk()
    response = client.get(reverse("patient_detail", args=[patient_a.pk]), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    [entry] = entries_after(mark)
    assert (entry.user, entry.role) == (clinician_a.user, Role.CLINICIAN)
    assert (entry.clinic, entry.patient) == (clinician_a.clinic, patient_a)
    assert (entry.action, entry.subject) == (Action.VIEW, Subject.PATIENT)
    assert entry.address == "203.0.113.7"
    assert timezone.now() - entry.at < timedelta(minutes=1)


@pytest.mark.parametrize(
    "name, detail",
    [("program_builder", "builder"), ("program_preview", "patient's view")],
)
def test_the_builder_and_the_preview_of_a_patients_program_are_recorded(
    program, clinician_a, name, detail
):
    client = client_for(clinician_a.user)
    mark = last_pk()
    client.get(reverse(name, args=[program.pk]))
    [entry] = entries_after(mark)
    assert (entry.action, entry.subject, entry.detail) == (Action.VIEW, Subject.PROGRAM, detail)
    assert entry.object_id == str(program.pk)
    assert entry.patient_id == program.patient_id


def test_a_templates_builder_is_not_health_data_and_not_recorded(library, clinician_a):
    template = prescribing.create_template(
        clinician_a, scope="personal", by=clinician_a.user, title="Knee"
    )
    client = client_for(clinician_a.user)
    mark = last_pk()
    client.get(reverse("program_builder", args=[template.pk]))
    assert entries_after(mark) == []


def test_the_patients_own_portal_pages_are_recorded_as_the_patient(program, patient_a):
    log = logged_session(program, patient_a.today())
    client = client_for(patient_a.user)
    mark = last_pk()
    client.get(reverse("portal_home"))
    client.get(reverse("portal_history"))
    client.get(reverse("portal_log", args=[program.pk]))
    client.get(reverse("portal_session_done", args=[log.pk]))
    entries = entries_after(mark)
    assert [e.detail for e in entries] == [
        "portal: today",
        "portal: history",
        "portal: log form",
        "portal: session summary",
    ]
    assert {(e.user_id, e.role, e.patient_id) for e in entries} == {
        (patient_a.user_id, Role.PATIENT, patient_a.pk)
    }
    assert entries[3].subject == Subject.SESSION and entries[3].object_id == str(log.pk)


def test_a_page_refused_to_an_outsider_records_nothing(program, clinician_b, patient_a):
    client = client_for(clinician_b.user)
    mark = last_pk()
    response = client.get(reverse("patient_detail", args=[patient_a.pk]))
    assert response.status_code == 404
    assert entries_after(mark) == []


# --- writes -----------------------------------------------------------------------------------


def test_a_program_change_and_its_entry_are_saved_together(program, clinician_a):
    exercise = Exercise.objects.get(clinic=None, slug="side-lying-leg-raise")
    mark = last_pk()
    prescribing.add_item(program, exercise, revision=program.revision, by=clinician_a.user)
    [entry] = entries_after(mark)
    assert (entry.action, entry.subject, entry.detail) == (
        Action.CHANGE,
        Subject.PROGRAM,
        "exercise added",
    )
    assert entry.patient_id == program.patient_id


def test_a_refused_change_leaves_no_entry(program, clinician_a):
    exercise = Exercise.objects.get(clinic=None, slug="side-lying-leg-raise")
    mark = last_pk()
    with pytest.raises(StaleProgram):
        prescribing.add_item(program, exercise, revision=program.revision - 1, by=clinician_a.user)
    assert entries_after(mark) == []
    assert not program.items.filter(exercise=exercise).exists()


def test_an_entry_that_cannot_be_written_undoes_the_change(program, clinician_a, monkeypatch):
    """The write and its record are one transaction: no change goes unrecorded."""
    exercise = Exercise.objects.get(clinic=None, slug="side-lying-leg-raise")

    def broken(*args, **kwargs):
        raise RuntimeError("the audit table is unavailable")

    monkeypatch.setattr("programs.audit.record", broken)
    with pytest.raises(RuntimeError):
        prescribing.add_item(program, exercise, revision=program.revision, by=clinician_a.user)
    assert not program.items.filter(exercise=exercise).exists()


def test_logging_a_session_through_the_portal_is_recorded_without_its_content(program, patient_a):
    data = form_data(program, note="My left knee clicks")
    client = client_for(patient_a.user)
    mark = last_pk()
    response = client.post(reverse("portal_log", args=[program.pk]), data)
    assert response.status_code == 302
    created = [e for e in entries_after(mark) if e.subject == Subject.SESSION]
    assert [(e.action, e.role) for e in created] == [(Action.CREATE, Role.PATIENT)]
    # A second post of the same form (a double tap) saves nothing and records nothing more.
    mark = last_pk()
    client.post(reverse("portal_log", args=[program.pk]), data)
    assert [e for e in entries_after(mark) if e.subject == Subject.SESSION] == []
    texts = AuditEntry.objects.values_list("detail", flat=True)
    assert not any("knee" in text for text in texts)


def test_editing_a_patient_records_which_fields_changed_never_their_values(clinician_a, patient_a):
    client = client_for(clinician_a.user)
    page = client.get(reverse("patient_edit", args=[patient_a.pk]))
    data = {
        name: value
        for name, value in page.context["form"].initial.items()
        if value is not None and not hasattr(value, "pk")
    }
    data.update(
        first_name="Patricia",
        last_name=patient_a.last_name,
        primary_clinician=patient_a.primary_clinician_id,
        email=patient_a.email,
        preferred_language=patient_a.preferred_language or "en",
    )
    mark = last_pk()
    response = client.post(reverse("patient_edit", args=[patient_a.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    [entry] = entries_after(mark)
    assert (entry.action, entry.subject, entry.patient) == (
        Action.CHANGE,
        Subject.PATIENT,
        patient_a,
    )
    assert "first_name" in entry.detail
    assert "Patricia" not in entry.detail


def test_archiving_and_restoring_are_recorded(clinician_a, patient_a):
    client = client_for(clinician_a.user)
    mark = last_pk()
    client.post(reverse("patient_archive", args=[patient_a.pk]))
    client.post(reverse("patient_restore", args=[patient_a.pk]))
    assert [e.detail for e in entries_after(mark)] == ["archived", "restored"]


def test_staff_changes_and_clinic_settings_are_recorded(admin_a, clinician_a):
    client = client_for(admin_a.user)
    mark = last_pk()
    client.post(reverse("staff_deactivate", args=[clinician_a.pk]))
    [entry] = entries_after(mark)
    assert (entry.action, entry.subject, entry.detail) == (
        Action.CHANGE,
        Subject.STAFF,
        "deactivated",
    )
    assert (entry.clinic, entry.role) == (admin_a.clinic, Role.ADMIN)


# --- sign-in events ---------------------------------------------------------------------------


def test_sign_in_sign_out_and_a_wrong_password_are_recorded(patient_a):
    client = Client()
    mark = last_pk()
    email = patient_a.user.email
    client.post(reverse("login"), {"username": email, "password": "wrong"})
    client.post(reverse("login"), {"username": email, "password": PASSWORD})
    client.post(reverse("logout"))
    entries = entries_after(mark)
    assert [e.action for e in entries] == [Action.SIGN_IN_FAILED, Action.SIGN_IN, Action.SIGN_OUT]
    failed, signed_in, signed_out = entries
    # A failure names the account tried, so its clinic sees it, but nobody proved who they were.
    assert (failed.user, failed.role, failed.clinic) == (
        patient_a.user,
        Role.ANONYMOUS,
        patient_a.clinic,
    )
    assert (signed_in.user, signed_in.role, signed_in.clinic) == (
        patient_a.user,
        Role.PATIENT,
        patient_a.clinic,
    )
    assert signed_out.user == patient_a.user
    assert all(e.address == "127.0.0.1" for e in entries)


def test_a_lockout_is_recorded(clinician_a):
    email = clinician_a.user.email
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": email, "password": "wrong"})
    mark = last_pk()
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert "Too many failed sign-in attempts" in response.content.decode()
    [entry] = entries_after(mark)
    assert (entry.action, entry.user, entry.clinic) == (
        Action.LOCKED_OUT,
        clinician_a.user,
        clinician_a.clinic,
    )
    assert LoginFailure.objects.count() == 5


def test_an_unknown_email_is_recorded_without_an_account_or_clinic(db):
    mark = last_pk()
    Client().post(reverse("login"), {"username": "nobody@example.com", "password": "x"})
    [entry] = entries_after(mark)
    assert (entry.action, entry.user, entry.clinic) == (Action.SIGN_IN_FAILED, None, None)


def test_behind_the_proxy_the_entry_has_the_clients_own_address(settings, clinician_a, patient_a):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = client_for(clinician_a.user)
    mark = last_pk()
    client.get(
        reverse("patient_detail", args=[patient_a.pk]),
        HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.23",
        HTTP_X_FORWARDED_PROTO="https",
        REMOTE_ADDR="10.0.0.2",
        secure=True,
    )
    [entry] = entries_after(mark)
    assert entry.address == "198.51.100.23"


def test_a_forged_address_is_not_stored(settings, clinician_a, patient_a):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = client_for(clinician_a.user)
    mark = last_pk()
    client.get(
        reverse("patient_detail", args=[patient_a.pk]),
        HTTP_X_FORWARDED_FOR="not-an-address",
        HTTP_X_FORWARDED_PROTO="https",
        secure=True,
    )
    [entry] = entries_after(mark)
    assert entry.address is None


# --- nobody changes the trail -----------------------------------------------------------------


def test_an_entry_cannot_be_changed_or_deleted(clinic_a):
    entry = record(Action.VIEW, Subject.SETTINGS, clinic=clinic_a)
    entry.detail = "something else"
    with pytest.raises(AuditTrailIsReadOnly):
        entry.save()
    with pytest.raises(AuditTrailIsReadOnly):
        entry.delete()
    with pytest.raises(AuditTrailIsReadOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="x")
    with pytest.raises(AuditTrailIsReadOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


def test_operators_read_every_clinics_trail_in_the_physio_admin_but_cannot_change_it(
    operator, program, clinician_b
):
    client = client_for(operator)
    entry = AuditEntry.objects.filter(clinic=program.clinic).first()
    listing = client.get(reverse("admin:clinic_auditentry_changelist"))
    assert listing.status_code == 200
    page = client.get(reverse("admin:clinic_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert b'type="submit"' not in page.content.split(b'id="content-main"')[1].split(b"</form>")[0]
    assert (
        client.post(reverse("admin:clinic_auditentry_delete", args=[entry.pk])).status_code == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_an_operator_opening_a_patient_in_the_physio_admin_is_recorded(operator, patient_a):
    client = client_for(operator)
    mark = last_pk()
    client.get(reverse("admin:clinic_patient_change", args=[patient_a.pk]))
    entries = [e for e in entries_after(mark) if e.action == Action.VIEW]
    assert [(e.role, e.patient, e.detail) for e in entries] == [
        (Role.OPERATOR, patient_a, "physio admin")
    ]


# --- the clinic admin's page ------------------------------------------------------------------


def test_the_admin_sees_their_own_clinics_entries_only(admin_a, patient_a, patient_b):
    record(Action.VIEW, Subject.PATIENT, patient=patient_a, detail="mine")
    record(Action.VIEW, Subject.PATIENT, patient=patient_b, detail="theirs")
    page = client_for(admin_a.user).get(reverse("audit_trail"))
    text = page.content.decode()
    assert "Pat Activated" in text
    assert "Olly Outsider" not in text and "theirs" not in text


def test_the_trail_filters_by_patient_user_action_and_date(
    admin_a, clinician_a, patient_a, patient_a2
):
    record(Action.VIEW, Subject.PATIENT, patient=patient_a, user=clinician_a.user, detail="one")
    record(Action.CHANGE, Subject.PATIENT, patient=patient_a2, user=clinician_a.user, detail="two")
    client = client_for(admin_a.user)

    def details(**query):
        page = client.get(reverse("audit_trail"), query)
        assert page.status_code == 200
        return [entry.detail for entry, _ in page.context["rows"]]

    assert details(patient=patient_a.pk) == ["one"]
    assert details(patient=patient_a2.pk, action="change") == ["two"]
    assert details(action="view", subject="patient", user=clinician_a.user.pk) == ["one"]
    today = admin_a.clinic.today()
    assert "one" in details(start=today.isoformat(), end=today.isoformat())
    assert details(start=(today + timedelta(days=1)).isoformat()) == []


def test_a_bad_filter_gets_a_message_not_an_error(admin_a, patient_b):
    client = client_for(admin_a.user)
    page = client.get(reverse("audit_trail"), {"start": "2026-05-02", "end": "2026-05-01"})
    assert "The start date must be on or before the end date." in page.content.decode()
    other_clinic = client.get(reverse("audit_trail"), {"patient": patient_b.pk})
    assert "Select a valid choice" in other_clinic.content.decode()
    assert "Olly" not in other_clinic.content.decode()


def test_the_trail_is_paginated_newest_first(admin_a, patient_a):
    for n in range(55):
        record(Action.VIEW, Subject.PATIENT, patient=patient_a, detail=f"n{n}")
    client = client_for(admin_a.user)
    first = client.get(reverse("audit_trail"), {"patient": patient_a.pk})
    assert len(first.context["rows"]) == 50
    assert first.context["rows"][0][0].detail == "n54"
    second = client.get(reverse("audit_trail"), {"patient": patient_a.pk, "page": 2})
    assert [e.detail for e, _ in second.context["rows"]][-1] == "n0"
    assert "Page 2 of 2" in second.content.decode()


def test_reading_and_exporting_the_trail_are_themselves_recorded(admin_a):
    client = client_for(admin_a.user)
    mark = last_pk()
    client.get(reverse("audit_trail"))
    b"".join(client.get(reverse("audit_trail_csv")).streaming_content)
    assert [(e.action, e.subject) for e in entries_after(mark)] == [
        (Action.VIEW, Subject.AUDIT),
        (Action.EXPORT, Subject.AUDIT),
    ]


def test_the_csv_export_holds_the_filtered_entries_and_defuses_formulas(
    admin_a, clinician_a, patient_a, patient_a2
):
    Patient.objects.filter(pk=patient_a2.pk).update(last_name="=HYPERLINK(1)")
    record(Action.VIEW, Subject.PATIENT, patient=patient_a, user=clinician_a.user, detail="a")
    record(Action.VIEW, Subject.PATIENT, patient=patient_a2, user=clinician_a.user, detail="b")
    response = client_for(admin_a.user).get(reverse("audit_trail_csv"))
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["When", "Who", "Role", "Patient"]
    patients = {row[3] for row in rows[1:]}
    assert "Pat Activated" in patients
    assert "Nina =HYPERLINK(1)" in patients  # starts with a letter: left as typed
    only_a = client_for(admin_a.user).get(reverse("audit_trail_csv"), {"patient": patient_a.pk})
    rows = list(csv.reader(io.StringIO(b"".join(only_a.streaming_content).decode())))
    assert {row[3] for row in rows[1:]} == {"Pat Activated"}


def test_a_cell_starting_like_a_formula_is_quoted(clinic_a):
    from clinic.trail import safe_cell

    assert safe_cell("=1+2") == "'=1+2"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("Pat") == "Pat"


def test_an_entry_outside_a_request_is_the_apps_own(clinic_a):
    entry = record(Action.SEND, Subject.INVITATION, clinic=clinic_a)
    assert (entry.role, entry.user, entry.address) == (Role.SYSTEM, None, None)


def test_a_clinic_with_a_trail_is_not_deleted_with_it(clinic_a):
    record(Action.VIEW, Subject.SETTINGS, clinic=clinic_a)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Clinic.objects.filter(pk=clinic_a.pk).delete()


def test_an_operator_opening_a_session_log_in_the_physio_admin_is_recorded(
    operator, program, patient_a
):
    log = logged_session(program, patient_a.today())
    client = client_for(operator)
    mark = last_pk()
    client.get(reverse("admin:programs_sessionlog_change", args=[log.pk]))
    client.get(reverse("admin:programs_sessionlog_changelist"))
    entries = entries_after(mark)
    assert [(e.action, e.subject, e.patient, e.object_id, e.role) for e in entries] == [
        (Action.VIEW, Subject.SESSION, patient_a, str(log.pk), Role.OPERATOR),
        (Action.VIEW, Subject.SESSION, None, "", Role.OPERATOR),
    ]


def test_a_template_opened_in_the_physio_admin_records_nothing(operator, library, clinician_a):
    template = prescribing.create_template(
        clinician_a, scope="clinic", by=clinician_a.user, title="Knee"
    )
    client = client_for(operator)
    mark = last_pk()
    client.get(reverse("admin:programs_program_change", args=[template.pk]))
    assert entries_after(mark) == []


def test_the_patient_page_links_admins_to_the_patients_own_trail(admin_a, clinician_a, patient_a):
    link = f"{reverse('audit_trail')}?patient={patient_a.pk}"
    admin_page = client_for(admin_a.user).get(reverse("patient_detail", args=[patient_a.pk]))
    assert link in admin_page.content.decode()
    clinician_page = client_for(clinician_a.user).get(
        reverse("patient_detail", args=[patient_a.pk])
    )
    assert link not in clinician_page.content.decode()
