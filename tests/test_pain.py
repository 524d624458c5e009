"""The pain rules of programs/pain.py, worked by hand."""

from datetime import date, timedelta

import pytest

from clinic.models import Clinic
from programs.models import Program
from programs.pain import SessionPain, latest_trend, pain_trend, threshold_for

THU = date(2026, 11, 19)


def session(pk, days_before, pain, slot=1):
    return SessionPain(pk, THU - timedelta(days=days_before), slot, pain)


def test_rising_against_three_earlier_days():
    earlier = [session(1, 3, 2), session(2, 2, 3), session(3, 1, 2)]  # baseline 7/3 = 2.3
    trend = pain_trend(session(4, 0, 5), earlier)
    assert trend is not None
    assert trend.baseline == 2.3
    assert trend.change == 2.7
    assert trend.rising


def test_two_sessions_on_one_day_count_as_two_sessions_but_one_day():
    earlier = [session(1, 2, 2), session(2, 2, 3, slot=2), session(3, 1, 4)]  # baseline 3.0
    trend = pain_trend(session(4, 0, 5), earlier)
    assert trend is not None and trend.change == 2.0 and trend.rising


def test_a_rise_under_two_points_is_not_rising():
    earlier = [session(1, 3, 3), session(2, 2, 3), session(3, 1, 4)]  # baseline 3.3
    trend = pain_trend(session(4, 0, 5), earlier)
    assert trend is not None and trend.change == 1.7 and not trend.rising


@pytest.mark.parametrize(
    "earlier",
    [
        [session(1, 2, 1), session(2, 1, 1)],  # two sessions only
        [session(1, 1, 1), session(2, 1, 1, slot=2), session(3, 1, 1, slot=3)],  # one day only
        [session(1, 20, 1), session(2, 18, 1), session(3, 16, 1)],  # older than two weeks
    ],
)
def test_not_enough_earlier_data_judges_nothing(earlier):
    assert pain_trend(session(9, 0, 9), earlier) is None


def test_the_judged_session_and_its_day_are_never_in_the_baseline():
    judged = session(4, 0, 6)
    same_day = session(5, 0, 0, slot=2)
    earlier = [session(1, 3, 2), session(2, 2, 2), judged, same_day]
    # Only two earlier sessions remain once the judged day is left out: not enough.
    assert pain_trend(judged, earlier) is None
    trend = pain_trend(judged, [*earlier, session(3, 1, 2)])
    assert trend is not None and trend.baseline == 2.0


def test_latest_trend_judges_the_newest_session():
    history = [session(4, 0, 6), session(1, 3, 2), session(2, 2, 2), session(3, 1, 2)]
    trend = latest_trend(history)
    assert trend is not None and trend.session.session_id == 4 and trend.rising
    assert latest_trend([]) is None


def test_threshold_is_the_programs_else_the_clinics():
    clinic = Clinic(name="North", pain_threshold=7)
    assert threshold_for(Program(clinic=clinic)) == 7
    assert threshold_for(Program(clinic=clinic, pain_threshold=4)) == 4


def test_standard_advice_names_the_clinic_phone_and_emergency_number():
    clinic = Clinic(name="North Physio", phone="020 7946 0000", emergency_number="999")
    advice = clinic.pain_advice_text
    assert "Stop the exercise that hurts" in advice
    assert "sharp pain" in advice
    assert "020 7946 0000" in advice
    assert "call 999" in advice


def test_a_clinics_own_advice_replaces_the_standard():
    clinic = Clinic(name="North", pain_advice="Stop and ring us on 0123.")
    assert clinic.pain_advice_text == "Stop and ring us on 0123."
