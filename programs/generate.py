"""Realistic data at clinic-network scale, to measure the app on: `manage.py generate_data`.

Clinic n (from 1) is "Generated Clinic n", slug `generated-n`, with an admin
`admin@generated-n.example`, clinicians `clinician<k>@generated-n.example` (one per 50
patients, at least two) and patients `patient<m>@generated-n.example`, every one with a portal
account and the same password. Patient 1 of each clinic has an active program with the whole
history at good but imperfect adherence; patient 2 has a discharged program with the whole
history.

How it is made:

- Plans. One program per library template, and a few of library exercises, is prescribed and
  activated through programs/prescribing.py inside a transaction that is then rolled back. What
  is kept is each plan's items and version snapshots exactly as the app writes them, and a
  second version (a dose raised or an exercise added), made the same way.
- Courses. Each patient follows a plan with an adherence pattern (perfect, steady, partial,
  decaying, lapsed, never started) and a pain trend (improving, flat, rising, with now and then
  a session of high pain), some with notes to the physio, some discharged. A patient's course
  depends only on the seed, the clinic and the patient's number.
- Rows. Clinic by clinic, in one transaction each: people and programs with bulk_create, the
  snapshots cloned with the new item ids, and sessions and their entries with PostgreSQL's COPY
  (bulk inserts on other databases), so millions of entries never sit in memory at once.

The audit trail gets no entries for generated data: nobody read or changed it.
"""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from enum import StrEnum
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from clinic.models import AuditEntry, Clinic, Clinician, Patient, User
from exercises.loader import load_library
from exercises.models import Exercise
from programs import prescribing
from programs.loader import load_templates
from programs.models import (
    Difficulty,
    Program,
    ProgramItem,
    ProgramVersion,
    SessionEntry,
    SessionLog,
)
from programs.sessions import prefilled_reps

DEFAULT_PASSWORD = "generated-data-2026"  # noqa: S105 (printed on purpose: benchmark logins)
PATIENTS_PER_CLINICIAN = 50
CUSTOM_PLANS = 8  # plans of library exercises, beside one per library template
# The days a patient on "N days a week" tends to train: the first N of these weekdays.
HABIT = (0, 2, 4, 6, 1, 3, 5)
SKIP_REASONS = ("Short of time", "Too sore today", "Forgot", "Felt unwell", "Away from home")
NOTES = (
    "Felt easier than last week.",
    "Busy day, did what I could.",
    "A bit stiff this morning, better after the exercises.",
    "Can I do more repetitions?",
    "Sore afterwards, settled after an hour.",
    "Did them at work in my lunch break.",
    "Struggled with the balance one.",
    "Walked further today without pain.",
)
DISCHARGE_NOTES = "Goals met. Keep going with the exercises twice a week on your own."
# fmt: off
FIRST_NAMES = (
    "Ada", "Ali", "Amara", "Ben", "Chloe", "Dan", "Eli", "Ella", "Finn", "Grace", "Hana", "Ivan",
    "Jade", "Kai", "Lena", "Leo", "Mia", "Noah", "Nora", "Omar", "Priya", "Ravi", "Rosa", "Sam",
    "Sara", "Tom", "Una", "Yusuf", "Zoe", "Zara",
)
LAST_NAMES = (
    "Adams", "Baker", "Chen", "Costa", "Davies", "Evans", "Fischer", "Garcia", "Hughes", "Ito",
    "Jones", "Khan", "Lewis", "Martin", "Nowak", "Okafor", "Patel", "Quinn", "Rossi", "Silva",
    "Singh", "Taylor", "Novak", "Walsh", "Wright", "Young",
)
# fmt: on


class Pattern(StrEnum):
    """How a patient keeps to the program."""

    PERFECT = "perfect"
    STEADY = "steady"  # good but imperfect
    PARTIAL = "partial"
    DECAYING = "decaying"
    LAPSED = "lapsed"  # kept going for a while, then stopped logging
    NEVER_STARTED = "never started"


class PainTrend(StrEnum):
    IMPROVING = "improving"
    FLAT = "flat"
    RISING = "rising"


