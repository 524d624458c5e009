"""Every change to a program or template goes through these functions.

Each runs in one transaction that locks the program row, refuses a change made from a stale
page (optimistic locking on `Program.revision`), bumps the revision, and, when the program is
active, records a new version with a readable list of what changed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinic.languages import supported
from clinic.models import AuditAction, Clinician, Patient, User
from exercises.dose import (
    SIDE_WORDS,
    Dose,
    Side,
    describe_as_needed,
    describe_dose,
    describe_reps,
)
from exercises.models import Exercise
from programs.audit import program_event
from programs.dates import readable_date
from programs.figures import mark_changed
from programs.models import ITEM_FIELDS, QUALIFIER_LENGTH, Program, ProgramItem, ProgramVersion

PROGRAM_FIELDS = [
    "title",
    "start_date",
    "end_date",
    "note",
    "times_per_day",
    "days_per_week",
    "weekdays",
    "stop_if",
    "pain_threshold",
    "outcome_every_weeks",
]


AS_NEEDED_FIELDS = ["as_needed", "max_per_day"]
PRESCRIBED_FIELDS = [*ITEM_FIELDS, *AS_NEEDED_FIELDS]
"""What a clinician sets on an item: ITEM_FIELDS (dose, note, own frequency) and whether it is
done as needed, up to how many times a day."""


class ProgramChangeError(Exception):
    """A change that cannot be made; the message is fit to show the clinician."""


class StaleProgram(ProgramChangeError):
    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this program after you opened it, so your change was not "
            "saved. The page now shows the latest version: please make your change again."
        )


@contextmanager
def changing(program: Program, revision: int | None, by: User, what: str) -> Iterator[Program]:
    """Lock the program, check the caller saw its latest revision, and after the change bump
    the revision, record a version if the program is active, and put `what` changed on the
    audit trail, all in one transaction."""
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        if revision is not None and locked.revision != revision:
            raise StaleProgram
        if not locked.is_editable:
            raise ProgramChangeError("This program can no longer be changed.")
        clashes_before = _clashes(list(locked.items.select_related("exercise")))
        yield locked
        _name_twins(locked, tolerated=clashes_before)
        locked.revision += 1
        locked.save(update_fields=["revision", "updated_at"])
        if locked.status == Program.Status.ACTIVE:
            record_version(locked, by)
            mark_changed([locked.patient_id])
        program_event(AuditAction.CHANGE, locked, what)
    program.refresh_from_db()


# --- the verbs -------------------------------------------------------------------------------


def create_program(
    patient: Patient, *, by: User, template: Program | None = None, **values: Any
) -> Program:
    """A new draft for the patient, empty or filled from a template. A library template's note,
    kept as it was written, is given in the patient's language where the library has it."""
    if template is not None and values.get("note") == template.note:
        translated = template.note_translations.get(supported(patient.preferred_language))
        values["note"] = translated or template.note
    with transaction.atomic():
        program = Program.objects.create(
            scope=Program.Scope.PATIENT,
            clinic=patient.clinic,
            patient=patient,
            created_by=by,
            **values,
        )
        if template is not None:
            _copy_items(template, program)
        program_event(AuditAction.CREATE, program, "draft created")
    return program


def create_template(
    clinician: Clinician,
    *,
    scope: str,
    by: User,
    source: Program | None = None,
    **values: Any,
) -> Program:
    """A personal or clinic-wide template, empty or copied from a program or template."""
    if scope not in (Program.Scope.PERSONAL, Program.Scope.CLINIC):
        raise ProgramChangeError("Templates are personal or for the whole clinic.")
    with transaction.atomic():
        template = Program.objects.create(
            scope=scope,
            clinic=clinician.clinic,
            created_by=by,
            owner=clinician if scope == Program.Scope.PERSONAL else None,
            **values,
        )
        if source is not None:
            _copy_items(source, template)
    return template


def copy_program(source: Program, patient: Patient, *, by: User) -> Program:
    """A draft for another patient of the same clinic with the same exercises and doses. A
    library template (no clinic) may be copied for any clinic's patient."""
    if source.clinic_id is not None and patient.clinic_id != source.clinic_id:
        raise ProgramChangeError("Programs can be copied only within the clinic.")
    values = {field: getattr(source, field) for field in PROGRAM_FIELDS}
    values.update(start_date=patient.clinic.today(), end_date=None)
    return create_program(patient, by=by, template=source, **values)


