"""Uploaded pictures carry a description for people who cannot see them and a credit (who made
it, under which licence), shown under the picture on the exercise page and in the handout."""

from __future__ import annotations

import io
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from PIL import Image
from pypdf import PdfReader

from exercises.forms import ExerciseForm
from exercises.illustrations import DRAWINGS
from exercises.loader import load_library
from exercises.models import Exercise
from programs import handouts, prescribing
from tests.conftest import client_for
from tests.factories import ExerciseFactory

PORTAL = "https://physio.example.org/accounts/login/"
CREDIT = "Picture: Riverside Physiotherapy, CC BY 4.0"


def png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (120, 80), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def form_data(**changes):
    data = {
        "name": "Heel raise",
        "summary": "Rise up onto your toes.",
        "purpose": "Makes your calves stronger.",
        "position": "standing",
        "region": "lower_body",
        "body_part": "ankle_foot",
        "activity_type": "body_weight",
        "skill_level": "all",
        "steps": "Stand tall.\nRise up onto your toes.",
        "sets": 3,
        "reps_min": 12,
        "hold_min": 0,
        "rest_seconds": 0,
        "side": "both",
    }
    data.update(changes)
    return data


def form(clinic, upload: bool = False, **changes) -> ExerciseForm:
    files = {"upload": SimpleUploadedFile("photo.png", png(), "image/png")} if upload else {}
    return ExerciseForm(form_data(**changes), files, clinic=clinic)


@pytest.fixture
def pictured(clinic_a):
    exercise = ExerciseFactory(
        clinic=clinic_a,
        name="Heel raise",
        image_alt="A woman rising onto her toes, one hand on a chair.",
        media_credit="Riverside Physiotherapy",
        media_licence="CC BY 4.0",
    )
    exercise.image.save("photo.png", ContentFile(png()))
    return exercise


# --- the form --------------------------------------------------------------------------------


def test_a_picture_needs_a_description(clinic_a):
    refused = form(clinic_a, upload=True)
    assert not refused.is_valid()
    assert "Describe the picture for people who cannot see it" in refused.errors["image_alt"][0]

    accepted = form(
        clinic_a,
        upload=True,
        image_alt="A man rising onto his toes.",
        media_credit="Riverside Physiotherapy",
        media_licence="CC BY 4.0",
    )
    assert accepted.is_valid(), accepted.errors
    exercise = accepted.save()
    exercise.refresh_from_db()
    assert exercise.image
    assert (exercise.image_alt, exercise.media_credit, exercise.media_licence) == (
        "A man rising onto his toes.",
        "Riverside Physiotherapy",
        "CC BY 4.0",
    )


def test_no_picture_needs_no_description(clinic_a):
    assert form(clinic_a).is_valid()


@pytest.mark.parametrize("field", ["image_alt", "media_credit", "media_licence"])
def test_descriptions_and_credits_are_one_line(clinic_a, field):
    refused = form(clinic_a, **{field: "Riverside\nPhysiotherapy"})
    assert not refused.is_valid()
    assert "must be on one line" in refused.errors[field][0]


def test_the_clinician_sets_them_through_the_page(clinician_a):
    response = client_for(clinician_a.user).post(
        reverse("exercise_create"),
        form_data(
            upload=SimpleUploadedFile("photo.png", png(), "image/png"),
            image_alt="A man rising onto his toes.",
            media_credit="Riverside Physiotherapy",
        ),
    )
    assert response.status_code == 302
    exercise = Exercise.objects.get(clinic=clinician_a.clinic, name="Heel raise")
    assert exercise.image_alt == "A man rising onto his toes."


# --- the exercise page -----------------------------------------------------------------------


def page(clinician, exercise) -> str:
    response = client_for(clinician.user).get(reverse("exercise_detail", args=[exercise.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_describes_and_credits_an_uploaded_picture(clinician_a, pictured):
    html = page(clinician_a, pictured)
    assert 'alt="A woman rising onto her toes, one hand on a chair."' in html
    assert CREDIT in html
    assert "Drawing of the heel raise" not in html


def test_an_uploaded_picture_without_a_description_is_named_by_the_exercise(clinician_a, pictured):
    pictured.image_alt = ""
    pictured.media_credit = pictured.media_licence = ""
    pictured.save()
    html = page(clinician_a, pictured)
    assert 'alt="Heel raise"' in html
    assert "Picture:" not in html


def test_a_library_drawing_keeps_its_own_description(clinician_a):
    drawing = ExerciseFactory(
        clinic=None, name="Clamshell", illustration="exercises/illustrations/placeholder.svg"
    )
    html = page(clinician_a, drawing)
    assert 'alt="Drawing of the clamshell: start position' in html


def test_a_video_alone_is_credited_as_a_video(clinician_a, clinic_a):
    exercise = ExerciseFactory(
        clinic=clinic_a,
        video_url="https://video.example/heel-raise",
        media_credit="Riverside Physiotherapy",
    )
    assert "Video: Riverside Physiotherapy" in page(clinician_a, exercise)


# --- the handout -----------------------------------------------------------------------------


def test_the_handout_describes_and_credits_the_picture(clinician_a, patient_a, pictured):
    program = prescribing.create_program(patient_a, by=clinician_a.user, title="Calves")
    prescribing.add_item(program, pictured, revision=None, by=clinician_a.user)
    rendered = handouts.handout(program, PORTAL)
    assert 'alt="A woman rising onto her toes, one hand on a chair."' in rendered.html
    reader = PdfReader(io.BytesIO(rendered.pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert CREDIT in text


def test_a_library_exercise_is_described_by_its_own_drawing(clinician_a):
    load_library()
    bridge = Exercise.objects.get(clinic=None, slug="glute-bridge")
    described = next(d.description for d in DRAWINGS if d.slug == "glute-bridge")
    assert f'alt="{escape(described)}"' in page(clinician_a, bridge)


def test_an_exercise_without_a_picture_says_so_and_credits_nothing(clinician_a, clinic_a):
    bare = ExerciseFactory(clinic=clinic_a, media_credit="Riverside Physiotherapy")
    html = page(clinician_a, bare)
    assert 'alt="No picture yet"' in html
    assert "Riverside Physiotherapy" not in html
