import pytest

from exercises.dose import Dose, Side, describe_dose, describe_seconds


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
            Dose(sets=3, reps_min=12, side=Side.EACH, resistance="a red band"),
            "3 sets of 12 reps, each side, with a red band",
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
