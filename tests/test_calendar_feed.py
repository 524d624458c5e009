"""The patient's calendar feed (programs/calendar_feed.py): which days it shows, what its events
say, its link (reset, turned off, never guessable or shared between patients), the stop at
discharge, the audit trail, and the portal settings page that offers it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from clinic.models import AuditEntry, AuditRole, AuditSubject, CarerAccess, Patient
from exercises.dose import weekday_mask
from programs import prescribing
from programs.calendar_feed import (
    calendar_file,
    end_feed,
    feed_programs,
    feed_token,
    new_feed,
    scheduled_days,
)
from programs.erasure import erase_patient
from programs.models import Program, ProgramItem
from tests.conftest import client_for
from tests.factories import ExerciseFactory, UserFactory

MONDAY = date(2026, 3, 2)
NOTE = "Mind the torn left ACL"


def make_program(
    patient: Patient,
    clinician: Any,
    *,
    start: date,
    end: date | None = None,
    title: str = "Knee program",
    exercises: int = 1,
    **frequency: Any,
) -> Program:
    """An active program of clinic exercises with a note, at the program's frequency."""
    program = prescribing.create_program(
        patient,
        by=clinician.user,
        title=title,
        start_date=start,
        end_date=end,
        note=NOTE,
        **frequency,
    )
    for _ in range(exercises):
        item = prescribing.add_item(
            program, ExerciseFactory(clinic=patient.clinic), revision=None, by=clinician.user
        )
        ProgramItem.objects.filter(pk=item.pk).update(note="Left knee only")
    prescribing.activate(program, revision=None, by=clinician.user)
    program.refresh_from_db()
    return program


def parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def feed_of(patient: Patient, today: date) -> list[Event]:
    """The feed's events as a calendar app reads them, on the given day."""
    patient.refresh_from_db()
    days = scheduled_days(feed_programs(patient), today)
    content = calendar_file(
        patient, days, portal_url="https://example.test/my/", host="example.test"
    )
    return parse(content).events


def event_days(events: list[Event]) -> list[date]:
    return sorted(event.start for event in events)


def fetch(patient: Patient) -> Any:
    patient.refresh_from_db()
    return Client().get(reverse("calendar_feed", args=[feed_token(patient)]))


# --- the days ---------------------------------------------------------------------------------


def test_an_every_day_program_has_an_event_each_day_across_a_week_boundary(patient_a, clinician_a):
    make_program(patient_a, clinician_a, start=MONDAY - timedelta(days=30))
    today = MONDAY + timedelta(days=3)  # Thursday
    days = event_days(feed_of(patient_a, today))
    # From a week back to 8 weeks ahead, every day: Thursday to Thursday, Sunday to Monday too.
    assert days[0] == today - timedelta(days=7)
    assert days[-1] == today + timedelta(weeks=8)
    assert len(days) == 7 + 56 + 1
    assert MONDAY - timedelta(days=1) in days and MONDAY in days


def test_named_weekdays_across_a_week_boundary(patient_a, clinician_a):
    # Monday and Friday only, from a Friday.
    start = MONDAY + timedelta(days=4)
    make_program(patient_a, clinician_a, start=start, weekdays=weekday_mask([0, 4]))
    days = event_days(feed_of(patient_a, start))
    assert days[:4] == [
        start,
        start + timedelta(days=3),  # Monday
        start + timedelta(days=7),  # Friday
        start + timedelta(days=10),  # Monday
    ]
    assert {day.weekday() for day in days} == {0, 4}


def test_n_days_a_week_shows_every_day_and_says_any_n_days(patient_a, clinician_a):
    """As on Today, a "3 days a week" program may be done on any day; the event says so."""
    start = MONDAY + timedelta(days=5)  # Saturday
    make_program(
        patient_a, clinician_a, start=start, end=start + timedelta(days=3), days_per_week=3
    )
    events = feed_of(patient_a, start)
    assert event_days(events) == [start + timedelta(days=n) for n in range(4)]  # Sat to Tue
    assert "Any 3 days a week: choose the days that suit you." in str(events[0]["DESCRIPTION"])


def test_the_program_end_is_respected_and_the_program_start_too(patient_a, clinician_a):
    start = MONDAY + timedelta(days=2)
    make_program(patient_a, clinician_a, start=start, end=start + timedelta(days=9))
    days = event_days(feed_of(patient_a, MONDAY))
    assert days == [start + timedelta(days=n) for n in range(10)]


