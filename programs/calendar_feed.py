"""The patient's calendar feed: an iCalendar file their phone's calendar subscribes to, with an
all-day event on each day their active programs have exercises scheduled.

The feed's address carries a token derived from the patient's random `calendar_key` with the
app's secret (`salted_hmac`), so the database alone cannot give the address, while the portal
can show it again at any time. Only a SHA-256 hash of the token is stored, to find the patient
by it; resetting the link draws a new key, so the old address stops working at once, and
turning the feed off clears the key.

What an event says is what a lock screen or a shared calendar may show: the program's title and
how many exercises are due, never the condition, the exercises or the physio's notes; its link
leads to the portal, behind the sign-in.

Events are all-day: exercises are done whenever suits the patient, an all-day event never
blocks time in their diary, and a day stays the same day when the phone changes time zone. The
days are the clinic's days, as everywhere else (Patient.today). The patient's reminder email
already covers "at a time I choose".

The feed stops at discharge: a discharged or erased patient, an archived one and a discharged
program get no events. The address still answers with an empty calendar, because a calendar
app removes the events it showed when the feed empties, while a 404 leaves them in place and
makes it complain. Each fetch is on the audit trail (calendar apps poll every few hours, and
the feed asks them to wait REFRESH between fetches).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe
from icalendar import CLASS, TRANSP, Calendar, Event

from clinic.access import PatientRequest, patient_self_required
from clinic.audit import record
from clinic.languages import speaking, supported
from clinic.models import AuditAction, AuditSubject, Patient
from exercises.dose import describe_times
from programs.access import portal_programs_for
from programs.models import Program, ProgramItem
from programs.sessions import items_due, sessions_per_day

SALT = "programs.calendar_feed"
TOKEN_PATTERN = re.compile(r"[0-9a-f]{64}")
DAYS_BEFORE = 7  # a week back, so the days just gone still show in the calendar
WEEKS_AHEAD = 8  # and no further ahead: the program may change before then
REFRESH = timedelta(hours=6)
PRODID = "-//Physio home exercises//Calendar feed//EN"


# --- the link ---------------------------------------------------------------------------------


def feed_token(patient: Patient) -> str | None:
    """The token in the patient's feed address, or None when they have no feed."""
    if not patient.calendar_key:
        return None
    return _derived(patient.pk, patient.calendar_key)


