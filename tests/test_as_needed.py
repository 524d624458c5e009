"""Exercises done "as needed": prescribing them, their wording, logging a use from Today, and
that they stay outside adherence while being counted, charted, printed and exported."""

import io
import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from clinic.models import AuditEntry, AuditSubject
from exercises.dose import Dose, Frequency, describe_prescription
from exercises.loader import load_library
from exercises.models import Exercise
from programs import handouts, prescribing
from programs.adherence import adherence, courses
from programs.as_needed import patient_uses, weekly_uses
from programs.charts import weekly_adherence
from programs.forms import ItemForm
from programs.models import AsNeededLog
from programs.sessions import items_due
from tests.conftest import client_for
from tests.factories import active_program, logged_session

STRETCH = "supine-hamstring-stretch"
STRETCH_NAME = "Hamstring stretch with a towel or strap"
PORTAL = "https://physio.example.org/accounts/login/"


@pytest.fixture
def library(db):
    load_library()


@pytest.fixture
def program(library, clinician_a, patient_a):
    """Two weeks in: a clamshell on the schedule and a hamstring stretch, up to 3 times a day
    when needed."""
    program = active_program(
        patient_a,
        clinician_a,
        slugs=("clamshell", STRETCH),
        start=patient_a.today() - timedelta(days=14),
    )
    make_as_needed(stretch_of(program), 3, clinician_a)
    program.refresh_from_db()
    return program


def stretch_of(program):
    return program.items.get(exercise__slug=STRETCH)


def make_as_needed(item, most, clinician):
    prescribing.update_item(
        item, {"as_needed": True, "max_per_day": most}, revision=None, by=clinician.user
    )
    item.refresh_from_db()
    return item


def use_url(program, item):
    return reverse("portal_as_needed", args=[program.pk, item.pk])


def log_it(client, program, item, pain="", token=None):
    return client.post(use_url(program, item), {"token": str(token or uuid.uuid4()), "pain": pain})


def item_form(item, **changes):
    data = {
        "sets": item.sets,
        "reps_min": item.reps_min,
        "reps_max": item.reps_max or "",
        "hold_min": item.hold_min,
        "hold_max": "",
        "side": item.side,
        "rest_seconds": item.rest_seconds,
        "band": "",
        "load_kg": "",
        "note": "",
        "times_per_day": 1,
        "days_per_week": 7,
    }
    data.update(changes)
    return ItemForm(data, instance=item)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- prescribing -------------------------------------------------------------------------------


def test_item_form_takes_as_needed_with_up_to_times_a_day(program):
    form = item_form(stretch_of(program), as_needed="on", max_per_day="4")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["as_needed"] is True
    assert form.cleaned_data["max_per_day"] == 4


def test_item_form_refuses_a_most_a_day_for_a_scheduled_exercise(program):
    form = item_form(stretch_of(program), max_per_day="3")
    assert not form.is_valid()
    assert "tick “As needed”" in form.errors["max_per_day"][0]


@pytest.mark.parametrize("most", ["0", "13", "two"])
def test_item_form_refuses_a_most_a_day_outside_1_to_12(program, most):
    form = item_form(stretch_of(program), as_needed="on", max_per_day=most)
    assert not form.is_valid()
    assert "max_per_day" in form.errors


def test_clinician_makes_an_item_as_needed_in_the_builder(library, clinician_a, patient_a):
    program = active_program(patient_a, clinician_a, slugs=("clamshell", STRETCH))
    item = stretch_of(program)
    data = {f"item-{item.pk}-{name}": value for name, value in item_form(item).data.items()}
    data |= {
        "revision": program.revision,
        f"item-{item.pk}-as_needed": "on",
        f"item-{item.pk}-max_per_day": "3",
    }
    response = client_for(clinician_a.user).post(
        reverse("program_item_update", args=[program.pk, item.pk]), data
    )
    assert response.status_code in (200, 302)
    item.refresh_from_db()
    assert (item.as_needed, item.max_per_day) == (True, 3)
    version = program.versions.order_by("-number").first()
    assert f"{STRETCH_NAME}: now as needed, up to 3 times a day" in version.changes
    assert version.snapshot["items"][1]["as_needed"] is True


