import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from exercises.loader import load_library
from exercises.models import Exercise
from programs import prescribing
from programs.models import Program, SessionLog
from programs.notifications import send_program_updates, send_reminders
from tests.conftest import client_for
from tests.factories import logged_session

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def program(db, clinician_a, patient_a):
    load_library()
    program = prescribing.create_program(
        patient_a,
        by=clinician_a.user,
        title="Hip program",
        start_date=patient_a.today() - timedelta(days=14),
    )
    for slug in ["clamshell", "reverse-clamshell"]:
        prescribing.add_item(
            program,
            Exercise.objects.get(slug=slug, clinic=None),
            revision=None,
            by=clinician_a.user,
        )
    prescribing.activate(program, revision=None, by=clinician_a.user)
    program.refresh_from_db()
    return program


def form_data(program, day=None, token=None, **changes):
    """What the log form posts, as opened now: showing the day's latest revision."""
    shown = SessionLog.objects.filter(
        program=program, date=day or program.patient.today(), slot=1
    ).first()
    data = {
        "token": str(token or uuid.uuid4()),
        "slot": 1,
        "revision": shown.revision if shown else 0,
    }
    if day:
        data["date"] = day.isoformat()
    for item in program.items.all():
        data[f"status-{item.pk}"] = "done"
        data[f"sets-{item.pk}"] = item.sets
        data[f"reps-{item.pk}"] = item.reps_max or item.reps_min
        data[f"pain-{item.pk}"] = ""
        data[f"reason-{item.pk}"] = ""
    data.update(changes)
    return data


def log_url(program, day=None):
    url = reverse("portal_log", args=[program.pk])
    return url + (f"?date={day.isoformat()}" if day else "")


def first_item(program):
    return program.items.first()


def test_log_form_is_prefilled_with_the_prescribed_dose(program, patient_a):
    response = client_for(patient_a.user).get(log_url(program))
    item = first_item(program)
    assert response.context["form"][f"sets-{item.pk}"].value() == 3
    assert response.context["form"][f"reps-{item.pk}"].value() == 12
    assert "3 sets of 10–12 reps, each side, once a day, every day" in response.content.decode()


def test_patient_logs_a_full_session(program, patient_a):
    client = client_for(patient_a.user)
    item = first_item(program)
    response = client.post(
        log_url(program),
        form_data(
            program,
            **{
                f"pain-{item.pk}": "7",
                "difficulty": "too_hard",
                "note": "Sore after the clamshells.",
            },
        ),
    )
    session = SessionLog.objects.get()
    assert response.url == reverse("portal_session_done", args=[session.pk])
    assert session.date == patient_a.today()
    assert session.version == program.versions.get()
    assert session.max_pain == 7
    assert session.note == "Sore after the clamshells."
    assert [(e.exercise_name, e.done, e.sets_done) for e in session.entries.all()] == [
        ("Clamshell", True, 3),
        ("Reverse clamshell", True, 3),
    ]
    done = client.get(response.url).content.decode()
    # Pain 7 is at or above the clinic's threshold (6): advice first, no praise.
    assert "Well done" not in done and "Great work" not in done
    assert "You noted pain of 7 out of 10" in done
    assert "Stop the exercise that hurts" in done
    assert "exercises this week" in done


@pytest.mark.parametrize("pain,advised", [("6", True), ("5", False), ("", False)])
def test_the_saved_page_leads_with_advice_at_the_pain_threshold(program, patient_a, pain, advised):
    clinic = patient_a.clinic
    clinic.phone, clinic.emergency_number = "020 7946 0000", "999"
    clinic.save()
    client = client_for(patient_a.user)
    item = first_item(program)
    data = form_data(
        program, **{f"pain-{item.pk}": pain, "difficulty": "too_hard", "note": "sharp pain"}
    )
    done = client.get(client.post(log_url(program), data).url).content.decode()
    assert ("Well done" in done) is not advised
    assert ("Stop the exercise that hurts" in done) is advised
    assert ("020 7946 0000" in done) is advised
    assert ("call 999" in done) is advised
    history = client.get(reverse("portal_history")).content.decode()
    assert ("You were asked to stop the exercise that hurt" in history) is advised