# Dealt in turn across the whole network, so even a small run has every pattern, in about
# these proportions at scale.
PATTERN_DECK = (
    Pattern.PERFECT,
    Pattern.STEADY,
    Pattern.PARTIAL,
    Pattern.DECAYING,
    Pattern.LAPSED,
    Pattern.NEVER_STARTED,
    Pattern.STEADY,
    Pattern.PARTIAL,
    Pattern.STEADY,
    Pattern.DECAYING,
)
DISCHARGED_SHARE = 0.1


class GeneratedDataExists(Exception):
    """Generated clinics are already in the database; the message says what to do."""


# --- plans: programs prescribed through the app, then rolled back -----------------------------


@dataclass(frozen=True)
class PlanItem:
    """An item of a plan as it stood at one version: its field values, and what the patient
    saw and logs for it."""

    ref: int  # the item's id in the plan (replaced by each copy's own)
    values: dict[str, Any]
    name: str
    prescription: str
    sets: int
    reps: int | None
    times_per_day: int
    weekdays: int


@dataclass(frozen=True)
class PlanVersion:
    snapshot: dict[str, Any]
    changes: list[str]
    patient_changes: list[str]
    items: list[PlanItem]


@dataclass(frozen=True)
class Plan:
    program: dict[str, Any]  # the Program values a copy takes
    first: PlanVersion
    revision: int
    second: PlanVersion  # after a change made mid-course
    second_revision: int


class _RollBack(Exception):
    pass


def make_plans(seed: str) -> list[Plan]:
    """One plan per library template and CUSTOM_PLANS of library exercises, prescribed,
    activated and changed through the app's own verbs; nothing of it stays in the database."""
    plans: list[Plan] = []
    try:
        with transaction.atomic():
            plans = _prescribe_plans(random.Random(f"{seed}:plans"))
            raise _RollBack
    except _RollBack:
        pass
    return plans


def _prescribe_plans(rng: random.Random) -> list[Plan]:
    clinic = Clinic.objects.create(name="Plans", slug="generated-plans")
    user = User.objects.create(email="plans@generated-plans.example")
    clinician = Clinician.objects.create(user=user, clinic=clinic)
    patient = Patient.objects.create(
        clinic=clinic, primary_clinician=clinician, first_name="Plan", last_name="Patient"
    )
    library = list(Exercise.objects.filter(clinic__isnull=True, is_archived=False).order_by("slug"))
    plans = []
    templates = Program.objects.filter(scope=Program.Scope.LIBRARY).order_by("title")
    for template in templates:
        program = prescribing.copy_program(template, patient, by=user)
        plans.append(_plan(program, user, library, rng))
    for number in range(1, CUSTOM_PLANS + 1):
        exercises = rng.sample(library, k=rng.randint(3, 6))
        program = prescribing.create_program(
            patient,
            by=user,
            title=f"Home program {number}",
            start_date=clinic.today(),
            times_per_day=rng.choice((1, 1, 2)),
            days_per_week=rng.choice((7, 7, 5, 3)),
        )
        for exercise in exercises:
            prescribing.add_item(program, exercise, revision=None, by=user)
        plans.append(_plan(program, user, library, rng))
    return plans


def _plan(program: Program, by: User, library: list[Exercise], rng: random.Random) -> Plan:
    """Activate the program (version 1), then change it as a clinician would mid-course: raise
    the sets of one exercise, or add one."""
    prescribing.activate(program, revision=None, by=by)
    first = _plan_version(program)
    revision = program.revision
    items = list(program.items.select_related("exercise"))
    single = [item for item in items if sum(i.exercise_id == item.exercise_id for i in items) == 1]
    if single and rng.random() < 0.5:
        item = rng.choice(single)
        sets = item.sets + 1 if item.sets < 5 else item.sets - 1
        prescribing.update_item(item, {"sets": sets}, revision=None, by=by)
    else:
        taken = {item.exercise_id for item in items}
        extra = rng.choice([exercise for exercise in library if exercise.pk not in taken])
        prescribing.add_item(program, extra, revision=None, by=by)
    values = {
        name: getattr(program, name)
        for name in prescribing.PROGRAM_FIELDS
        if name not in ("start_date", "end_date")  # each patient's own
    }
    return Plan(values, first, revision, _plan_version(program), program.revision)