def _copy_items(source: Program, target: Program) -> None:
    ProgramItem.objects.bulk_create(
        ProgramItem(
            program=target,
            exercise_id=item.exercise_id,
            position=item.position,
            qualifier=item.qualifier,
            as_needed=item.as_needed,
            max_per_day=item.max_per_day,
            **item.dose_values(),
        )
        for item in source.items.all()
    )


ADD_AGAIN = "Add again for one side"


def already_in_program(exercise: Exercise) -> ProgramChangeError:
    return ProgramChangeError(
        f"{exercise.name} is already in this program. To add it again for one side or "
        f"another dose, use ‘{ADD_AGAIN}’."
    )


def add_item(
    program: Program,
    exercise: Exercise,
    *,
    revision: int | None,
    by: User,
    side: str | None = None,
) -> ProgramItem:
    """Append an exercise with the library's default dose.

    An exercise already in the program is refused, unless the clinician adds it again on
    purpose for one `side`: a second item that must read differently from the first (see
    `_name_twins`), e.g. extra work for the weaker left side beside "each side"."""
    if side is not None and side not in Side.values:
        raise ProgramChangeError("Choose the side the second item is for.")
    with changing(program, revision, by, "exercise added") as locked:
        if side is None and locked.items.filter(exercise=exercise).exists():
            raise already_in_program(exercise)
        values = exercise.dose_values()
        if side is not None:
            values["side"] = side
        last = locked.items.aggregate(last=Max("position"))["last"]
        item = ProgramItem.objects.create(
            program=locked,
            exercise=exercise,
            position=0 if last is None else last + 1,
            **values,
        )
    item.refresh_from_db(fields=["qualifier"])
    return item


def update_item(
    item: ProgramItem, values: dict[str, Any], *, revision: int | None, by: User
) -> None:
    with changing(item.program, revision, by, "exercise changed"):
        for name in PRESCRIBED_FIELDS:
            if name in values:
                setattr(item, name, values[name])
        item.save()


def move_item(item: ProgramItem, step: int, *, revision: int | None, by: User) -> None:
    """Move an item up (step -1) or down (step +1) the list."""
    with changing(item.program, revision, by, "exercise moved") as locked:
        items = list(locked.items.all())
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        target = index + step
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        _renumber(items)


def remove_item(item: ProgramItem, *, revision: int | None, by: User) -> None:
    with changing(item.program, revision, by, "exercise removed") as locked:
        item.delete()
        _renumber(list(locked.items.all()))


def swap_item(
    item: ProgramItem, exercise: Exercise, *, keep_dose: bool, revision: int | None, by: User
) -> str:
    """Put another exercise in the item's place (progress, regress or an alternative), with
    the new exercise's default dose or what of the current one fits it (`dose_for_swap`).
    Returns a line for the clinician saying where the dose came from."""
    with changing(item.program, revision, by, "exercise swapped") as locked:
        if locked.items.filter(exercise=exercise).exclude(pk=item.pk).exists():
            raise ProgramChangeError(
                f"{exercise.name} is already in this program, so {item.display_name} was not "
                f"changed to it. Change the dose of the {exercise.name} already there instead."
            )
        swap = dose_for_swap(item, exercise, keep_dose=keep_dose)
        item.exercise = exercise
        for name, value in swap.values.items():
            setattr(item, name, value)
        item.save()
    return swap.message


# Holding this long is the exercise itself (a stretch, an isometric hold), not a pause in a rep.
HOLD_BASED_FROM_SECONDS = 10

WORK_FIELDS = ["sets", "reps_min", "reps_max", "to_fatigue", "hold_min", "hold_max", "rest_seconds"]
RESISTANCE_FIELDS = ["band", "load_kg"]


def is_hold_based(exercise: Exercise) -> bool:
    """A stretch or an isometric: its usual dose is a hold of 10 seconds or more."""
    return exercise.hold_min >= HOLD_BASED_FROM_SECONDS


@dataclass(frozen=True)
class SwapDose:
    values: dict[str, Any]
    message: str


