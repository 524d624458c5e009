"""Every change to a program or template goes through these functions.

Each runs in one transaction that locks the program row, refuses a change made from a stale
page (optimistic locking on `Program.revision`), bumps the revision, and, when the program is
active, records a new version with a readable list of what changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from clinic.models import Clinician, Patient, User
from exercises.dose import describe_reps
from exercises.models import Exercise
from programs.models import DOSE_FIELDS, Program, ProgramItem, ProgramVersion

PROGRAM_FIELDS = [
    "title",
    "start_date",
    "end_date",
    "note",
    "times_per_day",
    "days_per_week",
    "weekdays",
]


class ProgramChangeError(Exception):
    """A change that cannot be made; the message is fit to show the clinician."""


class StaleProgram(ProgramChangeError):
    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this program after you opened it, so your change was not "
            "saved. The page now shows the latest version: please make your change again."
        )


@contextmanager
def changing(program: Program, revision: int | None, by: User) -> Iterator[Program]:
    """Lock the program, check the caller saw its latest revision, and after the change bump
    the revision and record a version if the program is active."""
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        if revision is not None and locked.revision != revision:
            raise StaleProgram
        if not locked.is_editable:
            raise ProgramChangeError("This program can no longer be changed.")
        yield locked
        locked.revision += 1
        locked.save(update_fields=["revision", "updated_at"])
        if locked.status == Program.Status.ACTIVE:
            record_version(locked, by)
    program.refresh_from_db()


# --- the verbs -------------------------------------------------------------------------------


def create_program(
    patient: Patient, *, by: User, template: Program | None = None, **values: Any
) -> Program:
    """A new draft for the patient, empty or filled from a template."""
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
    """A draft for another patient of the same clinic with the same exercises and doses."""
    if patient.clinic_id != source.clinic_id:
        raise ProgramChangeError("Programs can be copied only within the clinic.")
    values = {field: getattr(source, field) for field in PROGRAM_FIELDS}
    values.update(start_date=timezone.localdate(), end_date=None)
    return create_program(patient, by=by, template=source, **values)


def _copy_items(source: Program, target: Program) -> None:
    ProgramItem.objects.bulk_create(
        ProgramItem(
            program=target,
            exercise_id=item.exercise_id,
            position=item.position,
            **item.dose_values(),
        )
        for item in source.items.all()
    )


def add_item(
    program: Program, exercise: Exercise, *, revision: int | None, by: User
) -> ProgramItem:
    """Append an exercise with the library's default dose."""
    with changing(program, revision, by) as locked:
        last = locked.items.aggregate(last=Max("position"))["last"]
        item = ProgramItem.objects.create(
            program=locked,
            exercise=exercise,
            position=0 if last is None else last + 1,
            **exercise.default_dose_values(),
        )
    return item


def update_item(
    item: ProgramItem, values: dict[str, Any], *, revision: int | None, by: User
) -> None:
    with changing(item.program, revision, by):
        for name in DOSE_FIELDS:
            if name in values:
                setattr(item, name, values[name])
        item.save()


def move_item(item: ProgramItem, step: int, *, revision: int | None, by: User) -> None:
    """Move an item up (step -1) or down (step +1) the list."""
    with changing(item.program, revision, by) as locked:
        items = list(locked.items.all())
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        target = index + step
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        _renumber(items)


def remove_item(item: ProgramItem, *, revision: int | None, by: User) -> None:
    with changing(item.program, revision, by) as locked:
        item.delete()
        _renumber(list(locked.items.all()))


def swap_item(
    item: ProgramItem, exercise: Exercise, *, keep_dose: bool, revision: int | None, by: User
) -> None:
    """Put another exercise in the item's place (progress, regress or an alternative), with
    the new exercise's default dose unless the clinician keeps the current one."""
    with changing(item.program, revision, by):
        item.exercise = exercise
        if not keep_dose:
            for name, value in exercise.default_dose_values().items():
                setattr(item, name, value)
        item.save()


def update_program(
    program: Program, values: dict[str, Any], *, revision: int | None, by: User
) -> None:
    with changing(program, revision, by) as locked:
        for name in PROGRAM_FIELDS:
            if name in values:
                setattr(locked, name, values[name])
        locked.save()


def activate(program: Program, *, revision: int | None, by: User) -> None:
    """Make a draft live for the patient; this records version 1."""
    with changing(program, revision, by) as locked:
        if locked.is_template or locked.status != Program.Status.DRAFT:
            raise ProgramChangeError("Only a draft program can be activated.")
        if not locked.items.exists():
            raise ProgramChangeError("Add at least one exercise before activating the program.")
        locked.status = Program.Status.ACTIVE
        locked.start_date = locked.start_date or timezone.localdate()
        locked.activated_at = timezone.now()
        locked.save()


