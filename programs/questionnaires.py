"""The patient's side of outcome measures (programs/outcomes.py): the questionnaire page in the
portal, the card on Today that says one is waiting, and the reminder email.

The page asks the pain scale, the patient's activities and, at discharge, the global rating of
change, on one screen with large targets. Like the session log, the form carries a token made
when it was shown, so a second submit of it records nothing more, and the occasion and
activities it showed, so a form overtaken by events is refused rather than saved.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from clinic.access import PatientRequest, patient_required
from clinic.email import send_clinic_email
from clinic.models import AuditAction, Patient
from programs.access import portal_programs_for
from programs.audit import questionnaire_event
from programs.instruments import ASKED, GROC, GROC_CHOICES, INSTRUMENTS, MAX_ACTIVITIES, NPRS, PSFS
from programs.models import Occasion, Program, PsfsActivity, Questionnaire
from programs.outcomes import (
    ACTIVITY_LENGTH,
    DISCHARGE_OPEN_DAYS,
    Answers,
    QuestionnaireError,
    Slot,
    StaleQuestionnaire,
    current_activities,
    open_slot,
    record_answers,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

logger = logging.getLogger(__name__)

SKIP = "skip"
SCALE = [(str(value), str(value)) for value in range(11)]

STALE_QUESTIONNAIRE = gettext_lazy(
    "This page is out of date. Open the questions again from Today and try once more."
)


# --- What is due ------------------------------------------------------------------------------


def due_for(programs: Iterable[Program], today: date) -> dict[int, Slot]:
    """The open questionnaire of each of these programs that has one, by program id: one
    query, however many programs."""
    programs = list(programs)
    rows: dict[int, list[Questionnaire]] = defaultdict(list)
    if programs:
        for row in Questionnaire.objects.filter(program__in=[program.pk for program in programs]):
            rows[row.program_id].append(row)
    return {
        program.pk: slot
        for program in programs
        if (slot := open_slot(program, rows[program.pk], today)) is not None
    }


# --- The form ---------------------------------------------------------------------------------


def _label(code: str) -> StrPromise:
    """An instrument's question as a field label, still lazy: the form's class is made once,
    then read in each patient's language."""
    return cast("StrPromise", INSTRUMENTS[code].question)


@dataclass
class Scale:
    """One 0–10 question of the form, as the template draws it."""

    field: BoundField
    legend: str | Promise
    section: str  # NPRS or PSFS: the template starts a section when it changes
    low: str | Promise
    high: str | Promise
    words: BoundField | None = None  # a new activity's name
    first_extra: bool = False  # the first of the optional new activities
    last_extra: bool = False


