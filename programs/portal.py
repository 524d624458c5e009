"""The patient portal: today's exercises, logging a session, history and reminder settings."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic.access import PatientRequest, patient_required, patient_self_required
from clinic.audit import patient_event
from clinic.languages import remember
from clinic.models import AuditAction
from programs.access import portal_program_for, portal_programs_for, portal_session_for
from programs.adherence import Adherence, adherence, done_counts, program_window, week_start
from programs.as_needed import AsNeededToday, as_needed_today, recent_uses
from programs.audit import program_event, session_event
from programs.calendar_feed import feed_urls
from programs.documents import send_discharge_summary, send_handout
from programs.forms import LanguageForm, ReminderSettingsForm, SessionLogForm
from programs.models import Program, ProgramItem, SessionLog
from programs.pain import is_high, threshold_for
from programs.prescribing import changes_since
from programs.questionnaires import due_for
from programs.sessions import (
    BACKDATE_DAYS,
    LogError,
    StaleLog,
    check_log_day,
    entry_initial,
    items_due,
    log_session,
    missed_days,
    sessions_per_day,
    streak,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

SESSIONS_PER_PAGE = 20


@dataclass
class ProgramToday:
    """Everything the Today page shows for one program."""

    program: Program
    items: list[ProgramItem]
    slots: list[tuple[int, SessionLog | None]]
    changes: list[str]  # what changed since the patient last looked, in their words
    this_week: Adherence
    last_four_weeks: Adherence
    streak: int
    missed_days: list[date] = field(default_factory=list)
    in_pain: SessionLog | None = None  # the latest session, when its pain reached the threshold
    as_needed: list[AsNeededToday] = field(default_factory=list)  # done when needed, unscheduled


def program_today(program: Program, today: date) -> ProgramToday:
    items = items_due(program.items.all(), today)
    versions = list(program.versions.order_by("number"))
    window = program_window(program, today)
    first = window[0] if window else today
    done = done_counts(program, max(first, today - timedelta(days=27)), today)
    recent_logs = {
        (log.date, log.slot): log
        for log in program.sessions.filter(
            date__gte=today - timedelta(days=BACKDATE_DAYS)
        ).annotate(worst_pain=Max("entries__pain"))
    }
    latest = recent_logs[max(recent_logs)] if recent_logs else None
    in_pain = latest if latest and is_high(latest.worst_pain, threshold_for(program)) else None
    slots: list[tuple[int, SessionLog | None]] = [
        (slot, recent_logs.get((today, slot))) for slot in range(1, sessions_per_day(items) + 1)
    ]
    missed = missed_days(program, {day for day, _ in recent_logs}, today)
    return ProgramToday(
        program=program,
        items=items,
        slots=slots,
        changes=changes_since(program, versions, program.seen_version),
        this_week=adherence(program, today, start=week_start(today), versions=versions, done=done),
        last_four_weeks=adherence(
            program, today, start=today - timedelta(days=27), versions=versions, done=done
        ),
        streak=streak(program, today),
        missed_days=missed,
        in_pain=in_pain,
        as_needed=as_needed_today(program, today),
    )


def portal_items() -> QuerySet[ProgramItem]:
    """A program's items as the portal shows them: with each exercise's text in other
    languages, so the patient's own is read without a query per exercise."""
    return ProgramItem.objects.select_related("exercise", "program").prefetch_related(
        "exercise__texts"
    )


def active_programs(request: PatientRequest) -> list[Program]:
    items = portal_items()
    return list(
        portal_programs_for(request.patient)
        .filter(status=Program.Status.ACTIVE)
        .select_related("clinic")
        .prefetch_related(Prefetch("items", items))
        .order_by("start_date", "pk")
    )


