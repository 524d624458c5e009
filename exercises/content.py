"""The global exercise library as data: one TOML file per region in exercises/library/.

`read_library()` reads every file and checks every entry, naming the file, the exercise and the
field of anything wrong: an unknown position or movement, a missing step, a link to an unknown
slug, a sentence above the reading grade. `manage.py load_library` then makes the database
match (exercises/loader.py).

Each file holds `[[exercise]]` entries, `[[link]]` entries (one step of a ladder each, in either
direction between any two library exercises, in any file) and may add `[equipment]` and
`[muscles]` lookups; the shared lookups are in lookups.toml. README.md describes the format.

Clinical facts follow well-established practice; every sentence is written for this project, at
about a 6th-grade reading level.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from exercises.dose import DOSE_FIELDS, Dose
from exercises.models import (
    ActivityType,
    BodyPart,
    DoseFields,
    Exercise,
    LinkKind,
    Movement,
    Position,
    Region,
    SkillLevel,
)
from exercises.readability import fernandez_huerta, flesch_kincaid_grade

FOLDER = Path(__file__).parent / "library"
MAX_GRADE = 8

REQUIRED_TEXT = ["slug", "name", "summary", "purpose"]
CHOICES: dict[str, list[str]] = {
    "position": list(Position.values),
    "region": list(Region.values),
    "body_part": list(BodyPart.values),
    "activity_type": list(ActivityType.values),
    "skill_level": list(SkillLevel.values),
}
LISTS = ["steps", "cues", "mistakes", "precautions"]
PATIENT_TEXT = ["summary", "purpose", *LISTS]
KNOWN_KEYS = {
    *REQUIRED_TEXT,
    *CHOICES,
    *LISTS,
    "conditions",
    "equipment",
    "target_muscles",
    "movements",
    "dose",
    "video_url",
}
LINK_KEYS = {"from", "to", "kind", "note", "back"}

# What a translation gives for an exercise: every field a patient reads.
TRANSLATED = ["name", "summary", "purpose", *LISTS]
# The reading ease each language's text must reach, as (measure, the least for one line, the
# least for a whole exercise). Fernández-Huerta: 70–80 is "fairly easy", 60–70 "standard".
READING_EASE: dict[str, tuple[Callable[[str], float], float, float]] = {
    "es": (fernandez_huerta, 50.0, 70.0)
}


class ContentError(Exception):
    """The library's files have mistakes; the message lists each with its file and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The exercise library has mistakes:\n" + "\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Link:
    first: str
    second: str
    kind: str
    note: str
    back: str