def test_as_needed_items_are_not_scheduled(patient_a, clinician_a):
    program = make_program(
        patient_a, clinician_a, start=MONDAY, end=MONDAY + timedelta(days=13), weekdays=1
    )
    stretch = prescribing.add_item(
        program, ExerciseFactory(clinic=patient_a.clinic), revision=None, by=clinician_a.user
    )
    # Done when stiff: its own frequency would say every day, but it has no schedule.
    ProgramItem.objects.filter(pk=stretch.pk).update(
        as_needed=True, max_per_day=3, has_own_frequency=True, days_per_week=7, weekdays=0
    )
    events = feed_of(patient_a, MONDAY)
    assert event_days(events) == [MONDAY, MONDAY + timedelta(days=7)]
    assert str(events[0]["DESCRIPTION"]).startswith("1 exercise, once a day.")


def test_a_program_of_only_as_needed_items_has_no_events(patient_a, clinician_a):
    program = make_program(patient_a, clinician_a, start=MONDAY)
    program.items.update(as_needed=True)
    assert feed_of(patient_a, MONDAY) == []


def test_the_event_names_the_program_never_the_notes_and_links_the_portal(patient_a, clinician_a):
    make_program(patient_a, clinician_a, start=patient_a.today(), exercises=2, times_per_day=2)
    new_feed(patient_a)
    response = fetch(patient_a)
    event = next(e for e in parse(response.content).events if e.start == patient_a.today())
    assert str(event["SUMMARY"]) == "Home exercises: Knee program"
    description = str(event["DESCRIPTION"])
    assert description.startswith("2 exercises, twice a day.")
    assert "http://testserver/my/" in description and str(event["URL"]) == "http://testserver/my/"
    assert "ACL" not in response.content.decode() and "Left knee" not in response.content.decode()
    # Stable ids: the same day is the same event at the next fetch.
    program = Program.objects.get()
    assert str(event["UID"]) == f"program-{program.pk}-{patient_a.today():%Y%m%d}@testserver"
    again = next(e for e in parse(fetch(patient_a).content).events if e.start == event.start)
    assert str(again["UID"]) == str(event["UID"])


def test_one_event_per_program_per_day(patient_a, clinician_a):
    make_program(patient_a, clinician_a, start=MONDAY, end=MONDAY, title="Knee program")
    make_program(patient_a, clinician_a, start=MONDAY, end=MONDAY, title="Shoulder program")
    events = feed_of(patient_a, MONDAY)
    assert sorted(str(event["SUMMARY"]) for event in events) == [
        "Home exercises: Knee program",
        "Home exercises: Shoulder program",
    ]