@require_safe
@patient_required
def portal_home(request: PatientRequest) -> HttpResponse:
    today = request.patient.today()
    cards = [program_today(program, today) for program in active_programs(request)]
    finished = list(
        portal_programs_for(request.patient)
        .filter(status=Program.Status.DISCHARGED)
        .select_related("clinic")
        .prefetch_related(Prefetch("items", portal_items()))
        .order_by("-end_date", "-pk")
    )
    # The discharge questionnaire stays open for a while after the program ends.
    asked = [card.program for card in cards] + finished
    due = due_for(asked, today)
    patient_event(AuditAction.VIEW, request.patient, "portal: today")
    return render(
        request,
        "programs/portal/today.html",
        {
            "patient": request.patient,
            "cards": cards,
            "today": today,
            "finished": finished,
            "questionnaires": [
                (program, due[program.pk]) for program in asked if program.pk in due
            ],
        },
    )


@require_POST
@patient_required
def changes_seen(request: PatientRequest, pk: int) -> HttpResponse:
    program = portal_program_for(request.patient, pk)
    latest = program.versions.order_by("-number").values_list("number", flat=True).first() or 0
    with transaction.atomic():
        Program.objects.filter(pk=program.pk).update(seen_version=latest)
        program_event(AuditAction.CHANGE, program, "changes seen by the patient")
    return redirect("portal_home")


def requested_day(request: HttpRequest, today: date) -> date | None:
    raw = request.POST.get("date") or request.GET.get("date")
    if not raw:
        return today
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _requested_slot(request: HttpRequest) -> int:
    """Which of the day's sessions (1 for the first), or 0 when the request names none sane."""
    try:
        return int(request.POST.get("slot") or request.GET.get("slot") or 1)
    except ValueError:
        return 0


def _session_to_log(
    program: Program, day: date | None, slot: int, today: date
) -> tuple[date, list[ProgramItem]]:
    """The day and the items a patient logs in one session, or a LogError saying why the
    session cannot be logged."""
    if day is None:
        raise LogError(_("That date is not valid."))
    check_log_day(program, day, today)
    items = items_due(
        program.items.select_related("exercise", "program").prefetch_related("exercise__texts"), day
    )
    if not items:
        raise LogError(_("Nothing is scheduled on that day: it's a rest day."))
    if not 1 <= slot <= sessions_per_day(items):
        raise LogError(_("That session does not exist on that day."))
    return day, [item for item in items if item.effective_frequency.times_per_day >= slot]


