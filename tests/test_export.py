"""A patient's record, exported for an access request: complete, theirs alone, readable, audited."""

import io
import json
import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from clinic.models import AuditAction, AuditEntry, AuditSubject, Clinician
from exercises.loader import load_library
from programs import prescribing
from programs.export import patient_record
from programs.models import DocumentDownload, Program, ProgramVersion, SessionEntry, SessionLog
from tests.conftest import client_for
from tests.factories import ClinicianFactory, active_program, logged_session

DAYS = 180


def read(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split()), len(
        reader.pages
    )


@pytest.fixture
def library(db):
    load_library()


@pytest.fixture
def short_history(library, clinician_a, patient_a):
    """One program, two sessions."""
    program = active_program(patient_a, clinician_a, start=patient_a.today() - timedelta(days=3))
    logged_session(program, patient_a.today() - timedelta(days=2), pain=2, note="Felt fine.")
    logged_session(program, patient_a.today() - timedelta(days=1), done=False)
    return patient_a


@pytest.fixture
def long_history(library, clinician_a, patient_a, patient_b, clinician_b):
    """Patient A: an earlier discharged program and 180 days of daily sessions on the current
    one, with a change of dose on the way. Patient B: a program and a session of their own."""
    today = patient_a.today()
    earlier = active_program(
        patient_a, clinician_a, slugs=["clamshell"], start=today - timedelta(days=DAYS + 20)
    )
    logged_session(earlier, today - timedelta(days=DAYS + 10), pain=5)
    prescribing.discharge(earlier, revision=None, by=clinician_a.user)
    program = active_program(
        patient_a, clinician_a, start=today - timedelta(days=DAYS), title="Knee program"
    )
    for back in range(DAYS, 0, -1):
        logged_session(
            program,
            today - timedelta(days=back),
            pain=back % 7,
            difficulty="about_right",
            note="Stairs were easier today." if back % 30 == 0 else "",
        )
    item = program.items.first()
    prescribing.update_item(item, {"sets": 4}, revision=None, by=clinician_a.user)
    DocumentDownload.objects.create(program=program, kind="handout", user=clinician_a.user)
    other = active_program(patient_b, clinician_b, slugs=["clamshell"], title="Olly's plan")
    logged_session(other, patient_b.today() - timedelta(days=1), note="Olly's private note")
    return patient_a


def export_json(client, patient) -> dict:
    response = client.get(reverse("patient_export_json", args=[patient.pk]))
    assert response.status_code == 200
    return json.loads(response.content)


def test_json_holds_every_program_version_session_entry_and_audit_entry(long_history, admin_a):
    patient = long_history
    AuditEntry.objects.create(
        role="clinician", patient=patient, clinic=patient.clinic, action="view", subject="patient"
    )
    audit_before = AuditEntry.objects.filter(patient=patient).count()
    data = export_json(client_for(admin_a.user), patient)

    assert data["patient"]["first_name"] == "Pat" and data["patient"]["email"] == "pat@example.com"
    assert data["patient"]["portal_account"]["email"] == "pat@example.com"
    programs = Program.objects.filter(patient=patient)
    assert {p["id"] for p in data["programs"]} == set(programs.values_list("pk", flat=True))
    versions = [v for p in data["programs"] for v in p["versions"]]
    assert len(versions) == ProgramVersion.objects.filter(program__in=programs).count()
    sessions = [s for p in data["programs"] for s in p["sessions"]]
    assert {s["id"] for s in sessions} == set(
        SessionLog.objects.filter(program__in=programs).values_list("pk", flat=True)
    )
    assert len(sessions) == DAYS + 1
    entries = [e for s in sessions for e in s["entries"]]
    assert len(entries) == SessionEntry.objects.filter(session__program__in=programs).count()
    assert "Stairs were easier today." in {s["note"] for s in sessions}
    assert len(data["audit"]) == audit_before
    knee = next(p for p in data["programs"] if p["title"] == "Knee program")
    assert [d["document"] for d in knee["downloads"]] == ["Program handout"]
    assert max(v["number"] for v in knee["versions"]) == 2


def test_json_holds_nothing_of_another_patient(long_history, admin_a):
    content = client_for(admin_a.user).get(reverse("patient_export_json", args=[long_history.pk]))
    text = content.content.decode()
    assert "Olly" not in text and "olly@example.com" not in text
    assert "private note" not in text


def test_exports_are_attachments_that_are_never_cached(short_history, admin_a):
    client = client_for(admin_a.user)
    for name, kind in [("patient_export_json", "application/json"), ("patient_export_pdf", "pdf")]:
        response = client.get(reverse(name, args=[short_history.pk]))
        assert kind in response["Content-Type"]
        assert response["Content-Disposition"].startswith("attachment;")
        assert "Activated" not in response["Content-Disposition"]  # no name in the file name
        assert "no-store" in response["Cache-Control"]


