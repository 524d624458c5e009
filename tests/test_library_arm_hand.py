import pytest

from exercises.ladder import ladder_for
from exercises.loader import load_library
from exercises.models import Exercise

ELBOW_WRIST_AND_HAND = {
    "wrist-flexor-stretch": "Wrist flexor stretch",
    "wrist-extensor-stretch": "Wrist extensor stretch",
    "eccentric-wrist-extension": "Slow wrist lowering with a weight",
    "tendon-glides": "Tendon glides",
    "grip-squeeze": "Grip squeeze",
    "finger-extension-band": "Finger opening with a rubber band",
}


@pytest.fixture
def library(db):
    load_library()
    return {exercise.slug: exercise for exercise in Exercise.objects.filter(clinic=None)}


def names(rungs):
    return {rung.exercise.slug for rung in rungs}


def test_every_elbow_wrist_and_hand_exercise_is_in_the_library(library):
    assert {slug: library[slug].name for slug in ELBOW_WRIST_AND_HAND} == ELBOW_WRIST_AND_HAND
    for slug in ELBOW_WRIST_AND_HAND:
        assert (library[slug].region, library[slug].body_part) == ("upper_body", "arm_hand")


def test_a_clinician_finds_them_by_condition(library):
    assert "tennis elbow" in library["eccentric-wrist-extension"].conditions
    assert "lateral elbow pain" in library["wrist-extensor-stretch"].conditions
    assert "wrist fracture" in library["tendon-glides"].conditions
    assert "hand stiffness" in library["tendon-glides"].conditions


def test_the_tennis_elbow_ladder(library):
    stretch = ladder_for(library["wrist-extensor-stretch"], None)
    assert names(stretch.progressions) == {"eccentric-wrist-extension"}
    assert names(stretch.alternatives) == {"wrist-flexor-stretch"}
    lowering = ladder_for(library["eccentric-wrist-extension"], None)
    assert names(lowering.regressions) == {"wrist-extensor-stretch"}
    assert "elbow pain worse" in lowering.regressions[0].note
    flexor = ladder_for(library["wrist-flexor-stretch"], None)
    assert names(flexor.alternatives) == {"wrist-extensor-stretch"}


def test_the_hand_ladder(library):
    glides = ladder_for(library["tendon-glides"], None)
    assert names(glides.progressions) == {"grip-squeeze"}
    squeeze = ladder_for(library["grip-squeeze"], None)
    assert names(squeeze.regressions) == {"tendon-glides"}
    assert names(squeeze.alternatives) == {"finger-extension-band"}
    assert names(ladder_for(library["finger-extension-band"], None).alternatives) == {
        "grip-squeeze"
    }


def test_the_slow_lowering_dose_is_the_usual_three_sets_of_fifteen(library):
    lowering = library["eccentric-wrist-extension"]
    assert lowering.dose_text == "3 sets of 15 reps, each side, with 1 kg"
    assert set(lowering.equipment.values_list("slug", flat=True)) == {"dumbbell", "table"}
