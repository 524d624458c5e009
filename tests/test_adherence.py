"""Adherence against cases worked out by hand. The week used: Monday 2 November 2026 to
Sunday 8 November 2026 (the clinic is in Europe/London)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from exercises.dose import weekday_mask
from programs import prescribing
from programs.adherence import adherence
from programs.models import Program
from tests.factories import ExerciseFactory, logged_session

MON = date(2026, 11, 2)
LONDON = ZoneInfo("Europe/London")


def day(n):
    """MON + n days."""
    return MON + timedelta(days=n)


def at_noon(d):
    return datetime(d.year, d.month, d.day, 12, tzinfo=LONDON)


@pytest.fixture
def build(clinician_a, patient_a):
    """build(items=[{...item fields}], start=MON, **program fields) -> active program whose
    version 1 dates from its start."""

    def make(items, start=MON, **program_fields):
        program = prescribing.create_program(
            patient_a, by=clinician_a.user, title="P", start_date=start, **program_fields
        )
        for fields in items:
            item = prescribing.add_item(
                program, ExerciseFactory(clinic=None), revision=None, by=clinician_a.user
            )
            if fields:
                prescribing.update_item(item, fields, revision=None, by=clinician_a.user)
        prescribing.activate(program, revision=None, by=clinician_a.user)
        program.versions.update(created_at=at_noon(start))
        program.refresh_from_db()
        return program

    return make


def log(program, on, done_items, slot=1):
    """A session on that day with the given items done (the rest skipped)."""
    logged_session(program, on, done=list(done_items), slot=slot)


def items(program):
    return list(program.items.all())


def test_daily_program_five_days_of_seven(build):
    program = build([{}])
    for n in [0, 1, 2, 4, 6]:
        log(program, day(n), items(program))
    result = adherence(program, today=day(6))
    assert (result.done, result.scheduled, result.percent) == (5, 7, 71)


def test_named_weekdays_count_only_those_days(build):
    program = build([{}, {}], weekdays=weekday_mask([0, 2, 4]))  # Mon, Wed, Fri
    first, second = items(program)
    log(program, day(0), [first, second])  # Monday: both
    log(program, day(1), [first, second])  # Tuesday: not scheduled, does not count
    log(program, day(2), [first])  # Wednesday: one of two
    result = adherence(program, today=day(6))
    assert (result.done, result.scheduled) == (3, 6)


def test_twice_a_day_item_counts_twice_and_extras_are_capped(build):
    program = build([{"has_own_frequency": True, "times_per_day": 2}, {}])
    twice, once = items(program)
    log(program, day(0), [twice, once], slot=1)
    log(program, day(0), [twice, once], slot=2)  # the once-a-day item's extra does not count
    log(program, day(1), [twice, once])
    result = adherence(program, today=day(2))
    # scheduled: (2 + 1) a day for 3 days = 9; done: 3 on Monday, 2 on Tuesday, 0 on Wednesday
    assert (result.done, result.scheduled) == (5, 9)


def test_extra_sessions_do_not_cover_a_missed_day(build):
    program = build([{}])
    for slot in (1, 2, 3):
        log(program, day(0), items(program), slot=slot)
    result = adherence(program, today=day(1))
    assert (result.done, result.scheduled) == (1, 2)


def test_program_edited_mid_week_uses_the_plan_of_each_day(build, clinician_a):
    program = build([{}])
    added = prescribing.add_item(
        program, ExerciseFactory(clinic=None), revision=None, by=clinician_a.user
    )
    program.versions.filter(number=2).update(created_at=at_noon(day(3)))  # Thursday
    first = program.items.exclude(pk=added.pk).get()
    for n in range(7):
        log(program, day(n), [first, added] if n in (3, 4) else [first])
    result = adherence(program, today=day(6))
    # Mon–Wed: 1 a day (3); Thu–Sun: 2 a day (8) → 11 scheduled; done 7 + 2 = 9
    assert (result.done, result.scheduled) == (9, 11)


def test_program_discharged_early_stops_counting(build, clinician_a):
    program = build([{}])
    log(program, day(0), items(program))
    prescribing.discharge(program, revision=None, by=clinician_a.user, on=day(2))
    Program.objects.filter(pk=program.pk).update(discharged_at=at_noon(day(2)))
    program.refresh_from_db()
    result = adherence(program, today=day(6))
    assert (result.done, result.scheduled) == (1, 3)  # Monday to Wednesday only


def test_days_before_the_start_do_not_count(build):
    program = build([{}], start=day(2))  # starts Wednesday
    log(program, day(2), items(program))
    result = adherence(program, today=day(4), start=MON)
    assert (result.done, result.scheduled) == (1, 3)


def test_days_a_week_schedule_is_counted_per_calendar_week(build):
    program = build([{}], days_per_week=3)
    for n in [0, 1, 2, 3]:  # four days in the first week: only three count
        log(program, day(n), items(program))
    log(program, day(7), items(program))  # the next Monday
    result = adherence(program, today=day(8))  # next Tuesday: two days of week two so far
    assert (result.done, result.scheduled) == (4, 5)


def test_a_window_narrows_the_count(build):
    program = build([{}])
    for n in range(7):
        log(program, day(n), items(program))
    assert adherence(program, today=day(6), start=day(5)).scheduled == 2


def test_drafts_and_future_starts_have_nothing_scheduled(clinician_a, patient_a):
    draft = prescribing.create_program(patient_a, by=clinician_a.user, title="D", start_date=MON)
    result = adherence(draft, today=day(6))
    assert (result.done, result.scheduled, result.percent) == (0, 0, None)


def test_skipped_exercises_are_not_done(build):
    program = build([{}, {}])
    log(program, day(0), [])
    result = adherence(program, today=day(0))
    assert (result.done, result.scheduled) == (0, 2)