def dose_for_swap(item: ProgramItem, exercise: Exercise, *, keep_dose: bool) -> SwapDose:
    """The dose an item takes when `exercise` replaces its exercise, and a line saying where
    each part came from.

    Side, how often and the note are about the patient, so they always stay. Without
    `keep_dose` the rest is the new exercise's usual dose. With it, the clinician keeps only
    what fits the new exercise:

    - the work (sets, reps or "until tired", hold, rest) is kept when both exercises are of one
      kind, both done in reps or both held (`is_hold_based`); a stretch that replaces a
      strengthening exercise takes its own usual work, not "3 sets of 10, hold 1 second";
    - the band or load is kept when both exercises are of one activity type (a band exercise
      for a band exercise); otherwise it is left out.
    """
    usual = exercise.dose_values()
    usual_work = {name: usual[name] for name in WORK_FIELDS}
    if not keep_dose:
        return SwapDose(
            {name: usual[name] for name in [*WORK_FIELDS, *RESISTANCE_FIELDS, "side"]},
            f"Took {exercise.name}’s usual dose: {exercise.dose_text}.",
        )
    same_work = is_hold_based(item.exercise) == is_hold_based(exercise)
    same_resistance = item.exercise.activity_type == exercise.activity_type
    values: dict[str, Any] = {}
    kept = []
    if same_work:
        kept.append(_work_words({name: getattr(item, name) for name in WORK_FIELDS}))
    else:
        values.update(usual_work)
    kept.append(SIDE_WORDS.get(Side(item.side)) or "both sides together")
    if same_resistance:
        if item.dose.resistance:
            kept.append(f"with {item.dose.resistance}")
    else:
        values.update({name: usual[name] for name in RESISTANCE_FIELDS})
    kept.append(item.frequency_text if item.has_own_frequency else item.program.frequency_text)
    if item.note:
        kept.append("the note")
    message = "Kept " + ", ".join(kept)
    if not same_work:
        message += f"; took {_work_words(usual_work)} from {exercise.name}’s usual dose"
    message += "."
    if not same_resistance and item.dose.resistance:
        message += f" Left out {item.dose.resistance}, which does not go with {exercise.name}."
    return SwapDose(values, message)


def _work_words(work: dict[str, Any]) -> str:
    """ "3 sets of 10–12 reps, hold 1 second": the dose without side or resistance."""
    return describe_dose(Dose(**work, side=Side.BOTH))  # "both together" adds no words


def update_program(
    program: Program, values: dict[str, Any], *, revision: int | None, by: User
) -> None:
    with changing(program, revision, by, "settings changed") as locked:
        for name in PROGRAM_FIELDS:
            if name in values:
                setattr(locked, name, values[name])
        locked.save()


def activate(program: Program, *, revision: int | None, by: User) -> None:
    """Make a draft live for the patient; this records version 1."""
    with changing(program, revision, by, "activated") as locked:
        if locked.is_template or locked.status != Program.Status.DRAFT:
            raise ProgramChangeError("Only a draft program can be activated.")
        if not locked.items.exists():
            raise ProgramChangeError("Add at least one exercise before activating the program.")
        locked.status = Program.Status.ACTIVE
        locked.start_date = locked.start_date or locked.today()
        locked.activated_at = timezone.now()
        locked.save()
        patient = locked.require_patient()
        if patient.status == Patient.Status.DISCHARGED:
            patient.status = Patient.Status.ACTIVE  # back in care with a new program
            patient.save(update_fields=["status", "updated_at"])


def discharge(
    program: Program, *, revision: int | None, by: User, on: date | None = None, notes: str = ""
) -> None:
    """End an active program, recording who ended it. Everything is kept; nothing can be
    changed afterwards. The patient is marked discharged once no other program is active."""
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        if revision is not None and locked.revision != revision:
            raise StaleProgram
        if locked.status != Program.Status.ACTIVE:
            raise ProgramChangeError("Only an active program can be discharged.")
        today = on or locked.today()
        locked.status = Program.Status.DISCHARGED
        locked.discharged_at = timezone.now()
        locked.discharged_by = by
        locked.discharge_notes = notes
        if not locked.end_date or locked.end_date > today:
            locked.end_date = max(today, locked.start_date or today)
        locked.revision += 1
        locked.save()
        patient = locked.require_patient()
        still_active = patient.programs.filter(status=Program.Status.ACTIVE).exists()
        if not still_active and patient.status == Patient.Status.ACTIVE:
            patient.status = Patient.Status.DISCHARGED
            patient.save(update_fields=["status", "updated_at"])
        mark_changed([patient.pk])
        program_event(AuditAction.CHANGE, locked, "discharged")
    program.refresh_from_db()


def delete_program(program: Program) -> None:
    """Drafts and templates can be deleted; a program the patient has seen is history."""
    if not program.is_template and program.status != Program.Status.DRAFT:
        raise ProgramChangeError("Only drafts and templates can be deleted; discharge instead.")
    with transaction.atomic():
        program_event(AuditAction.DELETE, program, "draft deleted")
        program.delete()


