"""Reading and writing the progression ladder between exercises."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from clinic.models import Clinic
from exercises.models import Exercise, ExerciseLink, LinkKind


@dataclass(frozen=True)
class Rung:
    exercise: Exercise
    note: str


@dataclass
class Ladder:
    progressions: list[Rung] = field(default_factory=list)  # harder
    regressions: list[Rung] = field(default_factory=list)  # easier
    alternatives: list[Rung] = field(default_factory=list)  # beside

    def __bool__(self) -> bool:
        return bool(self.progressions or self.regressions or self.alternatives)


def ladder_for(exercise: Exercise, clinic: Clinic | None) -> Ladder:
    """The exercise's neighbours that this clinic can see, with the note for each step.
    Archived exercises are left out: they are not offered for new choices."""
    return ladders_for([exercise], clinic)[exercise.pk]


def ladders_for(exercises: list[Exercise], clinic: Clinic | None) -> dict[int, Ladder]:
    """ladder_for for several exercises at once, in one query."""
    wanted = {exercise.pk for exercise in exercises}
    ladders = {pk: Ladder() for pk in wanted}
    links = (
        ExerciseLink.objects.filter(Q(source__in=wanted) | Q(target__in=wanted))
        .select_related("source", "target")
        .order_by("pk")
    )
    visible_clinics = {None, clinic.pk if clinic else None}
    for link in links:
        for exercise_pk, outward in ((link.source_id, True), (link.target_id, False)):
            if exercise_pk not in wanted:
                continue
            other = link.target if outward else link.source
            if other.is_archived or other.clinic_id not in visible_clinics:
                continue
            ladder = ladders[exercise_pk]
            note = link.note if outward else (link.reverse_note or link.note)
            if link.kind == LinkKind.ALTERNATIVE:
                ladder.alternatives.append(Rung(other, note))
            elif outward:
                ladder.progressions.append(Rung(other, note))
            else:
                ladder.regressions.append(Rung(other, note))
    return ladders


def link_exercises(
    exercise: Exercise, other: Exercise, kind: str, note: str = "", reverse_note: str = ""
) -> ExerciseLink:
    """Say that `other` is a progression, regression or alternative of `exercise`, replacing
    any earlier link between the two."""
    if kind == LinkKind.REGRESSION:
        exercise, other, note, reverse_note = other, exercise, reverse_note, note
        kind = LinkKind.PROGRESSION
    with transaction.atomic():
        unlink(exercise, other)
        return ExerciseLink.objects.create(
            source=exercise, target=other, kind=kind, note=note, reverse_note=reverse_note
        )


def unlink(exercise: Exercise, other: Exercise) -> None:
    ExerciseLink.objects.filter(
        Q(source=exercise, target=other) | Q(source=other, target=exercise)
    ).delete()
