"""The ankle and foot exercises: they are in the library and their ladders read as a physio
would use them after an ankle sprain, with Achilles pain or with heel pain."""

import pytest

from exercises.ladder import ladder_for
from exercises.loader import load_library
from exercises.models import Exercise

ANKLE_FOOT = {
    "ankle-pumps": "Ankle pumps",
    "ankle-alphabet": "Ankle alphabet",
    "towel-scrunches": "Towel scrunches",
    "double-leg-heel-raise": "Heel raises on both legs",
    "single-leg-heel-raise": "Single-leg heel raise",
    "eccentric-heel-drop": "Heel drop off a step (straight knee)",
    "eccentric-heel-drop-bent-knee": "Heel drop off a step (bent knee)",
    "standing-calf-stretch": "Calf stretch against a wall (straight knee)",
    "soleus-stretch": "Calf stretch against a wall (bent knee)",
    "plantar-fascia-stretch": "Plantar fascia stretch",
    "band-ankle-eversion": "Ankle eversion with a band",
    "band-ankle-inversion": "Ankle inversion with a band",
    "band-ankle-dorsiflexion": "Ankle dorsiflexion with a band",
}


@pytest.fixture
def library(db):
    load_library()
    return {exercise.slug: exercise for exercise in Exercise.objects.filter(clinic=None)}


def names(rungs):
    return {rung.exercise.slug for rung in rungs}


def test_every_ankle_and_foot_exercise_is_in_the_library(library):
    assert {slug: library[slug].name for slug in ANKLE_FOOT} == ANKLE_FOOT
    for slug in ANKLE_FOOT:
        exercise = library[slug]
        assert (exercise.region, exercise.body_part) == ("lower_body", "ankle_foot")
        assert ladder_for(exercise, None), f"{slug} has no neighbours on any ladder"


def test_calf_strength_builds_from_two_legs_to_the_heel_drop(library):
    both = ladder_for(library["double-leg-heel-raise"], None)
    assert "single-leg-heel-raise" in names(both.progressions)
    assert "ankle-pumps" in names(both.regressions)

    single = ladder_for(library["single-leg-heel-raise"], None)
    assert names(single.regressions) == {"double-leg-heel-raise"}
    assert names(single.progressions) == {"eccentric-heel-drop"}

    drop = ladder_for(library["eccentric-heel-drop"], None)
    assert names(drop.regressions) == {"single-leg-heel-raise"}
    assert names(drop.alternatives) == {"eccentric-heel-drop-bent-knee"}
    assert names(ladder_for(library["eccentric-heel-drop-bent-knee"], None).alternatives) == {
        "eccentric-heel-drop"
    }


def test_the_heel_drop_keeps_the_achilles_dose(library):
    for slug in ("eccentric-heel-drop", "eccentric-heel-drop-bent-knee"):
        assert library[slug].dose_text == "3 sets of 15 reps, each side"
        assert "twice a day" in library[slug].purpose


def test_a_stiff_ankle_moves_first_then_gets_stronger(library):
    pumps = ladder_for(library["ankle-pumps"], None)
    assert names(pumps.progressions) == {
        "ankle-alphabet",
        "band-ankle-dorsiflexion",
        "double-leg-heel-raise",
    }
    alphabet = ladder_for(library["ankle-alphabet"], None)
    assert names(alphabet.regressions) == {"ankle-pumps"}
    assert names(alphabet.progressions) == {"band-ankle-eversion"}


def test_the_three_band_exercises_are_offered_side_by_side(library):
    eversion = ladder_for(library["band-ankle-eversion"], None)
    assert names(eversion.alternatives) == {"band-ankle-inversion", "band-ankle-dorsiflexion"}
    assert names(eversion.regressions) == {"ankle-alphabet"}
    assert names(ladder_for(library["band-ankle-inversion"], None).alternatives) == {
        "band-ankle-eversion"
    }


def test_calf_and_heel_pain_stretches_are_linked(library):
    calf = ladder_for(library["standing-calf-stretch"], None)
    assert names(calf.alternatives) == {"soleus-stretch", "plantar-fascia-stretch"}
    soleus = ladder_for(library["soleus-stretch"], None)
    assert [rung.exercise.slug for rung in soleus.alternatives] == ["standing-calf-stretch"]
    assert "straight" in soleus.alternatives[0].note  # the note reads from the soleus stretch

    fascia = ladder_for(library["plantar-fascia-stretch"], None)
    assert names(fascia.progressions) == {"towel-scrunches"}
    assert names(ladder_for(library["towel-scrunches"], None).regressions) == {
        "plantar-fascia-stretch"
    }


def test_heel_pain_and_sprains_find_their_exercises(library):
    heel_pain = {s for s in ANKLE_FOOT if "plantar fasciitis" in library[s].conditions}
    assert {"plantar-fascia-stretch", "towel-scrunches", "standing-calf-stretch"} <= heel_pain
    achilles = {s for s in ANKLE_FOOT if "Achilles tendinopathy" in library[s].conditions}
    assert {"eccentric-heel-drop", "eccentric-heel-drop-bent-knee"} <= achilles
    sprain = {s for s in ANKLE_FOOT if "ankle sprain" in library[s].conditions}
    assert {"band-ankle-eversion", "ankle-alphabet", "ankle-pumps"} <= sprain


def test_stretches_are_held_and_band_work_is_counted(library):
    assert library["standing-calf-stretch"].dose_text == "3 reps, each side, hold 30 seconds"
    assert library["plantar-fascia-stretch"].dose_text == "10 reps, each side, hold 10 seconds"
    assert library["double-leg-heel-raise"].dose_text == "3 sets of 10–15 reps"
    for slug in ("band-ankle-eversion", "band-ankle-inversion", "band-ankle-dorsiflexion"):
        assert library[slug].activity_type == "resistance_band"
        assert library[slug].equipment.filter(slug="resistance-band").exists()