@dataclass
class Library:
    equipment: dict[str, str] = field(default_factory=dict)
    muscles: dict[str, tuple[str, str]] = field(default_factory=dict)
    exercises: list[dict[str, Any]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    source: dict[str, str] = field(default_factory=dict)  # exercise slug -> file name

    def exercise(self, slug: str) -> dict[str, Any]:
        return next(entry for entry in self.exercises if entry["slug"] == slug)


def read_library(folder: Path = FOLDER) -> Library:
    """Every file in the folder, merged and checked; ContentError if anything is wrong."""
    library = Library()
    problems: list[str] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            problems.append(f"{path.name}: not valid TOML: {error}")
            continue
        _merge_lookups(library, path.name, data, problems)
        for entry in data.get("exercise", []):
            slug = entry.get("slug", "?")
            if slug in library.source:
                problems.append(f"{path.name}: {slug}: slug already used in {library.source[slug]}")
                continue
            library.source[slug] = path.name
            library.exercises.append(entry)
        for number, link in enumerate(data.get("link", []), start=1):
            unknown = set(link) - LINK_KEYS
            missing = LINK_KEYS - set(link) - {"back"}
            if unknown or missing:
                problems.append(
                    f"{path.name}: link {number}: "
                    + "; ".join(
                        [f"unknown field {key}" for key in sorted(unknown)]
                        + [f"missing field {key}" for key in sorted(missing)]
                    )
                )
                continue
            library.links.append(
                Link(link["from"], link["to"], link["kind"], link["note"], link.get("back", ""))
            )
    for entry in library.exercises:
        problems += [
            f"{library.source[entry.get('slug', '?')]}: {entry.get('slug', '?')}: {problem}"
            for problem in exercise_problems(entry, library)
        ]
    problems += link_problems(library)
    if problems:
        raise ContentError(problems)
    return library


def _merge_lookups(library: Library, name: str, data: dict[str, Any], problems: list[str]) -> None:
    for slug, label in data.get("equipment", {}).items():
        if library.equipment.get(slug, label) != label:
            problems.append(f"{name}: equipment {slug}: defined differently elsewhere")
        library.equipment[slug] = label
    for slug, names in data.get("muscles", {}).items():
        if not (isinstance(names, list) and len(names) == 2):
            problems.append(f"{name}: muscle {slug}: give [anatomical name, plain name]")
            continue
        if library.muscles.get(slug, tuple(names)) != tuple(names):
            problems.append(f"{name}: muscle {slug}: defined differently elsewhere")
        library.muscles[slug] = (names[0], names[1])


def exercise_problems(entry: dict[str, Any], library: Library) -> list[str]:
    """What is wrong with one exercise entry, each as 'field: problem'."""
    problems = [f"{key}: unknown field" for key in sorted(set(entry) - KNOWN_KEYS)]
    problems += _field_problems(entry)
    lookups: list[tuple[str, Collection[str]]] = [
        ("equipment", library.equipment.keys()),
        ("target_muscles", library.muscles.keys()),
    ]
    for key, known in lookups:
        values = entry.get(key)
        if not values:
            problems.append(f"{key}: name at least one")
        for value in values or []:
            if value not in known:
                problems.append(f"{key}: unknown {value!r} (add it to lookups.toml)")
    movements = entry.get("movements") or []
    if not movements:
        problems.append("movements: name at least one")
    problems += [
        f"movements: unknown {code!r}" for code in movements if code not in Movement.values
    ]
    if not entry.get("steps"):
        problems.append("steps: missing")
    for key in LISTS:
        lines = entry.get(key, [])
        if not isinstance(lines, list) or not all(isinstance(x, str) and x for x in lines):
            problems.append(f"{key}: give a list of sentences")
    problems += dose_problems(entry.get("dose"))
    problems += _reading_problems(entry)
    return problems


def _field_problems(entry: dict[str, Any]) -> list[str]:
    problems = [
        f"{key}: missing"
        for key in REQUIRED_TEXT
        if not (isinstance(entry.get(key), str) and entry[key].strip())
    ]
    for key, allowed in CHOICES.items():
        if entry.get(key) not in allowed:
            problems.append(f"{key}: {entry.get(key)!r} is not one of {', '.join(allowed)}")
    return problems


def dose_problems(dose: Any) -> list[str]:
    """A dose written in a data file gets the same checks as one a clinician types in the
    exercise form (each field's range, and the dose's own rules). Templates use it too."""
    if not isinstance(dose, dict):
        return ["dose: missing"]
    unknown = set(dose) - set(DOSE_FIELDS)
    if unknown:
        return [f"dose: unknown {', '.join(sorted(unknown))}"]
    holder = Exercise()
    holder.set_dose(Dose(**dose))
    others = [field.name for field in Exercise._meta.fields if field.name not in DOSE_FIELDS]
    try:
        holder.clean_fields(exclude=others)
        DoseFields.clean(holder)
    except ValidationError as error:
        return [
            f"dose: {name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        ]
    return []


def _reading_problems(entry: dict[str, Any]) -> list[str]:
    problems = []
    for key in PATIENT_TEXT:
        value = entry.get(key)
        texts = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        for number, text in enumerate(texts, start=1):
            grade = flesch_kincaid_grade(text)
            if grade > MAX_GRADE:
                where = f"{key}[{number}]" if isinstance(value, list) else key
                problems.append(f"{where}: reading grade {grade:.1f} is over {MAX_GRADE}: {text!r}")
    return problems


def link_problems(library: Library) -> list[str]:
    known = {entry.get("slug") for entry in library.exercises}
    problems = []
    for link in library.links:
        where = f"link {link.first} -> {link.second}"
        for slug in (link.first, link.second):
            if slug not in known:
                problems.append(f"{where}: unknown exercise {slug!r}")
        if link.kind not in LinkKind.values and link.kind != "regression":
            problems.append(f"{where}: kind {link.kind!r} is not progression or alternative")
        if not link.note.strip():
            problems.append(f"{where}: note: say when to use it")
        if link.first == link.second:
            problems.append(f"{where}: links an exercise to itself")
    return problems


Translations = dict[str, dict[str, dict[str, Any]]]


def read_translations(library: Library, folder: Path = FOLDER) -> Translations:
    """The library's text in other languages: each folder named for a language (es/) holds files
    of `[[exercise]]` entries with a slug and the fields in TRANSLATED, in the patient's words.
    Returns {language: {slug: {field: text}}}; ContentError names every mistake: an unknown
    slug or field, a list whose length differs from the English one (a translated step stands
    for the same step), text that reads too hard."""
    found: Translations = {}
    problems: list[str] = []
    known = {entry["slug"]: entry for entry in library.exercises}
    for language_folder in sorted(path for path in folder.iterdir() if path.is_dir()):
        language = language_folder.name
        texts = found.setdefault(language, {})
        for path in sorted(language_folder.glob("*.toml")):
            where = f"{language}/{path.name}"
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as error:
                problems.append(f"{where}: not valid TOML: {error}")
                continue
            for entry in data.get("exercise", []):
                slug = entry.get("slug", "?")
                entry_problems = translation_problems(language, entry, known.get(slug))
                problems += [f"{where}: {slug}: {problem}" for problem in entry_problems]
                if slug in texts:
                    problems.append(f"{where}: {slug}: translated twice")
                texts[slug] = {key: entry[key] for key in TRANSLATED if key in entry}
    if problems:
        raise ContentError(problems)
    return found


def translation_problems(
    language: str, entry: dict[str, Any], english: dict[str, Any] | None
) -> list[str]:
    """What is wrong with one exercise's translation, each as 'field: problem'."""
    if english is None:
        return ["no such exercise in the library"]
    problems = [f"{key}: unknown field" for key in sorted(set(entry) - {"slug", *TRANSLATED})]
    for key in ["name", "summary", "purpose"]:
        if not (isinstance(entry.get(key), str) and entry[key].strip()):
            problems.append(f"{key}: missing")
    for key in LISTS:
        lines, wanted = entry.get(key, []), len(english.get(key, []))
        if not isinstance(lines, list) or not all(isinstance(x, str) and x for x in lines):
            problems.append(f"{key}: give a list of sentences")
        elif len(lines) != wanted:
            problems.append(f"{key}: {len(lines)} lines, the English has {wanted}")
    if problems or language not in READING_EASE:
        return problems
    return _ease_problems(entry, *READING_EASE[language])


def _ease_problems(
    entry: dict[str, Any], measure: Callable[[str], float], least_line: float, least_whole: float
) -> list[str]:
    problems = []
    for key in ["summary", "purpose", *LISTS]:
        value = entry.get(key)
        for number, text in enumerate(_as_list(value), start=1):
            if (ease := measure(text)) < least_line:
                where = f"{key}[{number}]" if isinstance(value, list) else key
                problems.append(
                    f"{where}: reading ease {ease:.0f} is under {least_line:.0f}: {text!r}"
                )
    whole = " ".join(
        line for key in ["summary", "purpose", *LISTS] for line in _as_list(entry.get(key))
    )
    if (ease := measure(whole)) < least_whole:
        problems.append(f"reading ease of the whole exercise {ease:.0f} is under {least_whole:.0f}")
    return problems


def _as_list(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value] if isinstance(value, str) else []