ITEM_VALUE_FIELDS = [
    field.attname
    for field in ProgramItem._meta.concrete_fields
    if field.attname not in ("id", "program_id")
]


def _plan_version(program: Program) -> PlanVersion:
    version = program.versions.order_by("-number")[0]  # an active program has one
    items = [
        PlanItem(
            ref=item.pk,
            values={name: getattr(item, name) for name in ITEM_VALUE_FIELDS},
            name=item.display_name,
            prescription=item.prescription_text,
            sets=item.sets,
            reps=prefilled_reps(item),
            times_per_day=item.effective_frequency.times_per_day,
            weekdays=item.effective_frequency.weekdays,
        )
        for item in program.items.select_related("exercise", "program")
    ]
    return PlanVersion(version.snapshot, version.changes, version.patient_changes, items)


def clone_snapshot(snapshot: dict[str, Any], ids: dict[int, int], start: date) -> dict[str, Any]:
    """A plan's snapshot for one patient's program: its own item ids and start date."""
    return {
        **snapshot,
        "start_date": start.isoformat(),
        "items": [{**item, "id": ids[item["id"]]} for item in snapshot["items"]],
    }


# --- courses: what each patient does ----------------------------------------------------------


@dataclass(frozen=True)
class Course:
    """One patient's program over time."""

    plan: Plan
    pattern: Pattern
    pain: PainTrend
    start: date
    last: date  # the last day that may have sessions
    changed_on: date | None  # the second version's day
    discharged_on: date | None
    flare_ups: bool  # now and then a session of high pain
    seen_latest: bool


def plan_course(
    rng: random.Random,
    plans: Sequence[Plan],
    pattern: Pattern,
    number: int,
    first: date,
    today: date,
) -> Course:
    """Dates and habits of patient `number`'s course, with history from `first` to `today`."""
    span = (today - first).days
    if number == 1:
        pattern = Pattern.STEADY
        start, discharged = first, None
    elif number == 2:
        pattern = Pattern.STEADY
        start, discharged = first, today
    elif pattern == Pattern.NEVER_STARTED:
        start, discharged = today - timedelta(days=rng.randint(0, min(span, 20))), None
    else:
        start = first + timedelta(days=rng.randint(0, max(0, span - 14)))
        discharged = None
        length = (today - start).days
        if length > 28 and rng.random() < DISCHARGED_SHARE:
            discharged = start + timedelta(days=rng.randint(28, length))
    end = discharged or today
    last = end - timedelta(days=1) if discharged else today
    if pattern == Pattern.LAPSED:  # stopped part way, a week or more ago
        stopped = start + timedelta(days=round((end - start).days * rng.uniform(0.4, 0.7)))
        last = min(last, stopped, today - timedelta(days=7))
    length = (end - start).days
    changed_on = None
    if length >= 14 and (number == 1 or rng.random() < 0.4):  # patient 1's always changes
        changed_on = start + timedelta(days=rng.randint(7, length - 7))
    return Course(
        plan=rng.choice(plans),
        pattern=pattern,
        pain=rng.choice(list(PainTrend)),
        start=start,
        last=last,
        changed_on=changed_on,
        discharged_on=discharged,
        flare_ups=rng.random() < 0.15,
        seen_latest=rng.random() < 0.8,
    )


def attendance(course: Course, day: date) -> float:
    """The chance the patient trains on a day the plan has exercises."""
    through = (day - course.start).days / max(1, (course.last - course.start).days)
    match course.pattern:
        case Pattern.PERFECT:
            return 1.0
        case Pattern.STEADY:
            return 0.85
        case Pattern.PARTIAL:
            return 0.5
        case Pattern.DECAYING:
            return 0.95 - 0.85 * through
        case Pattern.LAPSED:
            return 0.8
        case Pattern.NEVER_STARTED:
            return 0.0


def skip_chance(pattern: Pattern) -> float:
    return {Pattern.PERFECT: 0.0, Pattern.STEADY: 0.05, Pattern.PARTIAL: 0.2}.get(pattern, 0.1)