def test_builder_refuses_a_most_a_day_without_as_needed_and_saves_nothing(program, clinician_a):
    item = program.items.get(exercise__slug="clamshell")
    data = {f"item-{item.pk}-{name}": value for name, value in item_form(item).data.items()}
    data |= {"revision": program.revision, f"item-{item.pk}-max_per_day": "2"}
    revision = program.revision
    response = client_for(clinician_a.user).post(
        reverse("program_item_update", args=[program.pk, item.pk]), data
    )
    assert "tick “As needed”" in response.content.decode()
    item.refresh_from_db()
    program.refresh_from_db()
    assert (item.as_needed, item.max_per_day, program.revision) == (False, None, revision)


def test_putting_an_item_back_on_the_schedule_reads_well(program, clinician_a):
    item = stretch_of(program)
    prescribing.update_item(
        item, {"as_needed": False, "max_per_day": None}, revision=None, by=clinician_a.user
    )
    version = program.versions.order_by("-number").first()
    assert f"{STRETCH_NAME}: now on a schedule, once a day, every day" in version.changes


def test_a_copy_of_the_program_keeps_its_as_needed_items(program, clinician_a, patient_a2):
    copy = prescribing.copy_program(program, patient_a2, by=clinician_a.user)
    copied = stretch_of(copy)
    assert (copied.as_needed, copied.max_per_day) == (True, 3)


# --- wording -----------------------------------------------------------------------------------


def test_dose_wording_of_an_as_needed_exercise():
    dose = Dose(sets=2, reps_min=1, hold_min=30)
    often = Frequency(times_per_day=2, days_per_week=3)
    assert (
        describe_prescription(dose, often, as_needed=True, max_per_day=3)
        == "2 sets of 1 rep, each side, hold 30 seconds, as needed, up to 3 times a day"
    )
    assert describe_prescription(dose, often, as_needed=True, max_per_day=1).endswith(
        ", as needed, up to once a day"
    )
    assert describe_prescription(dose, often, as_needed=True).endswith("hold 30 seconds, as needed")


def test_dose_wording_of_an_as_needed_exercise_in_spanish():
    dose = Dose(sets=2, reps_min=1, hold_min=30)
    with translation.override("es"):
        assert describe_prescription(dose, Frequency(), as_needed=True, max_per_day=3).endswith(
            "mantener 30 segundos, cuando lo necesite, hasta 3 veces al día"
        )
        assert describe_prescription(dose, Frequency(), as_needed=True).endswith(
            ", cuando lo necesite"
        )


def test_an_as_needed_item_reads_as_needed_wherever_its_dose_is_shown(program):
    assert stretch_of(program).prescription_text == (
        "3 reps, each side, hold 30 seconds, as needed, up to 3 times a day"
    )


# --- adherence stays scheduled-only ------------------------------------------------------------


def test_adherence_does_not_change_when_an_as_needed_item_is_added_or_logged(
    library, clinician_a, patient_a
):
    today = patient_a.today()
    program = active_program(
        patient_a, clinician_a, slugs=("clamshell",), start=today - timedelta(days=13)
    )
    for back in (10, 6, 3, 1):
        logged_session(program, today - timedelta(days=back))
    before = (
        adherence(program, today),
        courses([program], today),
        weekly_adherence([program], today),
    )
    assert before[0].done == 4 and before[0].scheduled == 14

    item = prescribing.add_item(
        program, Exercise.objects.get(slug=STRETCH, clinic=None), revision=None, by=clinician_a.user
    )
    make_as_needed(item, None, clinician_a)
    client = client_for(patient_a.user)
    for _ in range(5):
        assert log_it(client, program, item, pain="2").status_code == 302
    program.refresh_from_db()

    assert AsNeededLog.objects.filter(program=program).count() == 5
    after = (
        adherence(program, today),
        courses([program], today),
        weekly_adherence([program], today),
    )
    assert after == before


