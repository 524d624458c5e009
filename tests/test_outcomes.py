"""Outcome measures (programs/outcomes.py): scores and clinically important change worked out by
hand, the schedule on dates across week boundaries, and answering once, whole or not at all."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from clinic.models import AuditEntry
from programs import prescribing
from programs.instruments import GROC, NPRS, PSFS
from programs.models import Answer, Occasion, PatientFigures, Program, PsfsActivity, Questionnaire
from programs.outcomes import (
    DONE,
    DUE,
    IMPROVED,
    MISSED,
    NO_CHANGE,
    NOT_COMPARED,
    OVERDUE,
    UPCOMING,
    WORSE,
    Answers,
    QuestionnaireError,
    StaleQuestionnaire,
    change_of,
    course_of,
    current_activities,
    groc_verdict,
    groc_words,
    no_improvement_since,
    open_slot,
    record_answers,
    request_now,
    schedule,
    scores_of,
)
from tests.factories import ExerciseFactory
from tests.factories import psfs_activity as activity

FRIDAY = date(2026, 3, 6)  # the program starts on a Friday; follow-ups every 2 weeks


# --- helpers ------------------------------------------------------------------------------------


def planned(start=FRIDAY, every=2, status=Program.Status.ACTIVE, end=None) -> Program:
    """A program as the schedule reads it (never saved)."""
    return Program(status=status, start_date=start, end_date=end, outcome_every_weeks=every)


def answered(pk, occasion, due_on, on) -> Questionnaire:
    """A questionnaire answered on `on`, as the schedule reads it (never saved)."""
    return Questionnaire(pk=pk, occasion=occasion, due_on=due_on, completed_on=on)


def statuses(program, rows, today):
    return [(slot.occasion, slot.due_on, slot.status) for slot in schedule(program, rows, today)]


@pytest.fixture
def program(db, clinician_a, patient_a):
    """Patient A's active program, started on a Friday."""
    exercise = ExerciseFactory(clinic=clinician_a.clinic)
    program = prescribing.create_program(
        patient_a, by=clinician_a.user, title="Knee", start_date=FRIDAY
    )
    prescribing.add_item(program, exercise, revision=None, by=clinician_a.user)
    prescribing.activate(program, revision=None, by=clinician_a.user)
    program.refresh_from_db()
    return program


def answer(program, on, *, nprs=None, ratings=None, groc=None, occasion=Occasion.FOLLOW_UP):
    """A questionnaire answered on `on` with these values, stored directly."""
    questionnaire = Questionnaire.objects.create(
        program=program,
        occasion=occasion,
        due_on=on,
        completed_on=on,
        completed_at=f"{on.isoformat()}T12:00:00Z",
    )
    rows = (
        [Answer(questionnaire=questionnaire, instrument=NPRS, value=nprs)]
        if nprs is not None
        else []
    )
    rows += [
        Answer(questionnaire=questionnaire, instrument=PSFS, activity=item, value=value)
        for item, value in (ratings or {}).items()
    ]
    if groc is not None:
        rows.append(Answer(questionnaire=questionnaire, instrument=GROC, value=groc))
    Answer.objects.bulk_create(rows)
    return questionnaire


def scores(program):
    return scores_of(program.questionnaires.prefetch_related("answers"))


# --- PSFS ---------------------------------------------------------------------------------------


def test_psfs_with_an_activity_added_later_and_one_skipped_compares_what_was_rated_twice(program):
    stairs, kneel, walk = (
        activity(program, text, n) for n, text in enumerate(["Stairs", "Kneel", "Walk"])
    )
    answer(program, FRIDAY, ratings={stairs: 2, kneel: 4, walk: 3}, occasion=Occasion.START)
    run = activity(program, "Run for the bus", 3)  # named at the second questionnaire
    # Kneeling skipped this time.
    answer(program, FRIDAY + timedelta(weeks=2), ratings={stairs: 5, walk: 6, run: 8})

    found = scores(program)[PSFS]
    assert [score.value for score in found] == [Decimal("3.0"), Decimal("6.3")]  # 9/3; 19/3
    change = change_of(PSFS, found)
    # Stairs and walking were rated both times: (2 + 3) / 2 = 2.5 → (5 + 6) / 2 = 5.5.
    assert (change.first, change.last, change.compared) == (Decimal("2.5"), Decimal("5.5"), 2)
    assert change.verdict == IMPROVED
    assert change.text == "PSFS 2.5 → 5.5: clinically important improvement"
    assert [(a.activity_id, a.first, a.last, a.important) for a in change.activities] == [
        (stairs.pk, 2, 5, True),
        (walk.pk, 3, 6, True),
    ]