def pain_on(course: Course, day: date, rng: random.Random, threshold: int) -> int:
    """The session's worst pain: the trend's level that day, give or take one, and now and
    then (for patients with flare-ups) a day at or above the clinic's threshold."""
    through = (day - course.start).days / max(1, (course.last - course.start).days)
    level = {
        PainTrend.IMPROVING: 6 - 4.5 * through,
        PainTrend.FLAT: 3.0,
        PainTrend.RISING: 2 + 4.5 * through,
    }[course.pain]
    if course.flare_ups and rng.random() < 0.04:
        return rng.randint(threshold, 10)
    return max(0, min(10, round(level + rng.choice((-1, 0, 0, 1)))))


# --- rows ---------------------------------------------------------------------------------------


SESSION_COLUMNS = [
    "id",
    "program_id",
    "version_id",
    "date",
    "slot",
    "difficulty",
    "note",
    "token",
    "revision",
    "logged_at",
    "updated_at",
    "note_read_at",
    "note_read_by_id",
    "entered_by_id",
]
ENTRY_COLUMNS = [
    "session_id",
    "item_id",
    "item_ref",
    "exercise_name",
    "prescription",
    "done",
    "skip_reason",
    "sets_done",
    "reps_done",
    "pain",
]


class RowWriter:
    """Writes many rows of one model, given as tuples in `columns` order: COPY on PostgreSQL,
    bulk INSERTs elsewhere. The columns must be every column of the model (the id may be left
    to the database), so a field added later fails here instead of being left empty."""

    BATCH = 2000

    def __init__(self, model: type[models.Model], columns: list[str]) -> None:
        fields = {field.attname: field for field in model._meta.concrete_fields}
        missing = set(fields) - set(columns) - {"id"}
        unknown = set(columns) - set(fields)
        if missing or unknown:
            raise ValueError(
                f"{model.__name__} rows must have exactly its columns; "
                f"missing {sorted(missing)}, unknown {sorted(unknown)}."
            )
        self.fields = [fields[name] for name in columns]
        self.table = str(model._meta.db_table)
        quote = connection.ops.quote_name
        self.column_list = ", ".join(quote(str(field.column)) for field in self.fields)

    def write(self, rows: Iterable[tuple[Any, ...]]) -> int:
        count = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                sql = (
                    f"COPY {connection.ops.quote_name(self.table)} ({self.column_list}) FROM STDIN"
                )
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                return count
            marks = ", ".join(["%s"] * len(self.fields))
            table = connection.ops.quote_name(self.table)
            sql = f"INSERT INTO {table} ({self.column_list}) VALUES ({marks})"  # noqa: S608
            for batch in _batches(rows, self.BATCH):
                cursor.executemany(
                    sql,
                    [
                        [
                            f.get_db_prep_save(value, connection)
                            for f, value in zip(self.fields, row, strict=True)
                        ]
                        for row in batch
                    ],
                )
                count += len(batch)
        return count


def _batches(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids for rows written with explicit ids, taken from the table's own sequence on
    PostgreSQL (so later inserts never collide), else after the highest id."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
    highest = model._default_manager.aggregate(highest=Max("pk"))["highest"] or 0
    return list(range(highest + 1, highest + 1 + count))


@contextmanager
def timestamps_as_given(*model_classes: type[models.Model]) -> Iterator[None]:
    """bulk_create stamps auto_now and auto_now_add fields with the present moment; generated
    history needs the moments it happened at (adherence reads which version was in force from
    its creation date)."""
    stamped = [
        (field, field.auto_now, field.auto_now_add)
        for model in model_classes
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add)
    ]
    for stamp, _, _ in stamped:
        stamp.auto_now = stamp.auto_now_add = False
    try:
        yield
    finally:
        for stamp, auto_now, auto_now_add in stamped:
            stamp.auto_now, stamp.auto_now_add = auto_now, auto_now_add


# --- one clinic -------------------------------------------------------------------------------


@dataclass
class ClinicReport:
    number: int
    clinic_id: int
    patients: int = 0
    programs: int = 0
    versions: int = 0
    sessions: int = 0
    entries: int = 0
    seconds: float = 0.0
    patients_by_pattern: dict[Pattern, list[int]] = field(default_factory=dict)
    active_program: int | None = None  # patient 1's
    discharged_program: int | None = None  # patient 2's