def test_as_needed_items_are_never_due_and_stay_off_the_log_form(program, patient_a):
    today = patient_a.today()
    due = items_due(program.items.all(), today)
    assert [item.exercise.slug for item in due] == ["clamshell"]
    response = client_for(patient_a.user).get(reverse("portal_log", args=[program.pk]))
    rows = response.context["rows"]
    assert [row["item"].exercise.slug for row in rows] == ["clamshell"]


def test_a_program_of_only_as_needed_items_schedules_nothing(library, clinician_a, patient_a):
    today = patient_a.today()
    program = prescribing.create_program(
        patient_a, by=clinician_a.user, title="Stretches", start_date=today - timedelta(days=7)
    )
    stretch = Exercise.objects.get(slug=STRETCH, clinic=None)
    item = prescribing.add_item(program, stretch, revision=None, by=clinician_a.user)
    make_as_needed(item, 2, clinician_a)
    prescribing.activate(program, revision=None, by=clinician_a.user)
    program.refresh_from_db()
    assert adherence(program, today).scheduled == 0
    client = client_for(patient_a.user)
    refused = client.get(reverse("portal_log", args=[program.pk]))
    assert refused.status_code == 400
    today_page = client.get(reverse("portal_home")).content.decode()
    assert "Log it now" in today_page
    assert "rest day" not in today_page
    assert "Log today&#x27;s session" not in today_page


# --- Today and logging -------------------------------------------------------------------------


def test_today_shows_as_needed_items_in_their_own_group(program, patient_a):
    response = client_for(patient_a.user).get(reverse("portal_home"))
    card = response.context["cards"][0]
    assert [item.exercise.slug for item in card.items] == ["clamshell"]
    assert [row.item.exercise.slug for row in card.as_needed] == [STRETCH]
    page = response.content.decode()
    group = page[page.index('class="as-needed mt-4"') :]
    assert "As needed" in group and STRETCH_NAME in group
    assert "Not done yet today (up to 3)." in group
    assert use_url(program, stretch_of(program)) in group
    scheduled = page[page.index("patient-items") : page.index('class="as-needed mt-4"')]
    assert "Clamshell" in scheduled and STRETCH_NAME not in scheduled


def test_logging_a_use_records_it_once_even_when_sent_twice(program, patient_a):
    client = client_for(patient_a.user)
    item = stretch_of(program)
    token = uuid.uuid4()
    first = log_it(client, program, item, pain="3", token=token)
    second = log_it(client, program, item, pain="3", token=token)
    use = AsNeededLog.objects.get()
    assert first.url == second.url == reverse("portal_as_needed_done", args=[use.pk])
    assert (use.item, use.item_ref, use.date, use.pain) == (item, item.pk, patient_a.today(), 3)
    assert use.exercise_name == STRETCH_NAME
    assert use.entered_by is None
    done = client.get(second.url).content.decode()
    assert "This was already logged, so nothing was added." in done
    assert "Well done, Hamstring stretch with a towel or strap is logged" in done
    assert "Done 1 time today (up to 3)." in done


def test_today_counts_the_uses_of_the_day(program, patient_a):
    client = client_for(patient_a.user)
    item = stretch_of(program)
    log_it(client, program, item)
    log_it(client, program, item)
    AsNeededLog.objects.create(
        program=program,
        item=item,
        item_ref=item.pk,
        exercise_name=STRETCH_NAME,
        date=patient_a.today() - timedelta(days=1),
        token=uuid.uuid4(),
    )
    page = client.get(reverse("portal_home")).content.decode()
    assert "Done 2 times today (up to 3)." in page


