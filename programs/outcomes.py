"""Outcome measures: when a questionnaire is due, recording the answers, and what the scores
say. The instruments themselves (questions, scales, what change matters) are data in
programs/instruments.py.

The schedule is worked out from the program, not stored: a questionnaire is due at the start,
every `outcome_every_weeks` weeks after it while the program is active, and at discharge; a
clinician can also send one now (a Questionnaire row with occasion "requested"). Only the
latest occasion is offered: one missed is not piled on the patient when the next falls due.

Clinicians read the scores' wording in English; it is marked for translation like their screens.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.models import AuditAction
from programs.audit import questionnaire_event
from programs.instruments import (
    ASKED,
    GROC,
    GROC_CHOICES,
    GROC_IMPORTANT_BETTER,
    GROC_IMPORTANT_WORSE,
    INSTRUMENTS,
    MAX_ACTIVITIES,
    NPRS,
    PSFS,
    Instrument,
)
from programs.models import Answer, Occasion, Program, PsfsActivity, Questionnaire

OVERDUE_AFTER_DAYS = 7  # a questionnaire not answered a week after it fell due is overdue
EARLY_DAYS = 3  # one answered up to 3 days before a follow-up counts for it
DISCHARGE_OPEN_DAYS = 28  # the discharge questionnaire can be answered for 4 weeks after
NO_IMPROVEMENT_DAYS = 28  # "no improvement after 4 weeks"
ACTIVITY_LENGTH = PsfsActivity._meta.get_field("text").max_length or 120


# --- Scores -------------------------------------------------------------------------------------


def _one_place(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Score:
    """One instrument's score on one answered questionnaire."""

    instrument: str
    questionnaire: Questionnaire
    value: Decimal
    ratings: dict[int, int] = field(default_factory=dict)  # PSFS: activity id -> rating

    @property
    def on(self) -> date:
        return self.questionnaire.completed_on or self.questionnaire.due_on


def scores_of(questionnaires: Iterable[Questionnaire]) -> dict[str, list[Score]]:
    """Each instrument's scores over the answered questionnaires, oldest first. The answers
    must be prefetched (`prefetch_related("answers")`) to keep this query-free."""
    found: dict[str, list[Score]] = {code: [] for code in INSTRUMENTS}
    answered = [q for q in questionnaires if q.completed_at is not None]
    for questionnaire in sorted(answered, key=lambda q: (q.completed_at, q.pk)):
        ratings: dict[int, int] = {}
        for answer in questionnaire.answers.all():
            if answer.instrument == PSFS and answer.activity_id is not None:
                ratings[answer.activity_id] = answer.value
            elif answer.instrument in found:
                found[answer.instrument].append(
                    Score(answer.instrument, questionnaire, Decimal(answer.value))
                )
        if ratings:
            mean = Decimal(sum(ratings.values())) / len(ratings)
            found[PSFS].append(Score(PSFS, questionnaire, _one_place(mean), ratings))
    return found


IMPROVED = "improved"
WORSE = "worse"
NO_CHANGE = "no_change"
NOT_COMPARED = "not_compared"

VERDICT_WORDS = {
    IMPROVED: gettext_lazy("clinically important improvement"),
    WORSE: gettext_lazy("clinically important worsening"),
    NO_CHANGE: gettext_lazy("no clinically important change"),
    NOT_COMPARED: gettext_lazy("not compared: no activity was rated both times"),
}


@dataclass(frozen=True)
class ActivityChange:
    activity_id: int
    first: int
    last: int

    @property
    def important(self) -> bool:
        return abs(self.last - self.first) >= INSTRUMENTS[PSFS].important_for_one  # type: ignore[operator]


