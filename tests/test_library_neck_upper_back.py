import pytest

from exercises.ladder import ladder_for
from exercises.loader import load_library
from exercises.models import Exercise

NECK_AND_UPPER_BACK = {
    "chin-tuck": "Chin tuck",
    "neck-rotation": "Neck rotation",
    "upper-trapezius-stretch": "Upper trapezius stretch",
    "levator-scapulae-stretch": "Levator scapulae stretch",
    "shoulder-blade-squeeze": "Shoulder blade squeeze",
    "thoracic-extension": "Upper back extension over a chair",
    "open-book": "Open book",
}


@pytest.fixture
def library(db):
    load_library()
    return {exercise.slug: exercise for exercise in Exercise.objects.filter(clinic=None)}


def names(rungs):
    return {rung.exercise.slug for rung in rungs}


def test_every_neck_and_upper_back_exercise_is_in_the_library(library):
    assert {slug: library[slug].name for slug in NECK_AND_UPPER_BACK} == NECK_AND_UPPER_BACK
    for slug in NECK_AND_UPPER_BACK:
        assert library[slug].region == "upper_body"
        assert library[slug].body_part in {"neck", "upper_back"}


def test_neck_exercises_warn_about_dizziness_and_arm_symptoms(library):
    for slug in [
        "chin-tuck",
        "neck-rotation",
        "upper-trapezius-stretch",
        "levator-scapulae-stretch",
    ]:
        precautions = " ".join(library[slug].precautions).lower()
        assert "dizzy" in precautions
        assert "spreads into your arm" in precautions


def test_a_clinician_finds_them_under_neck_pain(library):
    for slug in ["chin-tuck", "neck-rotation", "upper-trapezius-stretch"]:
        assert "neck pain" in library[slug].conditions


def test_the_neck_ladder(library):
    chin_tuck = ladder_for(library["chin-tuck"], None)
    assert names(chin_tuck.alternatives) == {"neck-rotation", "shoulder-blade-squeeze"}
    assert names(ladder_for(library["neck-rotation"], None).alternatives) == {"chin-tuck"}

    trapezius = ladder_for(library["upper-trapezius-stretch"], None)
    assert names(trapezius.alternatives) == {"levator-scapulae-stretch"}
    levator = ladder_for(library["levator-scapulae-stretch"], None)
    assert names(levator.alternatives) == {"upper-trapezius-stretch"}
    assert "back of your neck" in levator.alternatives[0].note or "top of your shoulder" in (
        levator.alternatives[0].note
    )


def test_the_upper_back_ladder(library):
    extension = ladder_for(library["thoracic-extension"], None)
    assert names(extension.alternatives) == {"open-book", "shoulder-blade-squeeze"}
    assert names(ladder_for(library["open-book"], None).alternatives) >= {"thoracic-extension"}
    squeeze = ladder_for(library["shoulder-blade-squeeze"], None)
    assert names(squeeze.alternatives) == {"chin-tuck", "thoracic-extension"}


def test_the_doses_read_plainly(library):
    assert library["chin-tuck"].dose_text == "10 reps, hold 5 seconds"
    assert library["neck-rotation"].dose_text == "10 reps, each side"
    assert library["upper-trapezius-stretch"].dose_text == "3 reps, each side, hold 30 seconds"
    assert library["open-book"].position == "side_lying"