def test_a_programs_own_threshold_and_the_clinics_own_advice(program, patient_a):
    program.pain_threshold = 3
    program.save()
    patient_a.clinic.pain_advice = "Stop now and ring Northside on 0161 000 0000."
    patient_a.clinic.save()
    client = client_for(patient_a.user)
    item = first_item(program)
    response = client.post(log_url(program), form_data(program, **{f"pain-{item.pk}": "3"}))
    done = client.get(response.url).content.decode()
    assert "Stop now and ring Northside on 0161 000 0000." in done
    assert "Well done" not in done


def test_the_stop_if_note_is_beside_the_pain_field(program, patient_a):
    client = client_for(patient_a.user)
    page = client.get(log_url(program)).content.decode()
    assert "Stop the exercise if your pain reaches 6 out of 10." in page
    program.stop_if = "Stop if pain goes above 5/10."
    program.save()
    page = client.get(log_url(program)).content.decode()
    assert "Stop if pain goes above 5/10." in page


def test_skipping_with_a_reason(program, patient_a):
    item = first_item(program)
    client_for(patient_a.user).post(
        log_url(program),
        form_data(program, **{f"status-{item.pk}": "skipped", f"reason-{item.pk}": "Knee hurt"}),
    )
    entry = SessionLog.objects.get().entries.get(item_ref=item.pk)
    assert (entry.done, entry.skip_reason, entry.sets_done) == (False, "Knee hurt", None)


def test_editing_the_same_day_updates_the_session(program, patient_a):
    client = client_for(patient_a.user)
    client.post(log_url(program), form_data(program))
    item = first_item(program)
    page = client.get(log_url(program))
    assert page.context["form"][f"status-{item.pk}"].value() == "done"
    client.post(log_url(program), form_data(program, **{f"status-{item.pk}": "skipped"}))
    assert SessionLog.objects.count() == 1
    assert not SessionLog.objects.get().entries.get(item_ref=item.pk).done


def test_a_double_submit_records_one_session(program, patient_a):
    client = client_for(patient_a.user)
    data = form_data(program, note="First")
    client.post(log_url(program), data)
    again = client.post(log_url(program), {**data, "note": "Changed in a retry"}, follow=True)
    assert SessionLog.objects.count() == 1
    assert SessionLog.objects.get().note == "First"
    assert "already saved" in again.content.decode()


def test_logging_an_earlier_day_is_marked(program, patient_a):
    day = patient_a.today() - timedelta(days=3)
    client_for(patient_a.user).post(log_url(program, day), form_data(program, day))
    session = SessionLog.objects.get()
    assert session.date == day and session.is_backdated
    history = client_for(patient_a.user).get(reverse("portal_history")).content.decode()
    assert "logged later" in history


@pytest.mark.parametrize(
    "days_back,message",
    [
        (-1, "hasn&#x27;t happened yet"),
        (8, "up to 7 days back"),
    ],
)
def test_back_dating_limits(program, patient_a, days_back, message):
    day = patient_a.today() - timedelta(days=days_back)
    client = client_for(patient_a.user)
    assert message in client.get(log_url(program, day)).content.decode()
    response = client.post(log_url(program, day), form_data(program, day))
    assert response.status_code == 400
    assert not SessionLog.objects.exists()


def test_days_before_the_program_cannot_be_logged(program, patient_a):
    Program.objects.filter(pk=program.pk).update(start_date=patient_a.today())
    day = patient_a.today() - timedelta(days=2)
    response = client_for(patient_a.user).post(log_url(program, day), form_data(program, day))
    assert response.status_code == 400
    assert "did not run on that day" in response.content.decode()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("reps", "-3", "Reps in each set can&#x27;t be less than 0."),
        ("sets", "-1", "Sets done can&#x27;t be less than 0."),
        ("sets", "11", "Sets done can&#x27;t be more than 10."),
        ("sets", "three", "Type sets done as a whole number, such as 3."),
        ("reps", "0", "You marked this Done with 0 reps."),
        ("sets", "0", "You marked this Done with 0 sets."),
        ("pain", "11", "Choose a pain level from 0 to 10."),
        ("status", "", "Choose Done or Skipped."),
        ("status", "maybe", "Choose Done or Skipped."),
        ("note", "x" * 100_000, "Keep your note to 1,000 characters or fewer."),
        ("revision", "", "This page is out of date."),
        ("token", "nonsense", "This page is out of date."),
        ("date", "not-a-date", "That date is not valid."),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(program, patient_a, field, value, message):
    item = first_item(program)
    key = field if field in {"note", "date", "revision", "token"} else f"{field}-{item.pk}"
    response = client_for(patient_a.user).post(log_url(program), form_data(program, **{key: value}))
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not SessionLog.objects.exists()