class QuestionnaireForm(forms.Form):
    """The answers to one questionnaire. Fields: nprs; rating-<activity id> (0–10 or skip) for
    each current activity; new-<n> and new-<n>-rating for activities named now (up to five at
    the first questionnaire, one more later while under five); groc at discharge."""

    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": STALE_QUESTIONNAIRE, "invalid": STALE_QUESTIONNAIRE},
    )
    nprs = forms.TypedChoiceField(
        label=_label(NPRS),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose a number from 0 to 10 for your pain."),
            "invalid_choice": gettext_lazy("Choose a number from 0 to 10 for your pain."),
        },
    )

    def __init__(
        self, *args: Any, occasion: str, activities: list[PsfsActivity], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.activities = activities
        for activity in activities:
            self.fields[f"rating-{activity.pk}"] = forms.ChoiceField(
                label=activity.text,
                choices=[*SCALE, (SKIP, gettext_lazy("Skip this one"))],
                widget=forms.RadioSelect,
                error_messages={
                    "required": gettext_lazy("Choose a number from 0 to 10, or Skip this one."),
                    "invalid_choice": gettext_lazy(
                        "Choose a number from 0 to 10, or Skip this one."
                    ),
                },
            )
        room = MAX_ACTIVITIES - len(activities)
        self.extra = room if not activities else min(room, 1)
        for number in range(1, self.extra + 1):
            label = (
                _("Activity %(number)s") % {"number": number}
                if not activities
                else _("Another activity")
            )
            self.fields[f"new-{number}"] = forms.CharField(
                label=label,
                required=False,
                max_length=ACTIVITY_LENGTH,
                error_messages={
                    "max_length": gettext_lazy("Keep it to %(limit_value)d characters or fewer.")
                },
            )
            self.fields[f"new-{number}-rating"] = forms.TypedChoiceField(
                label=label,
                choices=SCALE,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": gettext_lazy("Choose a number from 0 to 10.")},
            )
        if GROC in ASKED[occasion]:
            self.fields["groc"] = forms.TypedChoiceField(
                label=_label(GROC),
                choices=[(str(value), words) for value, words in GROC_CHOICES],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": gettext_lazy("Choose the answer closest to how you feel."),
                    "invalid_choice": gettext_lazy("Choose the answer closest to how you feel."),
                },
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        named = 0
        for number in range(1, self.extra + 1):
            words = cleaned.get(f"new-{number}", "").strip()
            rating = cleaned.get(f"new-{number}-rating")
            if words and rating is None and f"new-{number}-rating" not in self.errors:
                self.add_error(
                    f"new-{number}-rating", _("Choose how well you can do it, from 0 to 10.")
                )
            elif rating is not None and not words and f"new-{number}" not in self.errors:
                self.add_error(f"new-{number}", _("Write the activity this number is for."))
            named += bool(words)
        if not self.activities and not named and "new-1" not in self.errors:
            self.add_error(
                "new-1", _("Name at least one activity that is hard for you, and rate it.")
            )
        rated = [
            cleaned.get(f"rating-{activity.pk}") not in (None, SKIP) for activity in self.activities
        ]
        answered_all = all(f"rating-{activity.pk}" in cleaned for activity in self.activities)
        if self.activities and answered_all and not any(rated) and not named:
            self.add_error(
                None, _("Give a number to at least one activity, or add one you find hard.")
            )
        return cleaned

    def scales(self) -> list[Scale]:
        """The 0–10 questions in the order the page asks them."""
        pain, function = INSTRUMENTS[NPRS], INSTRUMENTS[PSFS]
        found = [Scale(self["nprs"], pain.question, NPRS, pain.low_words, pain.high_words)]
        found += [
            Scale(
                self[f"rating-{activity.pk}"],
                activity.text,
                PSFS,
                function.low_words,
                function.high_words,
            )
            for activity in self.activities
        ]
        for number in range(1, self.extra + 1):
            found.append(
                Scale(
                    self[f"new-{number}-rating"],
                    function.question,
                    PSFS,
                    function.low_words,
                    function.high_words,
                    words=self[f"new-{number}"],
                    first_extra=number == self.first_extra,
                    last_extra=number == self.extra,
                )
            )
        return found

    @property
    def first_extra(self) -> int:
        """The first new activity shown behind "Add ...": at the first questionnaire the first
        is asked outright, the others wait; later, the one more waits."""
        return 2 if not self.activities else 1

    def extras_have_errors(self) -> bool:
        return any(
            name in self.errors
            for number in range(self.first_extra, self.extra + 1)
            for name in (f"new-{number}", f"new-{number}-rating")
        )

    def answers(self, slot: Slot) -> Answers:
        data = self.cleaned_data
        ratings: dict[int, int | None] = {}
        for activity in self.activities:
            value = data[f"rating-{activity.pk}"]
            ratings[activity.pk] = None if value == SKIP else int(value)
        new = [
            (data[f"new-{number}"].strip(), data[f"new-{number}-rating"])
            for number in range(1, self.extra + 1)
            if data.get(f"new-{number}", "").strip()
        ]
        return Answers(
            occasion=slot.occasion,
            due_on=slot.due_on,
            token=data["token"],
            activity_ids=[activity.pk for activity in self.activities],
            nprs=data["nprs"],
            ratings=ratings,
            new_activities=new,
            groc=data.get("groc"),
        )


# --- The page ---------------------------------------------------------------------------------


def _shown(slot: Slot, activities: list[PsfsActivity]) -> dict[str, str]:
    """What the form's hidden fields say it was shown: the occasion and the activities."""
    return {
        "occasion": slot.occasion,
        "due_on": slot.due_on.isoformat(),
        "activities": ",".join(str(activity.pk) for activity in activities),
    }


def _posted_token(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@patient_required
def questionnaire(request: PatientRequest, pk: int) -> HttpResponse:
    """The patient answers their program's open questionnaire. Their own program with nothing
    open gets a page saying so; anyone else's program is a 404."""
    program = get_object_or_404(
        portal_programs_for(request.patient).select_related("clinic"), pk=pk
    )
    today = request.patient.today()
    if request.method == "POST":
        token = _posted_token(request)
        if token is not None and program.questionnaires.filter(token=token).exists():
            messages.success(request, _("Thank you. Your answers were already saved."))
            return redirect("portal_home")
    slot = open_slot(program, list(program.questionnaires.all()), today)
    if slot is None:
        if request.method == "POST":
            messages.error(
                request, _("These questions have already been answered or are no longer open.")
            )
            return redirect(request.path)
        return render(request, "programs/portal/questionnaire.html", {"program": program})
    activities = current_activities(program)
    shown = _shown(slot, activities)
    if request.method == "POST" and any(request.POST.get(key) != shown[key] for key in shown):
        messages.error(request, str(STALE_QUESTIONNAIRE))
        return redirect(request.path)

    form = QuestionnaireForm(
        request.POST or None,
        occasion=slot.occasion,
        activities=activities,
        initial={"token": uuid.uuid4()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            record_answers(
                program,
                form.answers(slot),
                by=request.user,
                today=today,
                entered_by=request.entered_by,
            )
        except StaleQuestionnaire as error:
            messages.error(request, str(error))
            return redirect(request.path)
        except QuestionnaireError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Thank you. Your answers are saved and your physio can see them.")
            )
            return redirect("portal_home")
    questionnaire_event(AuditAction.VIEW, program, program.pk, "portal: questionnaire form")
    return render(
        request,
        "programs/portal/questionnaire.html",
        {
            "program": program,
            "slot": slot,
            "form": form,
            "scales": form.scales(),
            "shown": shown,
            "first_time": not activities,
            "discharge": slot.occasion == Occasion.DISCHARGE,
        },
    )


# --- The reminder email -----------------------------------------------------------------------


def can_be_reminded(patient: Patient) -> bool:
    """Whether the patient gets questionnaire emails: they have a portal account with an email
    address and have not turned reminders off."""
    user = patient.user
    return (
        user is not None
        and user.is_active
        and bool(user.email)
        and patient.reminders_enabled
        and patient.erased_at is None
        and patient.status != Patient.Status.ARCHIVED
    )


def remind(patient: Patient, questionnaires: Sequence[Questionnaire], now: datetime) -> bool:
    """Email the patient, in their language, that questions wait for them on Today; once per
    questionnaire: the rows are claimed (reminded_at) before sending, and given back if the mail
    server fails, so the next run tries again. The email names no measure and no condition.
    True if an email went out."""
    if not questionnaires or not can_be_reminded(patient) or patient.user is None:
        return False
    ids = [row.pk for row in questionnaires]
    claimed = Questionnaire.objects.filter(
        pk__in=ids, reminded_at__isnull=True, completed_at__isnull=True
    ).update(reminded_at=now)
    if not claimed:
        return False  # answered, or reminded by another run
    sent = send_clinic_email(
        patient.clinic,
        patient.user.email,
        "programs/email/questionnaire_reminder",
        {"patient": patient},
        about={"patient": patient.pk},
        log=logger,
        language=patient.preferred_language,
    )
    if not sent:
        Questionnaire.objects.filter(pk__in=ids, reminded_at=now).update(reminded_at=None)
        return False
    for row in questionnaires:
        questionnaire_event(AuditAction.SEND, row.program, row.pk, "reminder emailed")
    return True


def send_questionnaire_reminders(now: datetime) -> int:
    """Email each patient with a questionnaire open and not yet reminded about; one email per
    patient however many of their programs ask. Returns how many emails went out."""
    recent = now.date() - timedelta(days=DISCHARGE_OPEN_DAYS + 1)
    programs = list(
        Program.objects.filter(
            scope=Program.Scope.PATIENT,
            patient__user__is_active=True,
            patient__reminders_enabled=True,
            patient__erased_at__isnull=True,
        )
        .filter(
            Q(status=Program.Status.ACTIVE)
            | Q(status=Program.Status.DISCHARGED, end_date__gte=recent)
        )
        .exclude(patient__status=Patient.Status.ARCHIVED)
        .select_related("clinic", "patient__clinic", "patient__user")
        .order_by("pk")
    )
    by_day: dict[date, list[Program]] = defaultdict(list)
    for program in programs:
        by_day[program.require_clinic().local_date(now)].append(program)
    waiting: dict[int, list[Questionnaire]] = defaultdict(list)
    patients: dict[int, Patient] = {}
    for today, day_programs in by_day.items():
        open_slots = due_for(day_programs, today)
        for program in day_programs:
            if (slot := open_slots.get(program.pk)) is None:
                continue
            row, _created = Questionnaire.objects.get_or_create(
                program=program, occasion=slot.occasion, due_on=slot.due_on
            )
            if row.reminded_at is None:
                row.program = program
                patient = program.require_patient()
                patients[patient.pk] = patient
                waiting[patient.pk].append(row)
    return sum(remind(patients[pk], rows, now) for pk, rows in waiting.items())
