"""The knee exercises: every one is in the library, and the ladders a physio would expect."""

import itertools

import pytest

from exercises.ladder import ladder_for
from exercises.loader import load_library
from exercises.models import Exercise

KNEE = {
    "quad-setting": "Quadriceps setting",
    "straight-leg-raise": "Straight leg raise",
    "short-arc-quad": "Short-arc quad",
    "seated-knee-extension": "Seated knee extension",
    "heel-slide": "Heel slides",
    "terminal-knee-extension-band": "Terminal knee extension with a band",
    "mini-squat": "Mini squat",
    "wall-sit": "Wall sit",
    "sit-to-stand": "Sit to stand",
    "step-up": "Step-up",
    "forward-step-down": "Forward step-down",
    "standing-hamstring-curl": "Standing hamstring curl",
    "supine-hamstring-stretch": "Hamstring stretch with a towel or strap",
}


@pytest.fixture
def library(db):
    load_library()
    return {exercise.slug: exercise for exercise in Exercise.objects.filter(clinic=None)}


def names(rungs):
    return {rung.exercise.slug for rung in rungs}


def ladder(library, slug):
    return ladder_for(library[slug], None)


def test_every_knee_exercise_is_in_the_library(library):
    assert {slug: library[slug].name for slug in KNEE} == KNEE
    for slug in KNEE:
        exercise = library[slug]
        assert exercise.region == "lower_body"
        assert exercise.body_part in {"knee", "thigh"}
        assert ladder(library, slug), f"{slug} has no neighbours on any ladder"
        assert exercise.illustration_url.endswith(f"{slug}.svg")


def test_quad_setting_is_the_first_rung_of_the_thigh_ladders(library):
    quad = ladder(library, "quad-setting")
    assert names(quad.regressions) == set()
    assert names(quad.progressions) == {
        "straight-leg-raise",
        "short-arc-quad",
        "terminal-knee-extension-band",
    }
    assert names(ladder(library, "straight-leg-raise").regressions) == {"quad-setting"}
    assert names(ladder(library, "terminal-knee-extension-band").regressions) == {"quad-setting"}


def test_short_arc_quad_leads_to_seated_knee_extension(library):
    short_arc = ladder(library, "short-arc-quad")
    assert names(short_arc.regressions) == {"quad-setting"}
    assert names(short_arc.progressions) == {"seated-knee-extension"}
    assert names(ladder(library, "seated-knee-extension").regressions) == {"short-arc-quad"}


def test_the_standing_ladder_runs_from_mini_squat_to_step_down(library):
    rungs = ["mini-squat", "sit-to-stand", "step-up", "forward-step-down"]
    for easier, harder in itertools.pairwise(rungs):
        assert harder in names(ladder(library, easier).progressions)
        assert easier in names(ladder(library, harder).regressions)
    assert names(ladder(library, "forward-step-down").progressions) == set()
    # Standing on the leg with a band comes before bending it under body weight.
    assert names(ladder(library, "mini-squat").regressions) == {"terminal-knee-extension-band"}


def test_wall_sit_stands_beside_the_mini_squat(library):
    assert names(ladder(library, "wall-sit").alternatives) == {"mini-squat"}
    assert "wall-sit" in names(ladder(library, "mini-squat").alternatives)
    assert "hurts" in ladder(library, "mini-squat").alternatives[0].note


def test_bending_and_straightening_go_together_after_surgery(library):
    heel_slide = ladder(library, "heel-slide")
    assert names(heel_slide.alternatives) == {"quad-setting"}
    assert names(heel_slide.progressions) == {"standing-hamstring-curl"}
    assert "straightening" in heel_slide.alternatives[0].note


def test_the_hamstring_exercises_are_linked(library):
    curl = ladder(library, "standing-hamstring-curl")
    assert names(curl.regressions) == {"heel-slide"}
    assert names(curl.alternatives) == {"supine-hamstring-stretch"}
    assert names(ladder(library, "supine-hamstring-stretch").alternatives) == {
        "standing-hamstring-curl"
    }


def test_doses_read_as_a_physio_writes_them(library):
    assert library["quad-setting"].dose_text == "3 sets of 10 reps, each side, hold 5 seconds"
    assert library["mini-squat"].dose_text == "3 sets of 10–15 reps"
    assert library["wall-sit"].dose_text == "3–5 reps, hold 20–30 seconds"
    assert library["supine-hamstring-stretch"].dose_text == ("3 reps, each side, hold 30 seconds")


def test_a_search_for_a_knee_condition_finds_the_early_exercises(library):
    found = {
        exercise.slug
        for exercise in Exercise.objects.filter(
            clinic=None, conditions__icontains="knee replacement"
        )
    }
    assert {"quad-setting", "straight-leg-raise", "heel-slide", "sit-to-stand"} <= found
    assert "forward-step-down" not in found
