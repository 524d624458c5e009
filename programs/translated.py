"""What a clinician needs to know about a program in the patient's language before printing:
which languages its documents can be printed in, and which exercises have no text in the
patient's language (they print in English)."""

from __future__ import annotations

from collections.abc import Sequence

from clinic.languages import LANGUAGE_NAMES, supported
from clinic.models import Patient
from exercises.models import ENGLISH, TEXT_FIELDS, ExerciseText
from programs.models import ProgramItem


def document_languages(patient: Patient | None) -> list[tuple[str, str]]:
    """(code, name) of the languages a handout or summary can be printed in: the patient's
    first (the default), then English."""
    first = supported(patient.preferred_language if patient else ENGLISH)
    return [(code, str(LANGUAGE_NAMES[code])) for code in dict.fromkeys([first, ENGLISH])]


def untranslated(items: Sequence[ProgramItem], language: str) -> list[ProgramItem]:
    """The items whose exercise lacks any of its text in `language`: nothing for English, and
    one query otherwise, however many items."""
    if language == ENGLISH or not items:
        return []
    texts = {
        text.exercise_id: text
        for text in ExerciseText.objects.filter(
            exercise__in=[item.exercise_id for item in items], language=language
        )
    }
    return [
        item
        for item in items
        if (text := texts.get(item.exercise_id)) is None
        or any(getattr(item.exercise, key) and not getattr(text, key) for key in TEXT_FIELDS)
    ]