@dataclass(frozen=True)
class Network:
    clinics: int
    patients_per_clinic: int
    days: int
    seed: str
    password: str = DEFAULT_PASSWORD


def clinic_domain(number: int) -> str:
    return f"generated-{number}.example"


def clinicians_for(patients: int) -> int:
    return max(2, round(patients / PATIENTS_PER_CLINICIAN))


def at(clinic: Clinic, day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of a day on the clinic's clock, never later than now."""
    return min(datetime.combine(day, clock(hour, minute), tzinfo=clinic.tz), timezone.now())


def generate_clinic(
    network: Network, number: int, plans: Sequence[Plan], password_hash: str
) -> ClinicReport:
    """Clinic `number` with its staff, patients, programs and history, in one transaction."""
    started = time.perf_counter()
    with transaction.atomic(), timestamps_as_given(Patient, Program, ProgramVersion):
        builder = _ClinicBuilder(network, number, plans, password_hash)
        report = builder.build()
    report.seconds = time.perf_counter() - started
    return report


class _ClinicBuilder:
    def __init__(
        self, network: Network, number: int, plans: Sequence[Plan], password_hash: str
    ) -> None:
        self.network = network
        self.number = number
        self.plans = plans
        self.password_hash = password_hash
        domain = clinic_domain(number)
        self.clinic = Clinic.objects.create(
            name=f"Generated Clinic {number}",
            slug=f"generated-{number}",
            email=f"hello@{domain}",
            phone=f"020 7946 {number:04d}",
            address=f"{number} Generated Street\nLondon",
        )
        self.domain = domain
        self.today = self.clinic.today()
        self.first = self.today - timedelta(days=network.days - 1)
        self.report = ClinicReport(number=number, clinic_id=self.clinic.pk)

    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(map(str, [self.network.seed, self.number, *parts])))

    def build(self) -> ClinicReport:
        staff = self._staff()
        patients = self._patients(staff)
        courses = self._courses(len(patients))
        programs = self._programs(patients, courses, staff)
        versions = self._items_and_versions(programs, courses)
        self._sessions(programs, courses, versions)
        self.report.patients = len(patients)
        return self.report

    def _user(self, email: str, name: str, joined: date) -> User:
        return User(
            email=email,
            full_name=name,
            password=self.password_hash,
            date_joined=at(self.clinic, joined, 9),
        )

    def _staff(self) -> list[Clinician]:
        """The admin first, then the clinicians."""
        rng = self.rng("staff")
        count = clinicians_for(self.network.patients_per_clinic)
        emails = [f"admin@{self.domain}"] + [
            f"clinician{k}@{self.domain}" for k in range(1, count + 1)
        ]
        users = User.objects.bulk_create(
            self._user(email, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", self.first)
            for email in emails
        )
        return Clinician.objects.bulk_create(
            Clinician(
                user=user,
                clinic=self.clinic,
                role=Clinician.Role.ADMIN if index == 0 else Clinician.Role.CLINICIAN,
            )
            for index, user in enumerate(users)
        )

    def _patients(self, staff: list[Clinician]) -> list[Patient]:
        clinicians = staff[1:]
        rng = self.rng("patients")
        count = self.network.patients_per_clinic
        names = [(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)) for _ in range(count)]
        users = User.objects.bulk_create(
            self._user(f"patient{m}@{self.domain}", f"{first} {last}", self.first)
            for m, (first, last) in enumerate(names, start=1)
        )
        created = at(self.clinic, self.first, 9)
        return Patient.objects.bulk_create(
            Patient(
                clinic=self.clinic,
                primary_clinician=clinicians[(m - 1) % len(clinicians)],
                first_name=first,
                last_name=last,
                date_of_birth=date(rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)),
                email=user.email,
                user=user,
                created_at=created,
                updated_at=created,
            )
            for m, ((first, last), user) in enumerate(zip(names, users, strict=True), start=1)
        )

    def _courses(self, count: int) -> list[Course]:
        dealt = (self.number - 1) * max(0, count - 2)
        courses = []
        for m in range(1, count + 1):
            pattern = PATTERN_DECK[(dealt + m - 3) % len(PATTERN_DECK)]
            courses.append(
                plan_course(self.rng("course", m), self.plans, pattern, m, self.first, self.today)
            )
        return courses

    def _programs(
        self, patients: list[Patient], courses: list[Course], staff: list[Clinician]
    ) -> list[Program]:
        by_pk = {clinician.pk: clinician.user for clinician in staff}
        programs = []
        for patient, course in zip(patients, courses, strict=True):
            clinician = by_pk[patient.primary_clinician_id]
            began = at(self.clinic, course.start, 9, 30)
            revision = course.plan.second_revision if course.changed_on else course.plan.revision
            latest = 2 if course.changed_on else 1
            discharged = course.discharged_on
            program = Program(
                **course.plan.program,
                scope=Program.Scope.PATIENT,
                clinic=self.clinic,
                patient=patient,
                created_by=clinician,
                status=Program.Status.DISCHARGED if discharged else Program.Status.ACTIVE,
                start_date=course.start,
                created_at=began,
                activated_at=began,
                updated_at=at(self.clinic, discharged or course.changed_on or course.start, 16),
                revision=revision + (1 if discharged else 0),
                seen_version=latest if course.seen_latest else 1,
            )
            if discharged:
                program.end_date = discharged
                program.discharged_at = at(self.clinic, discharged, 16)
                program.discharged_by = clinician
                program.discharge_notes = DISCHARGE_NOTES
                patient.status = Patient.Status.DISCHARGED
            programs.append(program)
            self.report.patients_by_pattern.setdefault(course.pattern, []).append(patient.pk)
        programs = Program.objects.bulk_create(programs)
        Patient.objects.bulk_update(
            [patient for patient in patients if patient.status == Patient.Status.DISCHARGED],
            ["status"],
        )
        self.report.programs = len(programs)
        self.report.active_program = programs[0].pk if programs else None
        self.report.discharged_program = programs[1].pk if len(programs) > 1 else None
        return programs

    def _items_and_versions(
        self, programs: list[Program], courses: list[Course]
    ) -> list[list[tuple[ProgramVersion, date, dict[int, int]]]]:
        """Each program's items and versions; returns, per program, its versions with the day
        each came into force and the plan's item ids mapped to the program's."""
        items = []
        for program, course in zip(programs, courses, strict=True):
            latest = course.plan.second if course.changed_on else course.plan.first
            items.append([ProgramItem(program=program, **item.values) for item in latest.items])
        created = ProgramItem.objects.bulk_create(item for group in items for item in group)
        del created  # the objects in `items` now have their ids
        versions: list[ProgramVersion] = []
        in_force = []
        for program, course, group in zip(programs, courses, items, strict=True):
            plan = course.plan
            latest = plan.second if course.changed_on else plan.first
            ids = {
                plan_item.ref: item.pk for plan_item, item in zip(latest.items, group, strict=True)
            }
            steps = [(plan.first, course.start)]
            if course.changed_on:
                steps.append((plan.second, course.changed_on))
            mine = []
            for number, (step, day) in enumerate(steps, start=1):
                made = at(self.clinic, day, 9, 30) if number == 1 else at(self.clinic, day, 10)
                version = ProgramVersion(
                    program=program,
                    number=number,
                    created_at=made,
                    created_by=program.created_by,
                    changes=step.changes,
                    patient_changes=step.patient_changes,
                    notified_at=made,
                    snapshot=clone_snapshot(step.snapshot, ids, course.start),
                )
                versions.append(version)
                mine.append((version, day, ids))
            in_force.append(mine)
        ProgramVersion.objects.bulk_create(versions)
        self.report.versions = len(versions)
        return in_force

    def _sessions(
        self,
        programs: list[Program],
        courses: list[Course],
        versions: list[list[tuple[ProgramVersion, date, dict[int, int]]]],
    ) -> None:
        """Sessions and their entries for the whole clinic, streamed to the database."""
        sessions: list[tuple[Any, ...]] = []
        entries: list[list[tuple[Any, ...]]] = []
        for m, (program, course, steps) in enumerate(
            zip(programs, courses, versions, strict=True), start=1
        ):
            rows = course_rows(self.clinic, program, course, steps, self.rng("sessions", m))
            for session, session_entries in rows:
                sessions.append(session)
                entries.append(session_entries)
        ids = reserve_ids(SessionLog, len(sessions))
        self.report.sessions = RowWriter(SessionLog, SESSION_COLUMNS).write(
            (pk, *row) for pk, row in zip(ids, sessions, strict=True)
        )
        self.report.entries = RowWriter(SessionEntry, ENTRY_COLUMNS).write(
            (pk, *row) for pk, rows in zip(ids, entries, strict=True) for row in rows
        )


