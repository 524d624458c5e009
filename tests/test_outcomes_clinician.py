"""The clinician's side of the outcome measures: who reaches the two actions, sending a
questionnaire now, the PSFS activities, the patient record's Outcomes section, the caseload
sorted and filtered by outcome change, the "no improvement" alert, and erasure."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.models import AuditAction, AuditEntry, AuditSubject
from programs import prescribing
from programs.erasure import ERASED_TEXT, erase_patient
from programs.figures import mark_changed
from programs.insights import caseload, summarize
from programs.models import (
    AlertHandled,
    AlertKind,
    Answer,
    Occasion,
    PatientFigures,
    Program,
    PsfsActivity,
    Questionnaire,
)
from programs.outcome_views import activities_state
from programs.outcomes import schedule
from tests.conftest import client_for
from tests.factories import PatientFactory, logged_session
from tests.factories import answered_questionnaire as answered
from tests.factories import psfs_activity as activity
from tests.factories import started_program as started

WEEK = timedelta(weeks=1)


@pytest.fixture
def program(db, clinician_a, patient_a):
    return started(patient_a, clinician_a, days_ago=42)


@pytest.fixture
def improving(program):
    """Six weeks of care: pain 6 → 3, PSFS (two activities) 3.0 → 7.0, stairs +5."""
    start = program.start_date
    stairs, walk = activity(program, "Climbing stairs"), activity(program, "Walking the dog", 1)
    answered(program, start, 6, {stairs: 2, walk: 4}, occasion=Occasion.START)
    answered(program, start + 2 * WEEK, 5, {stairs: 4, walk: 5})
    answered(program, start + 4 * WEEK, 3, {stairs: 7, walk: 7})
    return program


def summary_of(patient):
    return summarize(list(caseload(type(patient).objects.filter(pk=patient.pk))), patient.today())[
        0
    ]


def entries(action, subject=AuditSubject.QUESTIONNAIRE):
    return AuditEntry.objects.filter(action=action, subject=subject)


# --- who may reach the actions --------------------------------------------------------------


@pytest.mark.parametrize("name", ["questionnaire_send", "psfs_activities"])
def test_only_the_patients_clinic_reaches_the_outcome_actions(
    name, program, clinician_b, patient_a, operator
):
    url = reverse(name, args=[program.pk])
    assert client_for(None).post(url).status_code == 302  # to sign in
    for outsider in (clinician_b.user, patient_a.user, operator):
        assert client_for(outsider).post(url).status_code == 404
        assert client_for(outsider).get(url).status_code in (404, 405)
    assert not Questionnaire.objects.exists() and not PsfsActivity.objects.exists()


def test_a_template_has_no_outcome_actions(db, clinician_a):
    template = prescribing.create_template(
        clinician_a, scope=Program.Scope.CLINIC, by=clinician_a.user, title="Knee template"
    )
    client = client_for(clinician_a.user)
    assert client.post(reverse("questionnaire_send", args=[template.pk])).status_code == 404
    assert client.get(reverse("psfs_activities", args=[template.pk])).status_code == 404


def test_sending_is_a_post(program, clinician_a):
    response = client_for(clinician_a.user).get(reverse("questionnaire_send", args=[program.pk]))
    assert response.status_code == 405


# --- send one now -------------------------------------------------------------------------------


def test_sending_a_questionnaire_now_opens_one_due_today(program, clinician_a, patient_a):
    client = client_for(clinician_a.user)
    response = client.post(reverse("questionnaire_send", args=[program.pk]), follow=True)
    assert response.redirect_chain[-1][0] == patient_a.get_absolute_url()
    assert "Questionnaire sent: Pat will see it on their Today page" in response.content.decode()
    sent = Questionnaire.objects.get(program=program)
    assert (sent.occasion, sent.due_on, sent.requested_by) == (
        Occasion.REQUESTED,
        patient_a.today(),
        clinician_a.user,
    )
    assert sent.completed_at is None
    assert sorted(
        entries(AuditAction.SEND).values_list("patient", "object_id", "user", "detail")
    ) == [
        (patient_a.pk, str(sent.pk), clinician_a.user.pk, "reminder emailed"),
        (patient_a.pk, str(sent.pk), clinician_a.user.pk, "sent now"),
    ]
    assert "an email tells them it is waiting" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["pat@example.com"]]
    sent.refresh_from_db()
    assert sent.reminded_at is not None  # the daily job will not email it again
    # Twice on one day is the same questionnaire, and no second email.
    client.post(reverse("questionnaire_send", args=[program.pk]))
    assert Questionnaire.objects.filter(program=program).count() == 1
    assert len(mail.outbox) == 1


def test_a_patient_without_an_account_is_sent_one_without_email(db, clinician_a, patient_a2):
    program = started(patient_a2, clinician_a)
    response = client_for(clinician_a.user).post(
        reverse("questionnaire_send", args=[program.pk]), follow=True
    )
    assert "Questionnaire sent: Nina will see it on their Today page." in response.content.decode()
    assert Questionnaire.objects.filter(program=program).exists()
    assert mail.outbox == []


def test_a_discharged_programs_patient_is_not_sent_one(program, clinician_a, patient_a):
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    response = client_for(clinician_a.user).post(
        reverse("questionnaire_send", args=[program.pk]), follow=True
    )
    assert "Only an active program" in response.content.decode()
    assert not Questionnaire.objects.exists()
    assert not entries(AuditAction.SEND).exists()


# --- the PSFS activities ----------------------------------------------------------------------


def activities_form(program, **fields):
    return {"state": activities_state(program.activities.all()), **fields}


def test_the_clinician_pre_fills_activities_before_the_first_questionnaire(program, clinician_a):
    client = client_for(clinician_a.user)
    url = reverse("psfs_activities", args=[program.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "New activity 1 (optional)" in page.content.decode()
    response = client.post(
        url, activities_form(program, **{"new-0": "Climbing stairs", "new-1": "Kneeling"})
    )
    assert response.status_code == 302
    assert list(program.activities.values_list("text", "position")) == [
        ("Climbing stairs", 0),
        ("Kneeling", 1),
    ]
    change = entries(AuditAction.CHANGE).get()
    assert change.detail == "PSFS activities: 2 added"  # never the patient's words
    assert entries(AuditAction.VIEW).count() == 1


def test_rewording_retiring_and_removing(program, clinician_a):
    rated, unrated = activity(program, "Stairs"), activity(program, "Kneling", 1)
    answered(program, program.start_date, 5, {rated: 3}, occasion=Occasion.START)
    client = client_for(clinician_a.user)
    url = reverse("psfs_activities", args=[program.pk])
    client.post(
        url,
        activities_form(
            program,
            **{f"text-{rated.pk}": "Stairs", f"text-{unrated.pk}": "Kneeling"},
        ),
    )
    unrated.refresh_from_db()
    assert unrated.text == "Kneeling"
    client.post(
        url,
        activities_form(
            program,
            **{
                f"text-{rated.pk}": "Stairs",
                f"retire-{rated.pk}": "on",
                f"text-{unrated.pk}": "Kneeling",
                f"retire-{unrated.pk}": "on",
                "new-0": "Running for the bus",
            },
        ),
    )
    rated.refresh_from_db()
    assert rated.retired_at is not None  # kept with its rating
    assert Answer.objects.filter(activity=rated, value=3).exists()
    assert not PsfsActivity.objects.filter(pk=unrated.pk).exists()  # never rated: removed
    assert [a.text for a in program.activities.filter(retired_at__isnull=True)] == [
        "Running for the bus"
    ]
    page = client.get(url).content.decode()
    assert "Stairs <span" in page and "(retired " in page  # listed, not editable
    assert list(entries(AuditAction.CHANGE).order_by("pk").values_list("detail", flat=True)) == [
        "PSFS activities: 1 reworded",
        "PSFS activities: 1 added, 1 retired, 1 removed",
    ]


def test_a_stale_activities_form_is_refused(program, clinician_a):
    activity(program, "Stairs")
    client = client_for(clinician_a.user)
    url = reverse("psfs_activities", args=[program.pk])
    form = activities_form(program, **{"new-0": "Gardening"})
    activity(program, "Kneeling", 1)  # the patient named one meanwhile
    response = client.post(url, form, follow=True)
    assert "The activities changed since you opened this page" in response.content.decode()
    assert response.redirect_chain[-1][0] == url
    assert sorted(program.activities.values_list("text", flat=True)) == ["Kneeling", "Stairs"]
    assert not entries(AuditAction.CHANGE).exists()


def test_no_more_than_five_current_activities(program, clinician_a):
    for n in range(4):
        activity(program, f"Activity {n}", n)
    form = activities_form(program, **{"new-0": "Fifth"})
    form |= {f"text-{a.pk}": a.text for a in program.activities.all()}
    client = client_for(clinician_a.user)
    url = reverse("psfs_activities", args=[program.pk])
    assert client.post(url, form).status_code == 302
    form = activities_form(program, **{"new-0": "Sixth"})
    form |= {f"text-{a.pk}": a.text for a in program.activities.all()}
    response = client.post(url, form)
    assert response.status_code == 200
    assert "A program has up to 5 activities" in response.content.decode()
    assert program.activities.count() == 5


def test_a_discharged_programs_activities_stay_as_they_were(program, clinician_a):
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    url = reverse("psfs_activities", args=[program.pk])
    assert client_for(clinician_a.user).get(url).status_code == 404


# --- the patient record --------------------------------------------------------------------------


def test_the_record_shows_each_measure_with_its_important_change_marked(
    improving, clinician_a, patient_a
):
    page = client_for(clinician_a.user).get(patient_a.get_absolute_url()).content.decode()
    assert "NPRS 6 → 3: clinically important improvement" in page
    assert "PSFS 3 → 7: clinically important improvement" in page
    assert page.count('class="chart"') >= 4  # adherence, pain, NPRS, PSFS
    assert 'aria-labelledby="chart-title-nprs-' in page
    assert "Climbing stairs" in page and "important improvement" in page  # stairs 2 → 7
    assert "Send a questionnaire now" in page
    assert "the questionnaire shows on their" in page
    read = entries(AuditAction.VIEW).get()
    assert (read.patient_id, read.object_id) == (patient_a.pk, str(improving.pk))


def test_the_record_before_any_answer_says_so_and_records_no_read(program, clinician_a, patient_a):
    page = client_for(clinician_a.user).get(patient_a.get_absolute_url()).content.decode()
    assert "No questionnaire answered yet." in page
    assert "Start of care" in page
    assert not entries(AuditAction.VIEW).exists()


def test_one_activity_alone_needs_three_points(program, clinician_a, patient_a):
    knee = activity(program, "Kneeling")
    answered(program, program.start_date, 5, {knee: 4}, occasion=Occasion.START)
    answered(program, program.start_date + 2 * WEEK, 5, {knee: 6})
    page = client_for(clinician_a.user).get(patient_a.get_absolute_url()).content.decode()
    assert "PSFS 4 → 6: no clinically important change" in page
    assert "NPRS 5 → 5: no clinically important change" in page


def test_the_discharge_groc_is_shown(improving, clinician_a, patient_a):
    prescribing.discharge(improving, revision=None, by=clinician_a.user)
    improving.refresh_from_db()
    answered(improving, improving.end_date, 2, occasion=Occasion.DISCHARGE, groc=6)
    page = client_for(clinician_a.user).get(patient_a.get_absolute_url()).content.decode()
    assert "Global rating of change at discharge:" in page
    assert "Much better (clinically important improvement)" in page
    assert "Send a questionnaire now" not in page


# --- the caseload ---------------------------------------------------------------------------


@pytest.fixture
def three_patients(improving, clinician_a, patient_a):
    """Pat improved; Nina has not (pain 5 → 5 over four weeks); Ola has no questionnaire."""
    nina = PatientFactory(primary_clinician=clinician_a, first_name="Nina", last_name="Flat")
    flat = started(nina, clinician_a, days_ago=30)
    answered(flat, flat.start_date, 5, occasion=Occasion.START)
    answered(flat, flat.start_date + 4 * WEEK, 5)
    ola = PatientFactory(primary_clinician=clinician_a, first_name="Ola", last_name="Unmeasured")
    started(ola, clinician_a, days_ago=3)
    return patient_a, nina, ola


def caseload_names(clinician, **params):
    response = client_for(clinician.user).get(reverse("dashboard"), params)
    assert response.status_code == 200
    return [row.patient.first_name for row in response.context["rows"]]


def test_the_caseload_sorts_by_outcome_change_with_blanks_last(three_patients, clinician_a):
    assert caseload_names(clinician_a, sort="outcome") == ["Nina", "Pat", "Ola"]
    assert caseload_names(clinician_a, sort="-outcome") == ["Pat", "Nina", "Ola"]
    figures = PatientFigures.objects.get(patient=three_patients[0])
    assert (figures.outcome_change, figures.outcome_status) == (4.0, "improved")  # PSFS +4


def test_the_caseload_filters_by_outcome(three_patients, clinician_a):
    assert caseload_names(clinician_a, outcome="not_improved") == ["Nina"]
    assert caseload_names(clinician_a, outcome="improved") == ["Pat"]
    assert caseload_names(clinician_a, outcome="none") == ["Ola"]
    page = client_for(clinician_a.user).get(reverse("dashboard")).content.decode()
    assert "No important improvement" in page and "Important improvement" in page


# --- the alert ------------------------------------------------------------------------------


def test_no_improvement_alerts_is_handled_and_alerts_again_on_a_newer_questionnaire(
    program, clinician_a, patient_a
):
    start = program.start_date
    answered(program, start, 5, occasion=Occasion.START)
    answered(program, start + 2 * WEEK, 5)
    assert AlertKind.NO_IMPROVEMENT not in {a.kind for a in summary_of(patient_a).alerts}
    latest = answered(program, start + 4 * WEEK, 4)  # 4 weeks, 1 point better: not important
    alert = next(a for a in summary_of(patient_a).alerts if a.kind == AlertKind.NO_IMPROVEMENT)
    assert alert.key == f"q{latest.pk}"
    assert alert.reason.startswith("No clinically important improvement in pain or function")

    client = client_for(clinician_a.user)
    client.post(
        reverse("alert_handled", args=[patient_a.pk]),
        {"kind": alert.kind, "key": alert.key},
    )
    assert AlertHandled.objects.filter(kind=AlertKind.NO_IMPROVEMENT).count() == 1
    assert not [a for a in summary_of(patient_a).open_alerts if a.kind == alert.kind]
    row = client.get(reverse("dashboard")).context["rows"][0]
    assert AlertKind.NO_IMPROVEMENT not in {a.kind for a in row.open_alerts}

    answered(program, start + 6 * WEEK - timedelta(days=1), 4)
    again = [a for a in summary_of(patient_a).open_alerts if a.kind == AlertKind.NO_IMPROVEMENT]
    assert len(again) == 1 and again[0].key != alert.key
    mark_changed([patient_a.pk])  # as the portal does when a questionnaire is answered
    row = client.get(reverse("dashboard"), {"flag": "no_improvement"}).context["rows"]
    assert [r.patient for r in row] == [patient_a]


def test_an_important_improvement_raises_no_alert(improving, patient_a):
    assert AlertKind.NO_IMPROVEMENT not in {a.kind for a in summary_of(patient_a).alerts}


# --- erasure ------------------------------------------------------------------------------


def test_erasure_keeps_the_scores_and_drops_the_activities_words(improving, clinician_a, patient_a):
    prescribing.discharge(improving, revision=None, by=clinician_a.user)
    patient_a.refresh_from_db()
    scores = sorted(Answer.objects.values_list("instrument", "value"))
    erase_patient(patient_a, confirmed_name="Pat Activated")
    assert sorted(Answer.objects.values_list("instrument", "value")) == scores
    assert Questionnaire.objects.filter(program=improving).count() == 3
    assert set(PsfsActivity.objects.values_list("text", flat=True)) == {ERASED_TEXT}
    page = client_for(clinician_a.user).get(patient_a.get_absolute_url()).content.decode()
    assert "Climbing stairs" not in page
    assert "PSFS 3 → 7: clinically important improvement" in page


# --- queries --------------------------------------------------------------------------------


def history(program, questionnaires):
    """`questionnaires` answered every two weeks, three activities rated each time."""
    named = [activity(program, f"Activity {n}", n) for n in range(3)]
    for n in range(questionnaires):
        answered(
            program,
            program.start_date + 2 * n * WEEK,
            max(0, 7 - n),
            {a: min(10, 2 + n) for a in named},
            occasion=Occasion.START if n == 0 else Occasion.FOLLOW_UP,
        )


@pytest.mark.parametrize("questionnaires", [1, 8])
def test_the_patient_record_costs_the_same_queries_however_many_questionnaires(
    db, clinician_a, patient_a, questionnaires
):
    program = started(patient_a, clinician_a, days_ago=7 * 2 * questionnaires)
    history(program, questionnaires)
    logged_session(program, patient_a.today() - timedelta(days=1), pain=3, note="Fine")
    finished = started(patient_a, clinician_a, days_ago=60, title="Earlier program")
    history(finished, questionnaires)
    prescribing.discharge(finished, revision=None, by=clinician_a.user)
    client = client_for(clinician_a.user)
    url = patient_a.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # The same as with no questionnaire (see tests/test_query_counts.py), plus: the summary's
    # answered questionnaires and their answers; the programs' questionnaires, answers and
    # activities; and one audit entry per program whose answers are shown (two here).
    # 37 before as-needed exercises: their items, weekly uses and high pains
    assert len(captured) == 40


# --- how often the program asks ------------------------------------------------------------


def settings_post(program, **changes):
    data = {
        "revision": program.revision,
        "program-title": program.title,
        "program-start_date": program.start_date.isoformat(),
        "program-end_date": "",
        "program-times_per_day": program.times_per_day,
        "program-days_per_week": program.days_per_week,
        "program-note": program.note,
        "program-stop_if": program.stop_if,
        "program-pain_threshold": "",
    }
    data.update({f"program-{name}": value for name, value in changes.items()})
    return data


def test_the_clinician_sets_how_often_the_program_asks(program, clinician_a):
    client = client_for(clinician_a.user)
    url = reverse("program_settings", args=[program.pk])
    client.post(url, settings_post(program, outcome_every_weeks=4))
    program.refresh_from_db()
    assert program.outcome_every_weeks == 4
    follow_ups = [
        slot.due_on
        for slot in schedule(program, [], program.start_date + timedelta(weeks=9))
        if slot.occasion == Occasion.FOLLOW_UP
    ]
    assert follow_ups == [program.start_date + timedelta(weeks=weeks) for weeks in (4, 8, 12)]
    # a form without the field (an older page) keeps the schedule
    client.post(url, settings_post(program))
    program.refresh_from_db()
    assert program.outcome_every_weeks == 4
    # more than 12 weeks is refused with a message, and nothing changes
    response = client.post(url, settings_post(program, outcome_every_weeks=13))
    assert "less than or equal to 12" in response.content.decode()
    program.refresh_from_db()
    assert program.outcome_every_weeks == 4


def test_a_discharge_answer_after_the_summary_asks_for_a_new_summary(
    program, clinician_a, patient_a
):
    import io

    from pypdf import PdfReader

    client = client_for(clinician_a.user)
    client.post(reverse("program_discharge", args=[program.pk]), {"revision": program.revision})
    program.refresh_from_db()
    assert program.status == Program.Status.DISCHARGED and program.discharge_summary
    notice = "answered the discharge questionnaire after the discharge summary was made"
    assert notice not in client.get(patient_a.get_absolute_url()).content.decode()

    answered(program, program.end_date, 3, occasion=Occasion.DISCHARGE, groc=6)
    assert notice in client.get(patient_a.get_absolute_url()).content.decode()

    client.post(reverse("program_regenerate_summary", args=[program.pk]))
    assert notice not in client.get(patient_a.get_absolute_url()).content.decode()
    pdf = client.get(reverse("program_discharge_summary", args=[program.pk]))
    reader = PdfReader(
        io.BytesIO(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
    )
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Much better" in text