def _renumber(items: list[ProgramItem]) -> None:
    for position, item in enumerate(items):
        item.position = position
    ProgramItem.objects.bulk_update(items, ["position"])


# --- two items of one exercise -----------------------------------------------------------------


SIDE_NAMES = {
    Side.EACH: "each side",
    Side.LEFT: "left",
    Side.RIGHT: "right",
    Side.BOTH: "both sides",
}


def _clashes(items: list[ProgramItem]) -> set[tuple[int, str]]:
    """(exercise, wording) of items that read exactly like another item of the same exercise."""
    counts = Counter((item.exercise_id, item.prescription_text) for item in items)
    return {key for key, count in counts.items() if count > 1}


def _name_twins(program: Program, *, tolerated: set[tuple[int, str]]) -> None:
    """Keep two items of one exercise apart, after every change (inside `changing`).

    Two items of one exercise must read differently to the patient (another side, dose or
    frequency); a change that makes them read the same is refused. Each is then named by what
    tells it apart, in `ProgramItem.qualifier`: the side ("Clamshell (left)") when that is
    enough, else the sets and reps ("Clamshell (3×10)"), else both, else the whole wording. An
    exercise in the program once has no qualifier. Clashes already there before the change
    (`tolerated`, from before this rule) do not block the clinician from fixing them."""
    items = list(program.items.select_related("exercise"))
    for exercise_id, wording in _clashes(items) - tolerated:
        name = next(item.exercise.name for item in items if item.exercise_id == exercise_id)
        raise ProgramChangeError(
            f"The two {name} items would then read the same to the patient ({wording}). "
            "Give one of them another side or dose."
        )
    twins: dict[int, list[ProgramItem]] = defaultdict(list)
    for item in items:
        twins[item.exercise_id].append(item)
    renamed = []
    for group in twins.values():
        for item, qualifier in zip(group, _qualifiers(group), strict=True):
            if item.qualifier != qualifier:
                item.qualifier = qualifier
                renamed.append(item)
    ProgramItem.objects.bulk_update(renamed, ["qualifier"])


def name_twins(program: Program) -> None:
    """Name the twins of items written outside `changing` (a template imported from a file):
    ProgramChangeError if two items of one exercise read the same."""
    _name_twins(program, tolerated=set())


def _qualifiers(group: list[ProgramItem]) -> list[str]:
    if len(group) == 1:
        return [""]
    sides = [SIDE_NAMES[Side(item.side)] for item in group]
    volumes = [f"{item.sets}×{_reps_number(item)}" for item in group]
    for names in [
        sides,
        volumes,
        [f"{side}, {volume}" for side, volume in zip(sides, volumes, strict=True)],
        [item.dose_text for item in group],
        [item.prescription_text for item in group],
    ]:
        if len(set(names)) == len(names) and all(len(name) <= QUALIFIER_LENGTH for name in names):
            return names
    return [str(number) for number in range(1, len(group) + 1)]


# --- versions ---------------------------------------------------------------------------------


def snapshot(program: Program) -> dict[str, Any]:
    """The program as the patient sees it, in plain data that stays readable later."""
    items = program.items.select_related("exercise")
    return {
        "title": program.title,
        "note": program.note,
        "start_date": program.start_date.isoformat() if program.start_date else None,
        "end_date": program.end_date.isoformat() if program.end_date else None,
        "frequency": program.frequency_text,
        "items": [
            {
                "id": item.pk,
                "exercise_id": item.exercise_id,
                "exercise": item.display_name,
                "volume": f"{item.sets}×{_reps_number(item)}",
                "dose": item.dose_text,
                "own_frequency": item.frequency_text if item.has_own_frequency else None,
                "prescription": item.prescription_text,
                "note": item.note,
                "as_needed": item.as_needed,
                "max_per_day": item.max_per_day,
                "schedule": {
                    "times_per_day": item.effective_frequency.times_per_day,
                    "days_per_week": item.effective_frequency.days_per_week,
                    "weekdays": item.effective_frequency.weekdays,
                },
            }
            for item in items
        ],
    }


def _reps_number(item: ProgramItem) -> str:
    return describe_reps(item.dose).removesuffix(" reps").removesuffix(" rep")