def discharge(
    program: Program, *, revision: int | None, by: User, on: date | None = None, notes: str = ""
) -> None:
    """End an active program. Everything is kept; nothing can be changed afterwards."""
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        if revision is not None and locked.revision != revision:
            raise StaleProgram
        if locked.status != Program.Status.ACTIVE:
            raise ProgramChangeError("Only an active program can be discharged.")
        today = on or timezone.localdate()
        locked.status = Program.Status.DISCHARGED
        locked.discharged_at = timezone.now()
        locked.discharge_notes = notes
        if not locked.end_date or locked.end_date > today:
            locked.end_date = max(today, locked.start_date or today)
        locked.revision += 1
        locked.save()
    program.refresh_from_db()


def delete_program(program: Program) -> None:
    """Drafts and templates can be deleted; a program the patient has seen is history."""
    if not program.is_template and program.status != Program.Status.DRAFT:
        raise ProgramChangeError("Only drafts and templates can be deleted; discharge instead.")
    program.delete()


def _renumber(items: list[ProgramItem]) -> None:
    for position, item in enumerate(items):
        item.position = position
    ProgramItem.objects.bulk_update(items, ["position"])


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
                "exercise": item.exercise.name,
                "volume": f"{item.sets}×{_reps_number(item)}",
                "dose": item.dose_text,
                "own_frequency": item.frequency_text if item.has_own_frequency else None,
                "prescription": item.prescription_text,
                "note": item.note,
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
    changes = describe_changes(previous.snapshot if previous else None, after)
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


def describe_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[tuple[str, str]]:
    """What changed, each as (a line for the clinician, the same in words for the patient):
    ("Reverse clamshell: 2×10 → 3×12", "Reverse clamshell is now 3 sets of 12 reps, ...")."""
    if before is None:
        names = ", ".join(item["exercise"] for item in after["items"])
        count = len(after["items"])
        plural = "s" if count != 1 else ""
        return [
            (
                f"Program started with {count} exercise{plural}: {names}.",
                f"Your program “{after['title']}” has {count} exercise{plural}: {names}.",
            )
        ]
    lines = []
    if before["title"] != after["title"]:
        lines.append(
            (
                f"Title: {before['title']} → {after['title']}",
                f"Your program is now called “{after['title']}”.",
            )
        )
    if before["frequency"] != after["frequency"]:
        lines.append(
            (
                f"How often: {before['frequency']} → {after['frequency']}",
                f"You now do your exercises {after['frequency']}.",
            )
        )
    for key, label in [("start_date", "Start date"), ("end_date", "End date")]:
        if before[key] != after[key]:
            lines.append(
                (
                    f"{label}: {before[key] or 'none'} → {after[key] or 'none'}",
                    f"{label} of your program: {after[key] or 'none'}.",
                )
            )
    if before["note"] != after["note"]:
        lines.append(("New note from your physio.", "Your physio left you a new note."))

    old = {item["id"]: item for item in before["items"]}
    new = {item["id"]: item for item in after["items"]}
    for item in before["items"]:
        if item["id"] not in new:
            lines.append(
                (
                    f"Removed {item['exercise']}.",
                    f"{item['exercise']} is no longer in your program.",
                )
            )
    for item in after["items"]:
        was = old.get(item["id"])
        name, prescription = item["exercise"], item["prescription"]
        if was is None:
            lines.append(
                (f"Added {name}: {prescription}.", f"New exercise: {name}, {prescription}.")
            )
            continue
        if was["exercise_id"] != item["exercise_id"]:
            lines.append(
                (
                    f"{was['exercise']} is now {name}: {prescription}.",
                    f"{was['exercise']} has changed to {name}: {prescription}.",
                )
            )
            continue
        if was["dose"] != item["dose"]:
            lines.append((f"{name}: {_dose_change(was, item)}", f"{name} is now {prescription}."))
        if was["own_frequency"] != item["own_frequency"]:
            often = item["own_frequency"] or after["frequency"]
            lines.append((f"{name}: how often is now {often}", f"{name} is now {prescription}."))
        if was["note"] != item["note"] and item["note"]:
            lines.append(
                (f"{name}: new note: {item['note']}", f"New note for {name}: {item['note']}")
            )
    kept_before = [item["id"] for item in before["items"] if item["id"] in new]
    kept_after = [item["id"] for item in after["items"] if item["id"] in old]
    if kept_before != kept_after:
        order = ", ".join(item["exercise"] for item in after["items"])
        lines.append((f"New order: {order}.", f"Your exercises are now in this order: {order}."))
    return lines


def _dose_change(was: dict[str, Any], now: dict[str, Any]) -> str:
    """The short form when only the sets and reps changed, the full wording otherwise."""

    def rest(item: dict[str, Any]) -> str:
        return item["prescription"].partition(", ")[2]

    if rest(was) == rest(now):
        return f"{was['volume']} → {now['volume']}"
    return f"{was['prescription']} → {now['prescription']}"