def test_after_an_error_the_rows_keep_what_was_typed_and_stay_open(program, patient_a):
    first, second = program.items.all()
    data = form_data(
        program,
        **{f"sets-{first.pk}": "11", f"reps-{second.pk}": "7", f"pain-{second.pk}": "4"},
    )
    page = client_for(patient_a.user).post(log_url(program), data).content.decode()
    assert f'name="reps-{second.pk}" id="id_reps-{second.pk}" value="7"' in page
    assert '<option value="4" selected>' in page
    assert page.count('<details class="mt-2 log-details" open>') == 2


def test_skipped_with_zero_reps_is_fine(program, patient_a):
    item = first_item(program)
    data = form_data(program, **{f"status-{item.pk}": "skipped", f"reps-{item.pk}": "0"})
    client_for(patient_a.user).post(log_url(program), data)
    assert not SessionLog.objects.get().entries.get(item_ref=item.pk).done


def test_a_stale_edit_form_is_refused_and_the_later_answers_stay(program, patient_a):
    client = client_for(patient_a.user)
    item = first_item(program)
    client.post(log_url(program), form_data(program, note="First answers"))
    stale = form_data(program, note="Opened before the second edit")  # shows revision 1
    client.post(log_url(program), form_data(program, note="Second answers"))  # now 2
    session = SessionLog.objects.get()
    entry_ids = list(session.entries.values_list("pk", flat=True))
    response = client.post(log_url(program), stale, follow=True)
    assert "This session was changed after you opened this page" in response.content.decode()
    assert response.context["form"]["note"].value() == "Second answers"
    session.refresh_from_db()
    assert session.note == "Second answers"
    assert session.revision == 2
    assert list(session.entries.values_list("pk", flat=True)) == entry_ids
    assert session.entries.get(item_ref=item.pk).done


def test_a_new_log_form_is_stale_once_the_day_was_logged_elsewhere(program, patient_a):
    client = client_for(patient_a.user)
    opened_first = form_data(program, note="From the phone")  # revision 0: no log yet
    client.post(log_url(program), form_data(program, note="From the laptop"))
    client.post(log_url(program), opened_first)
    assert SessionLog.objects.get().note == "From the laptop"


def test_an_edit_updates_entries_in_place(program, patient_a):
    client = client_for(patient_a.user)
    item = first_item(program)
    client.post(log_url(program), form_data(program))
    before = SessionLog.objects.get().entries.get(item_ref=item.pk).pk
    client.post(log_url(program), form_data(program, **{f"pain-{item.pk}": "2"}))
    entry = SessionLog.objects.get().entries.get(item_ref=item.pk)
    assert entry.pk == before and entry.pain == 2


def test_a_forged_item_id_from_another_program_saves_nothing(
    program, patient_a, patient_b, clinician_b
):
    other = prescribing.create_program(patient_b, by=clinician_b.user, title="Other")
    foreign = prescribing.add_item(
        other,
        Exercise.objects.get(slug="clamshell", clinic=None),
        revision=None,
        by=clinician_b.user,
    )
    response = client_for(patient_a.user).post(
        log_url(program),
        form_data(program, **{f"status-{foreign.pk}": "done", f"pain-{foreign.pk}": "2"}),
    )
    assert "not in your program" in response.content.decode()
    assert not SessionLog.objects.exists()


def test_a_patient_cannot_log_another_patients_program(program, patient_b):
    response = client_for(patient_b.user).post(log_url(program), form_data(program))
    assert response.status_code == 404
    assert not SessionLog.objects.exists()


def test_clinicians_cannot_log_for_a_patient(program, clinician_a):
    response = client_for(clinician_a.user).post(log_url(program), form_data(program))
    assert response.status_code == 404
    assert not SessionLog.objects.exists()


