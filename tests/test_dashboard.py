from datetime import timedelta

import pytest
from django.urls import reverse

from clinic.models import Patient
from exercises.loader import load_library
from programs.charts import adherence_chart, pain_chart, pain_series, weekly_adherence
from programs.insights import caseload, recent_entries, suggest, summarize
from programs.models import AlertHandled, Program
from tests.conftest import client_for
from tests.factories import PatientFactory, active_program, logged_session


@pytest.fixture
def program(db, clinician_a, patient_a):
    load_library()
    return active_program(
        patient_a, clinician_a, slugs=["clamshell"], start=patient_a.today() - timedelta(days=20)
    )


def log(
    program,
    days_ago,
    pain=None,
    done=True,
    difficulty="about_right",
    note="",
    sets=None,
    reps=None,
    slot=1,
):
    return logged_session(
        program,
        program.patient.today() - timedelta(days=days_ago),
        done=done,
        pain=pain,
        sets=sets,
        reps=reps,
        difficulty=difficulty,
        note=note,
        slot=slot,
    )


def summary_of(patient):
    return summarize(list(caseload(Patient.objects.filter(pk=patient.pk))), patient.today())[0]


def kinds(patient):
    return {alert.kind for alert in summary_of(patient).open_alerts}


# --- alert rules at their boundaries -------------------------------------------------------


@pytest.mark.parametrize("pain,alerted", [(6, True), (5, False)])
def test_high_pain_alert_at_the_clinics_threshold(program, patient_a, pain, alerted):
    log(program, 0, pain=pain)
    assert ("high_pain" in kinds(patient_a)) is alerted


@pytest.mark.parametrize("program_threshold,alerted", [(4, True), (8, False)])
def test_a_programs_own_pain_threshold_wins(program, patient_a, program_threshold, alerted):
    program.pain_threshold = program_threshold
    program.save()
    log(program, 0, pain=6)
    assert ("high_pain" in kinds(patient_a)) is alerted


def test_high_pain_stays_alerted_after_a_calmer_session(program, patient_a):
    painful = log(program, 2, pain=8)
    log(program, 1, pain=1)
    alert = next(a for a in summary_of(patient_a).open_alerts if a.kind == "high_pain")
    assert alert.key == f"s{painful.pk}"
    assert "Pain 8/10" in alert.reason


@pytest.mark.parametrize("latest,alerted", [(5, True), (4, False)])
def test_pain_rising_against_the_two_weeks_before(program, patient_a, latest, alerted):
    log(program, 6, pain=3)  # baseline: 3 sessions on 3 days, average 3
    log(program, 5, pain=3)
    log(program, 4, pain=3)
    log(program, 0, pain=latest)
    summary = summary_of(patient_a)
    assert summary.trend is not None and summary.trend.baseline == 3
    assert summary.pain_trend == latest - 3
    assert ("pain_rising" in kinds(patient_a)) is alerted


def test_pain_rising_needs_three_earlier_sessions(program, patient_a):
    log(program, 5, pain=1)
    log(program, 4, pain=1)
    log(program, 0, pain=5)
    summary = summary_of(patient_a)
    assert summary.pain_trend is None
    assert "pain_rising" not in kinds(patient_a)


@pytest.mark.parametrize("days_ago,threshold,alerted", [(4, 4, True), (3, 4, False), (4, 6, False)])
def test_silence_alert_is_configurable(program, patient_a, days_ago, threshold, alerted):
    patient_a.clinic.silence_days = threshold
    patient_a.clinic.save()
    for n in range(days_ago, days_ago + 3):
        log(program, n)
    assert ("silent" in kinds(patient_a)) is alerted


def test_silence_counts_from_the_start_when_nothing_was_logged(program, patient_a):
    alert = next(a for a in summary_of(patient_a).alerts if a.kind == "silent")
    assert "since the program started" in alert.reason


@pytest.mark.parametrize("done_days,alerted", [(5, False), (4, True)])
def test_low_adherence_alert_under_half(db, clinician_a, patient_a, done_days, alerted):
    load_library()
    program = active_program(
        patient_a, clinician_a, slugs=["clamshell"], start=patient_a.today() - timedelta(days=9)
    )  # 10 days due
    for n in range(done_days):
        log(program, n)
    assert summary_of(patient_a).adherence_28.scheduled == 10
    assert ("low_adherence" in kinds(patient_a)) is alerted


def test_no_adherence_alert_in_a_programs_first_week(db, clinician_a, patient_a):
    load_library()
    active_program(
        patient_a, clinician_a, slugs=["clamshell"], start=patient_a.today() - timedelta(days=3)
    )
    assert "low_adherence" not in kinds(patient_a)


