"""Remote therapeutic monitoring records (programs/rtm.py, programs/rtm_views.py).

Periods, bands and codes are worked out by hand below; "today" is fixed at Friday 20 February
2026, 10:00 in New York (the clinic's zone), so data sent late in the evening there falls on
the clinic's day, not the next UTC day.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clinic.models import AuditAction, AuditEntry, AuditSubject, Clinician
from programs import rtm, rtm_views
from programs.models import AsNeededLog, Interaction, Questionnaire, RtmEpisode, RtmTime, SessionLog
from programs.rtm import (
    RULES_2022,
    RULES_2026,
    CodeCount,
    MonthTime,
    Period,
    management_codes,
    period_bounds,
    rules_on,
    supply_band,
)
from tests.conftest import client_for
from tests.factories import ClinicianFactory, PatientFactory, logged_session, started_program

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 2, 20, 15, 0, tzinfo=UTC)  # 10:00 in New York
TODAY = date(2026, 2, 20)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


# --- periods, by hand -------------------------------------------------------------------------


def spans(periods: list[Period]) -> list[tuple[date, date]]:
    return [(p.start, p.end) for p in periods]


def test_periods_run_thirty_days_from_set_up_across_month_ends():
    periods = period_bounds(d(1, 15), None, d(1, 15), d(4, 1))
    assert spans(periods) == [
        (d(1, 15), d(2, 13)),  # 17 days of January + 13 of February
        (d(2, 14), d(3, 15)),  # 15 of February + 15 of March
        (d(3, 16), d(4, 14)),
    ]
    assert [p.number for p in periods] == [1, 2, 3]
    assert not any(p.cut for p in periods)


def test_an_episode_ended_mid_period_cuts_its_last_period():
    periods = period_bounds(d(1, 15), d(2, 20), d(1, 15), d(4, 1))
    assert spans(periods) == [(d(1, 15), d(2, 13)), (d(2, 14), d(2, 20))]
    assert periods[-1].cut and periods[-1].full_end == d(3, 15)
    # Ended on the last day of a period: nothing is cut and no further period starts.
    assert spans(period_bounds(d(1, 15), d(2, 13), d(1, 1), d(4, 1))) == [(d(1, 15), d(2, 13))]
    # Ended on the set-up day: one period of one day.
    assert spans(period_bounds(d(1, 15), d(1, 15), d(1, 1), d(4, 1))) == [(d(1, 15), d(1, 15))]


def test_a_period_spans_the_new_year_and_is_judged_by_the_rules_of_its_last_day():
    first, second = period_bounds(d(12, 31, 2025), None, d(12, 31, 2025), d(1, 30))
    assert (first.start, first.end) == (d(12, 31, 2025), d(1, 29))
    assert (second.start, second.end) == (d(1, 30), d(2, 28))
    assert first.rules is RULES_2026
    counted = rtm.counted([first], {d(12, 31, 2025), d(1, 2), d(1, 29), d(1, 30)})[0]
    assert counted.data_days == 3  # 30 January is the next period's
    assert counted.band.code == "98985"  # 2–15 days has a code from 2026
    # A period that ended in 2025 needed 16 days for any code.
    old = rtm.counted(period_bounds(d(11, 1, 2025), None, d(11, 1, 2025), d(11, 1, 2025)), set())
    assert old[0].end == d(11, 30, 2025) and old[0].rules is RULES_2022


def test_leap_year_february():
    assert spans(period_bounds(d(2, 1, 2028), None, d(2, 1, 2028), d(2, 1, 2028))) == [
        (d(2, 1, 2028), d(3, 1, 2028))  # 29 days of February + 1 March
    ]
    assert spans(period_bounds(d(2, 1, 2027), None, d(2, 1, 2027), d(2, 1, 2027))) == [
        (d(2, 1, 2027), d(3, 2, 2027))
    ]
    # Set up on 29 February: the next period starts 30 March.
    assert spans(period_bounds(d(2, 29, 2028), None, d(3, 30, 2028), d(3, 30, 2028))) == [
        (d(3, 30, 2028), d(4, 28, 2028))
    ]


def test_only_the_periods_overlapping_the_days_asked_for():
    # February 2026 for an episode set up on 15 January: periods 1 and 2.
    periods = period_bounds(d(1, 15), None, d(2, 1), d(2, 28))
    assert [p.number for p in periods] == [1, 2]
    assert period_bounds(d(3, 1), None, d(2, 1), d(2, 28)) == []  # not started yet
    assert period_bounds(d(1, 1), d(1, 10), d(2, 1), d(2, 28)) == []  # over before


def test_days_left_count_today():
    period = period_bounds(d(1, 15), None, d(1, 15), d(1, 15))[0]
    assert period.days_left(d(1, 15)) == 30
    assert period.days_left(d(2, 13)) == 1
    assert period.days_left(d(2, 14)) == 0


# --- bands and codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "code"),
    [(0, None), (1, None), (2, "98985"), (15, "98985"), (16, "98977"), (30, "98977")],
)
def test_device_supply_bands_of_2026(days, code):
    band = supply_band(days, RULES_2026)
    assert (band.code if band else None) == code


def test_before_2026_only_sixteen_days_reached_a_band():
    assert supply_band(15, RULES_2022) is None
    assert supply_band(16, RULES_2022).code == "98977"


@pytest.mark.parametrize(
    ("minutes", "codes"),
    [
        (9, []),
        (10, ["98979"]),
        (19, ["98979"]),
        (20, ["98980"]),
        (39, ["98980"]),  # 98981 needs a full further 20 minutes
        (40, ["98980", "98981"]),
        (59, ["98980", "98981"]),
        (60, ["98980", "98981 × 2"]),
    ],
)
def test_management_codes_of_2026(minutes, codes):
    assert [str(code) for code in management_codes(minutes, RULES_2026)] == codes


def test_before_2026_ten_minutes_reached_no_code():
    assert management_codes(19, RULES_2022) == []
    assert management_codes(40, RULES_2022) == [CodeCount("98980", 1), CodeCount("98981", 1)]


def test_rules_are_chosen_by_their_date_of_validity():
    assert rules_on(d(12, 31, 2025)) is RULES_2022
    assert rules_on(d(1, 1)) is RULES_2026
    assert rules_on(d(6, 1, 2019)) is RULES_2022  # before RTM: the earliest rules


def entry(day: date, minutes: int, interaction: str = "") -> RtmTime:
    return RtmTime(date=day, minutes=minutes, interaction=interaction)


def test_codes_need_a_real_time_interaction_in_the_month():
    month = rtm.month_time([entry(d(2, 3), 12), entry(d(2, 9), 8)], d(2, 1))
    assert month.minutes == 20 and month.codes_text == "98980"
    assert month.needs_interaction and not month.has_interaction
    month = rtm.month_time([entry(d(2, 3), 12), entry(d(2, 9), 8, Interaction.VIDEO)], d(2, 1))
    assert not month.needs_interaction
    assert month.interaction_text == "2026-02-09 (Video visit)"
    # Minutes below every code need nothing.
    assert not MonthTime(d(2, 1), minutes=9).needs_interaction


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "26-01", "2026-1", "abcd-ef", "0000-01", ""]
)
def test_a_bad_month_is_refused(text):
    assert rtm.parse_month(text) is None


# --- data days ----------------------------------------------------------------------------------


@pytest.fixture
def now(monkeypatch, clinic_a):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    clinic_a.timezone = "America/New_York"
    clinic_a.rtm_enabled = True
    clinic_a.save()
    return NOW


@pytest.fixture
def program(now, patient_a, clinician_a):
    patient_a.refresh_from_db()
    return started_program(patient_a, clinician_a, days_ago=120)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A moment of the clinic's day."""
    return datetime.combine(day, time(hour, minute), NEW_YORK)


