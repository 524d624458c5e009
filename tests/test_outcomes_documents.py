"""Outcome measures in the patient's documents: the discharge summary prints each measure's
course (first score, latest, change, clinically important or not) and the GROC, in the
patient's language; the export holds every questionnaire and answer; an erased patient's
documents keep the scores without the words of their activities."""

import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import override
from pypdf import PdfReader

from programs import handouts, prescribing
from programs.erasure import ERASED_TEXT, erase_patient
from programs.export import patient_record, record_json, record_pdf
from programs.models import Occasion, PsfsActivity, Questionnaire
from tests.conftest import client_for
from tests.factories import answered_questionnaire as answered
from tests.factories import psfs_activity as activity
from tests.factories import started_program as started

PORTAL = "https://physio.example.org/accounts/login/"
WEEK = timedelta(weeks=1)


def read(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def course(db, clinician_a, patient_a):
    """Six weeks of care, then discharge. Worked by hand:
    NPRS 6 → 2: −4, clinically important improvement (2 points or 30% needed).
    PSFS: stairs 2 → 8 and the dog walk 4 → 6 were rated the first time and the last; kneeling
    was added at week 4 (3 → 6). Compared over the two rated both times: mean 3 → 7, +4,
    clinically important improvement. Stairs +6 and kneeling +3 are important for one activity
    (3 points), the walk +2 is not. GROC at discharge: 6, "Much better"."""
    program = started(patient_a, clinician_a, days_ago=42)
    start = program.start_date
    stairs = activity(program, "Climbing stairs")
    walk = activity(program, "Walking the dog", 1)
    answered(program, start, 6, {stairs: 2, walk: 4}, occasion=Occasion.START)
    answered(program, start + 2 * WEEK, 5, {stairs: 4, walk: 5})
    kneel = activity(program, "Kneeling to garden", 2)
    answered(program, start + 4 * WEEK, 3, {stairs: 7, walk: 6, kneel: 3})
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    program.refresh_from_db()
    answered(
        program,
        program.end_date,
        2,
        {stairs: 8, walk: 6, kneel: 6},
        occasion=Occasion.DISCHARGE,
        groc=6,
    )
    return program


def long_day(day, language="en") -> str:
    with override(language):
        return date_format(day, "j F Y" if language == "en" else r"j \d\e F \d\e Y")


# --- the discharge summary ------------------------------------------------------------------


def test_the_summary_shows_each_measures_course_and_marks_the_important_change(course):
    text = read(handouts.discharge_summary(course, PORTAL).pdf)
    start, end = course.start_date, course.end_date
    assert "Outcome measures" in text
    assert (
        f"Pain (NPRS) 0 = No pain, 10 = Worst pain you can imagine 6 {long_day(start)} "
        f"2 {long_day(end)} −4: clinically important improvement"
    ) in text
    assert (
        "Activities (PSFS, the mean of their ratings) 0 = Unable to do it, 10 = Able to do it as "
        f"before 3 {long_day(start)} 7 {long_day(end)} +4: clinically important improvement "
        "Compared over the 2 activities rated both times."
    ) in text
    assert (
        "How you rated the change since your care began: Much better (clinically important "
        "improvement)."
    ) in text
    assert (
        f"Climbing stairs 2 {long_day(start)} 8 {long_day(end)} "
        "+6: clinically important improvement"
    ) in text
    assert f"Walking the dog 4 {long_day(start)} 6 {long_day(end)} +2 " in text
    kneeling_added = start + 4 * WEEK
    assert (
        f"Kneeling to garden 3 {long_day(kneeling_added)} 6 {long_day(end)} "
        "+3: clinically important improvement"
    ) in text


def test_a_small_change_is_said_to_be_not_clinically_important(db, clinician_a, patient_a):
    # NPRS 5 → 4: one point and 20%, under both 2 points and 30%.
    program = started(patient_a, clinician_a, days_ago=14)
    answered(program, program.start_date, 5, occasion=Occasion.START)
    answered(program, program.start_date + 2 * WEEK, 4)
    text = read(handouts.discharge_summary(program, PORTAL).pdf)
    assert "−1: no clinically important change" in text
    assert "clinically important improvement" not in text
    assert "Activities (PSFS" not in text  # no activity was rated


def test_one_questionnaire_shows_its_score_and_no_change(db, clinician_a, patient_a):
    program = started(patient_a, clinician_a, days_ago=3)
    answered(program, program.start_date, 7, occasion=Occasion.START)
    text = read(handouts.discharge_summary(program, PORTAL).pdf)
    assert f"7 {long_day(program.start_date)} — Answered once, so there is no change" in text


def test_a_summary_without_answers_says_so(db, clinician_a, patient_a):
    program = started(patient_a, clinician_a, days_ago=3)
    Questionnaire.objects.create(
        program=program, occasion=Occasion.START, due_on=program.start_date
    )
    text = read(handouts.discharge_summary(program, PORTAL).pdf)
    assert "Outcome measures No outcome questionnaires were answered." in text


def test_a_spanish_speaking_patients_summary_gives_the_course_in_spanish(course, patient_a):
    patient_a.preferred_language = "es"
    patient_a.save(update_fields=["preferred_language"])
    course.refresh_from_db()
    text = read(handouts.discharge_summary(course, PORTAL).pdf)
    start, end = course.start_date, course.end_date
    assert "Medidas de su evolución" in text
    assert (
        f"Dolor (NPRS) 0 = Sin dolor, 10 = El peor dolor que pueda imaginar 6 "
        f"{long_day(start, 'es')} 2 {long_day(end, 'es')} −4: mejoría clínicamente importante"
    ) in text
    assert "Se compararon las 2 actividades calificadas las dos veces." in text
    assert "Mucho mejor (mejoría clínicamente importante)" in text
    assert "Climbing stairs" in text  # the patient's own words, as they wrote them
    assert "clinically important" not in text and "Outcome measures" not in text


def test_a_regenerated_summary_of_an_erased_patient_keeps_scores_not_activity_words(
    course, clinician_a, patient_a
):
    erase_patient(patient_a, confirmed_name=patient_a.full_name)
    course.refresh_from_db()
    text = read(handouts.discharge_summary(course, PORTAL).pdf)
    assert "−4: clinically important improvement" in text
    assert "+4: clinically important improvement" in text
    assert "Climbing stairs" not in text and "Walking the dog" not in text
    assert f"{ERASED_TEXT} 2 {long_day(course.start_date)} 8" in text


# --- the patient's export -------------------------------------------------------------------


def test_the_json_export_holds_every_questionnaire_answer_and_activity(course, admin_a, patient_a):
    response = client_for(admin_a.user).get(reverse("patient_export_json", args=[patient_a.pk]))
    [program] = json.loads(response.content)["programs"]
    questionnaires = program["questionnaires"]
    assert [(q["occasion"], q["due_on"]) for q in questionnaires] == [
        ("start", str(course.start_date)),
        ("follow_up", str(course.start_date + 2 * WEEK)),
        ("follow_up", str(course.start_date + 4 * WEEK)),
        ("discharge", str(course.end_date)),
    ]
    assert all(q["answered_at"] for q in questionnaires)
    ids = dict(PsfsActivity.objects.values_list("text", "pk"))
    assert questionnaires[-1]["answers"] == [
        {"instrument": "nprs", "activity_id": None, "activity": None, "value": 2},
        *(
            {"instrument": "psfs", "activity_id": ids[words], "activity": words, "value": value}
            for words, value in [
                ("Climbing stairs", 8),
                ("Walking the dog", 6),
                ("Kneeling to garden", 6),
            ]
        ),
        {"instrument": "groc", "activity_id": None, "activity": None, "value": 6},
    ]
    assert [(a["words"], a["retired_at"]) for a in program["psfs_activities"]] == [
        ("Climbing stairs", None),
        ("Walking the dog", None),
        ("Kneeling to garden", None),
    ]


def test_an_unanswered_questionnaire_is_exported_too(db, clinician_a, patient_a):
    program = started(patient_a, clinician_a, days_ago=0)
    Questionnaire.objects.create(
        program=program,
        occasion=Occasion.REQUESTED,
        due_on=program.start_date,
        requested_by=clinician_a.user,
    )
    [questionnaire] = patient_record(patient_a)["programs"][0]["questionnaires"]
    assert questionnaire["occasion"] == "requested"
    assert questionnaire["answered_at"] is None and questionnaire["answers"] == []
    assert questionnaire["sent_by"] == str(clinician_a.user)


def test_the_pdf_export_lists_the_questionnaires_and_their_answers(course, admin_a, patient_a):
    response = client_for(admin_a.user).get(reverse("patient_export_pdf", args=[patient_a.pk]))
    assert response.status_code == 200
    text = read(response.content)
    assert "Outcome questionnaires" in text
    assert "Start of care" in text and "End of care" in text
    assert "Pain on average over the last week: 6/10" in text
    assert "Climbing stairs: 8/10" in text and "Kneeling to garden: 3/10" in text
    assert "Change since your care began: Much better" in text
    assert "Activities you rated" in text


def test_a_spanish_speaking_patients_pdf_export_lists_the_answers_in_spanish(
    course, admin_a, patient_a
):
    patient_a.preferred_language = "es"
    patient_a.save(update_fields=["preferred_language"])
    response = client_for(admin_a.user).get(reverse("patient_export_pdf", args=[patient_a.pk]))
    text = read(response.content)
    assert "Dolor promedio en la última semana: 6/10" in text
    assert "Cambio desde el inicio de su tratamiento: Mucho mejor" in text
    assert "Climbing stairs: 8/10" in text


def test_an_erased_patients_record_keeps_the_scores_without_the_activity_words(course, patient_a):
    erase_patient(patient_a, confirmed_name=patient_a.full_name)
    data = patient_record(patient_a)
    [program] = data["programs"]
    last = program["questionnaires"][-1]["answers"]
    assert [answer["value"] for answer in last] == [2, 8, 6, 6, 6]
    assert {answer["activity"] for answer in last if answer["instrument"] == "psfs"} == {
        ERASED_TEXT
    }
    assert {a["words"] for a in program["psfs_activities"]} == {ERASED_TEXT}
    assert "Climbing stairs" not in record_json(data)
    text = read(record_pdf(patient_a, data))
    assert f"{ERASED_TEXT}: 8/10" in text and "Climbing stairs" not in text


@pytest.mark.parametrize("questionnaires", [1, 12])
def test_the_record_costs_the_same_queries_however_many_questionnaires(
    db, clinician_a, patient_a, questionnaires, django_assert_num_queries
):
    program = started(patient_a, clinician_a, days_ago=7 * questionnaires)
    stairs = activity(program, "Climbing stairs")
    for week in range(questionnaires):
        answered(program, program.start_date + week * WEEK, 5, {stairs: 4})
    # the 10 of a record without outcomes, and the answers, questionnaires and activities
    with django_assert_num_queries(18):  # carers, messages, as-needed uses and RTM
        data = patient_record(patient_a)
    assert len(data["programs"][0]["questionnaires"]) == questionnaires
