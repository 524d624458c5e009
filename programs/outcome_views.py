"""The clinician's side of outcome measures: the patient record's "Outcomes" section, sending a
questionnaire now, and the program's PSFS activities (pre-filled, reworded, added, retired).

The scores, the schedule and what change is clinically important are programs/outcomes.py's;
this module only shows them and takes the clinician's two actions. Every read of the answers
and every change goes on the audit trail (programs/audit.questionnaire_event).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clinic.access import ClinicianRequest, clinician_required
from clinic.models import AuditAction, User
from programs import outcomes
from programs.access import program_for
from programs.audit import questionnaire_event
from programs.charts import Chart, outcome_chart
from programs.instruments import INSTRUMENTS, MAX_ACTIVITIES, NPRS, PSFS
from programs.models import Answer, Occasion, Program, PsfsActivity, Questionnaire
from programs.questionnaires import remind

IMPORTANT_FOR_ONE = INSTRUMENTS[PSFS].important_for_one or 0


# --- the patient record's section ---------------------------------------------------------------


def with_outcomes(programs: QuerySet[Program]) -> QuerySet[Program]:
    """The programs with what their Outcomes section reads: three queries more, whatever the
    number of questionnaires (questionnaires, their answers, activities)."""
    return programs.prefetch_related(
        Prefetch(
            "questionnaires",
            Questionnaire.objects.select_related("entered_by").prefetch_related("answers"),
        ),
        "activities",
    )


@dataclass(frozen=True)
class ActivityRow:
    """One PSFS activity and its ratings, oldest first."""

    activity: PsfsActivity
    ratings: list[int]

    @property
    def first(self) -> int | None:
        return self.ratings[0] if self.ratings else None

    @property
    def latest(self) -> int | None:
        return self.ratings[-1] if len(self.ratings) > 1 else None

    @property
    def change(self) -> int | None:
        return None if self.latest is None or self.first is None else self.latest - self.first

    @property
    def important(self) -> bool:
        """A change of 3 points or more in one activity is clinically important."""
        return self.change is not None and abs(self.change) >= IMPORTANT_FOR_ONE


@dataclass(frozen=True)
class Measure:
    """One measure's scores, their chart and their course from first to latest."""

    code: str
    name: str
    scores: list[outcomes.Score]
    change: outcomes.Change | None
    chart: Chart

    @property
    def improved(self) -> bool:
        return self.change is not None and self.change.verdict == outcomes.IMPROVED

    @property
    def worse(self) -> bool:
        return self.change is not None and self.change.verdict == outcomes.WORSE


@dataclass
class ProgramOutcomes:
    """What the Outcomes section shows for one program."""

    program: Program
    slots: list[outcomes.Slot]
    course: outcomes.Course
    measures: list[Measure] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)

    @property
    def can_send(self) -> bool:
        return self.program.status == Program.Status.ACTIVE

    @property
    def answered_after_summary(self) -> bool:
        """The patient answered the discharge questionnaire after the discharge summary was
        made, so the summary lacks their rating of change: it should be made again."""
        program = self.program
        made = program.discharge_summary_made_at or program.discharged_at
        if not program.discharge_summary or made is None:
            return False
        return any(
            q.occasion == Occasion.DISCHARGE and q.completed_at and q.completed_at > made
            for q in program.questionnaires.all()
        )

    @property
    def groc_words(self) -> str:
        groc = self.course.groc
        return outcomes.groc_words(int(groc.value)) if groc else ""

    @property
    def groc_verdict(self) -> str:
        groc = self.course.groc
        return str(outcomes.VERDICT_WORDS[outcomes.groc_verdict(int(groc.value))]) if groc else ""


def outcomes_of(programs: Iterable[Program], today: date) -> list[ProgramOutcomes]:
    """The Outcomes section of each program, from what with_outcomes prefetched: no query."""
    found = []
    for program in programs:
        questionnaires = list(program.questionnaires.all())
        course = outcomes.course_of(questionnaires)
        section = ProgramOutcomes(
            program, outcomes.schedule(program, questionnaires, today), course
        )
        for code in (NPRS, PSFS):
            scores = course.scores[code]
            if scores:
                change = course.changes.get(code)
                chart = outcome_chart(scores, change, f"{code}-{program.pk}")
                section.measures.append(
                    Measure(code, INSTRUMENTS[code].name, scores, change, chart)
                )
        rated = course.scores[PSFS]
        activities = sorted(program.activities.all(), key=lambda a: a.retired_at is not None)
        section.activities = [
            ActivityRow(a, [s.ratings[a.pk] for s in rated if a.pk in s.ratings])
            for a in activities
        ]
        found.append(section)
    return found