@dataclass(frozen=True)
class Change:
    """An instrument's course from its first score to its latest: what the clinician reads as
    "PSFS 3.2 → 6.8: clinically important improvement"."""

    instrument: Instrument
    first: Decimal
    last: Decimal
    first_on: date
    last_on: date
    verdict: str
    compared: int = 0  # PSFS: activities rated on both occasions
    activities: list[ActivityChange] = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        return self.last - self.first

    @property
    def improvement(self) -> Decimal:
        """The change in the better direction: positive when the patient is better."""
        return self.difference if self.instrument.higher_is_better else -self.difference

    @property
    def important(self) -> bool:
        return self.verdict in {IMPROVED, WORSE}

    @property
    def text(self) -> str:
        return _("%(measure)s %(first)s → %(last)s: %(verdict)s") % {
            "measure": self.instrument.short_name,
            "first": _plain(self.first),
            "last": _plain(self.last),
            "verdict": VERDICT_WORDS[self.verdict],
        }


def _plain(value: Decimal) -> str:
    """6 for a whole number, 3.2 otherwise."""
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


def change_of(code: str, scores: Sequence[Score]) -> Change | None:
    """The course of one instrument from its first to its latest score; None with fewer than two
    scores. The GROC is a single answer, not a course: see groc_verdict."""
    if len(scores) < 2 or code == GROC:
        return None
    instrument = INSTRUMENTS[code]
    first, last = scores[0], scores[-1]
    if code == PSFS:
        return _psfs_change(instrument, first, last)
    difference = last.value - first.value
    important = abs(difference) >= instrument.important_change  # type: ignore[operator]
    if instrument.important_fraction is not None and first.value > 0:
        important |= abs(difference) / first.value >= instrument.important_fraction
    return Change(
        instrument,
        first.value,
        last.value,
        first.on,
        last.on,
        _verdict(instrument, difference, important),
    )


def _psfs_change(instrument: Instrument, first: Score, last: Score) -> Change:
    """PSFS scores are compared over the activities rated both times: an activity added later,
    or skipped on one occasion, would otherwise move the mean without any change in the
    patient. One activity compared needs 3 points, a mean of several 2."""
    both = [key for key in first.ratings if key in last.ratings]
    activities = [ActivityChange(key, first.ratings[key], last.ratings[key]) for key in both]
    if not both:
        return Change(instrument, first.value, last.value, first.on, last.on, NOT_COMPARED)
    before = _one_place(Decimal(sum(first.ratings[key] for key in both)) / len(both))
    after = _one_place(Decimal(sum(last.ratings[key] for key in both)) / len(both))
    needed = instrument.important_for_one if len(both) == 1 else instrument.important_change
    difference = after - before
    important = abs(difference) >= needed  # type: ignore[operator]
    verdict = _verdict(instrument, difference, important)
    return Change(instrument, before, after, first.on, last.on, verdict, len(both), activities)


def _verdict(instrument: Instrument, difference: Decimal, important: bool) -> str:
    if not important or difference == 0:
        return NO_CHANGE
    better = difference > 0 if instrument.higher_is_better else difference < 0
    return IMPROVED if better else WORSE


def groc_words(value: int) -> str:
    return str(dict(GROC_CHOICES)[value])


def groc_verdict(value: int) -> str:
    if value >= GROC_IMPORTANT_BETTER:
        return IMPROVED
    if value <= GROC_IMPORTANT_WORSE:
        return WORSE
    return NO_CHANGE


@dataclass(frozen=True)
class Course:
    """Everything the scores of one program say: each instrument's scores and course."""

    scores: dict[str, list[Score]]
    changes: dict[str, Change]
    groc: Score | None

    @property
    def any_important_improvement(self) -> bool:
        return any(change.verdict == IMPROVED for change in self.changes.values())

    @property
    def answered(self) -> bool:
        return any(self.scores.values())


def course_of(questionnaires: Iterable[Questionnaire]) -> Course:
    scores = scores_of(questionnaires)
    changes = {
        code: found for code in (NPRS, PSFS) if (found := change_of(code, scores[code])) is not None
    }
    groc = scores[GROC][-1] if scores[GROC] else None
    return Course(scores, changes, groc)


