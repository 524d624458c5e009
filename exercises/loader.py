"""Make the global library in the database match the data files in exercises/library/."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, astuple
from typing import Any

from django.db import transaction
from django.db.models import Q

from exercises.content import Library, Link, Translations, read_library, read_translations
from exercises.dose import Dose
from exercises.illustrations.core import static_path
from exercises.models import (
    TEXT_FIELDS,
    Equipment,
    Exercise,
    ExerciseLink,
    ExerciseText,
    LinkKind,
    Muscle,
)


def load_library(
    content: Library | None = None, translations: Translations | None = None
) -> Counter[str]:
    """Create, update or leave each global exercise, its lookups and the links between global
    exercises. Returns counts such as {"created": 7} or {"unchanged": 7}. Clinic exercises and
    their links are never touched. The files are read and checked first (ContentError names
    every mistake), so a bad file changes nothing."""
    if content is None:
        content = read_library()
        if translations is None:
            translations = read_translations(content)
    # A library given in code (a part of it, an edited copy) leaves the translations as they are
    # unless they are given too.
    report: Counter[str] = Counter()
    with transaction.atomic():
        equipment = {
            slug: _upsert(Equipment, slug, {"name": name})
            for slug, name in content.equipment.items()
        }
        muscles = {
            slug: _upsert(Muscle, slug, {"name": name, "plain_name": plain})
            for slug, (name, plain) in content.muscles.items()
        }
        exercises = {}
        for entry in content.exercises:
            exercise, state = _upsert_exercise(entry)
            changed_m2m = _set_m2m(exercise.equipment, [equipment[s] for s in entry["equipment"]])
            changed_m2m |= _set_m2m(
                exercise.target_muscles, [muscles[s] for s in entry["target_muscles"]]
            )
            if state == "unchanged" and changed_m2m:
                state = "updated"
            report[state] += 1
            exercises[entry["slug"]] = exercise
        report["links changed"] = _sync_links(content.links, exercises)
        if translations is not None:
            report["translations changed"] = _sync_texts(translations, exercises)
    return report


def _upsert(model: Any, slug: str, values: dict[str, Any]) -> Any:
    obj, created = model.objects.get_or_create(slug=slug, defaults=values)
    if not created and any(getattr(obj, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(obj, key, value)
        obj.save()
    return obj


def _exercise_values(entry: dict[str, Any]) -> dict[str, Any]:
    values = {
        key: entry.get(key, [] if key in {"cues", "mistakes", "precautions"} else "")
        for key in [
            "name",
            "summary",
            "purpose",
            "conditions",
            "position",
            "region",
            "body_part",
            "activity_type",
            "skill_level",
            "movements",
            "steps",
            "cues",
            "mistakes",
            "precautions",
        ]
    }
    values.update(asdict(Dose(**entry["dose"])))
    values["illustration"] = static_path(entry["slug"])
    values["video_url"] = entry.get("video_url", "")
    values["is_archived"] = False
    return values


def _upsert_exercise(entry: dict[str, Any]) -> tuple[Exercise, str]:
    values = _exercise_values(entry)
    exercise = Exercise.objects.filter(clinic__isnull=True, slug=entry["slug"]).first()
    if exercise is None:
        exercise = Exercise(slug=entry["slug"], **values)
        exercise.full_clean()
        exercise.save()
        return exercise, "created"
    if all(getattr(exercise, key) == value for key, value in values.items()):
        return exercise, "unchanged"
    for key, value in values.items():
        setattr(exercise, key, value)
    exercise.full_clean()
    exercise.save()
    return exercise, "updated"


def _set_m2m(manager: Any, wanted: list[Any]) -> bool:
    if {obj.pk for obj in manager.all()} == {obj.pk for obj in wanted}:
        return False
    manager.set(wanted)
    return True


def _sync_links(links: list[Link], exercises: dict[str, Exercise]) -> int:
    """The links between global exercises are exactly those in the content."""
    wanted = {}
    for first, second, kind, note, reverse_note in (astuple(link) for link in links):
        source, target = exercises[first], exercises[second]
        if kind == LinkKind.REGRESSION:
            source, target, note, reverse_note = target, source, reverse_note, note
            kind = LinkKind.PROGRESSION
        wanted[frozenset({source.pk, target.pk})] = (source, target, kind, note, reverse_note)
    changes = 0
    existing = ExerciseLink.objects.filter(source__clinic__isnull=True, target__clinic__isnull=True)
    for link in existing:
        key = frozenset({link.source_id, link.target_id})
        spec = wanted.pop(key, None)
        current = (link.source_id, link.target_id, link.kind, link.note, link.reverse_note)
        if spec and current == (spec[0].pk, spec[1].pk, *spec[2:]):
            continue
        link.delete()
        changes += 1
        if spec:
            wanted[key] = spec
    for source, target, kind, note, reverse_note in wanted.values():
        ExerciseLink.objects.filter(
            Q(source=source, target=target) | Q(source=target, target=source)
        ).delete()
        ExerciseLink.objects.create(
            source=source, target=target, kind=kind, note=note, reverse_note=reverse_note
        )
        changes += 1
    return changes


def _sync_texts(translations: Translations, exercises: dict[str, Exercise]) -> int:
    """The global exercises' texts in other languages are exactly those in the files: each
    one's fields updated where they differ, and any the files no longer have deleted."""
    existing = {
        (text.exercise_id, text.language): text
        for text in ExerciseText.objects.filter(exercise__clinic__isnull=True)
    }
    changes = 0
    for language, entries in translations.items():
        for slug, fields in entries.items():
            exercise = exercises[slug]
            values = {key: fields.get(key, [] if key in LIST_FIELDS else "") for key in TEXT_FIELDS}
            text = existing.pop((exercise.pk, language), None)
            if text is None:
                ExerciseText.objects.create(exercise=exercise, language=language, **values)
                changes += 1
            elif any(getattr(text, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(text, key, value)
                text.save()
                changes += 1
    if existing:
        ExerciseText.objects.filter(pk__in=[text.pk for text in existing.values()]).delete()
        changes += len(existing)
    return changes


LIST_FIELDS = {"steps", "cues", "mistakes", "precautions"}