_said = iter(range(10_000))


def sent_log(program, moment: datetime) -> SessionLog:
    """A session log sent at `moment`; the day it says it was done is some other day."""
    log = logged_session(program, date(2025, 1, 1) + timedelta(days=next(_said)))
    SessionLog.objects.filter(pk=log.pk).update(logged_at=moment)
    return log


def sent_answers(program, moment: datetime) -> Questionnaire:
    return Questionnaire.objects.create(
        program=program,
        occasion="follow_up",
        due_on=moment.date(),
        completed_at=moment,
        completed_on=moment.date(),
        token=uuid.uuid4(),
    )


def sent_as_needed(program, moment: datetime) -> AsNeededLog:
    return AsNeededLog.objects.create(
        program=program,
        item_ref=0,
        exercise_name="Stretch",
        date=moment.date(),
        logged_at=moment,
        token=uuid.uuid4(),
    )


def test_data_days_are_the_clinics_days_data_was_sent(program, patient_a, patient_b, clinic_a):
    sent_log(program, at(d(2, 2), 23, 30))  # 04:30 UTC on 3 February: still 2 February here
    sent_log(program, at(d(2, 2), 8))  # the same day again
    sent_answers(program, at(d(2, 2), 9))  # and again, by a questionnaire
    sent_answers(program, at(d(2, 4)))
    sent_as_needed(program, at(d(2, 5)))
    Questionnaire.objects.create(  # sent, not answered: no data
        program=program, occasion="follow_up", due_on=d(2, 6), token=uuid.uuid4()
    )
    other = started_program(patient_b, patient_b.primary_clinician, days_ago=120)
    sent_log(other, at(d(2, 7)))
    days = rtm.data_days(clinic_a, [patient_a.pk], d(2, 1), d(2, 28))
    assert days == {patient_a.pk: {d(2, 2), d(2, 4), d(2, 5)}}
    # The bounds are the clinic's days too.
    assert rtm.data_days(clinic_a, [patient_a.pk], d(2, 3), d(2, 28))[patient_a.pk] == {
        d(2, 4),
        d(2, 5),
    }


