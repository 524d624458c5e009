"""A clinic's own exercises and templates as one JSON file, to move them to another clinic (or
keep a copy): `export_library` writes it, `import_library` reads it into a clinic.

The file (README.md, "Moving exercises and templates between clinics", describes each key):

    {"format": "physio-hep.clinic-library", "version": 1, "exported_at": ..., "clinic": ...,
     "exercises": [...], "links": [...], "templates": [...]}

An exercise names another by a reference, {"source": "library" | "clinic", "slug": ...}: the
global library's exercises are in every clinic, so only the clinic's own travel in the file.
Uploaded pictures stay behind (their description and credit travel).

An import is all or nothing. Every row is checked first, without writing anything: its types,
its choices, the model's own rules (`full_clean`), the equipment and muscles it names, and every
exercise a link or a template names (in the library, in the file, or already in the clinic).
Problems come back named by row and field ("exercises[3] (Wall slide): position: 'upside_down'
is not a valid choice"). Only a file without any is written, in one transaction: a clinic
exercise is matched by its slug and a clinic template by its title, found ones are updated and
the others added, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext

from clinic.audit import record
from clinic.forms import one_line
from clinic.models import AuditAction, AuditSubject, Clinic, User
from exercises.dose import DOSE_FIELDS, plural
from exercises.ladder import link_exercises
from exercises.models import Equipment, Exercise, ExerciseLink, Muscle
from programs.models import ITEM_FIELDS as CHOSEN_ITEM_FIELDS
from programs.models import Program, ProgramItem
from programs.prescribing import ProgramChangeError, name_twins

FORMAT = "physio-hep.clinic-library"
VERSION = 1
MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 8  # the format nests six deep (templates → item → exercise → slug)
MAX_ROWS = {"exercises": 2000, "links": 10000, "templates": 500}
MAX_ITEMS = 100  # in one template
MAX_PROBLEMS = 25  # shown; the rest are counted

EXERCISE_FIELDS = [
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
    "image_alt",
    "media_credit",
    "media_licence",
    "video_url",
    "is_archived",
]
EXERCISE_REQUIRED = {
    "slug",
    "name",
    "summary",
    "purpose",
    "position",
    "region",
    "body_part",
    "activity_type",
    "steps",
}
EXERCISE_KEYS = {"slug", *EXERCISE_FIELDS, "equipment", "target_muscles", "dose"}
ONE_LINE = {
    "image_alt": gettext_lazy("The picture description"),
    "media_credit": gettext_lazy("Who made it"),
    "media_licence": gettext_lazy("The licence"),
}
LINK_KEYS = {"from", "to", "kind", "note", "reverse_note"}
TEMPLATE_FIELDS = [
    "note",
    "body_part",
    "times_per_day",
    "days_per_week",
    "weekdays",
    "pain_threshold",
    "stop_if",
]
TEMPLATE_KEYS = {"title", *TEMPLATE_FIELDS, "items"}
# What a clinician sets on an item beside its dose. The name that tells twins apart is not in
# the file: prescribing gives it again on import.
ITEM_FIELDS = [name for name in CHOSEN_ITEM_FIELDS if name not in DOSE_FIELDS]
ITEM_KEYS = {"exercise", "dose", *ITEM_FIELDS}
TOP_KEYS = {"format", "version", "exported_at", "clinic", "exercises", "links", "templates"}


class Source(models.TextChoices):
    """Where an exercise a file names is found."""

    LIBRARY = "library", "The global library"
    CLINIC = "clinic", "The clinic's own exercises"


Ref = tuple[str, str]  # (Source, slug)


class ImportRefused(Exception):
    """The file cannot be imported; `problems` says why, each fit to show the clinic admin."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- export ----------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _ref(exercise: Exercise) -> dict[str, str]:
    source = Source.CLINIC if exercise.clinic_id else Source.LIBRARY
    return {"source": source.value, "slug": exercise.slug}


def _dose(owner: Exercise | ProgramItem) -> dict[str, Any]:
    return {name: _json_value(value) for name, value in owner.dose_values().items()}


def _exported_exercise(exercise: Exercise) -> dict[str, Any]:
    row: dict[str, Any] = {"slug": exercise.slug}
    row.update({name: getattr(exercise, name) for name in EXERCISE_FIELDS})
    row["equipment"] = sorted(item.slug for item in exercise.equipment.all())
    row["target_muscles"] = sorted(muscle.slug for muscle in exercise.target_muscles.all())
    row["dose"] = _dose(exercise)
    return row


