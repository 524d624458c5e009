"""The lower back and core exercises: what a clinician finds in the library and on the ladder."""

from pathlib import Path

import pytest

from exercises.ladder import ladder_for
from exercises.loader import load_library
from exercises.models import Exercise

BACK_CORE = {
    "pelvic-tilt": "Pelvic tilt",
    "single-knee-to-chest": "Single knee to chest",
    "double-knee-to-chest": "Double knee to chest",
    "lower-trunk-rotation": "Lower trunk rotation",
    "cat-camel": "Cat–camel",
    "bird-dog": "Bird dog",
    "dead-bug": "Dead bug",
    "prone-press-up": "Press-up lying on your front",
    "abdominal-bracing": "Abdominal bracing",
    "front-plank-knees": "Front plank on your knees",
    "front-plank": "Front plank",
    "side-plank-knees": "Side plank on your knees",
    "side-plank": "Side plank",
}


@pytest.fixture
def library(db):
    load_library()
    return {exercise.slug: exercise for exercise in Exercise.objects.filter(clinic=None)}


def names(rungs):
    return {rung.exercise.slug for rung in rungs}


def test_every_back_and_core_exercise_is_in_the_library(library):
    assert {slug: library[slug].name for slug in BACK_CORE} == BACK_CORE
    for slug in BACK_CORE:
        exercise = library[slug]
        assert exercise.region == "trunk"
        assert exercise.body_part in {"lower_back", "abdomen"}
        assert exercise.steps and exercise.cues and exercise.mistakes and exercise.precautions
        assert ladder_for(exercise, None), f"{slug} has no ladder"


def test_planks_build_from_the_knees_to_the_toes(library):
    front = ladder_for(library["front-plank-knees"], None)
    assert "front-plank" in names(front.progressions)
    assert "abdominal-bracing" in names(front.regressions)
    assert names(ladder_for(library["front-plank"], None).regressions) == {"front-plank-knees"}
    assert names(ladder_for(library["side-plank-knees"], None).progressions) == {"side-plank"}
    assert names(ladder_for(library["side-plank"], None).regressions) == {"side-plank-knees"}
    assert "side-plank-knees" in names(front.alternatives)


def test_trunk_control_starts_with_tilting_and_bracing(library):
    bracing = ladder_for(library["abdominal-bracing"], None)
    assert names(bracing.regressions) == {"pelvic-tilt"}
    assert names(bracing.progressions) == {"dead-bug", "bird-dog", "front-plank-knees"}
    bird_dog = ladder_for(library["bird-dog"], None)
    assert names(bird_dog.regressions) == {"abdominal-bracing", "cat-camel"}
    assert names(bird_dog.alternatives) == {"dead-bug"}
    assert names(ladder_for(library["dead-bug"], None).regressions) == {"abdominal-bracing"}


def test_stretches_and_mobility_offer_each_other(library):
    single = ladder_for(library["single-knee-to-chest"], None)
    assert names(single.progressions) == {"double-knee-to-chest"}
    assert names(single.alternatives) >= {"lower-trunk-rotation"}
    double = ladder_for(library["double-knee-to-chest"], None)
    assert names(double.regressions) == {"single-knee-to-chest"}
    assert "one leg at a time" in double.regressions[0].note
    assert names(ladder_for(library["lower-trunk-rotation"], None).alternatives) >= {
        "pelvic-tilt",
        "single-knee-to-chest",
    }
    assert names(ladder_for(library["cat-camel"], None).alternatives) == {
        "pelvic-tilt",
        "prone-press-up",
    }
    assert names(ladder_for(library["prone-press-up"], None).alternatives) == {"cat-camel"}


def test_the_press_up_warns_when_leg_symptoms_spread(library):
    press_up = library["prone-press-up"]
    assert any("further down your leg" in line for line in press_up.precautions)
    assert "sciatica" in press_up.conditions
    # Sciatica is only offered where the exercise is meant for it.
    assert [slug for slug in BACK_CORE if "sciatica" in library[slug].conditions] == [
        "prone-press-up"
    ]


def test_doses_read_as_a_physio_would_write_them(library):
    assert library["front-plank"].dose_text.startswith("3 reps, hold 20–30 seconds")
    assert library["side-plank"].dose_text.startswith("3 reps, each side, hold 10–20 seconds")
    assert library["single-knee-to-chest"].dose_text == "3 reps, each side, hold 20–30 seconds"
    assert library["bird-dog"].dose_text == "2 sets of 8–10 reps, each side, hold 5 seconds"


def test_every_exercise_has_its_drawing(library):
    folder = Path(__file__).parent.parent / "exercises" / "static" / "exercises" / "illustrations"
    for slug in BACK_CORE:
        assert library[slug].illustration_url.endswith(f"{slug}.svg")
        assert BACK_CORE[slug] in (folder / f"{slug}.svg").read_text(encoding="utf-8")