Row = tuple[Any, ...]


def course_rows(
    clinic: Clinic,
    program: Program,
    course: Course,
    steps: list[tuple[ProgramVersion, date, dict[int, int]]],
    rng: random.Random,
) -> Iterator[tuple[Row, list[Row]]]:
    """Each session of the course (its columns after the id) with its entries' (after the
    session id). A day's plan is the version in force; "N days a week" programs are done on
    the first days of each week the patient manages; a second session of the day comes only
    for exercises done twice a day."""
    plan = course.plan
    week, trained = None, 0
    day = course.start
    while day <= course.last:
        if week != week_start(day):
            week, trained = week_start(day), 0
        second = len(steps) > 1 and day >= steps[1][1]
        version, _, ids = steps[1] if second else steps[0]
        items = plan.second.items if second else plan.first.items
        due = [item for item in items if not item.weekdays or item.weekdays & (1 << day.weekday())]
        chance = attendance(course, day)
        if due and _trains(course, program.days_per_week, trained, day) and rng.random() < chance:
            trained += 1
            for slot in range(1, max(item.times_per_day for item in due) + 1):
                if slot > 1 and rng.random() >= min(1.0, chance + 0.1):
                    break
                in_slot = [item for item in due if item.times_per_day >= slot]
                pain = pain_on(course, day, rng, clinic.pain_threshold)
                session = _session(clinic, program, course, (day, slot), version, rng, pain)
                yield session, list(_entries(course, in_slot, ids, rng, pain))
        day += timedelta(days=1)


