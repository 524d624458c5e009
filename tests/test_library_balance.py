"""The balance and falls-prevention exercises: what a clinician finds in the library, and the
ladder from holding on to hands free, standing still to walking."""

import pytest

from exercises.ladder import ladder_for
from exercises.loader import load_library
from exercises.models import Exercise

BALANCE = {
    "feet-together-stance": "Standing with feet together",
    "tandem-stance": "Heel-to-toe standing",
    "single-leg-stance-supported": "Standing on one leg, holding on",
    "single-leg-stance": "Standing on one leg",
    "tandem-walk": "Heel-to-toe walking",
    "backward-heel-toe-walk": "Heel-to-toe walking backwards",
    "sideways-walk": "Sideways walking",
}


@pytest.fixture
def library(db):
    load_library()
    return {exercise.slug: exercise for exercise in Exercise.objects.filter(clinic=None)}


def names(rungs):
    return {rung.exercise.slug for rung in rungs}


def test_every_balance_exercise_is_in_the_library(library):
    assert {slug: library[slug].name for slug in BALANCE} == BALANCE
    for slug in BALANCE:
        exercise = library[slug]
        assert (exercise.region, exercise.body_part, exercise.activity_type) == (
            "whole_body",
            "balance",
            "balance",
        )
        assert exercise.illustration == f"exercises/illustrations/{slug}.svg"


def test_every_balance_exercise_is_done_next_to_a_support(library):
    for slug in BALANCE:
        exercise = library[slug]
        assert "kitchen-counter" in exercise.equipment.values_list("slug", flat=True)
        safety = " ".join(exercise.precautions).lower()
        assert "sturdy support" in safety, slug
        assert "someone close by" in safety, slug
        assert "sharp pain" in safety, slug


def test_the_steps_move_from_holding_on_to_hands_free(library):
    for slug in ["feet-together-stance", "tandem-stance", "sideways-walk"]:
        steps = " ".join(library[slug].steps)
        assert "two hands to one hand, then to your fingertips" in steps, slug
        assert "hover your hands just above the counter" in steps, slug


def test_a_clinician_finds_them_by_condition(library):
    for slug in BALANCE:
        assert "falls prevention" in library[slug].conditions
        assert "older adults" in library[slug].conditions
    assert "ankle sprain" in library["single-leg-stance"].conditions
    assert "ankle sprain" in library["single-leg-stance-supported"].conditions


def test_standing_still_leads_to_standing_heel_to_toe(library):
    feet_together = ladder_for(library["feet-together-stance"], None)
    assert names(feet_together.progressions) == {
        "tandem-stance",
        "single-leg-stance-supported",
        "sideways-walk",
    }
    assert names(feet_together.regressions) == set()
    assert names(ladder_for(library["tandem-stance"], None).regressions) == {"feet-together-stance"}


def test_one_leg_goes_from_holding_on_to_hands_free_then_to_walking(library):
    supported = ladder_for(library["single-leg-stance-supported"], None)
    assert names(supported.progressions) == {"single-leg-stance"}
    free = ladder_for(library["single-leg-stance"], None)
    assert names(free.regressions) == {"single-leg-stance-supported"}
    assert names(free.progressions) == {"tandem-walk"}
    assert "fingertips" in supported.progressions[0].note


def test_heel_to_toe_walking_sits_between_standing_and_walking_backwards(library):
    walk = ladder_for(library["tandem-walk"], None)
    assert names(walk.regressions) == {"tandem-stance", "single-leg-stance", "sideways-walk"}
    assert names(walk.progressions) == {"backward-heel-toe-walk"}
    backward = ladder_for(library["backward-heel-toe-walk"], None)
    assert names(backward.regressions) == {"tandem-walk"}
    assert backward.regressions[0].note.startswith("If you need to grab the counter")


def test_sideways_walking_is_the_first_step_into_moving_balance(library):
    sideways = ladder_for(library["sideways-walk"], None)
    assert names(sideways.regressions) == {"feet-together-stance"}
    assert names(sideways.progressions) >= {"tandem-walk"}


def test_the_doses_read_as_a_physio_would_write_them(library):
    assert library["feet-together-stance"].dose_text == "3 reps, hold 30 seconds"
    assert library["single-leg-stance"].dose_text == "3 reps, each side, hold 10–30 seconds"
    assert library["tandem-walk"].dose_text == "2 sets of 10 reps"
    assert library["sideways-walk"].dose_text == "2 sets of 10 reps, each side"