def test_a_spanish_patient_reads_spanish(patient_a, clinician_a):
    patient_a.preferred_language = "es"
    patient_a.save(update_fields=["preferred_language"])
    make_program(patient_a, clinician_a, start=patient_a.today(), exercises=3)
    new_feed(patient_a)
    response = fetch(patient_a)
    calendar = parse(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Ejercicios en casa"
    event = calendar.events[0]
    assert str(event["SUMMARY"]) == "Ejercicios en casa: Knee program"
    assert str(event["DESCRIPTION"]).startswith("3 ejercicios, una vez al día.")
    assert response["Content-Language"] == "es"


# --- the link ---------------------------------------------------------------------------------


def test_the_feed_needs_no_sign_in_and_is_never_cached(patient_a, clinician_a):
    make_program(patient_a, clinician_a, start=patient_a.today())
    token = new_feed(patient_a)
    assert len(token) == 64
    response = Client().get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert len(parse(response.content).events) == 7 * 8 + 1


def test_the_database_holds_only_a_hash_of_the_token(patient_a):
    token = new_feed(patient_a)
    patient_a.refresh_from_db()
    assert token not in {patient_a.calendar_key, patient_a.calendar_token_hash}
    assert feed_token(patient_a) == token  # the portal can show it again


def test_reset_stops_the_old_link_at_once(patient_a, clinician_a):
    make_program(patient_a, clinician_a, start=patient_a.today())
    old = new_feed(patient_a)
    client = client_for(patient_a.user)
    response = client.post(reverse("portal_calendar_reset"))
    assert response.status_code == 302
    patient_a.refresh_from_db()
    new = feed_token(patient_a)
    assert new != old
    assert Client().get(f"/calendar/{old}.ics").status_code == 404
    assert Client().get(f"/calendar/{new}.ics").status_code == 200


def test_turning_the_feed_on_and_off(patient_a):
    client = client_for(patient_a.user)
    page = client.get(reverse("portal_settings"))
    assert b"Make my calendar link" in page.content and b"webcal://" not in page.content
    client.post(reverse("portal_calendar_reset"))
    patient_a.refresh_from_db()
    token = feed_token(patient_a)
    page = client.get(reverse("portal_settings"))
    assert f"webcal://testserver/calendar/{token}.ics".encode() in page.content
    assert f"http://testserver/calendar/{token}.ics".encode() in page.content
    client.post(reverse("portal_calendar_off"))
    assert Client().get(f"/calendar/{token}.ics").status_code == 404
    assert b"Make my calendar link" in client.get(reverse("portal_settings")).content


@pytest.mark.parametrize(
    "path",
    [
        "/calendar/not-a-token.ics",
        "/calendar/" + "0" * 64 + ".ics",
        "/calendar/" + "g" * 64 + ".ics",
        "/calendar/.ics",
    ],
)
def test_an_unknown_or_garbled_token_is_a_404(patient_a, path):
    new_feed(patient_a)
    assert Client().get(path).status_code == 404


def test_a_token_in_capitals_or_cut_short_is_a_404(patient_a):
    token = new_feed(patient_a)
    assert Client().get(f"/calendar/{token.upper()}.ics").status_code == 404
    assert Client().get(f"/calendar/{token[:-1]}.ics").status_code == 404


def test_each_patient_gets_only_their_own_days(patient_a, patient_b, clinician_a, clinician_b):
    make_program(patient_a, clinician_a, start=patient_a.today(), title="Knee program")
    make_program(patient_b, clinician_b, start=patient_b.today(), title="Shoulder program")
    token_a, token_b = new_feed(patient_a), new_feed(patient_b)
    assert token_a != token_b
    summaries = {str(e["SUMMARY"]) for e in parse(fetch(patient_b).content).events}
    assert summaries == {"Home exercises: Shoulder program"}


def test_the_same_key_gives_different_patients_different_tokens(patient_a, patient_b):
    Patient.objects.filter(pk__in=[patient_a.pk, patient_b.pk]).update(calendar_key="k" * 32)
    patient_a.refresh_from_db()
    patient_b.refresh_from_db()
    assert feed_token(patient_a) != feed_token(patient_b)


# --- the stop at discharge --------------------------------------------------------------------


def test_a_discharged_program_leaves_an_empty_calendar(patient_a, clinician_a):
    program = make_program(patient_a, clinician_a, start=patient_a.today() - timedelta(days=3))
    new_feed(patient_a)
    assert parse(fetch(patient_a).content).events
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    response = fetch(patient_a)
    assert response.status_code == 200
    assert parse(response.content).events == []


def test_an_archived_patient_gets_no_events(patient_a, clinician_a):
    make_program(patient_a, clinician_a, start=patient_a.today())
    new_feed(patient_a)
    Patient.objects.filter(pk=patient_a.pk).update(status=Patient.Status.ARCHIVED)
    assert parse(fetch(patient_a).content).events == []


def test_erasing_the_patient_ends_the_link(patient_a, clinician_a):
    program = make_program(patient_a, clinician_a, start=patient_a.today())
    token = new_feed(patient_a)
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    patient_a.refresh_from_db()
    erase_patient(patient_a, confirmed_name=patient_a.full_name)
    assert Client().get(f"/calendar/{token}.ics").status_code == 404


# --- the audit trail and the work per request -------------------------------------------------


def test_every_fetch_is_on_the_audit_trail_without_health_data(patient_a, clinician_a):
    make_program(patient_a, clinician_a, start=patient_a.today())
    new_feed(patient_a)
    fetch(patient_a)
    fetch(patient_a)
    entries = AuditEntry.objects.filter(subject=AuditSubject.CALENDAR, action="view")
    assert entries.count() == 2
    entry = entries.first()
    assert entry.patient_id == patient_a.pk and entry.clinic_id == patient_a.clinic_id
    assert entry.role == AuditRole.ANONYMOUS and entry.user is None
    assert entry.detail == "calendar feed fetched"
    changes = AuditEntry.objects.filter(subject=AuditSubject.CALENDAR, action="change")
    assert list(changes.values_list("detail", flat=True)) == ["turned on"]


def test_reset_and_turning_off_are_on_the_audit_trail(patient_a):
    new_feed(patient_a)
    new_feed(patient_a)
    end_feed(patient_a)
    details = AuditEntry.objects.filter(subject=AuditSubject.CALENDAR).order_by("pk")
    assert list(details.values_list("detail", flat=True)) == [
        "turned on",
        "link reset",
        "turned off",
    ]


@pytest.mark.parametrize("programs,exercises", [(1, 1), (3, 4)])
def test_the_feed_takes_the_same_queries_however_much_it_holds(
    patient_a, clinician_a, django_assert_num_queries, programs, exercises
):
    for number in range(programs):
        make_program(
            patient_a,
            clinician_a,
            start=patient_a.today(),
            title=f"Program {number}",
            exercises=exercises,
        )
    new_feed(patient_a)
    patient_a.refresh_from_db()
    url = reverse("calendar_feed", args=[feed_token(patient_a)])
    client = Client()
    # The patient by the token's hash, their programs, the items, the audit entry.
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(parse(response.content).events) == programs * (7 * 8 + 1)


def test_an_unknown_token_costs_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert Client().get("/calendar/" + "a" * 64 + ".ics").status_code == 404


# --- the settings page ------------------------------------------------------------------------


def test_the_settings_form_saves_message_emails(patient_a):
    client = client_for(patient_a.user)
    client.post(reverse("portal_settings"), {"reminder_hour": "8"})
    patient_a.refresh_from_db()
    assert patient_a.message_emails is False
    client.post(reverse("portal_settings"), {"reminder_hour": "8", "message_emails": "on"})
    patient_a.refresh_from_db()
    assert patient_a.message_emails is True
    page = client.get(reverse("portal_settings")).content.decode()
    assert "Email me when a message is waiting" in page
    assert "never what it says" in page


def test_no_message_emails_choice_when_the_clinic_takes_no_messages(patient_a):
    patient_a.clinic.messaging_enabled = False
    patient_a.clinic.save(update_fields=["messaging_enabled"])
    client = client_for(patient_a.user)
    assert (
        b"Email me when a message is waiting" not in client.get(reverse("portal_settings")).content
    )
    client.post(reverse("portal_settings"), {"reminder_hour": "8"})
    patient_a.refresh_from_db()
    assert patient_a.message_emails is True and patient_a.reminder_hour == 8


def test_a_spanish_patient_reads_the_calendar_section_in_spanish(patient_a):
    patient_a.preferred_language = "es"
    patient_a.save(update_fields=["preferred_language"])
    new_feed(patient_a)
    page = client_for(patient_a.user).get(reverse("portal_settings")).content.decode()
    assert "Añadir al calendario de su teléfono" in page


# --- who may reach the buttons ----------------------------------------------------------------


@pytest.fixture
def carer_of_a(patient_a):
    user = UserFactory(email="cara@example.com", full_name="Cara Carer")
    CarerAccess.objects.create(
        patient=patient_a,
        name="Cara Carer",
        email="cara@example.com",
        user=user,
        token_hash="c" * 64,
        expires_at=timezone.now() + timedelta(days=7),
        accepted_at=timezone.now(),
    )
    return user


def test_a_carer_cannot_see_or_reset_the_patients_feed(patient_a, carer_of_a):
    token = new_feed(patient_a)
    client = client_for(carer_of_a)
    assert client.get(reverse("portal_home")).status_code == 200  # they help in the portal
    settings_page = client.get(reverse("portal_settings"))
    assert settings_page.status_code == 404 and token.encode() not in settings_page.content
    assert client.post(reverse("portal_calendar_reset")).status_code == 404
    assert client.post(reverse("portal_calendar_off")).status_code == 404
    patient_a.refresh_from_db()
    assert feed_token(patient_a) == token


@pytest.mark.parametrize("name", ["portal_calendar_reset", "portal_calendar_off"])
def test_outsiders_cannot_use_the_buttons(name, patient_a, clinician_a, admin_a, operator):
    token = new_feed(patient_a)
    assert Client().post(reverse(name)).status_code == 302  # to sign in
    for user in [clinician_a.user, admin_a.user, operator]:
        assert client_for(user).post(reverse(name)).status_code == 404
    patient_a.refresh_from_db()
    assert feed_token(patient_a) == token


@pytest.mark.parametrize("name", ["portal_calendar_reset", "portal_calendar_off"])
def test_the_buttons_refuse_get(name, patient_a):
    assert client_for(patient_a.user).get(reverse(name)).status_code == 405


def test_a_patients_reset_touches_only_their_own_feed(patient_a, patient_b):
    token_b = new_feed(patient_b)
    client_for(patient_a.user).post(reverse("portal_calendar_reset"))
    patient_b.refresh_from_db()
    assert feed_token(patient_b) == token_b