def test_a_backdated_log_counts_on_the_day_it_was_sent(program, patient_a, clinic_a):
    log = sent_log(program, at(d(2, 10)))
    assert log.date != d(2, 10)
    assert rtm.data_days(clinic_a, [patient_a.pk], d(2, 1), d(2, 28))[patient_a.pk] == {d(2, 10)}


# --- changes and the page -----------------------------------------------------------------------


@pytest.fixture
def episode(program, patient_a, clinician_a):
    return rtm.start_episode(
        patient_a, clinician=clinician_a, setup_on=d(1, 15), by=clinician_a.user
    )


def rtm_url(patient, name="patient_rtm", **kwargs):
    return reverse(name, kwargs={"pk": patient.pk, **kwargs})


def time_data(**overrides):
    data = {
        "day": "2026-02-18",
        "minutes": "25",
        "activity": "Reviewed the week's data",
        "interaction": "",
        "token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_the_page_shows_the_periods_and_the_current_periods_days(
    episode, program, patient_a, clinician_a
):
    for day in (d(1, 20), d(1, 21), d(2, 13), d(2, 14), d(2, 15)):
        sent_log(program, at(day))
    response = client_for(clinician_a.user).get(rtm_url(patient_a))
    assert response.status_code == 200
    periods = response.context["episodes"][0][1]
    assert [(p.number, p.start, p.end, p.data_days) for p in periods] == [
        (2, d(2, 14), d(3, 15), 2),
        (1, d(1, 15), d(2, 13), 3),
    ]
    assert response.context["days_left"] == 24  # 20 February to 15 March
    content = response.content.decode()
    assert "24 days left, today included." in content
    assert "Band reached: 2–15 days (98985)." in content
    assert AuditEntry.objects.filter(
        subject=AuditSubject.RTM, action=AuditAction.VIEW, patient=patient_a
    ).exists()


def test_a_clinician_starts_an_episode(now, patient_a, clinician_a):
    client = client_for(clinician_a.user)
    data = {"setup_on": "2026-02-16", "clinician": clinician_a.pk}
    response = client.post(rtm_url(patient_a, "rtm_start"), data)
    assert response.status_code == 302
    episode = RtmEpisode.objects.get()
    assert (episode.setup_on, episode.clinician, episode.started_by) == (
        d(2, 16),
        clinician_a,
        clinician_a.user,
    )
    # Sent again (a double tap): still one episode, and the clinician is told.
    response = client.post(rtm_url(patient_a, "rtm_start"), data, follow=True)
    assert RtmEpisode.objects.count() == 1
    assert "already has an RTM episode under way" in response.content.decode()
    assert (
        AuditEntry.objects.filter(subject=AuditSubject.RTM, action=AuditAction.CREATE).count() == 1
    )


def test_an_episode_cannot_start_in_the_future_or_with_another_clinics_clinician(
    now, patient_a, clinician_a, clinician_b
):
    client = client_for(clinician_a.user)
    response = client.post(
        rtm_url(patient_a, "rtm_start"), {"setup_on": "2026-02-21", "clinician": clinician_a.pk}
    )
    assert "The set-up day cannot be in the future." in response.content.decode()
    response = client.post(
        rtm_url(patient_a, "rtm_start"), {"setup_on": "2026-02-01", "clinician": clinician_b.pk}
    )
    assert response.status_code == 200 and response.context["start_form"].errors["clinician"]
    assert not RtmEpisode.objects.exists()