def test_pdf_names_the_patient_and_lists_every_session(long_history, admin_a, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    response = client_for(admin_a.user).get(reverse("patient_export_pdf", args=[long_history.pk]))
    text, pages = read(response.content)
    assert "Patient record" in text and "Pat Activated" in text and "Northside Physio" in text
    assert "Knee program" in text and "Stairs were easier today." in text
    first = long_history.today() - timedelta(days=DAYS)
    last = long_history.today() - timedelta(days=1)
    assert f"{first:%a} {first.day} {first:%b %Y}" in text
    assert f"{last:%a} {last.day} {last:%b %Y}" in text
    assert "Olly" not in text
    assert 3 <= pages <= 40
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_text_typed_by_people_is_printed_as_text(short_history, clinician_a, admin_a):
    program = short_history.programs.get()
    logged_session(
        program,
        short_history.today(),
        note='<img src="http://evil.example/x.png"> <b>bold</b>',
    )
    response = client_for(admin_a.user).get(reverse("patient_export_pdf", args=[short_history.pk]))
    text, _ = read(response.content)
    # A narrow column may break the note anywhere: compare without white space.
    assert "<b>bold</b>" in "".join(text.split())


def test_exports_are_audited(short_history, admin_a):
    client = client_for(admin_a.user)
    client.get(reverse("patient_export_json", args=[short_history.pk]))
    client.get(reverse("patient_export_pdf", args=[short_history.pk]))
    entries = AuditEntry.objects.filter(action=AuditAction.EXPORT, subject=AuditSubject.EXPORT)
    assert sorted(entries.values_list("detail", flat=True)) == ["JSON", "PDF"]
    assert {(e.user, e.patient, e.clinic, e.role) for e in entries} == {
        (admin_a.user, short_history, short_history.clinic, "admin")
    }


def test_a_patient_downloads_their_own_record_from_the_portal(short_history, patient_b):
    client = client_for(short_history.user)
    page = client.get(reverse("portal_settings")).content.decode()
    assert reverse("portal_export_pdf") in page and reverse("portal_export_json") in page
    data = json.loads(client.get(reverse("portal_export_json")).content)
    assert data["patient"]["id"] == short_history.pk
    assert len(data["programs"][0]["sessions"]) == 2
    text, _ = read(client.get(reverse("portal_export_pdf")).content)
    assert "Pat Activated" in text and "Felt fine." in text
    entries = AuditEntry.objects.filter(action=AuditAction.EXPORT, patient=short_history)
    assert sorted(entries.values_list("detail", "role")) == [
        ("JSON", "patient"),
        ("PDF", "patient"),
    ]
    other = json.loads(client_for(patient_b.user).get(reverse("portal_export_json")).content)
    assert other["patient"]["id"] == patient_b.pk and other["programs"] == []


@pytest.mark.parametrize("name", ["patient_export_json", "patient_export_pdf"])
def test_only_an_admin_of_the_patients_clinic_may_export(
    name, short_history, clinician_a, clinician_b
):
    admin_b = ClinicianFactory(clinic=clinician_b.clinic, role=Clinician.Role.ADMIN)
    url = reverse(name, args=[short_history.pk])
    for user in [clinician_a.user, clinician_b.user, admin_b.user, short_history.user]:
        assert client_for(user).get(url).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_record_page_offers_exports_to_admins_only(short_history, admin_a, clinician_a):
    url = short_history.get_absolute_url()
    export_url = reverse("patient_export_pdf", args=[short_history.pk])
    assert export_url in client_for(admin_a.user).get(url).content.decode()
    assert export_url not in client_for(clinician_a.user).get(url).content.decode()


def test_an_erased_patient_has_nothing_to_export(short_history, admin_a):
    short_history.erased_at = short_history.created_at
    short_history.save(update_fields=["erased_at"])
    response = client_for(admin_a.user).get(reverse("patient_export_json", args=[short_history.pk]))
    assert response.status_code == 404


# 13 before care between visits; then the record's carers, messages, as-needed uses, RTM
# episodes and RTM time.
EXPORT_QUERIES = 18


def test_the_record_is_read_in_the_same_number_of_queries_whatever_its_size(
    short_history, django_assert_num_queries
):
    with django_assert_num_queries(EXPORT_QUERIES):
        small = patient_record(short_history)
    assert len(small["programs"][0]["sessions"]) == 2


def test_a_long_record_takes_no_more_queries(long_history, django_assert_num_queries):
    with django_assert_num_queries(EXPORT_QUERIES):
        large = patient_record(long_history)
    assert sum(len(p["sessions"]) for p in large["programs"]) == DAYS + 1


def test_the_pdf_takes_a_render_turn_and_is_not_recorded_when_refused(
    short_history, admin_a, settings
):
    settings.PDF_RENDERS_PER_MINUTE = 1
    client = client_for(admin_a.user)
    url = reverse("patient_export_pdf", args=[short_history.pk])
    assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429 and "Retry-After" in refused
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1
