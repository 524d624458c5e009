"""Exercises done "as needed" (a stretch when stiff, up to N times a day): logging a use,
counting uses by day and week, charting them, and the patient's pages for logging one.

An as-needed item is never scheduled (programs/sessions.is_due), so it is outside adherence,
which counts scheduled exercises only (programs/adherence.py). Its uses are counted here,
apart. Like sessions, a use is never lost: one over the most a day the physio advised is
still recorded, and the patient is told to say so to their physio if they need more.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from clinic.access import PatientRequest, patient_required
from clinic.audit import record
from clinic.models import AuditAction, AuditSubject, Patient, User
from programs.access import (
    as_needed_item_for,
    portal_program_for,
    portal_programs_for,
    portal_use_for,
)
from programs.adherence import week_start
from programs.charts import BAR_COLOUR, FONT, TEXT_COLOUR, WIDTH, Chart, chart_date, text_width
from programs.figures import mark_changed
from programs.forms import AsNeededForm
from programs.models import AsNeededLog, Program, ProgramItem
from programs.pain import is_high, threshold_for

CHART_WEEKS = 8
HISTORY_DAYS = 28


class UseError(Exception):
    """A use that cannot be logged; the message is fit to show the patient."""


# --- logging a use ---------------------------------------------------------------------------


def use_event(action: str, log: AsNeededLog, program: Program, detail: str) -> None:
    """A use logged or read, on the audit trail as a session of the program: the entry names
    the use, never the exercise or the pain."""
    record(
        action,
        AuditSubject.SESSION,
        clinic=program.clinic_id,
        patient=program.patient_id,
        object_id=log.pk,
        detail=detail,
    )


def log_use(
    program: Program,
    item: ProgramItem,
    *,
    day: date,
    token: uuid.UUID,
    pain: int | None = None,
    entered_by: User | None = None,
) -> tuple[AsNeededLog, bool]:
    """Record one use of an as-needed item on the clinic's `day`; returns (the log, whether
    this call recorded it). A token already used returns that log unchanged (a double tap or
    a resubmitted form). Over the most a day, the use is recorded all the same."""
    if not item.as_needed or item.program_id != program.pk:
        raise UseError(_("This exercise is on your schedule: log it with your session."))
    if program.status != Program.Status.ACTIVE:
        raise UseError(_("This program has ended, so nothing can be logged in it."))
    existing = AsNeededLog.objects.filter(token=token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            log = AsNeededLog.objects.create(
                program=program,
                item=item,
                item_ref=item.pk,
                exercise_name=item.display_name,
                date=day,
                pain=pain,
                token=token,
                entered_by=entered_by,
            )
            use_event(AuditAction.CREATE, log, program, "as-needed exercise logged")
            # A high pain alerts the clinician (programs/insights.py): the figures change.
            mark_changed([program.patient_id])
    except IntegrityError:
        # Two submissions raced: the other one won; it holds the same information.
        return AsNeededLog.objects.get(token=token), False
    return log, True


def uses_on(item_ref: int, day: date) -> int:
    return AsNeededLog.objects.filter(item_ref=item_ref, date=day).count()


# --- Today -----------------------------------------------------------------------------------


@dataclass
class AsNeededToday:
    """One as-needed exercise as Today shows it: how often it was done today, and the form to
    log it again."""

    item: ProgramItem
    done_today: int
    threshold: int  # the pain that stops an exercise, said beside the pain question

    @property
    def reached(self) -> bool:
        """Done as often today as the physio advised at most (or more)."""
        return self.item.max_per_day is not None and self.done_today >= self.item.max_per_day

    @cached_property
    def form(self) -> AsNeededForm:
        return AsNeededForm(initial={"token": uuid.uuid4()}, auto_id=f"as-needed-{self.item.pk}-%s")


def as_needed_today(program: Program, today: date) -> list[AsNeededToday]:
    """The program's as-needed items (from its prefetched items) with today's uses: one query,
    and none for a program without such items."""
    items = [item for item in program.items.all() if item.as_needed]
    if not items:
        return []
    done = Counter(
        dict(
            AsNeededLog.objects.filter(program=program, date=today)
            .values_list("item_ref")
            .annotate(count=Count("pk"))
            .order_by()
        )
    )
    threshold = threshold_for(program)
    return [AsNeededToday(item, done[item.pk], threshold) for item in items]


# --- the patient's history -------------------------------------------------------------------


@dataclass
class DayOfUses:
    """One day's uses of one exercise, as the history lists them."""

    day: date
    program: str
    exercise: str
    times: int
    worst_pain: int | None