def record_outcomes_read(sections: list[ProgramOutcomes]) -> None:
    """One VIEW entry per program whose answers the page shows."""
    for section in sections:
        if section.course.answered:
            questionnaire_event(
                AuditAction.VIEW, section.program, section.program.pk, "outcome scores"
            )


# --- send one now -------------------------------------------------------------------------------


def _patient_program(request: ClinicianRequest, pk: int) -> Program:
    """A patient's program of the clinician's clinic, or 404 (templates have no outcomes)."""
    program = program_for(request.user, pk)
    if program.patient_id is None or program.scope != Program.Scope.PATIENT:
        raise Http404("Templates have no outcome measures.")
    return program


@require_POST
@clinician_required
def send_questionnaire(request: ClinicianRequest, pk: int) -> HttpResponse:
    """Ask the patient to answer the outcome measures now, whatever the schedule; the
    questionnaire shows on their Today page and they are emailed, as for a scheduled one (the
    same email, once: the daily job skips a questionnaire already reminded about)."""
    program = _patient_program(request, pk)
    patient = program.require_patient()
    try:
        with transaction.atomic():
            questionnaire = outcomes.request_now(
                program, by=request.user, today=program.require_clinic().today()
            )
            questionnaire_event(AuditAction.SEND, program, questionnaire.pk, "sent now")
    except outcomes.QuestionnaireError as error:
        messages.error(request, str(error))
        return redirect(patient)
    questionnaire.program = program
    if remind(patient, [questionnaire], timezone.now()):
        messages.success(
            request,
            _(
                "Questionnaire sent: %(name)s will see it on their Today page, and an email "
                "tells them it is waiting."
            )
            % {"name": patient.first_name},
        )
    else:
        messages.success(
            request,
            _("Questionnaire sent: %(name)s will see it on their Today page.")
            % {"name": patient.first_name},
        )
    return redirect(patient)


# --- the PSFS activities ------------------------------------------------------------------------


class StaleActivities(Exception):
    """The activities changed since the form was opened (the patient answered, or a
    colleague edited them)."""