def test_today_shows_changes_since_the_last_visit_until_acknowledged(
    program, patient_a, clinician_a
):
    client = client_for(patient_a.user)
    client.post(reverse("portal_changes_seen", args=[program.pk]))
    assert "changed your program" not in client.get(reverse("portal_home")).content.decode()
    item = program.items.get(exercise__slug="reverse-clamshell")
    prescribing.update_item(
        item, {"sets": 3, "reps_min": 12, "reps_max": None}, revision=None, by=clinician_a.user
    )
    today = client.get(reverse("portal_home")).content.decode()
    assert "Your physio changed your program" in today
    assert (
        "Reverse clamshell is now 3 sets of 12 reps, each side, hold 1 second, once a day, "
        "every day."
    ) in today
    client.post(reverse("portal_changes_seen", args=[program.pk]))
    assert "changed your program" not in client.get(reverse("portal_home")).content.decode()


def test_today_shows_adherence_kindly(program, patient_a):
    client = client_for(patient_a.user)
    client.post(log_url(program), form_data(program))
    body = client.get(reverse("portal_home")).content.decode()
    assert "exercises this week" in body
    assert "in the last 4 weeks" in body
    assert "streak of 1 day" in body
    assert "Today's session is logged" in body


def test_history_shows_notes_and_whether_they_were_read(program, patient_a, clinician_a):
    client = client_for(patient_a.user)
    client.post(log_url(program), form_data(program, note="Felt good"))
    assert "Not read by your physio yet" in client.get(reverse("portal_history")).content.decode()
    SessionLog.objects.update(note_read_at=timezone.now(), note_read_by=clinician_a.user)
    assert "Read by your physio on" in client.get(reverse("portal_history")).content.decode()


def make_sessions(program, count):
    today = program.patient.today()
    for n in range(count):
        logged_session(program, today - timedelta(days=n))


@pytest.mark.parametrize("count", [3, 300])
def test_today_and_history_query_counts_do_not_grow(
    program, patient_a, count, django_assert_num_queries
):
    Program.objects.filter(pk=program.pk).update(start_date=patient_a.today() - timedelta(days=400))
    make_sessions(program, count)
    client = client_for(patient_a.user)
    client.get(reverse("portal_home"))
    # session, user, patient, programs, items, their exercises' other languages, then for the
    # program: versions, done counts, recent logs, streak days; finished programs; the open
    # questionnaires; the audit entry; then session save (3)
    with django_assert_num_queries(16):
        client.get(reverse("portal_home"))
    # session, user, patient, count, page of sessions, their entries, the audit entry,
    # session save (3)
    with django_assert_num_queries(11):
        client.get(reverse("portal_history"))


def test_history_is_paginated(program, patient_a):
    make_sessions(program, 25)
    client = client_for(patient_a.user)
    assert len(client.get(reverse("portal_history")).context["page"].object_list) == 20
    assert len(client.get(reverse("portal_history"), {"page": 2}).context["page"].object_list) == 5


def test_reminder_settings(program, patient_a):
    client = client_for(patient_a.user)
    client.post(reverse("portal_settings"), {"reminder_hour": "8"})
    patient_a.refresh_from_db()
    assert (patient_a.reminders_enabled, patient_a.reminder_hour) == (False, 8)
    response = client.post(reverse("portal_settings"), {"reminder_hour": "25"})
    assert "reminder_hour" in response.context["form"].errors


# --- reminders -----------------------------------------------------------------------------


def at(patient, hour):
    day = patient.today()
    return datetime(day.year, day.month, day.day, hour, 5, tzinfo=LONDON)


def test_reminder_is_sent_after_the_chosen_hour_once_a_day(program, patient_a):
    assert send_reminders(at(patient_a, 17)) == 0  # before 18:00
    assert send_reminders(at(patient_a, 18)) == 1
    assert mail.outbox[0].to == ["pat@example.com"]
    assert "Hip program" in mail.outbox[0].body
    assert send_reminders(at(patient_a, 19)) == 0  # already reminded today
    assert len(mail.outbox) == 1


def test_no_reminder_when_today_is_logged(program, patient_a):
    client_for(patient_a.user).post(log_url(program), form_data(program))
    assert send_reminders(at(patient_a, 20)) == 0


def test_no_reminder_when_turned_off(program, patient_a):
    patient_a.reminders_enabled = False
    patient_a.save()
    assert send_reminders(at(patient_a, 20)) == 0