def recent_uses(patient: Patient, today: date) -> list[DayOfUses]:
    """The patient's uses of the last HISTORY_DAYS days, newest day first, a line per day
    and exercise; one query."""
    rows = (
        AsNeededLog.objects.filter(
            program__in=portal_programs_for(patient),
            date__gt=today - timedelta(days=HISTORY_DAYS),
        )
        .values("date", "program__title", "item_ref", "exercise_name")
        .annotate(times=Count("pk"), worst_pain=Max("pain"))
        .order_by("-date", "program__title", "exercise_name")
    )
    return [
        DayOfUses(
            row["date"],
            row["program__title"],
            row["exercise_name"],
            row["times"],
            row["worst_pain"],
        )
        for row in rows
    ]


# --- the clinician's record: uses per week ---------------------------------------------------


@dataclass
class ItemUses:
    """One as-needed exercise's uses in each of the last weeks, oldest week first."""

    item_ref: int
    name: str
    program: str
    max_per_day: int | None
    weeks: list[tuple[date, int]] = field(default_factory=list)
    worst_pain: int | None = None  # the highest pain noted with a use in those weeks

    @property
    def total(self) -> int:
        return sum(count for _, count in self.weeks)


def weekly_uses(
    logs: QuerySet[AsNeededLog], items: list[ProgramItem], today: date, weeks: int = CHART_WEEKS
) -> list[ItemUses]:
    """Uses per calendar week of the last `weeks` weeks, per exercise: each of `items` (the
    as-needed items, with their program), then any other item among `logs` used in those weeks
    (since removed, or put back on the schedule). One query, two when such an item was used."""
    this_week = week_start(today)
    mondays = [this_week - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    rows = (
        logs.filter(date__gte=mondays[0], date__lte=today)
        .values("item_ref", "date")
        .annotate(count=Count("pk"), worst=Max("pain"))
        .order_by()
    )
    counts: dict[int, Counter[date]] = defaultdict(Counter)
    worst: dict[int, int] = {}
    for row in rows:
        counts[row["item_ref"]][week_start(row["date"])] += row["count"]
        if row["worst"] is not None:
            worst[row["item_ref"]] = max(row["worst"], worst.get(row["item_ref"], 0))
    result = [
        ItemUses(item.pk, item.display_name, item.program.title, item.max_per_day) for item in items
    ]
    others = sorted(set(counts) - {item.pk for item in items})
    if others:
        names: dict[int, tuple[str, str]] = {}
        for ref, name, title in (
            logs.filter(item_ref__in=others)
            .order_by("item_ref", "-logged_at")
            .values_list("item_ref", "exercise_name", "program__title")
        ):
            names.setdefault(ref, (name, title))
        result += [ItemUses(ref, *names[ref], None) for ref in others]
    for uses in result:
        uses.weeks = [(monday, counts[uses.item_ref][monday]) for monday in mondays]
        uses.worst_pain = worst.get(uses.item_ref)
    return result


def uses_chart(uses: ItemUses) -> Chart:
    """Bars of one exercise's uses per week, in the style of programs/charts.py (the same
    viewBox width and text size), with a sentence that says the same in words."""
    title = _("%(name)s: times done as needed per week") % {"name": uses.name}
    left, top, plot_h, right = 44, 20, 110, 8
    count = max(len(uses.weeks), 1)
    most = max((n for _, n in uses.weeks), default=0)
    scale_top = max(2, math.ceil(most / 2) * 2)  # even, so the middle line is a whole number
    inner_w, baseline = WIDTH - left - right, top + plot_h
    slot = inner_w / count
    label_w = max((text_width(chart_date(monday)) for monday, _ in uses.weeks), default=0)
    step = max(1, math.ceil((label_w + 8) / slot))
    bars = []
    for index, (monday, times) in enumerate(uses.weeks):
        height = plot_h * times / scale_top
        bars.append(
            {
                "x": round(left + index * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(baseline - height, 1),
                "height": round(height, 1),
                "label_x": round(left + index * slot + slot / 2, 1),
                "value_y": round(baseline - height - 5, 1),
                "week": monday,
                "times": times,
                "labelled": (len(uses.weeks) - 1 - index) % step == 0,
            }
        )
    grid = [
        {
            "y": round(baseline - plot_h * value / scale_top, 1),
            "label_y": round(baseline - plot_h * value / scale_top + 4.5, 1),
            "value": value,
        }
        for value in (0, scale_top // 2, scale_top)
    ]
    weeks = "; ".join(
        ngettext("week of %(day)s: %(count)d time", "week of %(day)s: %(count)d times", n)
        % {"day": chart_date(monday), "count": n}
        for monday, n in uses.weeks
    )
    summary = _("%(title)s: %(weeks)s.") % {"title": title, "weeks": weeks}
    label_y = baseline + 18
    svg = render_to_string(
        "programs/charts/uses.svg",
        {
            "key": uses.item_ref,
            "title": title,
            "summary": summary,
            "bars": bars,
            "grid": grid,
            "width": WIDTH,
            "height": label_y + 8,
            "font": FONT,
            "colour": BAR_COLOUR,
            "text_colour": TEXT_COLOUR,
            "left": left,
            "tick_x": left - 6,
            "right": WIDTH - right,
            "baseline": baseline,
            "label_y": label_y,
        },
    )
    return Chart(svg, summary)


def patient_uses(patient: Patient, today: date) -> list[tuple[ItemUses, Chart]]:
    """What the patient record shows of as-needed exercises: each one's uses per week of the
    last CHART_WEEKS weeks, with its chart. Two queries for a patient without as-needed items
    (the items, the counts), one more for the items' exercise texts."""
    items = list(
        ProgramItem.objects.filter(program__patient=patient, as_needed=True)
        .exclude(program__status=Program.Status.DRAFT)
        .select_related("program", "exercise")
        .prefetch_related("exercise__texts")
        .order_by("program__start_date", "program_id", "position", "pk")
    )
    logs = AsNeededLog.objects.filter(program__patient=patient)
    return [(uses, uses_chart(uses)) for uses in weekly_uses(logs, items, today)]


# --- the patient's pages ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@patient_required
def log_as_needed(request: PatientRequest, pk: int, item_pk: int) -> HttpResponse:
    """Log one use of an as-needed exercise now: Today's "Log it now" posts here; the page
    itself shows the form again when the answer needs correcting."""
    program = portal_program_for(request.patient, pk)
    item = as_needed_item_for(program, item_pk)
    today = request.patient.today()
    posted = request.POST if request.method == "POST" else None
    form = AsNeededForm(posted, initial={"token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        try:
            log, saved = log_use(
                program,
                item,
                day=today,
                token=form.cleaned_data["token"],
                pain=form.cleaned_data["pain"],
                entered_by=request.entered_by,
            )
        except UseError as error:
            form.add_error(None, str(error))
        else:
            if not saved:
                messages.info(request, _("This was already logged, so nothing was added."))
            return redirect("portal_as_needed_done", log.pk)
    record(
        AuditAction.VIEW,
        AuditSubject.PROGRAM,
        clinic=program.clinic_id,
        patient=program.patient_id,
        object_id=program.pk,
        detail="portal: as-needed form",
    )
    return render(
        request,
        "programs/portal/as_needed.html",
        {
            "form": form,
            "program": program,
            "item": item,
            "done_today": uses_on(item.pk, today),
            "threshold": threshold_for(program),
        },
        status=400 if form.is_bound else 200,
    )


@require_safe
@patient_required
def as_needed_done(request: PatientRequest, pk: int) -> HttpResponse:
    """What the patient reads after logging a use: how often it was done that day against the
    most advised, and, when the pain they gave reached the program's threshold, the same
    answer a session gets: stop, and whom to contact."""
    log = portal_use_for(request.patient, pk)
    program = log.program
    high_pain = is_high(log.pain, threshold_for(program))
    most = log.item.max_per_day if log.item is not None and log.item.as_needed else None
    done = uses_on(log.item_ref, log.date)
    use_event(AuditAction.VIEW, log, program, "portal: as-needed use")
    return render(
        request,
        "programs/portal/as_needed_done.html",
        {
            "log": log,
            "program": program,
            "today": request.patient.today(),
            "done": done,
            "most": most,
            "over": most is not None and done > most,
            "reached": most is not None and done == most,
            "high_pain": high_pain,
            "advice": program.require_clinic().pain_advice_text if high_pain else "",
        },
    )