def record_version(program: Program, by: User) -> ProgramVersion | None:
    previous = program.versions.order_by("-number").first()
    after = snapshot(program)
    year = program.today().year
    changes = describe_changes(previous.snapshot if previous else None, after, year=year)
    if previous and not changes:
        return None
    return ProgramVersion.objects.create(
        program=program,
        number=previous.number + 1 if previous else 1,
        created_by=by,
        changes=[clinician for clinician, _ in changes],
        patient_changes=[patient for _, patient in changes],
        snapshot=after,
    )


def changes_since(program: Program, versions: list[ProgramVersion], seen_number: int) -> list[str]:
    """What changed since the patient last looked (version `seen_number`, 0 for never), in one
    list for the patient: the seen version compared with the latest, so an exercise added and
    removed again in between is not mentioned at all. `versions` are the program's versions.
    The lines are in the language being spoken, exercise names and doses included."""
    by_number = {version.number: version for version in versions}
    if not by_number or max(by_number) <= seen_number:
        return []
    latest = by_number[max(by_number)]
    seen = by_number.get(seen_number)
    clinic = program.clinic
    year = (clinic.local_date(latest.created_at) if clinic else latest.created_at.date()).year
    before, after = seen.snapshot if seen else None, latest.snapshot
    if translation.get_language() not in {None, "en", "en-gb"}:
        before, after = _in_spoken_words(program, before, after)
    lines = describe_changes(before, after, year=year)
    return [patient for _, patient in lines]


def _in_spoken_words(
    program: Program, before: dict[str, Any] | None, after: dict[str, Any]
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The two snapshots with what the patient reads of them (exercise names, doses, how often)
    in the language being spoken: from the program as it is now for the latest snapshot, and
    from the library's text for an exercise since removed. Snapshots keep English words."""
    live = {item.pk: item for item in program.items.select_related("exercise")}
    snapshots = [snap for snap in (before, after) if snap]
    ids = {item["exercise_id"] for snap in snapshots for item in snap["items"]}
    exercises = Exercise.objects.filter(pk__in=ids).prefetch_related("texts").in_bulk()

    def item_words(item: dict[str, Any], current: bool) -> dict[str, Any]:
        exercise = exercises.get(item["exercise_id"])
        if current and item["id"] in live:
            now = live[item["id"]]
            return {**item, "exercise": now.display_name, "prescription": now.prescription_text}
        if exercise is None:
            return item
        qualifier = item["exercise"].removeprefix(exercise.name)
        return {**item, "exercise": exercise.words.name + qualifier}

    def words(snapshot: dict[str, Any], current: bool) -> dict[str, Any]:
        return {
            **snapshot,
            "frequency": program.frequency_text if current else snapshot["frequency"],
            "items": [item_words(item, current) for item in snapshot["items"]],
        }

    return (words(before, False) if before else None), words(after, True)


def _snapshot_date(value: str | None, year: int) -> str:
    """A snapshot's date ("2026-11-07") as people read it: "7 November", with the year only
    when it is not `year`; no date reads "none"."""
    if not value:
        return "none"
    return readable_date(date.fromisoformat(value), year)


def describe_changes(
    before: dict[str, Any] | None, after: dict[str, Any], *, year: int
) -> list[tuple[str, str]]:
    """What changed, each as (a line for the clinician, the same in words for the patient):
    ("Reverse clamshell: 2×10 → 3×12", "Reverse clamshell is now 3 sets of 12 reps, ...").
    Dates read "7 November", with the year only when it is not `year`, the year of the
    change."""
    if before is None:
        names = ", ".join(item["exercise"] for item in after["items"])
        count = len(after["items"])
        plural = "s" if count != 1 else ""
        return [
            (
                f"Program started with {count} exercise{plural}: {names}.",
                ngettext(
                    "Your program “%(title)s” has %(count)d exercise: %(names)s.",
                    "Your program “%(title)s” has %(count)d exercises: %(names)s.",
                    count,
                )
                % {"title": after["title"], "count": count, "names": names},
            )
        ]
    return [
        *_program_changes(before, after, year),
        *_item_changes(before, after),
        *_order_changes(before, after),
    ]


def _program_changes(
    before: dict[str, Any], after: dict[str, Any], year: int
) -> list[tuple[str, str]]:
    """Changes to the program as a whole: title, how often, dates, note."""
    lines = []
    if before["title"] != after["title"]:
        lines.append(
            (
                f"Title: {before['title']} → {after['title']}",
                _("Your program is now called “%(title)s”.") % {"title": after["title"]},
            )
        )
    if before["frequency"] != after["frequency"]:
        lines.append(
            (
                f"How often: {before['frequency']} → {after['frequency']}",
                _("You now do your exercises %(often)s.") % {"often": after["frequency"]},
            )
        )
    for key, label, told in [
        ("start_date", "Start date", _("Start date of your program: %(date)s.")),
        ("end_date", "End date", _("End date of your program: %(date)s.")),
    ]:
        if before[key] != after[key]:
            was, now = _snapshot_date(before[key], year), _snapshot_date(after[key], year)
            lines.append((f"{label}: {was} → {now}", told % {"date": now}))
    if before["note"] != after["note"]:
        lines.append(("New note from your physio.", _("Your physio left you a new note.")))
    return lines


def _item_changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str]]:
    """Exercises removed, added, swapped, or with a new dose, frequency or note."""
    old = {item["id"]: item for item in before["items"]}
    new = {item["id"] for item in after["items"]}
    lines = [
        (
            f"Removed {item['exercise']}.",
            _("%(name)s is no longer in your program.") % {"name": item["exercise"]},
        )
        for item in before["items"]
        if item["id"] not in new
    ]
    for item in after["items"]:
        was = old.get(item["id"])
        name, prescription = item["exercise"], item["prescription"]
        if was is None:
            lines.append(
                (
                    f"Added {name}: {prescription}.",
                    _("New exercise: %(name)s, %(dose)s.") % {"name": name, "dose": prescription},
                )
            )
        elif was["exercise_id"] != item["exercise_id"]:
            lines.append(
                (
                    f"{was['exercise']} is now {name}: {prescription}.",
                    _("%(old)s has changed to %(name)s: %(dose)s.")
                    % {"old": was["exercise"], "name": name, "dose": prescription},
                )
            )
        else:
            lines += _same_exercise_changes(was, item, after["frequency"])
    return lines