def test_over_the_limit_the_use_is_kept_and_the_patient_told_to_tell_their_physio(
    program, patient_a
):
    client = client_for(patient_a.user)
    item = stretch_of(program)
    for _ in range(3):
        response = log_it(client, program, item)
    third = client.get(response.url).content.decode()
    assert "You have reached the most your physio advised for today." in third
    fourth = client.get(log_it(client, program, item).url).content.decode()
    assert AsNeededLog.objects.count() == 4
    assert "more than your physio advised: up to 3 times a day" in fourth
    assert "If you need it more often, tell your physio." in fourth
    assert "Well done" not in fourth
    today = client.get(reverse("portal_home")).content.decode()
    assert "Done 4 times today (up to 3)." in today
    assert "You have reached the most your physio advised for today." in today


def test_high_pain_gets_the_same_answer_as_a_session(program, patient_a):
    client = client_for(patient_a.user)
    response = log_it(client, program, stretch_of(program), pain="8")
    page = client.get(response.url).content.decode()
    assert "You noted pain of 8 out of 10" in page
    assert program.clinic.pain_advice_text.splitlines()[0][:40] in page
    assert "Well done" not in page


def test_pain_out_of_range_is_refused_on_the_form_and_nothing_saved(program, patient_a):
    response = log_it(client_for(patient_a.user), program, stretch_of(program), pain="11")
    assert response.status_code == 400
    assert "Choose your pain from the list." in response.content.decode()
    assert not AsNeededLog.objects.exists()


def test_a_form_without_its_token_is_refused(program, patient_a):
    response = client_for(patient_a.user).post(use_url(program, stretch_of(program)), {})
    assert response.status_code == 400
    assert "This page is out of date" in response.content.decode()
    assert not AsNeededLog.objects.exists()


def test_a_carers_use_is_recorded_as_entered_by_them(program, carer_a):
    log_it(client_for(carer_a.user), program, stretch_of(program))
    assert AsNeededLog.objects.get().entered_by == carer_a.user


def test_each_use_is_on_the_audit_trail_without_health_data(program, patient_a):
    log_it(client_for(patient_a.user), program, stretch_of(program), pain="4")
    use = AsNeededLog.objects.get()
    entry = AuditEntry.objects.get(subject=AuditSubject.SESSION, object_id=str(use.pk))
    assert entry.detail == "as-needed exercise logged"
    assert entry.patient_id == patient_a.pk and entry.user == patient_a.user
    assert "4" not in entry.detail and "stretch" not in entry.detail.lower()


# --- who may log -------------------------------------------------------------------------------


def test_anyone_else_gets_a_404_and_nothing_is_logged(
    program, patient_b, clinician_a, admin_a, carer_b, carer_ended
):
    url = use_url(program, stretch_of(program))
    for user in [patient_b.user, clinician_a.user, admin_a.user, carer_b.user, carer_ended.user]:
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"token": str(uuid.uuid4())}).status_code == 404
    assert client_for(None).post(url, {"token": str(uuid.uuid4())}).status_code == 302
    assert not AsNeededLog.objects.exists()


def test_a_scheduled_item_cannot_be_logged_as_needed(program, patient_a):
    clamshell = program.items.get(exercise__slug="clamshell")
    response = log_it(client_for(patient_a.user), program, clamshell)
    assert response.status_code == 404
    assert not AsNeededLog.objects.exists()


def test_a_discharged_program_takes_no_more_uses(program, patient_a, clinician_a):
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    response = log_it(client_for(patient_a.user), program, stretch_of(program))
    assert response.status_code == 404
    assert not AsNeededLog.objects.exists()


def test_the_saved_page_of_another_patients_use_is_a_404(program, patient_a, patient_b):
    done = log_it(client_for(patient_a.user), program, stretch_of(program)).url
    assert client_for(patient_b.user).get(done).status_code == 404
    assert client_for(patient_a.user).get(done).status_code == 200


# --- counted and charted -----------------------------------------------------------------------