def _trains(course: Course, days_per_week: int, trained: int, day: date) -> bool:
    """Whether the patient would train that day, if they manage to: every day of an "every
    day" plan; on "N days a week" the first N days of the week for a perfect patient, and
    their habitual days for the others (so a missed day is not made up)."""
    if trained >= days_per_week:
        return False
    return course.pattern == Pattern.PERFECT or day.weekday() in HABIT[:days_per_week]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _session(
    clinic: Clinic,
    program: Program,
    course: Course,
    when: tuple[date, int],
    version: ProgramVersion,
    rng: random.Random,
    pain: int,
) -> Row:
    """A session's columns: logged on its day (the second of a day in the evening), a note
    now and then, read by the clinician the next morning unless it is recent."""
    day, slot = when
    logged = at(clinic, day, 8 if slot == 1 else 18, rng.randint(0, 59))
    note, read_at, read_by = "", None, None
    if rng.random() < 0.04:
        note = rng.choice(NOTES)
        if day <= course.last - timedelta(days=3) and rng.random() < 0.75:
            read_at = at(clinic, day + timedelta(days=1), 8, 45)
            read_by = program.created_by_id
    difficulty: str
    if pain >= 5:
        difficulty = Difficulty.TOO_HARD
    elif pain <= 1:
        difficulty = Difficulty.TOO_EASY
    else:
        difficulty = rng.choice((Difficulty.ABOUT_RIGHT, Difficulty.ABOUT_RIGHT, ""))
    token = uuid.UUID(int=rng.getrandbits(128), version=4)
    return (
        program.pk,
        version.pk,
        day,
        slot,
        difficulty,
        note,
        token,
        1,
        logged,
        logged,
        read_at,
        read_by,
        None,  # entered by the patient, not a carer
    )


def _entries(
    course: Course, items: list[PlanItem], ids: dict[int, int], rng: random.Random, pain: int
) -> Iterator[Row]:
    """One entry per item; the session's worst pain on one of the exercises done."""
    skip = skip_chance(course.pattern)
    done = [rng.random() >= skip for _ in items]
    worst = rng.randrange(len(items))
    for index, (item, did) in enumerate(zip(items, done, strict=True)):
        felt = pain if index == worst else max(0, pain - rng.choice((0, 0, 1, 2)))
        yield (
            ids[item.ref],
            ids[item.ref],
            item.name,
            item.prescription,
            did,
            "" if did else rng.choice(SKIP_REASONS),
            item.sets if did else None,
            item.reps if did else None,
            felt if did or index == worst else None,
        )