def test_psfs_mean_of_several_needs_2_points(program):
    stairs, walk = activity(program, "Stairs"), activity(program, "Walk", 1)
    answer(program, FRIDAY, ratings={stairs: 4, walk: 5}, occasion=Occasion.START)
    answer(program, FRIDAY + timedelta(weeks=2), ratings={stairs: 5, walk: 7})
    change = change_of(PSFS, scores(program)[PSFS])
    # 4.5 → 6: 1.5 points is not enough for a mean.
    assert change.verdict == NO_CHANGE
    assert change.text == "PSFS 4.5 → 6: no clinically important change"


def test_psfs_one_activity_compared_needs_3_points(program):
    stairs, walk = activity(program, "Stairs"), activity(program, "Walk", 1)
    answer(program, FRIDAY, ratings={stairs: 4, walk: 5}, occasion=Occasion.START)
    answer(program, FRIDAY + timedelta(weeks=2), ratings={walk: 7})  # stairs skipped
    assert change_of(PSFS, scores(program)[PSFS]).verdict == NO_CHANGE  # 5 → 7: 2 < 3
    answer(program, FRIDAY + timedelta(weeks=4), ratings={walk: 8})
    change = change_of(PSFS, scores(program)[PSFS])
    assert (change.first, change.last, change.compared, change.verdict) == (
        Decimal(5),
        Decimal(8),
        1,
        IMPROVED,
    )


def test_psfs_with_no_activity_rated_both_times_is_not_compared(program):
    stairs, run = activity(program, "Stairs"), activity(program, "Run", 1)
    answer(program, FRIDAY, ratings={stairs: 4}, occasion=Occasion.START)
    answer(program, FRIDAY + timedelta(weeks=2), ratings={run: 9})
    change = change_of(PSFS, scores(program)[PSFS])
    assert change.verdict == NOT_COMPARED and not change.important
    assert change.text.endswith("not compared: no activity was rated both times")


# --- NPRS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "verdict"),
    [
        (6, 4, IMPROVED),  # 2 points
        (3, 2, IMPROVED),  # 1 point, but 33% of 3
        (4, 3, NO_CHANGE),  # 1 point, 25%
        (7, 6, NO_CHANGE),  # 1 point, 14%
        (10, 7, IMPROVED),  # 3 points, 30%
        (4, 6, WORSE),  # 2 points up
        (0, 1, NO_CHANGE),  # from no pain: points only
        (0, 2, WORSE),
        (5, 5, NO_CHANGE),
    ],
)
def test_nprs_change_of_2_points_or_30_percent_is_important(program, first, last, verdict):
    answer(program, FRIDAY, nprs=first, occasion=Occasion.START)
    answer(program, FRIDAY + timedelta(weeks=2), nprs=last)
    change = change_of(NPRS, scores(program)[NPRS])
    assert (change.first, change.last, change.verdict) == (first, last, verdict)


def test_nprs_change_reads_as_the_clinician_sees_it(program):
    answer(program, FRIDAY, nprs=6, occasion=Occasion.START)
    answer(program, FRIDAY + timedelta(weeks=2), nprs=5)
    answer(program, FRIDAY + timedelta(weeks=4), nprs=3)
    change = change_of(NPRS, scores(program)[NPRS])
    assert change.text == "NPRS 6 → 3: clinically important improvement"
    assert change.improvement == 3  # lower pain is better
    assert (change.first_on, change.last_on) == (FRIDAY, FRIDAY + timedelta(weeks=4))


