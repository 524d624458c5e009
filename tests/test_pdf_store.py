"""A handout of an unchanged program is rendered once and then read back from the private
documents' storage; anything it prints that changes makes a new one, and a program keeps one
copy at most."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from clinic.models import AuditAction, AuditEntry, AuditSubject, Patient
from clinic.storage import NoURL
from exercises.loader import load_library
from exercises.models import Exercise
from programs import handouts, prescribing, stored_handouts
from programs.erasure import erase_patient
from programs.models import DocumentDownload, Program
from tests.conftest import client_for
from tests.factories import ClinicianFactory, ExerciseFactory, active_program
from tests.test_handouts import read


@pytest.fixture
def program(db, clinician_a, patient_a) -> Program:
    load_library()
    return active_program(patient_a, clinician_a, slugs=["clamshell", "side-lying-leg-raise"])


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """Count the renders (each a PDF of its own number) without the time WeasyPrint takes."""
    made: list[str] = []

    def render(kind, context, about):
        made.append(about)
        return handouts.Rendered("", f"%PDF-1.7 render {len(made)}".encode())

    monkeypatch.setattr(handouts, "render_pdf", render)
    return made


def download(user, program: Program) -> bytes:
    response = client_for(user).get(reverse("program_handout", args=[program.pk]))
    assert response.status_code == 200, response.status_code
    return response.content


def stored(program: Program) -> list[str]:
    """The program's stored handouts, as paths under DOCUMENTS_ROOT."""
    folder = stored_handouts.program_folder(program.pk)
    storage = storages["documents"]
    if not storage.exists(folder):
        return []
    return [f"{folder}/{name}" for name in storage.listdir(folder)[1]]


def test_a_repeated_download_is_read_back_not_rendered(
    program, clinician_a, patient_a, monkeypatch
):
    first = download(clinician_a.user, program)

    def no_render(*args, **kwargs):
        raise AssertionError("an unchanged handout was rendered again")

    monkeypatch.setattr(handouts, "render_pdf", no_render)
    again = client_for(patient_a.user).get(reverse("portal_handout", args=[program.pk]))
    assert again.status_code == 200 and again.content == first
    text, pages, _ = read(again.content)
    assert "Pat Activated" in text and "Clamshell" in text and "Side-lying leg raise" in text
    assert pages == 3
    # Each download is still recorded and on the audit trail: only the render was skipped.
    assert list(DocumentDownload.objects.values_list("user", "kind").order_by("at")) == [
        (clinician_a.user.pk, "handout"),
        (patient_a.user.pk, "handout"),
    ]
    assert AuditEntry.objects.filter(
        subject=AuditSubject.DOCUMENT, action=AuditAction.DOWNLOAD
    ).count() == (2)


def test_a_stored_copy_takes_no_render_turn(program, clinician_a, settings, renders):
    settings.PDF_RENDERS_PER_MINUTE = 1
    client = client_for(clinician_a.user)
    url = reverse("program_handout", args=[program.pk])
    assert [client.get(url).status_code for _ in range(4)] == [200] * 4
    assert renders == [f"program {program.pk}"]


def test_a_repeated_download_costs_a_fixed_few_queries(
    program, clinician_a, renders, django_assert_num_queries
):
    client = client_for(clinician_a.user)
    url = reverse("program_handout", args=[program.pk])
    client.get(url)
    # the session, the user, the clinician, the program, its items and their exercises' text
    # in other languages, the patient with their physio, the download row, the audit entry,
    # and the session saved (three)
    with django_assert_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200 and len(renders) == 1


def tomorrow(monkeypatch) -> None:
    later = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: later)


def new_logo(program: Program) -> None:
    buffer = BytesIO()
    Image.new("RGB", (120, 40), "navy").save(buffer, "PNG")
    program.require_clinic().logo.save("logo.png", ContentFile(buffer.getvalue()), save=True)


def reworded(program: Program) -> None:
    # As a reload of the library's files does it: a plain update, no save().
    Exercise.objects.filter(slug="clamshell", clinic=None).update(
        steps=["Lie on your side.", "Lift the top knee, slowly."]
    )


def renamed(program: Program) -> None:
    Patient.objects.filter(pk=program.patient_id).update(last_name="Renamed")


def new_physio(program: Program) -> None:
    other = ClinicianFactory(clinic=program.clinic, user__full_name="Dora Different")
    Patient.objects.filter(pk=program.patient_id).update(primary_clinician=other)


def dose_changed(program: Program) -> None:
    item = program.items.get(exercise__slug="clamshell")
    prescribing.update_item(item, {"sets": 5}, revision=program.revision, by=program.created_by)