def test_marking_an_alert_handled_records_who_and_when(program, patient_a, clinician_a):
    session = log(program, 0, pain=8)
    client = client_for(clinician_a.user)
    client.post(
        reverse("alert_handled", args=[patient_a.pk]),
        {"kind": "high_pain", "key": f"s{session.pk}"},
    )
    handled = AlertHandled.objects.get()
    assert (handled.handled_by, handled.kind) == (clinician_a.user, "high_pain")
    assert "high_pain" not in kinds(patient_a)
    page = client.get(patient_a.get_absolute_url()).content.decode()
    assert "Handled by Carl Clinician" in page
    log(program, 0, pain=9, slot=2)  # a new painful session alerts again
    assert "high_pain" in kinds(patient_a)


def test_a_bad_alert_is_refused(program, patient_a, clinician_a):
    client_for(clinician_a.user).post(
        reverse("alert_handled", args=[patient_a.pk]), {"kind": "made_up", "key": "x"}
    )
    assert not AlertHandled.objects.exists()


# --- notes ---------------------------------------------------------------------------------


def test_mark_a_note_read_and_the_patient_sees_it(program, patient_a, clinician_a):
    session = log(program, 0, note="Knee clicks a bit")
    client = client_for(clinician_a.user)
    page = client.get(patient_a.get_absolute_url()).content.decode()
    assert "Knee clicks a bit" in page and "Mark read" in page
    client.post(reverse("note_read", args=[patient_a.pk, session.pk]))
    session.refresh_from_db()
    assert session.note_read_by == clinician_a.user and session.note_read_at
    history = client_for(patient_a.user).get(reverse("portal_history")).content.decode()
    assert "Read by your physio on" in history


def test_another_clinic_cannot_mark_a_note_read(program, patient_a, clinician_b):
    session = log(program, 0, note="Private")
    response = client_for(clinician_b.user).post(
        reverse("note_read", args=[patient_a.pk, session.pk])
    )
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.note_read_at is None


# --- suggestions ---------------------------------------------------------------------------


def suggestion(program):
    item = program.items.get()
    return suggest(item, recent_entries([item])[item.pk])


@pytest.mark.parametrize(
    "pains,expected",
    [([5, 5, 0], "regression"), ([6, 0, 9], "regression"), ([5, 4, 4], None), ([4, 4, 4], None)],
)
def test_regress_when_pain_5_or_more_in_2_of_the_last_3(program, pains, expected):
    for days_ago, pain in enumerate(pains):
        log(program, days_ago, pain=pain, difficulty="too_hard")
    result = suggestion(program)
    assert (result.kind if result else None) == expected


@pytest.mark.parametrize(
    "changes,expected",
    [
        ({}, "progression"),
        ({"pain": 2}, "progression"),
        ({"pain": 3}, None),
        ({"difficulty": "too_hard"}, None),
        ({"difficulty": "too_easy"}, "progression"),
        ({"sets": 2}, None),
        ({"reps": 5}, None),
        ({"done": False}, None),
    ],
)
def test_progress_when_the_last_3_were_done_in_full_and_easy(program, changes, expected):
    log(program, 2, pain=0)
    log(program, 1, pain=1)
    log(program, 0, **{"pain": 0, **changes})
    result = suggestion(program)
    assert (result.kind if result else None) == expected


def test_no_suggestion_from_only_two_sessions(program):
    log(program, 1, pain=0)
    log(program, 0, pain=0)
    assert suggestion(program) is None


def test_suggestion_links_to_the_one_click_swap(program, patient_a, clinician_a):
    for n in range(3):
        log(program, n, pain=0)
    page = client_for(clinician_a.user).get(patient_a.get_absolute_url()).content.decode()
    assert "Suggest making it harder" in page
    assert "Harder: Clamshell with loop band" in page
    assert reverse("program_item_swap", args=[program.pk, program.items.get().pk]) in page


# --- charts --------------------------------------------------------------------------------


def test_charts_hold_the_right_points(program, patient_a):
    log(program, 2, pain=3)
    log(program, 1, pain=7)
    log(program, 0, pain=5)
    today = patient_a.today()
    pain = pain_chart(pain_series([program]))
    first, peak = today - timedelta(days=2), today - timedelta(days=1)
    assert pain.summary == (
        f"Pain over time: overall from 3/10 on {first:%d %b} to 5/10 on {today:%d %b}; "
        f"highest 7/10 on {peak:%d %b}."
    )
    assert pain.svg.count("<circle") == 6  # three days, overall and the clamshell
    assert '<title id="chart-title-pain">Pain over time</title>' in pain.svg
    points = weekly_adherence([program], today, weeks=4)
    assert len(points) == 4
    chart = adherence_chart(points)
    assert f"{points[-1][1].percent}%" in chart.summary
    assert chart.svg.count("<rect") == sum(1 for _, r in points if r.percent is not None)