def test_one_score_is_no_course(program):
    answer(program, FRIDAY, nprs=6, occasion=Occasion.START)
    assert change_of(NPRS, scores(program)[NPRS]) is None


# --- GROC, course and the 4-week rule -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "verdict", "words"),
    [
        (1, WORSE, "Very much worse"),
        (2, WORSE, "Much worse"),
        (3, NO_CHANGE, "A little worse"),
        (4, NO_CHANGE, "About the same"),
        (5, NO_CHANGE, "A little better"),
        (6, IMPROVED, "Much better"),
        (7, IMPROVED, "Very much better"),
    ],
)
def test_global_rating_of_change(value, verdict, words):
    assert groc_verdict(value) == verdict
    assert groc_words(value) == words


def test_course_holds_each_measure_and_the_rating_at_discharge(program):
    stairs = activity(program, "Stairs")
    answer(program, FRIDAY, nprs=7, ratings={stairs: 2}, occasion=Occasion.START)
    answer(
        program,
        FRIDAY + timedelta(weeks=6),
        nprs=2,
        ratings={stairs: 8},
        groc=7,
        occasion=Occasion.DISCHARGE,
    )
    course = course_of(program.questionnaires.prefetch_related("answers"))
    assert course.answered and course.any_important_improvement
    assert course.changes[NPRS].text == "NPRS 7 → 2: clinically important improvement"
    assert course.changes[PSFS].text == "PSFS 2 → 8: clinically important improvement"
    assert course.groc.value == 7
    assert no_improvement_since(course) is None


def test_no_improvement_after_4_weeks(program):
    stairs = activity(program, "Stairs")
    answer(program, FRIDAY, nprs=5, ratings={stairs: 4}, occasion=Occasion.START)
    answer(program, FRIDAY + timedelta(days=27), nprs=5, ratings={stairs: 5})
    rows = program.questionnaires.prefetch_related("answers")
    assert no_improvement_since(course_of(rows)) is None  # 27 days: too soon to say
    answer(program, FRIDAY + timedelta(days=28), nprs=4, ratings={stairs: 5})
    assert no_improvement_since(course_of(rows.all())) == FRIDAY


# --- the schedule -------------------------------------------------------------------------------


def test_start_is_due_on_the_first_day_and_the_next_is_upcoming():
    assert statuses(planned(), [], FRIDAY) == [
        ("start", FRIDAY, DUE),
        ("follow_up", date(2026, 3, 20), UPCOMING),
    ]


def test_start_stays_due_over_the_weekend_and_is_overdue_after_a_week():
    monday = date(2026, 3, 9)
    assert statuses(planned(), [], monday)[0] == ("start", FRIDAY, DUE)
    assert statuses(planned(), [], date(2026, 3, 13))[0] == ("start", FRIDAY, DUE)  # 7 days
    assert statuses(planned(), [], date(2026, 3, 14))[0] == ("start", FRIDAY, OVERDUE)


def test_answered_on_monday_the_start_is_done():
    monday = date(2026, 3, 9)
    rows = [answered(1, "start", FRIDAY, monday)]
    assert statuses(planned(), rows, date(2026, 3, 16)) == [
        ("start", FRIDAY, DONE),
        ("follow_up", date(2026, 3, 20), UPCOMING),
    ]
    assert open_slot(planned(), rows, date(2026, 3, 16)) is None


def test_every_two_weeks_from_a_friday():
    rows = [answered(1, "start", FRIDAY, FRIDAY)]
    assert statuses(planned(), rows, date(2026, 3, 23)) == [  # a Monday
        ("start", FRIDAY, DONE),
        ("follow_up", date(2026, 3, 20), DUE),
        ("follow_up", date(2026, 4, 3), UPCOMING),
    ]
    slot = open_slot(planned(), rows, date(2026, 3, 23))
    assert (slot.occasion, slot.due_on, slot.status) == ("follow_up", date(2026, 3, 20), DUE)