def test_history_lists_the_uses_of_each_day(program, patient_a):
    client = client_for(patient_a.user)
    item = stretch_of(program)
    log_it(client, program, item, pain="2")
    log_it(client, program, item, pain="5")
    page = client.get(reverse("portal_history")).content.decode()
    section = page[page.index("as-needed-history") :]
    assert "Done as needed in the last 4 weeks" in section
    assert f"{STRETCH_NAME}, 2 times" in section
    assert "pain up to 5/10" in section


def test_uses_are_counted_per_week_for_the_chart(program, patient_a, clinician_a):
    today = patient_a.today()
    item = stretch_of(program)
    monday = today - timedelta(days=today.weekday())
    for day in [monday, monday, today, monday - timedelta(days=7)]:
        AsNeededLog.objects.create(
            program=program,
            item=item,
            item_ref=item.pk,
            exercise_name=STRETCH_NAME,
            date=day,
            pain=1,
            token=uuid.uuid4(),
        )
    [(uses, chart)] = patient_uses(patient_a, today)
    assert uses.name == STRETCH_NAME and uses.max_per_day == 3
    assert len(uses.weeks) == 8
    assert uses.weeks[-1] == (monday, 3)
    assert uses.weeks[-2] == (monday - timedelta(days=7), 1)
    assert uses.total == 4 and uses.worst_pain == 1
    assert f'id="chart-title-uses-{item.pk}"' in chart.svg
    assert "3 times" in chart.summary

    # Put back on the schedule, its earlier uses still show, under the name they had.
    prescribing.update_item(
        item, {"as_needed": False, "max_per_day": None}, revision=None, by=clinician_a.user
    )
    [(uses, _chart)] = patient_uses(patient_a, today)
    assert (uses.name, uses.total) == (STRETCH_NAME, 4)


def test_patient_record_charts_and_tables_the_uses(program, patient_a, clinician_a):
    log_it(client_for(patient_a.user), program, stretch_of(program))
    response = client_for(clinician_a.user).get(patient_a.get_absolute_url())
    page = response.content.decode()
    section = page[page.index("as-needed-record") :]
    assert "Done as needed" in section
    assert "<svg" in section and "times done as needed per week" in section
    assert "up to 3 a day" in section


def test_patient_record_of_a_patient_without_as_needed_items_has_no_such_section(
    library, clinician_a, patient_a
):
    active_program(patient_a, clinician_a, slugs=("clamshell",))
    page = client_for(clinician_a.user).get(patient_a.get_absolute_url()).content.decode()
    assert "as-needed-record" not in page


def test_weekly_uses_of_programs_without_uses_are_zero(program, patient_a):
    [uses] = weekly_uses(
        AsNeededLog.objects.filter(program=program), [stretch_of(program)], patient_a.today()
    )
    assert uses.total == 0 and uses.worst_pain is None


# --- printed and exported ----------------------------------------------------------------------


def test_handout_lists_as_needed_items_under_their_own_heading(program):
    text = pdf_text(handouts.handout(program, PORTAL).pdf)
    scheduled, _, as_needed = text.partition("As needed Do these when you need them")
    assert "Clamshell" in scheduled
    assert STRETCH_NAME in as_needed
    assert "As needed, up to 3 times a day" in text or "as needed, up to 3 times a day" in text


def test_handout_in_spanish_lists_them_as_such(program):
    text = pdf_text(handouts.handout(program, PORTAL, language="es").pdf)
    assert "Cuando lo necesite" in text
    assert "cuando lo necesite, hasta 3 veces al día" in text


def test_discharge_summary_lists_as_needed_items_as_such(program, clinician_a):
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    program.refresh_from_db()
    text = pdf_text(handouts.discharge_summary(program, PORTAL).pdf)
    keep_going = text[text.index("Your home program to keep going with") :]
    assert "As needed Do these when you need them" in keep_going
    assert STRETCH_NAME in keep_going.partition("As needed Do these")[2]
    spanish = pdf_text(handouts.discharge_summary(program, PORTAL, language="es").pdf)
    assert "Cuando lo necesite" in spanish