def activities_state(activities: Iterable[PsfsActivity]) -> str:
    """A fingerprint of the program's activities as a form showed them: any change to them
    since (added, reworded, retired, removed) gives another."""
    lines = "\n".join(
        f"{a.pk}|{a.text}|{a.retired_at.isoformat() if a.retired_at else ''}"
        for a in sorted(activities, key=lambda a: a.pk)
    )
    return hashlib.sha256(lines.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ActivityChanges:
    """What the clinician asked for: new words by activity id, ids to retire, new activities."""

    state: str
    texts: dict[int, str]
    retire: set[int]
    new: list[str]


def change_activities(program: Program, changes: ActivityChanges, *, by: User) -> str:
    """Apply the changes in one transaction, if the activities are still as the form showed
    them (else StaleActivities, and nothing changed). An activity with answers is retired, so
    its earlier ratings keep their meaning; one without is deleted. Returns what changed, in
    words for the clinician and the trail (never the activities' words)."""
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        activities = list(locked.activities.all())
        if activities_state(activities) != changes.state:
            raise StaleActivities
        current = [a for a in activities if a.retired_at is None]
        answered = set(
            Answer.objects.filter(activity__in=current).values_list("activity_id", flat=True)
        )
        reworded = retired = removed = 0
        now = timezone.now()
        for activity in current:
            if activity.pk in changes.retire:
                if activity.pk in answered:
                    activity.retired_at = now
                    activity.save(update_fields=["retired_at"])
                    retired += 1
                else:
                    activity.delete()
                    removed += 1
            elif (text := changes.texts.get(activity.pk)) and text != activity.text:
                activity.text = text
                activity.save(update_fields=["text"])
                reworded += 1
        position = max((a.position for a in activities), default=-1) + 1
        PsfsActivity.objects.bulk_create(
            PsfsActivity(program=locked, text=text, position=position + n, added_by=by)
            for n, text in enumerate(changes.new)
        )
        parts = [
            ngettext("%(n)d added", "%(n)d added", len(changes.new)),
            ngettext("%(n)d reworded", "%(n)d reworded", reworded),
            ngettext("%(n)d retired", "%(n)d retired", retired),
            ngettext("%(n)d removed", "%(n)d removed", removed),
        ]
        counts = [len(changes.new), reworded, retired, removed]
        done = ", ".join(part % {"n": n} for part, n in zip(parts, counts, strict=True) if n)
        if done:
            questionnaire_event(AuditAction.CHANGE, locked, locked.pk, f"PSFS activities: {done}")
    return done


class ActivitiesForm(forms.Form):
    """The program's current activities, each to reword or retire (fields text-<id> and
    retire-<id>), and empty rows (new-<n>) to add more, up to five current in all."""

    state = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, current: list[PsfsActivity], answered: set[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        self.answered = answered
        for number, activity in enumerate(current, start=1):
            self.fields[f"text-{activity.pk}"] = forms.CharField(
                label=_("Activity %(number)d") % {"number": number},
                max_length=PsfsActivity._meta.get_field("text").max_length,
                initial=activity.text,
                error_messages={"required": gettext_lazy("Give the activity a name.")},
            )
            self.fields[f"retire-{activity.pk}"] = forms.BooleanField(
                label=_("Retire it (keep its ratings, stop asking)")
                if activity.pk in answered
                else _("Remove it"),
                required=False,
            )
        for n in range(max(MAX_ACTIVITIES - len(current), 1)):
            self.fields[f"new-{n}"] = forms.CharField(
                label=_("New activity %(number)d (optional)") % {"number": n + 1},
                max_length=PsfsActivity._meta.get_field("text").max_length,
                required=False,
                help_text=_("In the patient's words, for example “Climbing stairs”.")
                if n == 0
                else "",
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"text-{a.pk}"], self[f"retire-{a.pk}"]) for a in self.current]

    def new_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("new-")]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kept = [a for a in self.current if not data.get(f"retire-{a.pk}")]
        new = [text for name in self.fields if name.startswith("new-") if (text := data.get(name))]
        if len(kept) + len(new) > MAX_ACTIVITIES:
            raise forms.ValidationError(
                _("A program has up to %(max)d activities: retire or remove one to add another.")
                % {"max": MAX_ACTIVITIES}
            )
        return data

    def changes(self) -> ActivityChanges:
        data = self.cleaned_data
        return ActivityChanges(
            state=data["state"],
            texts={a.pk: data[f"text-{a.pk}"] for a in self.current},
            retire={a.pk for a in self.current if data.get(f"retire-{a.pk}")},
            new=[text for name in self.fields if name.startswith("new-") if (text := data[name])],
        )


@require_http_methods(["GET", "POST"])
@clinician_required
def edit_activities(request: ClinicianRequest, pk: int) -> HttpResponse:
    """The PSFS activities of a draft or active program: pre-filled before the first
    questionnaire, reworded, added or retired."""
    program = _patient_program(request, pk)
    if program.status == Program.Status.DISCHARGED:
        raise Http404("A discharged program's activities are kept as they were.")
    activities = list(program.activities.all())
    current = [a for a in activities if a.retired_at is None]
    answered = set(
        Answer.objects.filter(activity__in=current).values_list("activity_id", flat=True)
    )
    state = activities_state(activities)
    form = ActivitiesForm(
        request.POST if request.method == "POST" else None,
        current=current,
        answered=answered,
        initial={"state": state},
    )
    if request.method == "POST":
        try:
            if request.POST.get("state") != state:
                raise StaleActivities  # the form's fields are not these activities' any more
            if form.is_valid():
                done = change_activities(program, form.changes(), by=request.user)
                if done:
                    messages.success(request, _("Activities saved: %(what)s.") % {"what": done})
                else:
                    messages.info(request, _("Nothing was changed."))
                is_active = program.status == Program.Status.ACTIVE
                return redirect(program.require_patient() if is_active else program)
        except StaleActivities:
            messages.error(
                request,
                _(
                    "The activities changed since you opened this page (the patient may have "
                    "answered a questionnaire). Nothing was saved: here they are as they are "
                    "now."
                ),
            )
            return redirect("psfs_activities", pk=program.pk)
    questionnaire_event(AuditAction.VIEW, program, program.pk, "PSFS activities")
    return render(
        request,
        "programs/outcome_activities.html",
        {
            "program": program,
            "patient": program.require_patient(),
            "form": form,
            "retired": [a for a in activities if a.retired_at is not None],
            "max_activities": MAX_ACTIVITIES,
        },
    )