def _same_exercise_changes(
    was: dict[str, Any], item: dict[str, Any], program_frequency: str
) -> list[tuple[str, str]]:
    name, prescription = item["exercise"], item["prescription"]
    now = _("%(name)s is now %(dose)s.") % {"name": name, "dose": prescription}
    lines = []
    if was["dose"] != item["dose"]:
        lines.append((f"{name}: {_dose_change(was, item)}", now))
    if _as_needed(was) != _as_needed(item):
        often = item["own_frequency"] or program_frequency
        clinician = _as_needed_words(item) if item.get("as_needed") else f"on a schedule, {often}"
        lines.append((f"{name}: now {clinician}", now))
    elif was["own_frequency"] != item["own_frequency"] and not item.get("as_needed"):
        # An exercise done as needed has no schedule: its frequency is not the patient's news.
        often = item["own_frequency"] or program_frequency
        lines.append((f"{name}: how often is now {often}", now))
    if was["note"] != item["note"] and item["note"]:
        told = _("New note for %(name)s: %(note)s") % {"name": name, "note": item["note"]}
        lines.append((f"{name}: new note: {item['note']}", told))
    return lines


def _as_needed(item: dict[str, Any]) -> tuple[bool, int | None]:
    """Whether a snapshot's item is done as needed, and up to how many times a day (snapshots
    from before as-needed items have neither: they were scheduled)."""
    return bool(item.get("as_needed")), item.get("max_per_day")


def _as_needed_words(item: dict[str, Any]) -> str:
    """ "as needed, up to 3 times a day" in the clinician's English, like the other lines."""
    with translation.override("en"):
        return describe_as_needed(item.get("max_per_day"))


def _order_changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str]]:
    """The kept exercises in a new order."""
    old = {item["id"] for item in before["items"]}
    new = {item["id"] for item in after["items"]}
    kept_before = [item["id"] for item in before["items"] if item["id"] in new]
    kept_after = [item["id"] for item in after["items"] if item["id"] in old]
    if kept_before == kept_after:
        return []
    order = ", ".join(item["exercise"] for item in after["items"])
    told = _("Your exercises are now in this order: %(order)s.") % {"order": order}
    return [(f"New order: {order}.", told)]


def _dose_change(was: dict[str, Any], now: dict[str, Any]) -> str:
    """The short form when only the sets and reps changed, the full wording otherwise."""

    def rest(item: dict[str, Any]) -> str:
        return item["prescription"].partition(", ")[2]

    if rest(was) == rest(now):
        return f"{was['volume']} → {now['volume']}"
    return f"{was['prescription']} → {now['prescription']}"