def no_improvement_since(course: Course) -> date | None:
    """The day of the first score, when at least 4 weeks of scores show no clinically important
    improvement on any measure; None otherwise (too soon, or better)."""
    spans = [
        (scores[0].on, scores[-1].on)
        for code in (NPRS, PSFS)
        if len(scores := course.scores[code]) >= 2
    ]
    if not spans or course.any_important_improvement:
        return None
    first = min(start for start, _end in spans)
    if max(end for _start, end in spans) - first < timedelta(days=NO_IMPROVEMENT_DAYS):
        return None
    return first


# --- Schedule -----------------------------------------------------------------------------------

DUE = "due"
OVERDUE = "overdue"
DONE = "done"
MISSED = "missed"
UPCOMING = "upcoming"


@dataclass(frozen=True)
class Slot:
    """One occasion of a program's schedule and how it stands on a given day."""

    occasion: str
    due_on: date
    status: str
    questionnaire: Questionnaire | None = None  # the answered one that counts for it

    @property
    def is_open(self) -> bool:
        return self.status in {DUE, OVERDUE}

    @property
    def label(self) -> str:
        return str(Occasion(self.occasion).label)


def _occasions(
    program: Program, requested: list[Questionnaire], today: date
) -> list[tuple[str, date]]:
    """(occasion, due date) of every occasion up to today, and the next one after it."""
    start = program.start_date
    if start is None or program.status == Program.Status.DRAFT:
        return []
    found = [(Occasion.START.value, start)]
    # Due from the program's end date, which a discharge sets to its day unless a planned
    # end date had already passed.
    last_active = program.end_date if program.status == Program.Status.DISCHARGED else None
    every = program.outcome_every_weeks
    step = timedelta(weeks=every)
    # A date near the end of the calendar (typed before dates were bounded) has no next one.
    day = start + step if every and start <= date.max - step else None
    while day is not None and (last_active is None or day < last_active):
        found.append((Occasion.FOLLOW_UP.value, day))
        if day > today or day > date.max - step:
            break  # the next one, to show as upcoming
        day += step
    found += [(Occasion.REQUESTED.value, q.due_on) for q in requested]
    if last_active is not None:
        found.append((Occasion.DISCHARGE.value, last_active))
    return sorted(found, key=lambda pair: (pair[1], pair[0] == Occasion.DISCHARGE))


def schedule(program: Program, questionnaires: Sequence[Questionnaire], today: date) -> list[Slot]:
    """The program's questionnaires, as due, overdue, done, missed or upcoming on `today`.
    `questionnaires` are all the program's rows. At most one slot is open: the latest."""
    answered = sorted(
        (q for q in questionnaires if q.completed_on is not None),
        key=lambda q: (q.completed_on, q.pk),
    )
    requested = [q for q in questionnaires if q.occasion == Occasion.REQUESTED]
    occasions = _occasions(program, requested, today)
    past = [pair for pair in occasions if pair[1] <= today]
    slots = []
    for occasion, due_on in occasions:
        next_due = min((day for _occasion, day in occasions if day > due_on), default=None)
        counted = _answer_for(occasion, due_on, next_due, answered)
        if counted is not None:
            status = DONE
        elif due_on > today:
            status = UPCOMING
        elif (occasion, due_on) != past[-1] or not _still_open(program, occasion, due_on, today):
            status = MISSED
        elif today - due_on > timedelta(days=OVERDUE_AFTER_DAYS):
            status = OVERDUE
        else:
            status = DUE
        slots.append(Slot(occasion, due_on, status, counted))
    return slots