def test_ending_an_episode_asks_first_and_cuts_its_period(episode, patient_a, clinician_a):
    client = client_for(clinician_a.user)
    page = client.get(rtm_url(patient_a, "rtm_end"))
    assert (
        page.status_code == 200 and "End the RTM episode of Pat Activated?" in page.content.decode()
    )
    episode.refresh_from_db()
    assert episode.ended_on is None  # asking changed nothing
    too_early = client.post(
        rtm_url(patient_a, "rtm_end"), {"episode": episode.pk, "ended_on": "2026-01-10"}
    )
    assert "it cannot end before that" in too_early.content.decode()
    response = client.post(
        rtm_url(patient_a, "rtm_end"), {"episode": episode.pk, "ended_on": "2026-02-18"}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.ended_on, episode.ended_by) == (d(2, 18), clinician_a.user)
    page = client.get(rtm_url(patient_a))
    periods = page.context["episodes"][0][1]
    assert (periods[0].start, periods[0].end, periods[0].cut) == (d(2, 14), d(2, 18), True)
    assert page.context["current"] is None
    assert (
        AuditEntry.objects.filter(subject=AuditSubject.RTM, action=AuditAction.CHANGE).count() == 1
    )


def test_a_stale_end_form_is_refused(episode, patient_a, clinician_a):
    client = client_for(clinician_a.user)
    rtm.end_episode(episode, ended_on=d(2, 1), by=clinician_a.user)
    later = rtm.start_episode(
        patient_a, clinician=clinician_a, setup_on=d(2, 10), by=clinician_a.user
    )
    # A form still showing the first episode does not end the second.
    response = client.post(
        rtm_url(patient_a, "rtm_end"), {"episode": episode.pk, "ended_on": "2026-02-18"}
    )
    assert "This form was out of date" in response.content.decode()
    later.refresh_from_db()
    assert later.ended_on is None


def test_a_new_episode_starts_after_the_last_one_ended(episode, patient_a, clinician_a):
    rtm.end_episode(episode, ended_on=d(2, 1), by=clinician_a.user)
    response = client_for(clinician_a.user).post(
        rtm_url(patient_a, "rtm_start"), {"setup_on": "2026-02-01", "clinician": clinician_a.pk}
    )
    assert "An earlier episode ended on 2026-02-01" in response.content.decode()
    assert RtmEpisode.objects.count() == 1


def test_recording_time_with_a_call_shows_the_months_band(episode, patient_a, clinician_a):
    client = client_for(clinician_a.user)
    response = client.post(rtm_url(patient_a, "rtm_time_add"), time_data(interaction="call"))
    assert response.status_code == 302
    assert response["Location"] == rtm_url(patient_a) + "?month=2026-02"
    entry = RtmTime.objects.get()
    assert (entry.minutes, entry.interaction, entry.clinician, entry.recorded_by) == (
        25,
        "call",
        clinician_a,
        clinician_a.user,
    )
    page = client.get(response["Location"])
    assert page.context["month_time"].codes_text == "98980"
    assert not page.context["month_time"].needs_interaction
    assert "Phone call, 18 Feb 2026" in page.content.decode()