def test_chart_labels_are_escaped(db, clinician_a, patient_a):
    from programs import prescribing
    from tests.factories import ExerciseFactory

    nasty = ExerciseFactory(clinic=clinician_a.clinic, name='<script>alert("x")</script>')
    program = prescribing.create_program(
        patient_a, by=clinician_a.user, title="P", start_date=patient_a.today()
    )
    prescribing.add_item(program, nasty, revision=None, by=clinician_a.user)
    prescribing.activate(program, revision=None, by=clinician_a.user)
    log(program, 0, pain=4)
    svg = pain_chart(pain_series([program])).svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg


# --- the caseload --------------------------------------------------------------------------


def test_caseload_shows_figures_and_flags(program, patient_a, clinician_a):
    log(program, 0, pain=7, note="Sore")
    body = client_for(clinician_a.user).get(reverse("dashboard")).content.decode()
    assert "Activated, Pat" in body
    assert "7/10" in body
    assert "1 unread" in body
    assert "High pain" in body


def test_caseload_mine_or_whole_clinic_and_never_another_clinic(
    program, clinician_a, admin_a, patient_b
):
    mine = client_for(admin_a.user).get(reverse("dashboard")).content.decode()
    assert "Activated, Pat" not in mine  # Pat's primary clinician is Carl
    clinic = client_for(admin_a.user).get(reverse("dashboard"), {"scope": "clinic"}).content
    assert b"Activated, Pat" in clinic and b"Outsider" not in clinic


def test_caseload_filters_by_flag_status_and_name(program, patient_a, patient_a2, clinician_a):
    log(program, 0, pain=8)
    client = client_for(clinician_a.user)

    def names(**params):
        response = client.get(reverse("dashboard"), params)
        return [row.patient.first_name for row in response.context["rows"]]

    assert names(flag="high_pain") == ["Pat"]
    assert names(flag="silent") == []
    assert sorted(names()) == ["Nina", "Pat"]
    assert names(q="nin") == ["Nina"]
    Patient.objects.filter(pk=patient_a2.pk).update(status="discharged")
    assert names(status="discharged") == ["Nina"]


@pytest.mark.parametrize(
    "sort",
    [
        "name",
        "-name",
        "adherence28",
        "-pain",
        "last",
        "-flags",
        "notes",
        "trend",
        "programs",
        "adherence7",
    ],
)
def test_caseload_sorts_by_every_column_with_blanks_last(
    program, patient_a, patient_a2, clinician_a, sort
):
    log(program, 0, pain=4)
    response = client_for(clinician_a.user).get(reverse("dashboard"), {"sort": sort})
    rows = response.context["rows"]
    assert len(rows) == 2
    if sort == "-name":
        assert [r.patient.first_name for r in rows] == ["Nina", "Pat"]
    if sort in {"-pain", "last", "trend"}:
        assert rows[-1].patient == patient_a2  # no value: last whichever way


@pytest.mark.parametrize("count", [5, 200])
def test_caseload_query_count_is_fixed(db, clinician_a, count, django_assert_num_queries):
    load_library()
    for patient in PatientFactory.create_batch(count, primary_clinician=clinician_a):
        program = active_program(
            patient, clinician_a, slugs=["clamshell"], start=patient.today() - timedelta(days=10)
        )
        log(program, 1, pain=3, note="ok")
    client = client_for(clinician_a.user)
    client.get(reverse("dashboard"))
    # session, user, clinician, the patients and their up-to-date figures (none out of date),
    # count, the page's patients, their figures, session save (3)
    with django_assert_num_queries(12):
        response = client.get(reverse("dashboard"))
    assert response.context["page"].paginator.count == count
    # A session logged marks one patient's figures; the dashboard works out that one again:
    # out-of-date figures, claim, patients with their latest session and unread notes,
    # programs, versions, done counts, latest pain, session pains, as-needed pains, handled
    # alerts, the programs' questionnaires, write.
    log(Program.objects.filter(patient__primary_clinician=clinician_a).first(), 0, pain=2)
    with django_assert_num_queries(12 + 11):
        response = client.get(reverse("dashboard"))
    assert response.context["page"].paginator.count == count


def test_draft_programs_do_not_count_on_the_dashboard(db, clinician_a, patient_a):
    from programs import prescribing

    prescribing.create_program(patient_a, by=clinician_a.user, title="Draft")
    summary = summary_of(patient_a)
    assert summary.programs == [] and summary.alerts == []
    assert Program.objects.count() == 1