def test_a_missed_start_is_not_piled_on_when_the_follow_up_falls_due():
    assert statuses(planned(), [], date(2026, 3, 20)) == [
        ("start", FRIDAY, MISSED),
        ("follow_up", date(2026, 3, 20), DUE),
        ("follow_up", date(2026, 4, 3), UPCOMING),
    ]


def test_a_missed_follow_up_stays_missed_when_a_later_one_is_answered():
    rows = [
        answered(1, "start", FRIDAY, FRIDAY),
        answered(2, "follow_up", date(2026, 4, 3), date(2026, 4, 6)),
    ]
    assert statuses(planned(), rows, date(2026, 4, 6))[:3] == [
        ("start", FRIDAY, DONE),
        ("follow_up", date(2026, 3, 20), MISSED),
        ("follow_up", date(2026, 4, 3), DONE),
    ]


def test_one_answered_up_to_3_days_early_counts_for_the_follow_up():
    tuesday = date(2026, 3, 17)  # a questionnaire the clinician sent, 3 days before the 20th
    rows = [answered(1, "start", FRIDAY, FRIDAY), answered(2, "requested", tuesday, tuesday)]
    found = statuses(planned(), rows, date(2026, 3, 20))
    assert ("requested", tuesday, DONE) in found
    assert ("follow_up", date(2026, 3, 20), DONE) in found
    monday = date(2026, 3, 16)  # 4 days before: the follow-up is still asked
    rows = [answered(1, "start", FRIDAY, FRIDAY), answered(2, "requested", monday, monday)]
    assert ("follow_up", date(2026, 3, 20), DUE) in statuses(planned(), rows, date(2026, 3, 20))


def test_a_follow_up_overdue_after_a_week():
    rows = [answered(1, "start", FRIDAY, FRIDAY)]
    assert statuses(planned(), rows, date(2026, 3, 27))[1][2] == DUE
    assert statuses(planned(), rows, date(2026, 3, 28))[1][2] == OVERDUE


def test_no_follow_ups_when_every_is_0():
    assert statuses(planned(every=0), [], date(2026, 6, 1)) == [("start", FRIDAY, OVERDUE)]


def test_a_draft_has_no_schedule():
    assert schedule(planned(status=Program.Status.DRAFT), [], FRIDAY) == []


def test_a_program_starting_later_is_upcoming():
    assert statuses(planned(start=date(2026, 3, 13)), [], FRIDAY)[0] == (
        "start",
        date(2026, 3, 13),
        UPCOMING,
    )


def test_discharge_questionnaire_is_open_for_28_days():
    thursday = date(2026, 4, 9)
    program = planned(status=Program.Status.DISCHARGED, end=thursday)
    rows = [
        answered(1, "start", FRIDAY, FRIDAY),
        answered(2, "follow_up", date(2026, 3, 20), date(2026, 3, 20)),
    ]
    assert statuses(program, rows, thursday) == [
        ("start", FRIDAY, DONE),
        ("follow_up", date(2026, 3, 20), DONE),
        ("follow_up", date(2026, 4, 3), MISSED),  # only the discharge is asked now
        ("discharge", thursday, DUE),
    ]
    assert statuses(program, rows, date(2026, 4, 16))[-1][2] == DUE  # 7 days
    assert statuses(program, rows, date(2026, 4, 17))[-1][2] == OVERDUE
    assert statuses(program, rows, date(2026, 5, 7))[-1][2] == OVERDUE  # 28 days: still open
    assert statuses(program, rows, date(2026, 5, 8))[-1][2] == MISSED
    assert open_slot(program, rows, date(2026, 5, 8)) is None


def test_a_follow_up_answered_on_the_day_of_discharge_does_not_count_as_the_discharge():
    thursday = date(2026, 4, 9)
    program = planned(status=Program.Status.DISCHARGED, end=thursday)
    rows = [answered(1, "follow_up", date(2026, 4, 3), thursday)]
    assert statuses(program, rows, thursday)[-1] == ("discharge", thursday, DUE)