@require_http_methods(["GET", "POST"])
@patient_required
def session_log(request: PatientRequest, pk: int) -> HttpResponse:
    program = portal_program_for(request.patient, pk)
    today = request.patient.today()
    slot = _requested_slot(request)
    try:
        day, items = _session_to_log(program, requested_day(request, today), slot, today)
    except LogError as error:
        return render(
            request, "programs/portal/log_refused.html", {"message": str(error)}, status=400
        )

    existing = program.sessions.filter(date=day, slot=slot).prefetch_related("entries").first()
    entries = {entry.item_ref: entry for entry in existing.entries.all()} if existing else {}
    form = SessionLogForm(
        request.POST or None,
        items=items,
        initial_entries={item.pk: entry_initial(item, entries.get(item.pk)) for item in items},
        initial={
            "token": uuid.uuid4(),
            "revision": existing.revision if existing else 0,
            "difficulty": existing.difficulty if existing else "",
            "note": existing.note if existing else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            log, saved = log_session(
                program,
                day=day,
                slot=slot,
                token=form.cleaned_data["token"],
                entries=form.entry_values(),
                difficulty=form.cleaned_data["difficulty"],
                note=form.cleaned_data["note"].strip(),
                revision=form.cleaned_data["revision"],
                entered_by=request.entered_by,
            )
        except StaleLog as error:
            # Show the latest answers, never the stale ones the form still holds.
            messages.error(request, str(error))
            return redirect(f"{request.path}?date={day.isoformat()}&slot={slot}")
        except LogError as error:
            form.add_error(None, str(error))
        else:
            if not saved:
                messages.info(request, _("This session was already saved, so nothing was added."))
            return redirect("portal_session_done", log.pk)
    if existing is not None:
        session_event(AuditAction.VIEW, existing, program, "portal: log form")
    else:
        program_event(AuditAction.VIEW, program, "portal: log form")
    return render(
        request,
        "programs/portal/log.html",
        {
            "form": form,
            "program": program,
            "day": day,
            "slot": slot,
            "today": today,
            "existing": existing,
            "rows": form.rows(),
            "threshold": threshold_for(program),
        },
    )


@require_safe
@patient_required
def session_done(request: PatientRequest, pk: int) -> HttpResponse:
    log = portal_session_for(request.patient, pk)
    today = request.patient.today()
    monday = week_start(today)
    logged = set(
        log.program.sessions.filter(date__gte=monday, entries__done=True).values_list(
            "date", flat=True
        )
    )
    week = [(monday + timedelta(days=n), monday + timedelta(days=n) in logged) for n in range(7)]
    high_pain = is_high(log.max_pain, threshold_for(log.program))
    session_event(AuditAction.VIEW, log, log.program, "portal: session summary")
    return render(
        request,
        "programs/portal/done.html",
        {
            "log": log,
            "week": week,
            "today": today,
            "this_week": adherence(log.program, today, start=monday),
            "high_pain": high_pain,
            "advice": log.program.require_clinic().pain_advice_text if high_pain else "",
        },
    )


class HistoryMarks(TypedDict):
    """What the history page adds to each session it lists."""

    week: date  # the Monday of the session's week, which the page groups by
    high_pain: bool  # its pain reached the program's threshold


if TYPE_CHECKING:
    HistoryLog = WithAnnotations[SessionLog, HistoryMarks]


@require_safe
@patient_required
def history(request: PatientRequest) -> HttpResponse:
    sessions = (
        SessionLog.objects.filter(program__in=portal_programs_for(request.patient))
        .select_related("program__clinic")
        .prefetch_related("entries")
        .order_by("-date", "-slot", "-pk")
    )
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    for log in cast("Iterable[HistoryLog]", page.object_list):
        log.week = week_start(log.date)
        log.high_pain = is_high(log.max_pain, threshold_for(log.program))
    patient_event(AuditAction.VIEW, request.patient, "portal: history")
    uses = recent_uses(request.patient, request.patient.today())
    return render(request, "programs/portal/history.html", {"page": page, "as_needed_uses": uses})


@require_http_methods(["GET", "POST"])
@patient_self_required
def reminder_settings(request: PatientRequest) -> HttpResponse:
    """Reminders and language: two forms on one page, each saved on its own; the calendar
    feed's address and its buttons (programs/calendar_feed.py)."""
    posted = request.POST if request.method == "POST" else None
    language_posted = posted is not None and "preferred_language" in posted
    form = ReminderSettingsForm(None if language_posted else posted, instance=request.patient)
    language_form = LanguageForm(posted if language_posted else None, instance=request.patient)
    if language_posted and language_form.is_valid():
        with transaction.atomic():
            language_form.save()
            patient_event(AuditAction.CHANGE, request.patient, "language")
        remember(request, request.patient.preferred_language)
        messages.success(request, _("Your language was saved."))
        return redirect(reverse("portal_settings"))
    if posted is not None and not language_posted and form.is_valid():
        with transaction.atomic():
            form.save()
            patient_event(AuditAction.CHANGE, request.patient, "reminder settings")
        messages.success(request, _("Your reminder settings were saved."))
        return redirect(reverse("portal_settings"))
    return render(
        request,
        "programs/portal/settings.html",
        {
            "form": form,
            "language_form": language_form,
            "calendar": feed_urls(request, request.patient),
        },
    )


def own_program(request: PatientRequest, pk: int) -> Program:
    """One of the patient's own programs, active or finished, or 404."""
    return get_object_or_404(portal_programs_for(request.patient).select_related("clinic"), pk=pk)


@require_safe
@patient_required
def portal_handout(request: PatientRequest, pk: int) -> HttpResponse:
    return send_handout(request, own_program(request, pk), back=reverse("portal_home"))


@require_safe
@patient_required
def portal_discharge_summary(request: PatientRequest, pk: int) -> HttpResponse:
    return send_discharge_summary(request, own_program(request, pk))
