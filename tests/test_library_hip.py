"""The hip and glute exercises: every one is in the library, and the ladders between them lead
where a physiotherapist would expect."""

import pytest

from exercises.ladder import ladder_for
from exercises.loader import load_library
from exercises.models import Exercise

HIP = {
    "glute-bridge": "Glute bridge",
    "single-leg-bridge": "Single-leg bridge",
    "standing-hip-abduction-band": "Standing hip abduction with a band",
    "lateral-band-walk": "Side-stepping with a band",
    "half-kneeling-hip-flexor-stretch": "Half-kneeling hip flexor stretch",
    "figure-four-stretch": "Figure-four stretch",
    "hip-hinge": "Hip hinge",
}
SEEDS = [
    "clamshell",
    "clamshell-loop-band",
    "reverse-clamshell",
    "reverse-clamshell-mini-band",
    "reverse-clamshell-abduction-extension",
    "side-lying-leg-raise",
    "windshield-wiper-stretch",
]


@pytest.fixture
def library(db):
    load_library()
    return {exercise.slug: exercise for exercise in Exercise.objects.filter(clinic=None)}


def names(rungs):
    return {rung.exercise.slug for rung in rungs}


def ladder(library, slug):
    return ladder_for(library[slug], None)


def test_every_hip_exercise_is_in_the_library_under_hips_and_glutes(library):
    assert {slug: library[slug].name for slug in HIP} == HIP
    for slug in [*HIP, *SEEDS]:
        assert library[slug].region == "lower_body"
        assert library[slug].body_part == "hip_glutes"


def test_every_hip_exercise_can_be_found_by_condition(library):
    for slug in [*HIP, *SEEDS]:
        assert library[slug].conditions, slug
    assert "hip replacement" in library["glute-bridge"].conditions
    assert "patellofemoral pain" in library["lateral-band-walk"].conditions
    assert "low back pain" in library["hip-hinge"].conditions


def test_the_bridge_gets_harder_on_one_leg(library):
    assert "single-leg-bridge" in names(ladder(library, "glute-bridge").progressions)
    assert names(ladder(library, "single-leg-bridge").regressions) == {"glute-bridge"}


def test_side_hip_work_moves_from_lying_to_standing_to_stepping(library):
    raise_ = ladder(library, "side-lying-leg-raise")
    assert "standing-hip-abduction-band" in names(raise_.progressions)
    standing = ladder(library, "standing-hip-abduction-band")
    assert "side-lying-leg-raise" in names(standing.regressions)
    assert "lateral-band-walk" in names(standing.progressions)
    assert "standing-hip-abduction-band" in names(ladder(library, "lateral-band-walk").regressions)


def test_the_stretches_offer_each_other(library):
    assert "figure-four-stretch" in names(ladder(library, "windshield-wiper-stretch").alternatives)
    four = ladder(library, "figure-four-stretch")
    assert names(four.alternatives) >= {
        "windshield-wiper-stretch",
        "half-kneeling-hip-flexor-stretch",
    }
    flexor = ladder(library, "half-kneeling-hip-flexor-stretch")
    assert names(flexor.alternatives) >= {"figure-four-stretch", "glute-bridge"}


def test_the_hinge_sits_beside_the_bridge(library):
    assert "glute-bridge" in names(ladder(library, "hip-hinge").alternatives)
    bridge = ladder(library, "glute-bridge")
    assert names(bridge.alternatives) >= {"hip-hinge", "half-kneeling-hip-flexor-stretch"}
    note = next(rung.note for rung in bridge.alternatives if rung.exercise.slug == "hip-hinge")
    assert "standing" in note


def test_a_bridge_is_dosed_for_both_legs_and_a_single_leg_bridge_for_each(library):
    assert library["glute-bridge"].dose_text == "3 sets of 10–12 reps, hold 3 seconds"
    assert library["single-leg-bridge"].dose_text.startswith("3 sets of 8–10 reps, each side")


def test_the_stretches_are_held_and_warn_after_a_hip_replacement(library):
    for slug in ["figure-four-stretch", "half-kneeling-hip-flexor-stretch"]:
        exercise = library[slug]
        assert exercise.activity_type == "mobility"
        assert "hold 30 seconds" in exercise.dose_text
        assert any("hip replacement" in text for text in exercise.precautions)


def test_the_banded_exercises_list_the_band(library):
    for slug in ["standing-hip-abduction-band", "lateral-band-walk"]:
        equipment = set(library[slug].equipment.values_list("slug", flat=True))
        assert "loop-band" in equipment
        assert any("band" in text for text in library[slug].precautions)