def test_start_and_stop_times_give_the_minutes(episode, patient_a, clinician_a):
    client = client_for(clinician_a.user)
    client.post(
        rtm_url(patient_a, "rtm_time_add"),
        time_data(minutes="", started_at="09:10", stopped_at="09:52"),
    )
    entry = RtmTime.objects.get()
    assert (entry.minutes, entry.started_at, entry.stopped_at) == (42, time(9, 10), time(9, 52))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"minutes": ""}, "Give the minutes, or the start and stop times."),
        ({"minutes": "0"}, "greater than or equal to 1"),
        ({"minutes": "601"}, "less than or equal to 600"),
        ({"minutes": "", "started_at": "10:00"}, "Give both the start and the stop time"),
        ({"minutes": "", "started_at": "10:00", "stopped_at": "09:00"}, "must be after the start"),
        ({"minutes": "30", "started_at": "10:00", "stopped_at": "10:20"}, "does not match"),
        ({"day": "2026-02-21"}, "The day cannot be in the future."),
        ({"day": "2026-01-14"}, "The patient had no RTM episode on that day."),
        ({"activity": ""}, "This field is required."),
        ({"interaction": "email"}, "Select a valid choice."),
        ({"token": ""}, "This form was out of date."),
    ],
)
def test_bad_time_is_refused_with_a_message(episode, patient_a, clinician_a, changes, message):
    response = client_for(clinician_a.user).post(
        rtm_url(patient_a, "rtm_time_add"), time_data(**changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RtmTime.objects.exists()


def test_a_double_submitted_time_form_records_once(episode, patient_a, clinician_a):
    cache.clear()
    client = client_for(clinician_a.user)
    data = time_data()
    client.post(rtm_url(patient_a, "rtm_time_add"), data)
    response = client.post(rtm_url(patient_a, "rtm_time_add"), data, follow=True)
    assert RtmTime.objects.count() == 1
    assert "That time was already recorded." in response.content.decode()


def test_deleting_time_asks_first_and_only_its_recorder_or_an_admin_may(
    episode, patient_a, clinician_a, admin_a
):
    entry = rtm.add_time(
        patient_a,
        clinician=clinician_a,
        by=clinician_a.user,
        date=d(2, 3),
        minutes=15,
        activity="x",
    )
    colleague = ClinicianFactory(clinic=clinician_a.clinic)
    url = rtm_url(patient_a, "rtm_time_delete", time_pk=entry.pk)
    assert client_for(colleague.user).get(url).status_code == 404
    assert client_for(colleague.user).post(url).status_code == 404
    client = client_for(clinician_a.user)
    assert "Delete this time entry?" in client.get(url).content.decode()
    assert RtmTime.objects.exists()
    response = client.post(url)
    assert response.status_code == 302 and not RtmTime.objects.exists()
    assert client.post(url).status_code == 404  # sent twice: gone already
    assert (
        AuditEntry.objects.filter(subject=AuditSubject.RTM, action=AuditAction.DELETE).count() == 1
    )
    again = rtm.add_time(
        patient_a,
        clinician=clinician_a,
        by=clinician_a.user,
        date=d(2, 3),
        minutes=15,
        activity="x",
    )
    url = rtm_url(patient_a, "rtm_time_delete", time_pk=again.pk)
    assert client_for(admin_a.user).post(url).status_code == 302


# --- the report -----------------------------------------------------------------------------


@pytest.fixture
def february(episode, program, patient_a, patient_a2, clinician_a, admin_a):
    """Patient A: set up 15 January; 16 data days in period 1, 3 in period 2; 45 minutes in
    February with a video visit on the 9th. Nina: set up 2 February, 1 data day, 12 minutes, no
    interaction, treated by the admin."""
    for n in range(16):
        sent_log(program, at(d(1, 20) + timedelta(days=n)))  # 20 January to 4 February
    for day in (d(2, 14), d(2, 16), d(2, 19)):
        sent_log(program, at(day))
    for day, minutes, kind in ((d(2, 3), 25, ""), (d(2, 9), 20, "video")):
        rtm.add_time(
            patient_a,
            clinician=clinician_a,
            by=clinician_a.user,
            date=day,
            minutes=minutes,
            activity="Reviewed data",
            interaction=kind,
        )
    rtm.start_episode(patient_a2, clinician=admin_a, setup_on=d(2, 2), by=admin_a.user)
    nina = started_program(patient_a2, clinician_a, days_ago=30)
    sent_log(nina, at(d(2, 5)))
    rtm.add_time(
        patient_a2, clinician=admin_a, by=admin_a.user, date=d(2, 5), minutes=12, activity="+1"
    )


def test_the_month_report_by_hand(february, clinic_a, patient_a, patient_a2):
    rows = rtm.month_report(clinic_a, d(2, 1), TODAY)
    assert [row.patient for row in rows] == [patient_a, patient_a2]  # by last name
    pat, nina = rows
    assert [(p.number, p.start, p.end, p.data_days, p.band.code) for p in pat.periods] == [
        (1, d(1, 15), d(2, 13), 16, "98977"),
        (2, d(2, 14), d(3, 15), 3, "98985"),  # under way: its days so far
    ]
    assert (pat.time.minutes, pat.time.codes_text, pat.time.interaction_text) == (
        45,
        "98980, 98981",
        "2026-02-09 (Video visit)",
    )
    assert pat.setup_on is None  # set up in January
    assert [(p.start, p.end, p.data_days, p.band) for p in nina.periods] == [
        (d(2, 2), d(3, 3), 1, None)
    ]
    assert (nina.time.codes_text, nina.time.needs_interaction) == ("98979", True)
    assert (nina.setup_on, nina.setup_code, str(nina.clinician)) == (
        d(2, 2),
        "98975",
        "Alice Admin",
    )


def test_the_report_csv(february, clinic_a, admin_a, patient_a, patient_a2):
    response = client_for(admin_a.user).get(reverse("rtm_report_csv", args=["2026-02"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="rtm-report-2026-02.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == rtm.REPORT_COLUMNS
    assert rows[1:] == [
        [
            "Pat Activated",
            str(patient_a.pk),
            "1970-01-01",
            "Carl Clinician",
            "",
            "1: 2026-01-15 to 2026-02-13",
            "16",
            "16–30 days (98977)",
            "45",
            "98980, 98981",
            "2026-02-09 (Video visit)",
        ],
        [
            "Pat Activated",
            str(patient_a.pk),
            "1970-01-01",
            "Carl Clinician",
            "",
            "2: 2026-02-14 to 2026-03-15",
            "3",
            "2–15 days (98985)",
            "45",
            "98980, 98981",
            "2026-02-09 (Video visit)",
        ],
        [
            "Nina Newcomer",
            str(patient_a2.pk),
            "1970-01-01",
            "Alice Admin",
            "2026-02-02 (98975)",
            "1: 2026-02-02 to 2026-03-03",
            "1",
            "below 2 days",
            "12",
            "98979",
            "none (required)",
        ],
    ]
    entries = AuditEntry.objects.filter(subject=AuditSubject.RTM, action=AuditAction.DOWNLOAD)
    assert {e.patient_id for e in entries} == {patient_a.pk, patient_a2.pk}


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(february, clinic_a, patient_a2):
    patient_a2.first_name = "=HYPERLINK(evil)"
    patient_a2.save()
    rows = rtm.month_report(clinic_a, d(2, 1), TODAY)
    lines = list(csv.reader(io.StringIO(rtm_views.report_csv(rows))))
    assert lines[-1][0] == "'=HYPERLINK(evil) Newcomer"


def test_the_report_page(february, admin_a, patient_a, patient_a2):
    response = client_for(admin_a.user).get(reverse("rtm_report") + "?month=2026-02")
    assert response.status_code == 200
    content = response.content.decode()
    assert "98980, 98981" in content and "None: required for the codes" in content
    viewed = AuditEntry.objects.filter(subject=AuditSubject.RTM, action=AuditAction.VIEW)
    assert {e.patient_id for e in viewed} == {patient_a.pk, patient_a2.pk}
    assert all(e.user == admin_a.user for e in viewed)


def test_a_month_without_episodes_is_an_empty_report(now, admin_a):
    response = client_for(admin_a.user).get(reverse("rtm_report") + "?month=2025-06")
    assert "No patient had an RTM episode in this month." in response.content.decode()


def pdf_text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def test_the_patients_month_as_pdf(february, clinician_a, patient_a):
    response = client_for(clinician_a.user).get(
        reverse("patient_rtm_pdf", kwargs={"pk": patient_a.pk, "month": "2026-02"})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text, pages = pdf_text(response.content)
    assert pages == 1
    assert "Remote therapeutic monitoring, February 2026" in text
    assert "Pat Activated" in text and "Carl Clinician" in text
    assert "16–30 days (98977)" in text and "2–15 days (98985)" in text
    assert "Minutes in the month 45" in text
    assert "98980, 98981" in text
    assert "Video visit, 9 Feb 2026" in text
    assert "the app does not submit claims" in text
    assert AuditEntry.objects.filter(
        subject=AuditSubject.RTM, action=AuditAction.DOWNLOAD, patient=patient_a
    ).exists()


def test_a_long_month_takes_more_pages(episode, patient_a, clinician_a):
    for n in range(80):
        rtm.add_time(
            patient_a,
            clinician=clinician_a,
            by=clinician_a.user,
            date=d(2, 1) + timedelta(days=n % 19),
            minutes=5,
            activity=f"Reviewed the data and wrote to the patient, part {n}",
        )
    pdf = rtm_views.month_pdf(patient_a, d(2, 1), TODAY)
    text, pages = pdf_text(pdf)
    assert pages > 1 and "Minutes in the month 400" in text and "part 79" in text


# --- the dashboard's filter -------------------------------------------------------------------


def test_short_of_data_names_patients_who_may_miss_sixteen_days(
    episode, program, clinic_a, patient_a, patient_a2, clinician_a
):
    # Patient A's period 2 runs 14 February to 15 March: 24 days left on 20 February.
    for n in range(5):
        sent_log(program, at(d(2, 14) + timedelta(days=n)))
    assert rtm.short_of_data(clinic_a, TODAY, days_left=24) == {patient_a.pk}
    assert rtm.short_of_data(clinic_a, TODAY, days_left=23) == set()
    # Eleven more days make sixteen: no longer short.
    for n in range(11):
        sent_log(program, at(d(1, 1) + timedelta(days=n)))  # outside the period: not counted
    assert rtm.short_of_data(clinic_a, TODAY, days_left=30) == {patient_a.pk}
    for n in range(11):
        sent_log(program, at(d(2, 14) + timedelta(days=5 + (n % 2)), 8 + n))
    assert rtm.short_of_data(clinic_a, TODAY, days_left=30) == {patient_a.pk}  # 7 distinct days
    nina_episode = rtm.start_episode(
        patient_a2, clinician=clinician_a, setup_on=d(1, 22), by=clinician_a.user
    )
    # Nina's period 1 ends 20 February, today: 1 day left, no data.
    assert rtm.short_of_data(clinic_a, TODAY, days_left=1) == {patient_a2.pk}
    rtm.end_episode(nina_episode, ended_on=d(2, 19), by=clinician_a.user)
    assert rtm.short_of_data(clinic_a, TODAY, days_left=1) == set()


def test_short_of_data_takes_two_queries_at_any_size(
    episode, program, clinic_a, clinician_a, django_assert_num_queries
):
    with django_assert_num_queries(2):
        rtm.short_of_data(clinic_a, TODAY, days_left=30)
    for _ in range(5):
        patient = PatientFactory(primary_clinician=clinician_a)
        rtm.start_episode(patient, clinician=clinician_a, setup_on=d(2, 1), by=clinician_a.user)
    with django_assert_num_queries(2):
        assert len(rtm.short_of_data(clinic_a, TODAY, days_left=30)) == 6


# --- export ----------------------------------------------------------------------------------


def test_the_patient_export_holds_episodes_and_time(february, patient_a, clinician_a):
    from programs.export import patient_record

    record = patient_record(patient_a)["rtm"]
    assert [(e["set_up_on"], e["treating_clinician"]) for e in record["episodes"]] == [
        (d(1, 15), "Carl Clinician")
    ]
    assert [(t["date"], t["minutes"], t["interaction"]) for t in record["time"]] == [
        (d(2, 3), 25, ""),
        (d(2, 9), 20, "video"),
    ]


def test_the_export_pdf_lists_the_rtm_records(february, patient_a, admin_a):
    response = client_for(admin_a.user).get(reverse("patient_export_pdf", args=[patient_a.pk]))
    text, _pages = pdf_text(response.content)
    assert "Remote monitoring records" in text
    assert "Time your physio spent on your care between visits" in text
    assert "Video visit" in text


# --- who may reach what -----------------------------------------------------------------------


@pytest.fixture
def world(february, patient_a):
    entry = RtmTime.objects.filter(patient=patient_a).first()
    return {
        "patient_rtm": ("get", rtm_url(patient_a)),
        "rtm_start": ("post", rtm_url(patient_a, "rtm_start")),
        "rtm_end": ("get", rtm_url(patient_a, "rtm_end")),
        "rtm_time_add": ("post", rtm_url(patient_a, "rtm_time_add")),
        "rtm_time_delete": ("get", rtm_url(patient_a, "rtm_time_delete", time_pk=entry.pk)),
        "patient_rtm_pdf": ("get", rtm_url(patient_a, "patient_rtm_pdf", month="2026-02")),
        "rtm_report": ("get", reverse("rtm_report")),
        "rtm_report_csv": ("get", reverse("rtm_report_csv", args=["2026-02"])),
    }


ADMIN_ONLY = {"rtm_report", "rtm_report_csv"}


def test_outsiders_get_404_and_visitors_sign_in(world, patient_a, patient_b, clinician_b, operator):
    for name, (method, url) in world.items():
        assert getattr(client_for(None), method)(url).status_code == 302, name
        for user in (patient_a.user, patient_b.user, clinician_b.user, operator):
            assert getattr(client_for(user), method)(url).status_code == 404, (name, user)


def test_clinic_staff_reach_the_patients_pages_and_only_admins_the_report(
    world, clinician_a, admin_a
):
    for name, (method, url) in world.items():
        expected = 404 if name in ADMIN_ONLY else (302 if method == "post" else 200)
        assert getattr(client_for(clinician_a.user), method)(url).status_code in (
            {expected, 200} if method == "post" else {expected}
        ), name
        admin_status = getattr(client_for(admin_a.user), method)(url).status_code
        assert admin_status in ({200, 302} if method == "post" else {200}), name


def test_every_page_is_404_while_the_clinic_has_rtm_off(world, clinic_a, clinician_a, admin_a):
    clinic_a.rtm_enabled = False
    clinic_a.save()
    for name, (method, url) in world.items():
        for user in (clinician_a.user, admin_a.user):
            assert getattr(client_for(user), method)(url).status_code == 404, name


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "0000-01"])
def test_a_bad_month_in_a_url_is_404(february, admin_a, patient_a, month):
    client = client_for(admin_a.user)
    assert client.get(reverse("rtm_report") + f"?month={month}").status_code == 404
    assert client.get(rtm_url(patient_a) + f"?month={month}").status_code == 404
    assert client.get(f"/clinic/rtm/{month}.csv").status_code == 404
    assert client.get(f"/patients/{patient_a.pk}/rtm/{month}.pdf").status_code == 404
    assert client.get(rtm_url(patient_a) + "?month=junk").status_code == 404


def test_an_erased_patients_record_takes_no_new_rtm_data(episode, patient_a, clinician_a):
    patient_a.erased_at = NOW
    patient_a.save()
    client = client_for(clinician_a.user)
    assert client.get(rtm_url(patient_a)).status_code == 200
    assert client.post(rtm_url(patient_a, "rtm_time_add"), time_data()).status_code == 404
    assert client.get(rtm_url(patient_a, "rtm_end")).status_code == 404


# --- query counts ------------------------------------------------------------------------------


def add_patients(clinician: Clinician, count: int) -> None:
    for _ in range(count):
        patient = PatientFactory(primary_clinician=clinician)
        rtm.start_episode(patient, clinician=clinician, setup_on=d(1, 20), by=clinician.user)
        program = started_program(patient, clinician, days_ago=60)
        sent_log(program, at(d(2, 2)))
        rtm.add_time(
            patient,
            clinician=clinician,
            by=clinician.user,
            date=d(2, 2),
            minutes=22,
            activity="x",
            interaction="call",
        )


# The session, the user, their two-step device, the clinician; the episodes, the data days, the
# time entries; the audit entries (one insert, in a savepoint and its release).
REPORT_QUERIES = 10


@pytest.mark.parametrize("patients", [2, 12])
def test_the_report_takes_the_same_queries_at_any_size(
    now, admin_a, clinician_a, patients, django_assert_num_queries
):
    add_patients(clinician_a, patients)
    client = client_for(admin_a.user)
    client.get(reverse("rtm_report"))  # the first visit keeps the role in the session
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(reverse("rtm_report") + "?month=2026-02")
    assert len(response.context["rows"]) == patients
    with django_assert_num_queries(REPORT_QUERIES):
        client.get(reverse("rtm_report_csv", args=["2026-02"]))


def test_erasure_clears_what_was_done_and_keeps_the_minutes(february, patient_a):
    from programs.erasure import erase_patient

    patient_a.status = patient_a.Status.ARCHIVED
    patient_a.save()
    erase_patient(patient_a, confirmed_name="Pat Activated")
    assert list(RtmTime.objects.filter(patient=patient_a).values_list("activity", "minutes")) == [
        ("(erased)", 25),
        ("(erased)", 20),
    ]
    assert RtmEpisode.objects.filter(patient=patient_a).exists()


# --- the dashboard's filter ---------------------------------------------------------------------


def test_the_dashboard_lists_patients_short_of_data_days_with_few_days_left(
    program, patient_a, patient_a2, clinician_a
):
    # Patient A's current period runs 25 January to 23 February: 4 days left on 20 February,
    # 1 data day so far. Patient A2's runs 14 February to 15 March: 24 days left.
    rtm.start_episode(patient_a, clinician=clinician_a, setup_on=d(1, 25), by=clinician_a.user)
    rtm.start_episode(patient_a2, clinician=clinician_a, setup_on=d(1, 15), by=clinician_a.user)
    sent_log(program, at(d(2, 10)))
    client = client_for(clinician_a.user)
    page = client.get(reverse("dashboard"), {"scope": "clinic", "rtm": "5"}).content.decode()
    assert "RTM data days" in page
    assert patient_a.last_name in page and patient_a2.last_name not in page
    assert reverse("patient_rtm", args=[patient_a.pk]) in page
    page = client.get(reverse("dashboard"), {"scope": "clinic", "rtm": "3"}).content.decode()
    assert "No patients match these filters." in page
    both = client.get(reverse("dashboard"), {"scope": "clinic"}).content.decode()
    assert patient_a.last_name in both and patient_a2.last_name in both


def test_without_rtm_the_dashboard_has_no_rtm_filter_and_ignores_one(
    now, patient_a, clinician_a, clinic_a
):
    clinic_a.rtm_enabled = False
    clinic_a.save()
    client = client_for(clinician_a.user)
    page = client.get(reverse("dashboard"), {"scope": "clinic", "rtm": "5"}).content.decode()
    assert "RTM data days" not in page
    assert patient_a.last_name in page  # the filter is not applied
    page = client.get(reverse("dashboard"), {"scope": "clinic", "rtm": "999"})
    assert page.status_code == 200