def test_a_requested_questionnaire_is_due_the_day_it_is_sent():
    wednesday = date(2026, 3, 11)
    rows = [
        answered(1, "start", FRIDAY, FRIDAY),
        Questionnaire(pk=2, occasion="requested", due_on=wednesday),
    ]
    assert statuses(planned(), rows, wednesday)[1] == ("requested", wednesday, DUE)


# --- answering ----------------------------------------------------------------------------------


def answers_for(program, today, **values):
    slot = open_slot(program, list(program.questionnaires.all()), today)
    defaults = {
        "occasion": slot.occasion,
        "due_on": slot.due_on,
        "token": uuid.uuid4(),
        "activity_ids": [item.pk for item in current_activities(program)],
        "nprs": 5,
    }
    return Answers(**(defaults | values))


def test_first_questionnaire_names_the_activities(program, patient_a):
    given = answers_for(program, FRIDAY, new_activities=[("  Climb stairs ", 3), ("Kneel", 1)])
    questionnaire = record_answers(program, given, by=patient_a.user, today=FRIDAY)
    assert (questionnaire.occasion, questionnaire.due_on, questionnaire.completed_on) == (
        "start",
        FRIDAY,
        FRIDAY,
    )
    assert [item.text for item in current_activities(program)] == ["Climb stairs", "Kneel"]
    assert sorted(questionnaire.answers.values_list("instrument", "value")) == [
        ("nprs", 5),
        ("psfs", 1),
        ("psfs", 3),
    ]
    assert PsfsActivity.objects.get(text="Kneel").added_by == patient_a.user


def test_answering_is_audited_and_marks_the_figures(program, patient_a):
    PatientFigures.objects.filter(patient=patient_a).update(dirty=False)
    given = answers_for(program, FRIDAY, new_activities=[("Stairs", 3)])
    questionnaire = record_answers(program, given, by=patient_a.user, today=FRIDAY)
    entry = AuditEntry.objects.filter(subject=AuditEntry.Subject.QUESTIONNAIRE).get()
    assert (entry.action, entry.patient_id, entry.object_id) == (
        AuditEntry.Action.CREATE,
        patient_a.pk,
        str(questionnaire.pk),
    )
    assert "Stairs" not in entry.detail
    assert PatientFigures.objects.get(patient=patient_a).dirty


def test_a_later_questionnaire_adds_one_and_skips_one(program, patient_a):
    stairs, kneel = activity(program, "Stairs"), activity(program, "Kneel", 1)
    record_answers(
        program,
        answers_for(program, FRIDAY, ratings={stairs.pk: 2, kneel.pk: 4}),
        by=patient_a.user,
        today=FRIDAY,
    )
    later = date(2026, 3, 20)
    given = answers_for(
        program, later, ratings={stairs.pk: 6, kneel.pk: None}, new_activities=[("Run", 7)]
    )
    questionnaire = record_answers(program, given, by=patient_a.user, today=later)
    assert questionnaire.occasion == "follow_up"
    rated = dict(
        questionnaire.answers.filter(instrument=PSFS).values_list("activity__text", "value")
    )
    assert rated == {"Stairs": 6, "Run": 7}
    assert [item.position for item in current_activities(program)] == [0, 1, 2]


def test_the_same_form_twice_is_recorded_once(program, patient_a):
    given = answers_for(program, FRIDAY, new_activities=[("Stairs", 3)])
    first = record_answers(program, given, by=patient_a.user, today=FRIDAY)
    again = record_answers(program, given, by=patient_a.user, today=FRIDAY)
    assert again.pk == first.pk
    assert Questionnaire.objects.count() == 1
    assert Answer.objects.count() == 2
    assert PsfsActivity.objects.count() == 1


def test_a_form_for_an_occasion_no_longer_open_is_refused(program, patient_a):
    record_answers(
        program,
        answers_for(program, FRIDAY, new_activities=[("Stairs", 3)]),
        by=patient_a.user,
        today=FRIDAY,
    )
    stale = Answers(
        occasion="start",
        due_on=FRIDAY,
        token=uuid.uuid4(),
        activity_ids=[item.pk for item in current_activities(program)],
        nprs=2,
        ratings={item.pk: 4 for item in current_activities(program)},
    )
    with pytest.raises(StaleQuestionnaire):
        record_answers(program, stale, by=patient_a.user, today=FRIDAY + timedelta(days=1))
    assert Answer.objects.count() == 2