def test_export_holds_the_items_as_needed_and_their_uses(program, patient_a, admin_a):
    log_it(client_for(patient_a.user), program, stretch_of(program), pain="2")
    client = client_for(admin_a.user)
    data = json.loads(
        client.get(reverse("patient_export_json", args=[patient_a.pk])).content.decode()
    )
    [exported] = [p for p in data["programs"] if p["id"] == program.pk]
    stretch = next(item for item in exported["items"] if item["exercise"] == STRETCH_NAME)
    assert (stretch["as_needed"], stretch["max_per_day"]) == (True, 3)
    [use] = exported["as_needed_uses"]
    assert (use["exercise"], use["pain"], use["entered_by"]) == (STRETCH_NAME, 2, None)
    pdf = client.get(reverse("patient_export_pdf", args=[patient_a.pk])).content
    assert "Exercises done as needed" in pdf_text(pdf)


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("uses", [1, 12])
def test_today_costs_one_query_more_per_program_with_as_needed_items(
    program, patient_a, uses, django_assert_num_queries
):
    client = client_for(patient_a.user)
    for _ in range(uses):
        log_it(client, program, stretch_of(program))
    client.get(reverse("portal_home"))
    with django_assert_num_queries(TODAY_QUERIES):
        client.get(reverse("portal_home"))


@pytest.mark.parametrize("uses", [1, 12])
def test_history_costs_the_same_however_many_uses(
    program, patient_a, uses, django_assert_num_queries
):
    client = client_for(patient_a.user)
    for _ in range(uses):
        log_it(client, program, stretch_of(program))
    client.get(reverse("portal_history"))
    with django_assert_num_queries(HISTORY_QUERIES):
        client.get(reverse("portal_history"))


@pytest.mark.parametrize("uses", [1, 12])
def test_logging_a_use_costs_the_same_however_many_uses(
    program, patient_a, uses, django_assert_num_queries
):
    client = client_for(patient_a.user)
    for _ in range(uses):
        log_it(client, program, stretch_of(program))
    client.get(reverse("portal_home"))
    with django_assert_num_queries(LOG_QUERIES):
        log_it(client, program, stretch_of(program))


@pytest.mark.parametrize("uses", [1, 12])
def test_the_saved_page_costs_the_same_however_many_uses(
    program, patient_a, uses, django_assert_num_queries
):
    client = client_for(patient_a.user)
    for _ in range(uses):
        done = log_it(client, program, stretch_of(program)).url
    client.get(done)
    with django_assert_num_queries(DONE_QUERIES):
        client.get(done)


# Today: one more than without as-needed items, the day's count of uses per such program.
TODAY_QUERIES = 17
# History: one more than before as-needed items, the last four weeks' uses summed up by day.
HISTORY_QUERIES = 9
# Logging: the patient, the program, its item (with its text), the token, the use, its audit
# entry and the dashboard-figures mark in a savepoint, the session.
LOG_QUERIES = 16
# The saved page: the use with its program and item, the day's count, the audit entry.
DONE_QUERIES = 9


def test_high_pain_on_an_as_needed_exercise_alerts_the_clinician(
    program, patient_a, clinician_a, clinic_a
):
    client = client_for(clinician_a.user)
    client.get(reverse("dashboard"))  # the figures are worked out before the use
    log_it(client_for(patient_a.user), program, stretch_of(program), pain="8")
    page = client.get(reverse("dashboard")).content.decode()
    assert "Pain 8/10 after an as-needed exercise" in page
    record = client.get(patient_a.get_absolute_url()).content.decode()
    assert "Pain 8/10 after an as-needed exercise" in record


def test_pain_under_the_threshold_on_an_as_needed_exercise_raises_no_alert(
    program, patient_a, clinician_a
):
    log_it(client_for(patient_a.user), program, stretch_of(program), pain="3")
    page = client_for(clinician_a.user).get(patient_a.get_absolute_url()).content.decode()
    assert "after an as-needed exercise" not in page