def _derived(patient_id: int, key: str) -> str:
    return salted_hmac(SALT, f"{patient_id}:{key}", algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_feed(patient: Patient) -> bool:
    """Whether the patient's feed is on and its address works. (After the app's secret key
    changes, the address derived now is not the one stored: the patient turns it on again.)"""
    token = feed_token(patient)
    return token is not None and constant_time_compare(
        token_hash(token), patient.calendar_token_hash
    )


def new_feed(patient: Patient) -> str:
    """Turn the feed on with a new address, or give it a new one (the old stops working at
    once); returns the token."""
    with transaction.atomic():
        locked = Patient.objects.select_for_update().get(pk=patient.pk)
        detail = "link reset" if locked.calendar_key else "turned on"
        patient.calendar_key = secrets.token_hex(16)
        token = _derived(patient.pk, patient.calendar_key)
        patient.calendar_token_hash = token_hash(token)
        patient.save(update_fields=["calendar_key", "calendar_token_hash", "updated_at"])
        _event(AuditAction.CHANGE, patient, detail)
    return token


def end_feed(patient: Patient) -> None:
    """Turn the feed off: its address stops working at once."""
    with transaction.atomic():
        patient.calendar_key, patient.calendar_token_hash = "", ""
        patient.save(update_fields=["calendar_key", "calendar_token_hash", "updated_at"])
        _event(AuditAction.CHANGE, patient, "turned off")


def patient_for_token(token: str) -> Patient | None:
    """The patient whose feed address holds this token, or None. One query whatever the
    token, and the token is compared in constant time."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    patient = (
        Patient.objects.select_related("clinic")
        .exclude(calendar_key="")
        .filter(calendar_token_hash=token_hash(token))
        .first()
    )
    if patient is None or not constant_time_compare(feed_token(patient) or "", token):
        return None
    return patient


def _event(action: str, patient: Patient, detail: str) -> None:
    record(action, AuditSubject.CALENDAR, patient=patient, object_id=patient.pk, detail=detail)


# --- the schedule -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedDay:
    """One event: a day on which a program has exercises scheduled."""

    program: Program
    day: date
    exercises: int
    times_per_day: int
    days_a_week: int | None  # "any N days a week", when every exercise due is so scheduled


def feed_programs(patient: Patient) -> list[Program]:
    """The programs whose days the feed shows: the patient's active ones, none once the
    patient is discharged, archived or erased. Two queries."""
    if patient.erased_at is not None or patient.status != Patient.Status.ACTIVE:
        return []
    items = ProgramItem.objects.filter(as_needed=False)
    return list(
        portal_programs_for(patient)
        .filter(status=Program.Status.ACTIVE, start_date__isnull=False)
        .prefetch_related(Prefetch("items", items))
        .order_by("start_date", "pk")
    )


def scheduled_days(programs: Iterable[Program], today: date) -> Iterator[FeedDay]:
    """The days from a week before `today` to the program's end (at most WEEKS_AHEAD weeks
    ahead) with exercises due, as the portal's Today page schedules them (programs/sessions.py).
    Exercises done as needed are never scheduled."""
    first, horizon = today - timedelta(days=DAYS_BEFORE), today + timedelta(weeks=WEEKS_AHEAD)
    for program in programs:
        if program.status != Program.Status.ACTIVE or program.start_date is None:
            continue
        items = [item for item in program.items.all() if not item.as_needed]
        day = max(program.start_date, first)
        last = min(program.end_date or horizon, horizon)
        while day <= last:
            if due := items_due(items, day):
                yield FeedDay(program, day, len(due), sessions_per_day(due), _flexible(due))
            day += timedelta(days=1)


def _flexible(due: list[ProgramItem]) -> int | None:
    frequencies = [item.effective_frequency for item in due]
    if any(frequency.named_days() for frequency in frequencies):
        return None
    days = max(frequency.days_per_week for frequency in frequencies)
    return days if days < 7 else None


# --- the iCalendar file -----------------------------------------------------------------------


def calendar_file(
    patient: Patient, days: Iterable[FeedDay], *, portal_url: str, host: str
) -> bytes:
    """The feed in the patient's language. Event ids are stable (program and day), so a
    calendar app updates an event rather than adding a second one."""
    with speaking(patient.preferred_language):
        calendar = Calendar.new(
            prodid=PRODID,
            name=_("Home exercises"),
            description=_("The days of your home exercise program."),
            refresh_interval=REFRESH,
            uid=f"patient-{patient.pk}-calendar@{host}",
            url=portal_url,
        )
        calendar["X-PUBLISHED-TTL"] = calendar["REFRESH-INTERVAL"]  # Outlook's name for it
        for feed_day in days:
            calendar.add_component(_day_event(feed_day, portal_url=portal_url, host=host))
        return calendar.to_ical()


def _day_event(feed_day: FeedDay, *, portal_url: str, host: str) -> Event:
    program = feed_day.program
    return Event.new(
        uid=f"program-{program.pk}-{feed_day.day:%Y%m%d}@{host}",
        stamp=program.updated_at,
        start=feed_day.day,
        end=feed_day.day + timedelta(days=1),
        summary=_("Home exercises: %(program)s") % {"program": program.title},
        description=_describe(feed_day, portal_url),
        url=portal_url,
        transparency=TRANSP.TRANSPARENT,
        classification=CLASS.PRIVATE,
    )


def _describe(feed_day: FeedDay, portal_url: str) -> str:
    exercises = ngettext("%(count)d exercise", "%(count)d exercises", feed_day.exercises) % {
        "count": feed_day.exercises
    }
    lines = [
        _("%(exercises)s, %(times)s.")
        % {"exercises": exercises, "times": describe_times(feed_day.times_per_day)}
    ]
    if feed_day.days_a_week is not None:
        lines.append(
            ngettext(
                "Any %(count)d day a week: choose the days that suit you.",
                "Any %(count)d days a week: choose the days that suit you.",
                feed_day.days_a_week,
            )
            % {"count": feed_day.days_a_week}
        )
    lines.append(_("Your exercises and how to do them: %(url)s") % {"url": portal_url})
    return "\n".join(lines)


# --- views ------------------------------------------------------------------------------------


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed, for a calendar app: no sign-in, the token is the key. An unknown token is a
    404; a known one always gets a calendar, empty once the patient is discharged."""
    patient = patient_for_token(token)
    if patient is None:
        raise Http404
    days = scheduled_days(feed_programs(patient), patient.today())
    body = calendar_file(
        patient,
        days,
        portal_url=request.build_absolute_uri(reverse("portal_home")),
        host=split_domain_port(request.get_host())[0] or "localhost",
    )
    _event(AuditAction.VIEW, patient, "calendar feed fetched")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="exercises.ics"'
    response["Content-Language"] = supported(patient.preferred_language)
    response["X-Robots-Tag"] = "noindex"
    add_never_cache_headers(response)  # Cache-Control: ... no-store, private
    return response


def feed_urls(request: HttpRequest, patient: Patient) -> dict[str, str] | None:
    """The feed's addresses to show the patient (https, and webcal:// which a phone opens in
    its calendar app), or None when the feed is off."""
    if not has_feed(patient):
        return None
    https = request.build_absolute_uri(reverse("calendar_feed", args=[feed_token(patient)]))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@require_POST
@patient_self_required
def calendar_reset(request: PatientRequest) -> HttpResponse:
    """Turn the feed on, or give it a new address. The patient's alone: a carer gets a 404
    (patient_self_required), as the address shows the patient's schedule to whoever holds it."""
    if request.carer is not None:  # patient_self_required refuses carers; never rely on one door
        raise Http404
    was_on = has_feed(request.patient)
    new_feed(request.patient)
    if was_on:
        messages.success(
            request,
            _(
                "Your calendar link is new. The old link no longer works: add the new one to "
                "your calendar."
            ),
        )
    else:
        messages.success(request, _("Your calendar link is ready: add it to your calendar."))
    return redirect(reverse("portal_settings") + "#calendar")


@require_POST
@patient_self_required
def calendar_off(request: PatientRequest) -> HttpResponse:
    if request.carer is not None:
        raise Http404
    end_feed(request.patient)
    messages.success(
        request,
        _(
            "Your calendar link is turned off and no longer works. Remove the calendar from "
            "your phone too."
        ),
    )
    return redirect(reverse("portal_settings") + "#calendar")