# --- the network --------------------------------------------------------------------------------


GENERATED_SLUG = re.compile(r"generated-(\d+)")


def generated_number(clinic: Clinic) -> int | None:
    """n for a clinic this module made: slug `generated-<n>` and the address it gives it (the
    .example domain is reserved, so no real clinic has it); None for any other clinic."""
    match = GENERATED_SLUG.fullmatch(clinic.slug)
    if match and clinic.email == f"hello@{clinic_domain(int(match[1]))}":
        return int(match[1])
    return None


def generated_clinics() -> list[Clinic]:
    clinics = Clinic.objects.filter(slug__startswith="generated-", email__endswith=".example")
    return [clinic for clinic in clinics.order_by("pk") if generated_number(clinic) is not None]


def remove_generated(clinics: Iterable[Clinic]) -> int:
    """Delete generated clinics and everything in them, sessions first (they protect their
    programs and versions). Their audit entries go too: they record benchmark runs against
    made-up people, and the clinic cannot be deleted while they point at it. The audit trail
    of every other clinic is never touched."""
    removed = 0
    for clinic in clinics:
        number = generated_number(clinic)
        if number is None:
            raise ValueError(f"{clinic.slug} is not a generated clinic.")
        domain = clinic_domain(number)
        with transaction.atomic():
            trail = AuditEntry.objects.filter(
                Q(clinic=clinic) | Q(patient__clinic=clinic) | Q(user__email__endswith=f"@{domain}")
            )
            trail._raw_delete(trail.db)  # AuditEntryQuerySet.delete refuses on purpose
            SessionEntry.objects.filter(session__program__clinic=clinic).delete()
            SessionLog.objects.filter(program__clinic=clinic)._raw_delete(connection.alias)
            Program.objects.filter(clinic=clinic).delete()
            Patient.objects.filter(clinic=clinic).delete()
            Clinician.objects.filter(clinic=clinic).delete()
            User.objects.filter(email__endswith=f"@{domain}").delete()
            clinic.delete()
        removed += 1
    return removed


def ensure_library() -> None:
    """Load the exercise library and its templates when the database has none."""
    if not Program.objects.filter(scope=Program.Scope.LIBRARY).exists():
        load_library()
        load_templates()


def generate_network(
    network: Network,
    *,
    replace: bool = False,
    progress: Callable[[ClinicReport], None] | None = None,
) -> list[ClinicReport]:
    """Make the network's clinics one by one (one transaction each), after removing earlier
    generated clinics when `replace`; GeneratedDataExists when there are some and not."""
    earlier = generated_clinics()
    if earlier and not replace:
        raise GeneratedDataExists(
            f"The database already has {len(earlier)} generated clinic(s) "
            f"({', '.join(clinic.slug for clinic in earlier[:3])}"
            f"{', ...' if len(earlier) > 3 else ''}). Run again with --replace to delete them "
            "first, or use another database."
        )
    remove_generated(earlier)
    ensure_library()
    plans = make_plans(network.seed)
    password_hash = make_password(network.password)  # once: hashing is slow on purpose
    reports = []
    for number in range(1, network.clinics + 1):
        report = generate_clinic(network, number, plans, password_hash)
        reports.append(report)
        if progress:
            progress(report)
    analyse([Patient, Program, ProgramItem, ProgramVersion, SessionLog, SessionEntry])
    return reports


def analyse(model_classes: list[type[models.Model]]) -> None:
    """Bring PostgreSQL's tables up to date after a bulk load (and a --replace's deletes):
    VACUUM clears the dead rows a deletion leaves at the end of an index, which the planner
    would otherwise walk through on every query with a range of dates (planning a three-table
    query took 30 ms before and 2 ms after, on 20 × 500 × 180), and ANALYZE gives it the
    tables' statistics as they now are, not as autovacuum last saw them."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in model_classes:
            cursor.execute(f"VACUUM ANALYZE {quote(str(model._meta.db_table))}")