def _exported_link(link: ExerciseLink) -> dict[str, Any]:
    return {
        "from": _ref(link.source),
        "to": _ref(link.target),
        "kind": link.kind,
        "note": link.note,
        "reverse_note": link.reverse_note,
    }


def _exported_template(template: Program) -> dict[str, Any]:
    row: dict[str, Any] = {"title": template.title}
    row.update({name: getattr(template, name) for name in TEMPLATE_FIELDS})
    row["items"] = [
        {
            "exercise": _ref(item.exercise),
            "dose": _dose(item),
            **{name: getattr(item, name) for name in ITEM_FIELDS},
        }
        for item in template.items.all()
    ]
    return row


def clinic_templates(clinic: Clinic) -> models.QuerySet[Program]:
    """The templates a clinic shares with all its clinicians (not anyone's personal ones)."""
    return Program.objects.filter(clinic=clinic, scope=Program.Scope.CLINIC).order_by("title", "pk")


def export_library(clinic: Clinic) -> dict[str, Any]:
    """The clinic's own exercises (archived ones too), the ladder links that touch them, and
    the clinic's templates with their items, as plain data for json.dumps."""
    exercises = Exercise.objects.filter(clinic=clinic).prefetch_related(
        "equipment", "target_muscles"
    )
    links = (
        ExerciseLink.objects.filter(Q(source__clinic=clinic) | Q(target__clinic=clinic))
        .filter(Q(source__clinic=clinic) | Q(source__clinic__isnull=True))
        .filter(Q(target__clinic=clinic) | Q(target__clinic__isnull=True))
        .select_related("source", "target")
        .order_by("source__slug", "target__slug")
    )
    items = ProgramItem.objects.select_related("exercise").order_by("position", "pk")
    templates = clinic_templates(clinic).prefetch_related(Prefetch("items", queryset=items))
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "clinic": clinic.name,
        "exercises": [_exported_exercise(exercise) for exercise in exercises.order_by("slug")],
        "links": [_exported_link(link) for link in links],
        "templates": [_exported_template(template) for template in templates],
    }


def export_json(clinic: Clinic) -> str:
    """The export as the file's text, recorded on the audit trail."""
    data = export_library(clinic)
    record(
        AuditAction.EXPORT,
        AuditSubject.SETTINGS,
        clinic=clinic,
        detail=f"exercises and templates: {plural(len(data['exercises']), 'exercise')}, "
        f"{plural(len(data['templates']), 'template')}",
    )
    return json.dumps(data, indent=2, ensure_ascii=False)