def _answer_for(
    occasion: str, due_on: date, next_due: date | None, answered: list[Questionnaire]
) -> Questionnaire | None:
    """The answered questionnaire that counts for an occasion: the one answered for it, or else
    one answered within its window, from its due date (EARLY_DAYS before, for a follow-up, so
    that one the clinician sent just before is not asked again) until the next occasion fell
    due. An answer given for a later occasion never fills an earlier one that was missed. The
    discharge counts only its own answers: it alone asks the global rating of change."""
    for questionnaire in answered:
        if (questionnaire.occasion, questionnaire.due_on) == (occasion, due_on):
            return questionnaire
    if occasion == Occasion.DISCHARGE:
        return None
    earliest = due_on - timedelta(days=EARLY_DAYS if occasion == Occasion.FOLLOW_UP else 0)
    return next(
        (
            questionnaire
            for questionnaire in answered
            if questionnaire.completed_on is not None
            and earliest <= questionnaire.completed_on
            and (next_due is None or questionnaire.completed_on < next_due)
        ),
        None,
    )


def _still_open(program: Program, occasion: str, due_on: date, today: date) -> bool:
    if program.status == Program.Status.ACTIVE:
        return occasion != Occasion.DISCHARGE
    if program.status == Program.Status.DISCHARGED:
        return occasion == Occasion.DISCHARGE and today - due_on <= timedelta(
            days=DISCHARGE_OPEN_DAYS
        )
    return False


def open_slot(
    program: Program, questionnaires: Sequence[Questionnaire], today: date
) -> Slot | None:
    """The questionnaire the patient is asked to answer now, if any."""
    return next((slot for slot in schedule(program, questionnaires, today) if slot.is_open), None)


# --- Answering ----------------------------------------------------------------------------------


class QuestionnaireError(Exception):
    """The answers cannot be recorded; the message is fit to show the patient."""


class StaleQuestionnaire(QuestionnaireError):
    """The form no longer matches the questionnaire: already answered, or changed since."""


def _activities_changed() -> StaleQuestionnaire:
    return StaleQuestionnaire(
        _(
            "Your list of activities changed since you opened this page. "
            "Please check it and answer again."
        )
    )


@dataclass
class Answers:
    """What the patient gave, as the form read it."""

    occasion: str
    due_on: date
    token: uuid.UUID
    activity_ids: list[int]  # the activities the form showed, in order
    nprs: int | None = None
    ratings: dict[int, int | None] = field(default_factory=dict)  # activity id -> rating or skipped
    new_activities: list[tuple[str, int]] = field(default_factory=list)  # (words, rating)
    groc: int | None = None


def current_activities(program: Program) -> list[PsfsActivity]:
    """The PSFS activities the patient is asked about now, in their order."""
    return list(program.activities.filter(retired_at__isnull=True))


def record_answers(
    program: Program, answers: Answers, *, by: Any, today: date, entered_by: Any = None
) -> Questionnaire:
    """Record a questionnaire's answers once, in one transaction with its audit entry and the
    patient's figures marked changed. The same form sent twice (same token) returns the first
    record and changes nothing. A form for an occasion no longer open, or showing activities
    that have changed since, is refused (StaleQuestionnaire), as is one with answers missing or
    out of range (QuestionnaireError); either way nothing is saved. `entered_by` is the carer
    who answered on the patient's behalf (None: the patient did)."""
    # Imported here: the figures read the outcomes (programs.insights imports this module).
    from programs.figures import mark_changed

    answered = Questionnaire.objects.filter(program=program, token=answers.token)
    try:
        with transaction.atomic():
            program = Program.objects.select_for_update().get(pk=program.pk)
            if (done := answered.first()) is not None:
                return done
            rows = list(program.questionnaires.all())
            slot = open_slot(program, rows, today)
            if slot is None or (slot.occasion, slot.due_on) != (answers.occasion, answers.due_on):
                raise StaleQuestionnaire(
                    _("This questionnaire has already been answered or is no longer open.")
                )
            activities = current_activities(program)
            if [activity.pk for activity in activities] != answers.activity_ids:
                raise _activities_changed()
            _check(answers, slot.occasion, activities)
            questionnaire = _complete(
                program, slot, answers, by=by, today=today, entered_by=entered_by
            )
            mark_changed([program.patient_id])
            questionnaire_event(
                AuditAction.CREATE, program, questionnaire.pk, f"answered: {slot.occasion}"
            )
    except IntegrityError as error:  # the same token, raced in by a second request
        done = answered.first()
        if done is None:
            raise QuestionnaireError(
                _("Your answers could not be saved. Please try again.")
            ) from error
        return done
    return questionnaire


