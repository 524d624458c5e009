"""Documents and screens around the patient's language: the handout and the discharge summary in
the patient's language or English (the clinician chooses), the builder's warning about exercises
without the patient's language, a clinic writing its own exercise in Spanish, and the patient
choosing their language."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from clinic.models import AuditEntry
from exercises.loader import load_library
from exercises.models import Exercise, ExerciseText
from programs.models import Program
from tests.conftest import client_for
from tests.factories import ExerciseFactory, active_program


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def spanish_program(db, clinician_a, patient_a):
    load_library()
    patient_a.preferred_language = "es"
    patient_a.save()
    return active_program(patient_a, clinician_a)


def spanish_name(slug: str) -> str:
    return Exercise.objects.get(slug=slug, clinic=None).words_in("es").name


def test_the_handout_is_in_the_patients_language_by_default_and_english_on_request(
    spanish_program, clinician_a
):
    client = client_for(clinician_a.user)
    url = reverse("program_handout", args=[spanish_program.pk])
    spanish = pdf_text(client.get(url))
    assert spanish_name("reverse-clamshell") in spanish
    assert "Sus ejercicios" in spanish or "ejercicios" in spanish
    item = spanish_program.items.first()
    with translation.override("es"):
        assert item.prescription_text.capitalize()[:30] in spanish
    english = pdf_text(client.get(url, {"language": "en"}))
    assert "Reverse clamshell" in english
    assert item.prescription_text.capitalize()[:30] in english
    assert client.get(url, {"language": "xx"}).status_code == 404


def test_the_patient_downloads_their_handout_in_their_language(spanish_program, patient_a):
    text = pdf_text(
        client_for(patient_a.user).get(reverse("portal_handout", args=[spanish_program.pk]))
    )
    assert spanish_name("clamshell") in text


def test_the_discharge_summary_is_made_in_the_language_the_clinician_chose(
    spanish_program, clinician_a, patient_a
):
    client = client_for(clinician_a.user)
    form = client.get(reverse("program_discharge", args=[spanish_program.pk]))
    assert 'value="es" selected' in form.content.decode()  # the patient's, by default
    client.post(
        reverse("program_discharge", args=[spanish_program.pk]),
        {"revision": spanish_program.revision, "notes": "", "language": "en"},
    )
    spanish_program.refresh_from_db()
    assert spanish_program.status == Program.Status.DISCHARGED
    english = pdf_text(client.get(reverse("program_discharge_summary", args=[spanish_program.pk])))
    assert "Reverse clamshell" in english
    client.post(
        reverse("program_regenerate_summary", args=[spanish_program.pk]), {"language": "es"}
    )
    spanish = pdf_text(
        client_for(patient_a.user).get(
            reverse("portal_discharge_summary", args=[spanish_program.pk])
        )
    )
    assert spanish_name("reverse-clamshell") in spanish


def test_the_builder_names_exercises_without_the_patients_language(spanish_program, clinician_a):
    own = ExerciseFactory(clinic=spanish_program.clinic, name="Towel squeeze")
    from programs import prescribing

    prescribing.add_item(spanish_program, own, revision=None, by=clinician_a.user)
    page = client_for(clinician_a.user).get(spanish_program.get_absolute_url()).content.decode()
    assert "not fully written in Español" in page
    assert "Towel squeeze" in page.split("not fully written in Español")[1].split("</ul>")[0]
    assert (
        "Reverse clamshell" not in page.split("not fully written in Español")[1].split("</ul>")[0]
    )
    assert "Handout (PDF, Español)" in page and "Handout (PDF, English)" in page


def test_an_english_patients_builder_has_one_handout_and_no_warning(db, clinician_a, patient_a):
    load_library()
    program = active_program(patient_a, clinician_a)
    page = client_for(clinician_a.user).get(program.get_absolute_url()).content.decode()
    assert "not fully written in" not in page
    assert "Handout (PDF)" in page


# --- a clinic's own exercise in Spanish ------------------------------------------------------


@pytest.fixture
def own_exercise(db, clinic_a):
    return ExerciseFactory(
        clinic=clinic_a,
        name="Towel squeeze",
        summary="Squeeze a rolled towel between your knees.",
        steps=["Sit on a chair.", "Squeeze the towel."],
        cues=["Breathe out as you squeeze."],
    )


def text_url(exercise, language="es"):
    return reverse("exercise_text", args=[exercise.pk, language])


def test_a_clinician_writes_their_exercise_in_spanish(own_exercise, clinician_a):
    client = client_for(clinician_a.user)
    page = client.get(text_url(own_exercise)).content.decode()
    assert "English: Sit on a chair." in page  # the English beside each field
    response = client.post(
        text_url(own_exercise),
        {
            "name": "Apretar la toalla",
            "summary": "Apriete una toalla entre las rodillas.",
            "purpose": "",
            "steps": "Siéntese en una silla.\nApriete la toalla.",
            "cues": "",
            "mistakes": "",
            "precautions": "",
        },
    )
    assert response.status_code == 302
    words = Exercise.objects.get(pk=own_exercise.pk).words_in("es")
    assert words.name == "Apretar la toalla"
    assert words.steps == ["Siéntese en una silla.", "Apriete la toalla."]
    assert words.cues == ["Breathe out as you squeeze."]  # left empty: English
    assert "cues" in words.missing


def test_a_spanish_list_with_another_number_of_lines_is_refused(own_exercise, clinician_a):
    response = client_for(clinician_a.user).post(
        text_url(own_exercise), {"name": "Apretar", "steps": "Siéntese y apriete."}
    )
    assert response.status_code == 200
    assert "Give 2 lines, one for each line of the English, or none." in response.content.decode()
    assert not ExerciseText.objects.exists()


def test_an_empty_form_removes_the_translation(own_exercise, clinician_a):
    ExerciseText.objects.create(exercise=own_exercise, language="es", name="Apretar")
    client_for(clinician_a.user).post(text_url(own_exercise), {})
    assert not ExerciseText.objects.exists()


def test_only_the_clinics_own_exercises_in_a_known_language_are_written_here(
    own_exercise, clinician_a, clinician_b
):
    load_library()
    library = Exercise.objects.get(slug="clamshell", clinic=None)
    client = client_for(clinician_a.user)
    assert client.get(text_url(library)).status_code == 404  # the library's are files
    assert client.get(text_url(own_exercise, "en")).status_code == 404
    assert client.get(text_url(own_exercise, "fr")).status_code == 404
    assert client_for(clinician_b.user).get(text_url(own_exercise)).status_code == 404


# --- the patient chooses --------------------------------------------------------------------


def test_the_patient_changes_their_language_and_the_portal_follows(db, patient_a):
    client = client_for(patient_a.user)
    page = client.get(reverse("portal_settings")).content.decode()
    assert "Español" in page and "English" in page
    response = client.post(reverse("portal_settings"), {"preferred_language": "es"})
    assert response.status_code == 302
    patient_a.refresh_from_db()
    assert patient_a.preferred_language == "es"
    after = client.get(reverse("portal_settings"))
    assert after["Content-Language"] == "es"
    assert "Se guardó su idioma." in after.content.decode()
    assert AuditEntry.objects.filter(patient=patient_a, detail="language").exists()


def test_a_language_the_site_does_not_have_is_refused(db, patient_a):
    response = client_for(patient_a.user).post(
        reverse("portal_settings"), {"preferred_language": "fr"}
    )
    assert response.status_code == 200
    patient_a.refresh_from_db()
    assert patient_a.preferred_language == "en"