def test_a_form_showing_other_activities_is_refused(program, patient_a):
    stairs = activity(program, "Stairs")
    given = answers_for(program, FRIDAY, ratings={stairs.pk: 4})
    activity(program, "Kneel", 1)  # the clinician added one since the page was shown
    with pytest.raises(StaleQuestionnaire):
        record_answers(program, given, by=patient_a.user, today=FRIDAY)
    forged = answers_for(program, FRIDAY, ratings={stairs.pk + 1000: 4})
    with pytest.raises(StaleQuestionnaire):
        record_answers(program, forged, by=patient_a.user, today=FRIDAY)
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    "values",
    [
        {"nprs": None, "new_activities": [("Stairs", 3)]},
        {"nprs": 11, "new_activities": [("Stairs", 3)]},
        {"new_activities": []},  # no activity at the first questionnaire
        {"new_activities": [("   ", 3)]},
        {"new_activities": [("Stairs", 11)]},
        {"new_activities": [("x" * 121, 3)]},
        {"new_activities": [(f"Activity {n}", 3) for n in range(6)]},
    ],
)
def test_nothing_is_saved_on_a_bad_answer(program, patient_a, values):
    with pytest.raises(QuestionnaireError):
        record_answers(
            program, answers_for(program, FRIDAY, **values), by=patient_a.user, today=FRIDAY
        )
    assert not Answer.objects.exists()
    assert not PsfsActivity.objects.exists()
    assert not Questionnaire.objects.filter(completed_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(subject=AuditEntry.Subject.QUESTIONNAIRE).exists()


def test_all_activities_skipped_is_refused(program, patient_a):
    stairs = activity(program, "Stairs")
    given = answers_for(program, FRIDAY, ratings={stairs.pk: None})
    with pytest.raises(QuestionnaireError):
        record_answers(program, given, by=patient_a.user, today=FRIDAY)


def test_discharge_asks_the_global_rating(program, patient_a, clinician_a):
    stairs = activity(program, "Stairs")
    record_answers(
        program,
        answers_for(program, FRIDAY, ratings={stairs.pk: 2}),
        by=patient_a.user,
        today=FRIDAY,
    )
    end = date(2026, 4, 9)
    prescribing.discharge(program, revision=None, by=clinician_a.user, on=end)
    program.refresh_from_db()
    later = end + timedelta(days=20)
    with pytest.raises(QuestionnaireError):  # the rating of change is missing
        record_answers(
            program,
            answers_for(program, later, ratings={stairs.pk: 7}),
            by=patient_a.user,
            today=later,
        )
    questionnaire = record_answers(
        program,
        answers_for(program, later, ratings={stairs.pk: 7}, groc=6),
        by=patient_a.user,
        today=later,
    )
    assert (questionnaire.occasion, questionnaire.due_on) == ("discharge", end)
    assert questionnaire.answers.get(instrument=GROC).value == 6


def test_request_now_is_due_today_and_sent_once_a_day(program, clinician_a):
    wednesday = date(2026, 3, 11)
    first = request_now(program, by=clinician_a.user, today=wednesday)
    again = request_now(program, by=clinician_a.user, today=wednesday)
    assert first.pk == again.pk
    assert (first.occasion, first.due_on, first.requested_by) == (
        "requested",
        wednesday,
        clinician_a.user,
    )
    slot = open_slot(program, list(program.questionnaires.all()), wednesday)
    assert (slot.occasion, slot.due_on) == ("requested", wednesday)


def test_request_now_refuses_a_discharged_program(program, clinician_a):
    prescribing.discharge(program, revision=None, by=clinician_a.user, on=date(2026, 4, 9))
    program.refresh_from_db()
    with pytest.raises(QuestionnaireError):
        request_now(program, by=clinician_a.user, today=date(2026, 4, 10))