def _check(answers: Answers, occasion: str, activities: list[PsfsActivity]) -> None:
    asked = ASKED[occasion]
    if answers.nprs is None or not 0 <= answers.nprs <= 10:
        raise QuestionnaireError(_("Choose a number from 0 to 10 for your pain."))
    if not set(answers.ratings) <= {activity.pk for activity in activities}:
        raise _activities_changed()
    rated = [value for value in answers.ratings.values() if value is not None]
    if any(not 0 <= value <= 10 for value in rated):
        raise QuestionnaireError(_("Rate each activity from 0 to 10."))
    if len(answers.new_activities) + len(activities) > MAX_ACTIVITIES:
        raise QuestionnaireError(_("You can list up to 5 activities."))
    for words, value in answers.new_activities:
        if not words.strip() or len(words.strip()) > ACTIVITY_LENGTH or not 0 <= value <= 10:
            raise QuestionnaireError(_("Give each new activity a name and a number from 0 to 10."))
    if PSFS in asked and not rated and not answers.new_activities:
        raise QuestionnaireError(_("Name at least one activity and rate it from 0 to 10."))
    if GROC in asked and (answers.groc is None or not 1 <= answers.groc <= 7):
        raise QuestionnaireError(_("Choose how your problem has changed since your care began."))


def _complete(
    program: Program, slot: Slot, answers: Answers, *, by: Any, today: date, entered_by: Any
) -> Questionnaire:
    questionnaire, _created = Questionnaire.objects.get_or_create(
        program=program, occasion=slot.occasion, due_on=slot.due_on
    )
    questionnaire.completed_at = timezone.now()
    questionnaire.completed_on = today
    questionnaire.token = answers.token
    questionnaire.entered_by = entered_by
    questionnaire.save(update_fields=["completed_at", "completed_on", "token", "entered_by"])
    pain = cast(int, answers.nprs)  # _check refused it missing
    rows = [Answer(questionnaire=questionnaire, instrument=NPRS, value=pain)]
    rows += [
        Answer(questionnaire=questionnaire, instrument=PSFS, activity_id=key, value=value)
        for key, value in answers.ratings.items()
        if value is not None
    ]
    position = program.activities.count()
    for offset, (words, value) in enumerate(answers.new_activities):
        activity = PsfsActivity.objects.create(
            program=program, text=words.strip(), position=position + offset, added_by=by
        )
        rows.append(
            Answer(questionnaire=questionnaire, instrument=PSFS, activity=activity, value=value)
        )
    if answers.groc is not None and GROC in ASKED[slot.occasion]:
        rows.append(Answer(questionnaire=questionnaire, instrument=GROC, value=answers.groc))
    Answer.objects.bulk_create(rows)
    return questionnaire


def request_now(program: Program, *, by: Any, today: date) -> Questionnaire:
    """A clinician sends a questionnaire now: due today, whatever the schedule. Sending twice on
    one day gives the same questionnaire."""
    if program.status != Program.Status.ACTIVE:
        raise QuestionnaireError(_("Only an active program's patient can be sent a questionnaire."))
    questionnaire, _created = Questionnaire.objects.get_or_create(
        program=program,
        occasion=Occasion.REQUESTED,
        due_on=today,
        defaults={"requested_by": by},
    )
    return questionnaire