def clinic_changed(**values):
    def change(program: Program) -> None:
        type(program.clinic).objects.filter(pk=program.clinic_id).update(**values)

    return change


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(dose_changed, id="revision"),
        pytest.param(clinic_changed(paper_size="letter"), id="paper-size"),
        pytest.param(clinic_changed(name="Northside Physio & Pilates"), id="clinic-name"),
        pytest.param(clinic_changed(pain_advice="Ring us first."), id="pain-advice"),
        pytest.param(clinic_changed(brand_colour="#aa3300"), id="brand-colour"),
        pytest.param(clinic_changed(handout_footer="Open Saturdays"), id="footer"),
        pytest.param(new_logo, id="logo"),
        pytest.param(reworded, id="exercise-wording"),
        pytest.param(renamed, id="patient-name"),
        pytest.param(new_physio, id="primary-clinician"),
    ],
)
def test_a_change_to_what_is_printed_makes_a_new_handout_and_drops_the_old(
    program, clinician_a, renders, change, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        download(clinician_a.user, program)
    [earlier] = stored(program)
    change(program)
    program = Program.objects.get(pk=program.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert download(clinician_a.user, program) == b"%PDF-1.7 render 2"
    assert len(renders) == 2
    [kept] = stored(program)  # one copy per program: the earlier one is gone
    assert kept != earlier
    assert download(clinician_a.user, program) == b"%PDF-1.7 render 2"  # and this one is kept


def test_the_next_day_makes_a_new_handout(program, clinician_a, renders, monkeypatch):
    download(clinician_a.user, program)
    tomorrow(monkeypatch)
    download(clinician_a.user, program)
    assert len(renders) == 2


def test_a_new_picture_makes_a_new_handout(library_program, clinician_a, renders):
    program, custom = library_program
    download(clinician_a.user, program)
    buffer = BytesIO()
    Image.new("RGB", (30, 20), "teal").save(buffer, "JPEG")
    custom.image.save("heel.jpg", ContentFile(buffer.getvalue()), save=True)
    download(clinician_a.user, program)
    assert len(renders) == 2


@pytest.fixture
def library_program(db, clinician_a, patient_a) -> tuple[Program, Exercise]:
    custom = ExerciseFactory(clinic=clinician_a.clinic, name="Heel raise")
    program = prescribing.create_program(patient_a, by=clinician_a.user, title="Calf")
    prescribing.add_item(program, custom, revision=None, by=clinician_a.user)
    prescribing.activate(program, revision=None, by=clinician_a.user)
    program.refresh_from_db()
    return program, custom


def test_copies_are_private_and_named_without_anything_about_the_patient(
    program, clinician_a, patient_a, renders, settings
):
    download(clinician_a.user, program)
    [name] = stored(program)
    path = (Path(settings.DOCUMENTS_ROOT) / name).resolve()
    assert path.is_file()
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    with pytest.raises(NoURL):
        storages["documents"].url(name)
    for told in [patient_a.last_name, patient_a.first_name, f"/{program.pk}/", "handout-"]:
        assert told not in name
    # another program's folder is another digest, not a neighbouring number
    assert stored_handouts.program_folder(program.pk + 1) not in name


def test_erasing_the_patient_deletes_their_stored_handouts(
    program, clinician_a, patient_a, renders, django_capture_on_commit_callbacks
):
    download(clinician_a.user, program)
    assert stored(program)
    prescribing.discharge(program, revision=program.revision, by=clinician_a.user)
    patient_a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        erase_patient(patient_a, confirmed_name=patient_a.full_name)
    assert stored(program) == []


def test_a_copy_that_cannot_be_read_is_rendered_again(
    program, clinician_a, renders, monkeypatch, caplog
):
    download(clinician_a.user, program)

    def broken(*args, **kwargs):
        raise OSError("the bucket is unreachable")

    monkeypatch.setattr(storages["documents"], "open", broken)
    with caplog.at_level(logging.ERROR, logger="programs.stored_handouts"):
        assert download(clinician_a.user, program) == b"%PDF-1.7 render 2"
    assert "could not be read (OSError)" in caplog.text
    assert "Pat" not in caplog.text and "Activated" not in caplog.text


def test_a_copy_that_cannot_be_stored_is_still_sent(
    program, clinician_a, renders, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(storages["documents"], "save", broken)
    with caplog.at_level(logging.ERROR, logger="programs.stored_handouts"):
        assert download(clinician_a.user, program) == b"%PDF-1.7 render 1"
    assert "could not be stored (OSError)" in caplog.text
    assert DocumentDownload.objects.count() == 1
    monkeypatch.undo()
    assert stored(program) == []
