from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from exercises.dose import Band, Dose, Side, describe_dose, describe_seconds
from exercises.loader import load_library
from exercises.models import Exercise
from programs.models import ProgramItem
from tests.factories import ExerciseFactory, active_program


@pytest.mark.parametrize(
    "dose,words",
    [
        (
            Dose(sets=3, reps_min=10, side=Side.EACH, hold_min=1),
            "3 sets of 10 reps, each side, hold 1 second",
        ),
        (Dose(sets=3, reps_min=10, reps_max=12, side=Side.EACH), "3 sets of 10–12 reps, each side"),
        (Dose(sets=1, reps_min=1, side=Side.BOTH), "1 rep"),
        (Dose(sets=1, reps_min=15, side=Side.LEFT), "15 reps, left side only"),
        (Dose(sets=2, reps_min=8, side=Side.RIGHT), "2 sets of 8 reps, right side only"),
        (Dose(sets=3, to_fatigue=True, side=Side.EACH), "3 sets, each until tired, each side"),
        (Dose(sets=1, to_fatigue=True, side=Side.BOTH), "1 set, until tired"),
        (
            Dose(sets=1, reps_min=3, hold_min=20, hold_max=30, side=Side.EACH),
            "3 reps, each side, hold 20–30 seconds",
        ),
        (
            Dose(sets=3, reps_min=10, side=Side.BOTH, rest_seconds=60),
            "3 sets of 10 reps, rest 1 minute between sets",
        ),
        (Dose(sets=1, reps_min=10, side=Side.BOTH, rest_seconds=60), "10 reps"),
        (
            Dose(sets=3, reps_min=12, side=Side.EACH, band=Band.RED),
            "3 sets of 12 reps, each side, with a red band",
        ),
        (
            Dose(sets=3, reps_min=10, side=Side.BOTH, load_kg=Decimal("2.50")),
            "3 sets of 10 reps, with 2.5 kg",
        ),
        (Dose(sets=3, reps_min=10, reps_max=10, side=Side.BOTH), "3 sets of 10 reps"),
    ],
)
def test_dose_in_plain_words(dose, words):
    assert describe_dose(dose) == words


@pytest.mark.parametrize(
    "low,high,words",
    [
        (1, None, "1 second"),
        (45, None, "45 seconds"),
        (60, None, "1 minute"),
        (90, None, "1 minute 30 seconds"),
        (600, None, "10 minutes"),
        (20, 30, "20–30 seconds"),
        (60, 120, "1–2 minutes"),
        (30, 90, "30 seconds to 1 minute 30 seconds"),
        (30, 30, "30 seconds"),
    ],
)
def test_seconds_in_plain_words(low, high, words):
    assert describe_seconds(low, high) == words


@pytest.fixture
def library(db):
    load_library()


BAD_DOSES = [
    ({"sets": 0}, "sets"),
    ({"sets": 11}, "sets"),
    ({"reps_min": None, "to_fatigue": False}, "reps_min"),
    ({"reps_min": 12, "reps_max": 8}, "reps_max"),
    ({"hold_min": 30, "hold_max": 20}, "hold_max"),
    ({"rest_seconds": 601}, "rest_seconds"),
    ({"band": Band.RED, "load_kg": Decimal("2")}, "load_kg"),
]


def _exercise_with(values):
    exercise = ExerciseFactory.build(clinic=None, slug="heel-raise", name="Heel raise")
    for name, value in values.items():
        setattr(exercise, name, value)
    return exercise


def _item_with(program, values):
    item = ProgramItem(program=program, exercise=program.items.first().exercise, position=9)
    for name, value in values.items():
        setattr(item, name, value)
    return item


@pytest.mark.django_db
@pytest.mark.parametrize("values,field", BAD_DOSES)
def test_an_impossible_dose_is_refused_for_an_exercise_and_an_item_alike(
    values, field, library, clinician_a, patient_a
):
    """The exercise's usual dose and a prescribed dose keep the same rules, in the form's
    validation and in the database."""
    program = active_program(patient_a, clinician_a)
    for owner in [_exercise_with(values), _item_with(program, values)]:
        with pytest.raises(ValidationError) as refused:
            owner.full_clean(exclude=["clinic", "slug", "program", "exercise"])
        assert field in refused.value.message_dict
        with pytest.raises(IntegrityError), transaction.atomic():
            owner.save()


@pytest.mark.django_db
def test_an_exercise_dose_becomes_an_item_dose_unchanged(library, clinician_a, patient_a):
    program = active_program(patient_a, clinician_a)
    item = program.items.first()
    stretch = Exercise.objects.get(slug="windshield-wiper-stretch")
    item.set_dose(stretch.dose)
    item.save()
    item.refresh_from_db()
    assert item.dose == stretch.dose
    assert item.dose_text == "3 reps, each side, hold 20–30 seconds"
