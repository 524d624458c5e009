"""The shoulder exercises: in the library under their names, with the ladders a physio
would follow (range first, then holds, then band and weight)."""

import pytest

from exercises.illustrations import OUT
from exercises.ladder import ladder_for
from exercises.loader import load_library
from exercises.models import Exercise

SHOULDER = {
    "pendulum": "Pendulum",
    "table-slide": "Table slide",
    "wall-walk": "Wall walk (finger ladder)",
    "stick-flexion": "Stick-assisted shoulder raise",
    "stick-external-rotation": "Stick-assisted outward rotation",
    "cross-body-stretch": "Cross-body shoulder stretch",
    "isometric-external-rotation": "Isometric outward rotation",
    "isometric-internal-rotation": "Isometric inward rotation",
    "band-external-rotation": "Outward rotation with a band",
    "band-internal-rotation": "Inward rotation with a band",
    "band-row": "Row with a band",
    "scaption": "Scaption",
    "scaption-weight": "Scaption with a weight",
    "side-lying-external-rotation": "Side-lying outward rotation",
    "wall-push-up": "Wall push-up",
    "doorway-chest-stretch": "Doorway chest stretch",
}


@pytest.fixture
def library(db):
    load_library()
    return {exercise.slug: exercise for exercise in Exercise.objects.filter(clinic=None)}


def names(rungs):
    return {rung.exercise.slug for rung in rungs}


def test_every_shoulder_exercise_is_in_the_library_with_its_picture(library):
    assert {slug: library[slug].name for slug in SHOULDER} == SHOULDER
    for slug in SHOULDER:
        exercise = library[slug]
        assert (exercise.region, exercise.body_part) == ("upper_body", "shoulder")
        assert (OUT / f"{slug}.svg").exists()


def test_the_range_ladder_goes_from_hanging_to_climbing_the_wall(library):
    assert names(ladder_for(library["pendulum"], None).progressions) == {"table-slide"}
    slide = ladder_for(library["table-slide"], None)
    assert names(slide.regressions) == {"pendulum"}
    assert names(slide.progressions) == {"stick-flexion"}
    stick = ladder_for(library["stick-flexion"], None)
    assert names(stick.regressions) == {"table-slide"}
    assert names(stick.progressions) == {"wall-walk"}
    assert names(stick.alternatives) == {"stick-external-rotation"}
    assert names(ladder_for(library["wall-walk"], None).regressions) == {"stick-flexion"}


def test_outward_rotation_builds_from_range_to_hold_to_band_to_weight(library):
    assert names(ladder_for(library["stick-external-rotation"], None).progressions) == {
        "isometric-external-rotation"
    }
    hold = ladder_for(library["isometric-external-rotation"], None)
    assert names(hold.regressions) == {"stick-external-rotation"}
    assert names(hold.progressions) == {"band-external-rotation"}
    assert names(hold.alternatives) == {"isometric-internal-rotation"}
    band = ladder_for(library["band-external-rotation"], None)
    assert names(band.regressions) == {"isometric-external-rotation"}
    assert names(band.progressions) == {"side-lying-external-rotation", "scaption"}
    assert names(band.alternatives) == {"band-row"}
    assert names(ladder_for(library["side-lying-external-rotation"], None).regressions) == {
        "band-external-rotation"
    }


def test_inward_rotation_and_scaption_ladders(library):
    assert names(ladder_for(library["isometric-internal-rotation"], None).progressions) == {
        "band-internal-rotation"
    }
    assert names(ladder_for(library["band-internal-rotation"], None).regressions) == {
        "isometric-internal-rotation"
    }
    assert names(ladder_for(library["scaption"], None).progressions) == {"scaption-weight"}
    weighted = ladder_for(library["scaption-weight"], None)
    assert names(weighted.regressions) == {"scaption"}
    assert "shrug" in weighted.regressions[0].note


def test_stretches_and_push_pull_are_offered_as_alternatives(library):
    assert names(ladder_for(library["cross-body-stretch"], None).alternatives) == {
        "doorway-chest-stretch"
    }
    assert names(ladder_for(library["doorway-chest-stretch"], None).alternatives) >= {
        "cross-body-stretch"
    }
    assert names(ladder_for(library["band-row"], None).alternatives) == {
        "wall-push-up",
        "band-external-rotation",
    }
    assert names(ladder_for(library["wall-push-up"], None).alternatives) == {"band-row"}


def test_doses_read_as_a_physio_would_write_them(library):
    assert library["band-external-rotation"].dose_text.startswith("3 sets of 10–15 reps")
    assert "yellow band" in library["band-external-rotation"].dose_text
    assert "1 kg" in library["scaption-weight"].dose_text
    assert "hold 30 seconds" in library["doorway-chest-stretch"].dose_text


def test_range_exercises_warn_about_surgeons_limits(library):
    for slug in [
        "pendulum",
        "table-slide",
        "wall-walk",
        "stick-flexion",
        "stick-external-rotation",
    ]:
        assert any("surgeon" in line for line in library[slug].precautions), slug
    for exercise in (library[slug] for slug in SHOULDER):
        assert any("sharp pain" in line for line in exercise.precautions), exercise.slug
