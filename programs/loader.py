"""Make the library's program templates in the database match programs/templates.toml.

Each `[[template]]` has a title, the body part it is for (to group templates by), a note to the
patient, times_per_day and days_per_week, and `[[template.item]]` entries naming a library
exercise by slug, with the whole dose when it differs from the exercise's usual dose. The file
is checked before anything is written; TemplateError names the template and the field."""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.db import transaction

from exercises.content import READING_EASE, dose_problems
from exercises.dose import Dose
from exercises.models import BodyPart, Exercise
from exercises.readability import flesch_kincaid_grade
from programs.models import Program, ProgramItem

FILE = Path(__file__).parent / "templates.toml"
MAX_GRADE = 8
MIN_EASE = 60.0  # a translated note's least reading ease (Fernández-Huerta for Spanish)
TEMPLATE_KEYS = {
    "title",
    "body_part",
    "note",
    "note_translations",
    "times_per_day",
    "days_per_week",
    "item",
}


class TemplateError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("The library templates have mistakes:\n" + "\n".join(problems))
        self.problems = problems


def read_templates(path: Path = FILE) -> list[dict[str, Any]]:
    """The templates, each with `note_translations` ({language: note}) from the files beside
    templates.toml named for a language (templates.es.toml), matched by the English title."""
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("template", [])
    by_title = {entry.get("title"): entry for entry in entries}
    problems = []
    for entry in entries:
        entry["note_translations"] = {}
    for other in sorted(path.parent.glob(f"{path.stem}.*{path.suffix}")):
        language = other.name.removeprefix(f"{path.stem}.").removesuffix(path.suffix)
        for number, translated in enumerate(
            tomllib.loads(other.read_text("utf-8")).get("template", []), 1
        ):
            title, note = translated.get("title"), translated.get("note", "")
            if title not in by_title:
                problems.append(f"{other.name}: template {number}: no template titled {title!r}")
            elif not (isinstance(note, str) and note.strip()):
                problems.append(f"{other.name}: {title}: note: missing")
            elif language in READING_EASE and (ease := READING_EASE[language][0](note)) < MIN_EASE:
                problems.append(
                    f"{other.name}: {title}: note: reading ease {ease:.0f} is under {MIN_EASE:.0f}"
                )
            else:
                by_title[title]["note_translations"][language] = note
    if problems:
        raise TemplateError(problems)
    return entries


def load_templates(entries: list[dict[str, Any]] | None = None) -> Counter[str]:
    """Create, rewrite or leave each library template, found by its title."""
    entries = read_templates() if entries is None else entries
    exercises = {e.slug: e for e in Exercise.objects.filter(clinic__isnull=True)}
    problems = [problem for entry in entries for problem in template_problems(entry, exercises)]
    if problems:
        raise TemplateError(problems)
    report: Counter[str] = Counter()
    with transaction.atomic():
        for entry in entries:
            wanted_program = {
                "note": entry["note"],
                "note_translations": entry.get("note_translations", {}),
                "body_part": entry["body_part"],
                "times_per_day": entry["times_per_day"],
                "days_per_week": entry["days_per_week"],
            }
            wanted_items = [
                _item_values(exercises[item["exercise"]], item) for item in entry["item"]
            ]
            template = Program.objects.filter(
                scope=Program.Scope.LIBRARY, title=entry["title"]
            ).first()
            if template is None:
                template = Program.objects.create(
                    scope=Program.Scope.LIBRARY, title=entry["title"], **wanted_program
                )
                report["templates created"] += 1
            elif _current(template) == (wanted_program, wanted_items):
                report["templates unchanged"] += 1
                continue
            else:
                for name, value in wanted_program.items():
                    setattr(template, name, value)
                template.save()
                template.items.all().delete()
                report["templates updated"] += 1
            ProgramItem.objects.bulk_create(
                ProgramItem(program=template, position=position, **values)
                for position, values in enumerate(wanted_items)
            )
    return report


def template_problems(entry: dict[str, Any], exercises: dict[str, Exercise]) -> list[str]:
    """What is wrong with one template, each as 'title: field: problem'."""
    where = entry.get("title", "(no title)")
    problems = [f"{key}: unknown field" for key in sorted(set(entry) - TEMPLATE_KEYS)]
    if not str(entry.get("title", "")).strip():
        problems.append("title: missing")
    if entry.get("body_part") not in BodyPart.values:
        problems.append(f"body_part: {entry.get('body_part')!r} is not a body part")
    note = entry.get("note", "")
    if not (isinstance(note, str) and note.strip()):
        problems.append("note: missing")
    elif flesch_kincaid_grade(note) > MAX_GRADE:
        problems.append(f"note: reading grade {flesch_kincaid_grade(note):.1f} is over 8")
    for key, top in [("times_per_day", 6), ("days_per_week", 7)]:
        if not (isinstance(entry.get(key), int) and 1 <= entry[key] <= top):
            problems.append(f"{key}: give a whole number from 1 to {top}")
    items = entry.get("item", [])
    if not 1 <= len(items) <= 10:
        problems.append("item: give between 1 and 10 exercises")
    for number, item in enumerate(items, start=1):
        problems += [f"item {number}: {p}" for p in _item_problems(item, exercises)]
    return [f"{where}: {problem}" for problem in problems]


def _item_problems(item: dict[str, Any], exercises: dict[str, Exercise]) -> list[str]:
    exercise = exercises.get(item.get("exercise", ""))
    if exercise is None:
        return [f"exercise: {item.get('exercise')!r} is not in the library"]
    if exercise.is_archived:
        return [f"exercise: {exercise.slug} is archived"]
    return [] if "dose" not in item else dose_problems(item["dose"])


def _item_values(exercise: Exercise, item: dict[str, Any]) -> dict[str, Any]:
    dose = asdict(Dose(**item["dose"])) if "dose" in item else exercise.dose_values()
    return {"exercise_id": exercise.pk, **dose}


def _current(template: Program) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    program = {
        "note": template.note,
        "note_translations": template.note_translations,
        "body_part": template.body_part,
        "times_per_day": template.times_per_day,
        "days_per_week": template.days_per_week,
    }
    items = [
        {"exercise_id": item.exercise_id, **item.dose_values()} for item in template.items.all()
    ]
    return program, items