# --- reading the file ------------------------------------------------------------------------


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def read_upload(upload: UploadedFile) -> Any:
    """The uploaded file's JSON, or ImportRefused saying why it is not a JSON file we read."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise ImportRefused([_("The file is larger than 5 MB. Export files are much smaller.")])
    content = upload.read(MAX_BYTES + 1)
    try:
        text = content.decode("utf-8-sig")
        data = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise ImportRefused([_("This is not a JSON file: it is not text (UTF-8).")]) from None
    except (ValueError, RecursionError) as error:
        reason = _("it nests too deep") if isinstance(error, RecursionError) else str(error)[:150]
        raise ImportRefused(
            [_("This is not a JSON file, or it is damaged: %(reason)s.") % {"reason": reason}]
        ) from None
    if problem := _shape_problem(data):
        raise ImportRefused([problem])
    return data


def _shape_problem(data: Any) -> str | None:
    """A reason to refuse the whole file before reading its rows: deeper nesting than the
    format has, or a NUL character (which no text field stores)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return _("The file nests deeper than an export of exercises and templates does.")
        if isinstance(value, dict):
            stack.extend((key, depth + 1) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and "\x00" in value:
            return _("The file holds a NUL character, which no text may hold.")
    return None


# --- checking the rows -----------------------------------------------------------------------


def _type_problem(model_field: Any, value: Any) -> str | None:
    """Whether a JSON value has the type the model field stores (before the model's own rules
    judge the value itself)."""
    if value is None:
        return None if model_field.null else _("must not be empty (null)")
    if isinstance(model_field, models.BooleanField):
        ok = isinstance(value, bool)
        expected = _("true or false")
    elif isinstance(model_field, models.DecimalField):
        ok = isinstance(value, int | float | str) and not isinstance(value, bool)
        expected = _("a number")
    elif isinstance(model_field, models.IntegerField):
        ok = isinstance(value, int) and not isinstance(value, bool)
        expected = _("a whole number")
    elif isinstance(model_field, models.JSONField):
        ok = isinstance(value, list) and all(isinstance(line, str) for line in value)
        expected = _("a list of texts")
    else:
        ok = isinstance(value, str)
        expected = _("a text")
    if not ok:
        return _("must be %(expected)s, not %(value)s") % {
            "expected": expected,
            "value": json.dumps(value)[:40],
        }
    if model_field.blank and value == "":
        return None
    if model_field.choices and value not in {choice for choice, _label in model_field.choices}:
        return _("%(value)r is not a valid choice") % {"value": value}
    return None


def _decimal(value: Any) -> Any:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value  # the model's validation names it
    return number if number.is_finite() else str(value)


@dataclass
class PlannedExercise:
    exercise: Exercise
    equipment: list[Equipment]
    muscles: list[Muscle]


@dataclass
class PlannedLink:
    ends: tuple[Ref, Ref]
    kind: str
    note: str
    reverse_note: str


@dataclass
class PlannedTemplate:
    template: Program
    items: list[tuple[Ref, ProgramItem]]


@dataclass
class Plan:
    exercises: list[PlannedExercise] = field(default_factory=list)
    links: list[PlannedLink] = field(default_factory=list)
    templates: list[PlannedTemplate] = field(default_factory=list)


@dataclass
class ImportResult:
    exercises_added: int = 0
    exercises_updated: int = 0
    templates_added: int = 0
    templates_updated: int = 0

    def __str__(self) -> str:
        # "N updated" follows the count it belongs to; its context tells translators which.
        added, updated = self.exercises_added, self.exercises_updated
        parts = [
            ngettext("%(count)d exercise added", "%(count)d exercises added", added)
            % {"count": added}
        ]
        if updated:
            parts.append(
                npgettext("exercises", "%(count)d updated", "%(count)d updated", updated)
                % {"count": updated}
            )
        added, updated = self.templates_added, self.templates_updated
        parts.append(
            ngettext("%(count)d template added", "%(count)d templates added", added)
            % {"count": added}
        )
        if updated:
            parts.append(
                npgettext("templates", "%(count)d updated", "%(count)d updated", updated)
                % {"count": updated}
            )
        return ", ".join(parts)


class Reader:
    """Checks a parsed file row by row for one clinic, collecting every problem, and plans the
    writes. Reads the database, never writes to it."""

    def __init__(self, clinic: Clinic, by: User) -> None:
        self.clinic = clinic
        self.by = by
        self.problems: list[str] = []
        self.equipment = {item.slug: item for item in Equipment.objects.all()}
        self.muscles = {muscle.slug: muscle for muscle in Muscle.objects.all()}
        self.existing = {e.slug: e for e in Exercise.objects.filter(clinic=clinic)}
        self.library = set(
            Exercise.objects.filter(clinic__isnull=True).values_list("slug", flat=True)
        )
        self.in_file: set[str] = set()
        templates: dict[str, list[Program]] = defaultdict(list)
        for template in clinic_templates(clinic).select_for_update():
            templates[template.title].append(template)
        self.templates = templates
        self.plan = Plan()

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    # the file as a whole

    def read(self, data: Any) -> Plan:
        rows = self._top(data)
        for index, row in enumerate(rows["exercises"]):
            self._exercise(index, row)
        for index, row in enumerate(rows["links"]):
            self._link(index, row)
        titles: Counter[str] = Counter()
        for index, row in enumerate(rows["templates"]):
            self._template(index, row, titles)
        if self.problems:
            raise ImportRefused(self._shown(self.problems))
        return self.plan

    @staticmethod
    def _shown(problems: list[str]) -> list[str]:
        if len(problems) <= MAX_PROBLEMS:
            return problems
        more = len(problems) - MAX_PROBLEMS
        return [
            *problems[:MAX_PROBLEMS],
            ngettext("… and %(count)d more problem.", "… and %(count)d more problems.", more)
            % {"count": more},
        ]

    def _top(self, data: Any) -> dict[str, list[Any]]:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ImportRefused(
                [
                    _(
                        'This is not an export of exercises and templates (its "format" is not '
                        '"%(format)s").'
                    )
                    % {"format": FORMAT}
                ]
            )
        version = data.get("version")
        if type(version) is not int or version != VERSION:
            newer = type(version) is int and version > VERSION
            raise ImportRefused(
                [
                    _(
                        "This file is from a newer version of the app (version %(version)s); "
                        "this one reads version %(current)s. Update the app first."
                    )
                    % {"version": version, "current": VERSION}
                    if newer
                    else _("version: must be %(current)s, not %(value)s")
                    % {"current": VERSION, "value": json.dumps(version)[:40]}
                ]
            )
        if unknown := set(data) - TOP_KEYS:
            raise ImportRefused(
                [_("The file has keys this format does not: %(keys)s.") % {"keys": _names(unknown)}]
            )
        rows = {}
        for name, limit in MAX_ROWS.items():
            value = data.get(name, [])
            if not isinstance(value, list):
                raise ImportRefused([_("%(name)s: must be a list") % {"name": name}])
            if len(value) > limit:
                raise ImportRefused(
                    [
                        _("%(name)s: at most %(limit)d in one file, not %(count)d")
                        % {"name": name, "limit": limit, "count": len(value)}
                    ]
                )
            rows[name] = value
        return rows

    def _keys(self, where: str, row: Any, known: set[str], required: set[str]) -> bool:
        """Whether the row is an object with the required keys and no others."""
        if not isinstance(row, dict):
            self.problem(where, _("must be an object ({...})"))
            return False
        if unknown := set(row) - known:
            self.problem(where, _("unknown keys: %(keys)s") % {"keys": _names(unknown)})
        if missing := required - set(row):
            self.problem(where, _("missing: %(keys)s") % {"keys": _names(missing)})
        return not unknown and not missing

    def _values(
        self,
        where: str,
        row: dict[str, Any],
        model: type[models.Model],
        names: list[str],
        prefix: str = "",
    ) -> dict[str, Any] | None:
        """The row's values for the model's fields (absent ones take the field's default), or
        None when one has the wrong type or is not one of its choices."""
        values: dict[str, Any] = {}
        ok = True
        for name in names:
            model_field: Any = model._meta.get_field(name)
            value = row[name] if name in row else model_field.get_default()
            if problem := _type_problem(model_field, value):
                self.problem(where, f"{prefix}{name}: {problem}")
                ok = False
            elif isinstance(model_field, models.DecimalField) and value is not None:
                values[name] = _decimal(value)
            else:
                values[name] = value
        return values if ok else None

    def _dose(self, where: str, row: dict[str, Any], model: type[models.Model]) -> Any:
        dose = row.get("dose", {})
        if not self._keys(f"{where}: dose", dose, set(DOSE_FIELDS), set()):
            return None
        return self._values(where, dose, model, DOSE_FIELDS, prefix="dose.")

    def _valid(self, where: str, obj: models.Model, exclude: list[str]) -> bool:
        """The model's own rules (`full_clean`), each broken one named by its field."""
        try:
            # The constraints are the same rules again, checked with a query each; the
            # database still enforces them on the write.
            obj.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                shown = f"dose.{name}" if name in DOSE_FIELDS else name
                for message in messages:
                    self.problem(
                        where, message if name == NON_FIELD_ERRORS else f"{shown}: {message}"
                    )
            return False
        return True

    # exercises

    def _exercise(self, index: int, row: Any) -> None:
        where = _where("exercises", index, row, "name")
        if not self._keys(where, row, EXERCISE_KEYS, EXERCISE_REQUIRED):
            if isinstance(row, dict) and isinstance(row.get("slug"), str):
                self.in_file.add(row["slug"])  # so rows naming it are not refused as well
            return
        values = self._values(where, row, Exercise, EXERCISE_FIELDS)
        dose = self._dose(where, row, Exercise)
        equipment = self._lookup(where, row, "equipment", self.equipment)
        muscles = self._lookup(where, row, "target_muscles", self.muscles)
        slug = row["slug"]
        if not isinstance(slug, str):
            self.problem(where, _("slug: must be a text"))
            return
        if slug in self.in_file:
            self.problem(
                where,
                _("slug: %(slug)r is already used by another exercise in the file")
                % {"slug": slug},
            )
        self.in_file.add(slug)
        if values is None or dose is None or equipment is None or muscles is None:
            return
        if not self._one_line(where, values):
            return
        exercise = self.existing.get(slug) or Exercise(clinic=self.clinic, slug=slug)
        for name, value in {**values, **dose}.items():
            setattr(exercise, name, value)
        if self._valid(where, exercise, exclude=["clinic"]):
            self.plan.exercises.append(PlannedExercise(exercise, equipment, muscles))

    def _one_line(self, where: str, values: dict[str, Any]) -> bool:
        ok = True
        for name, what in ONE_LINE.items():
            try:
                one_line(values[name], str(what))
            except ValidationError as error:
                self.problem(where, f"{name}: {error.messages[0]}")
                ok = False
        return ok

    def _lookup(self, where: str, row: dict[str, Any], name: str, known: dict[str, Any]) -> Any:
        slugs = row.get(name, [])
        if not isinstance(slugs, list) or not all(isinstance(slug, str) for slug in slugs):
            self.problem(where, _("%(name)s: must be a list of slugs") % {"name": name})
            return None
        if unknown := [slug for slug in slugs if slug not in known]:
            self.problem(
                where,
                _("%(name)s: unknown here: %(slugs)s") % {"name": name, "slugs": _names(unknown)},
            )
            return None
        return [known[slug] for slug in dict.fromkeys(slugs)]

    # references to exercises

    def _reference(self, where: str, value: Any) -> Ref | None:
        """An exercise named by {"source": ..., "slug": ...}, which must exist by the end of
        the import: in the library, in the file, or among the clinic's own."""
        if not self._keys(where, value, {"source", "slug"}, {"source", "slug"}):
            return None
        source, slug = value["source"], value["slug"]
        if source not in Source.values:
            self.problem(
                where,
                _("source: %(value)s is not a valid choice") % {"value": json.dumps(source)[:40]},
            )
            return None
        if source == Source.LIBRARY:
            found = isinstance(slug, str) and slug in self.library
        else:
            found = isinstance(slug, str) and (slug in self.in_file or slug in self.existing)
        if not found:
            problem = (
                _("no exercise %(slug)s in the library")
                if source == Source.LIBRARY
                else _("no exercise %(slug)s in the file or the clinic")
            )
            self.problem(where, problem % {"slug": json.dumps(slug)[:60]})
            return None
        return source, slug

    # links

    def _link(self, index: int, row: Any) -> None:
        where = f"links[{index}]"
        if not self._keys(where, row, LINK_KEYS, {"from", "to", "kind"}):
            return
        ends = (
            self._reference(f"{where}: from", row["from"]),
            self._reference(f"{where}: to", row["to"]),
        )
        values = self._values(where, row, ExerciseLink, ["kind", "note", "reverse_note"])
        if ends[0] is None or ends[1] is None or values is None:
            return
        if Source.CLINIC not in (ends[0][0], ends[1][0]):
            self.problem(where, _("links between two library exercises belong to the library"))
            return
        if ends[0] == ends[1]:
            self.problem(where, _("an exercise cannot link to itself"))
            return
        link = ExerciseLink(**values)
        if self._valid(where, link, exclude=["source", "target"]):
            self.plan.links.append(PlannedLink((ends[0], ends[1]), **values))

    # templates

    def _template(self, index: int, row: Any, titles: Counter[str]) -> None:
        where = _where("templates", index, row, "title")
        if not self._keys(where, row, TEMPLATE_KEYS, {"title", "items"}):
            return
        values = self._values(where, row, Program, ["title", *TEMPLATE_FIELDS])
        items = self._items(where, row["items"])
        if values is None or items is None:
            return
        # The n-th template of a title updates the clinic's n-th of that title (oldest first).
        title = values["title"]
        same_title = self.templates.get(title, [])
        template = same_title[titles[title]] if titles[title] < len(same_title) else None
        titles[title] += 1
        if template is None:
            template = Program(scope=Program.Scope.CLINIC, clinic=self.clinic, created_by=self.by)
        for name, value in values.items():
            setattr(template, name, value)
        exclude = ["clinic", "patient", "owner", "created_by"]
        if self._valid(where, template, exclude=exclude):
            self.plan.templates.append(PlannedTemplate(template, items))

    def _items(self, where: str, rows: Any) -> list[tuple[Ref, ProgramItem]] | None:
        if not isinstance(rows, list) or len(rows) > MAX_ITEMS:
            self.problem(
                where, _("items: must be a list of at most %(count)d") % {"count": MAX_ITEMS}
            )
            return None
        items = [self._item(f"{where}: items[{index}]", row) for index, row in enumerate(rows)]
        planned = [item for item in items if item is not None]
        return planned if len(planned) == len(items) else None

    def _item(self, where: str, row: Any) -> tuple[Ref, ProgramItem] | None:
        if not self._keys(where, row, ITEM_KEYS, {"exercise"}):
            return None
        ref = self._reference(f"{where}: exercise", row["exercise"])
        values = self._values(where, row, ProgramItem, ITEM_FIELDS)
        dose = self._dose(where, row, ProgramItem)
        if ref is None or values is None or dose is None:
            return None
        item = ProgramItem(**values, **dose)
        return (ref, item) if self._valid(where, item, exclude=["program", "exercise"]) else None


def _where(section: str, index: int, row: Any, label: str) -> str:
    """ "exercises[3] (Wall slide)": the row, and its name when it has one."""
    name = row.get(label) if isinstance(row, dict) else None
    return (
        f"{section}[{index}] ({name[:60]})"
        if isinstance(name, str) and name
        else f"{section}[{index}]"
    )


def _names(names: Any) -> str:
    return ", ".join(sorted(json.dumps(name)[:40] for name in names))


# --- writing ---------------------------------------------------------------------------------


def import_library(clinic: Clinic, data: Any, *, by: User) -> ImportResult:
    """Check the parsed file for the clinic and, if nothing is wrong, write all of it in one
    transaction (see the module's docstring); ImportRefused lists the problems otherwise."""
    with transaction.atomic():
        # One import at a time per clinic: two at once could both add the same slug.
        Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
        plan = Reader(clinic, by).read(data)
        result = _write(plan, clinic)
        record(
            AuditAction.CREATE,
            AuditSubject.SETTINGS,
            clinic=clinic,
            detail=f"exercises and templates imported: {result}",
        )
    return result


def _write(plan: Plan, clinic: Clinic) -> ImportResult:
    result = ImportResult()
    for planned in plan.exercises:
        exercise = planned.exercise
        if exercise.pk:
            result.exercises_updated += 1
        else:
            result.exercises_added += 1
        exercise.save()
        exercise.equipment.set(planned.equipment)
        exercise.target_muscles.set(planned.muscles)
    exercises = _exercises_by_ref(plan, clinic)
    for link in plan.links:
        first, second = (exercises[end] for end in link.ends)
        link_exercises(first, second, link.kind, link.note, link.reverse_note)
    for planned_template in plan.templates:
        template = planned_template.template
        if template.pk:
            result.templates_updated += 1
            template.revision += 1  # a builder page opened before the import is now stale
            template.items.all().delete()
        else:
            result.templates_added += 1
        template.save()
        items = []
        for position, (ref, item) in enumerate(planned_template.items):
            item.program, item.exercise, item.position = template, exercises[ref], position
            items.append(item)
        ProgramItem.objects.bulk_create(items)
        try:
            name_twins(template)
        except ProgramChangeError as error:
            raise ImportRefused([f"templates ({template.title}): {error}"]) from None
    return result


def _exercises_by_ref(plan: Plan, clinic: Clinic) -> dict[Ref, Exercise]:
    wanted = {end[1] for link in plan.links for end in link.ends if end[0] == Source.LIBRARY}
    wanted |= {
        ref[1]
        for template in plan.templates
        for ref, _ in template.items
        if ref[0] == Source.LIBRARY
    }
    library = Exercise.objects.filter(clinic__isnull=True, slug__in=wanted)
    # Keyed by the plain strings the file's references hold.
    exercises: dict[Ref, Exercise] = {(Source.LIBRARY.value, e.slug): e for e in library}
    own = Exercise.objects.filter(clinic=clinic)
    exercises |= {(Source.CLINIC.value, e.slug): e for e in own}
    return exercises