def test_no_reminder_after_discharge(program, patient_a, clinician_a):
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    assert send_reminders(at(patient_a, 20)) == 0


def test_no_reminder_on_a_rest_day(program, patient_a):
    tomorrow = (patient_a.today().weekday() + 1) % 7
    Program.objects.filter(pk=program.pk).update(weekdays=1 << tomorrow)
    assert send_reminders(at(patient_a, 20)) == 0


# --- change emails -------------------------------------------------------------------------


def test_one_email_lists_all_the_changes_after_a_quiet_spell(program, patient_a, clinician_a):
    Program.objects.filter(pk=program.pk).update()
    program.versions.update(notified_at=timezone.now())  # version 1 already announced
    item = program.items.get(exercise__slug="reverse-clamshell")
    prescribing.update_item(
        item, {"sets": 3, "reps_min": 12, "reps_max": None}, revision=None, by=clinician_a.user
    )
    prescribing.remove_item(
        program.items.get(exercise__slug="clamshell"), revision=None, by=clinician_a.user
    )
    now = timezone.now()
    assert send_program_updates(now) == 0  # the clinician may still be editing
    assert send_program_updates(now + timedelta(minutes=11)) == 1
    body = mail.outbox[0].body
    assert "Reverse clamshell is now 3 sets of 12 reps" in body
    assert "Clamshell is no longer in your program." in body
    assert "changes to your exercises" in mail.outbox[0].subject
    assert send_program_updates(now + timedelta(minutes=30)) == 0
    assert len(mail.outbox) == 1


def test_a_new_program_is_announced(program, patient_a):
    assert send_program_updates(timezone.now() + timedelta(minutes=11)) == 1
    assert "your new exercise program" in mail.outbox[0].subject


def test_editing_after_an_exercise_was_removed_keeps_its_logged_entry(
    program, patient_a, clinician_a
):
    client = client_for(patient_a.user)
    client.post(log_url(program), form_data(program))
    removed = program.items.get(exercise__slug="clamshell")
    prescribing.remove_item(removed, revision=None, by=clinician_a.user)
    client.post(log_url(program), form_data(program, note="Edited later"))
    session = SessionLog.objects.get()
    assert session.note == "Edited later"
    assert sorted(e.exercise_name for e in session.entries.all()) == [
        "Clamshell",
        "Reverse clamshell",
    ]
    assert session.entries.get(exercise_name="Clamshell").item is None  # the item is gone


def test_today_leads_with_advice_after_a_painful_session_and_stops_praising(program, patient_a):
    clinic = patient_a.clinic
    clinic.phone = "020 7946 0000"
    clinic.save()
    client = client_for(patient_a.user)
    item = first_item(program)
    yesterday = patient_a.today() - timedelta(days=1)
    for back in range(4, 1, -1):  # a streak of calm days
        day = patient_a.today() - timedelta(days=back)
        client.post(log_url(program, day), form_data(program, day))
    client.post(
        log_url(program, yesterday), form_data(program, yesterday, **{f"pain-{item.pk}": "8"})
    )
    page = client.get(reverse("portal_home")).content.decode()
    assert "You noted pain of 8 out of 10 on" in page
    assert "Stop the exercise that hurts" in page
    assert 'href="tel:02079460000"' in page
    assert "Keep it up" not in page and "Good going" not in page and "Great work" not in page
    client.post(log_url(program), form_data(program, **{f"pain-{item.pk}": "1"}))
    page = client.get(reverse("portal_home")).content.decode()
    assert "You noted pain" not in page  # the latest session was calm again


def test_streak_and_missed_days_worked_by_hand(program, patient_a):
    from programs.sessions import missed_days, streak

    today = patient_a.today()
    client = client_for(patient_a.user)
    for back in (1, 2, 4):  # yesterday, the day before, and 4 days ago
        day = today - timedelta(days=back)
        client.post(log_url(program, day), form_data(program, day))
    assert streak(program, today) == 2  # today not logged yet: counts back from yesterday
    logged = set(SessionLog.objects.values_list("date", flat=True))
    missed = missed_days(program, logged, today)
    assert missed == [today - timedelta(days=back) for back in (3, 5, 6, 7)]
