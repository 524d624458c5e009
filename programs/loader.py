"""Make the library's program templates in the database match programs/content.py."""

from __future__ import annotations

from collections import Counter
from types import ModuleType
from typing import Any

from django.db import transaction

from exercises.models import Exercise
from programs import content as default_content
from programs.models import Program, ProgramItem


def load_templates(content: ModuleType = default_content) -> Counter[str]:
    """Create, rewrite or leave each library template, found by its title."""
    report: Counter[str] = Counter()
    exercises = {e.slug: e for e in Exercise.objects.filter(clinic__isnull=True)}
    with transaction.atomic():
        for entry in content.TEMPLATES:
            wanted_program = {"note": entry["note"], **entry["frequency"]}
            wanted_items = [
                _item_values(exercises[item["exercise"]], item.get("dose", {}))
                for item in entry["items"]
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


def _item_values(exercise: Exercise, dose: dict[str, Any]) -> dict[str, Any]:
    return {"exercise_id": exercise.pk, **exercise.dose_values(), **dose}


def _current(template: Program) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    program = {
        "note": template.note,
        "times_per_day": template.times_per_day,
        "days_per_week": template.days_per_week,
    }
    items = [
        {"exercise_id": item.exercise_id, **item.dose_values()} for item in template.items.all()
    ]
    return program, items
