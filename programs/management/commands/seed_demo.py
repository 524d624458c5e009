"""Create a demo clinic with a living caseload to explore the app. Running it again creates
nothing twice and changes nothing.

The caseload is built through the app's own verbs (create_program, add_item, activate,
log_session), then dated back: each program started weeks ago, and each session was logged on
its own day, so adherence, charts and alerts read as they would in a real clinic.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic.models import Clinic, Clinician, Patient, User
from exercises.models import Exercise
from programs.models import Difficulty, Program, ProgramItem, ProgramVersion, SessionLog
from programs.prescribing import activate, add_item, create_program
from programs.sessions import EntryValues, log_session, prefilled_reps

DEMO_PASSWORD = "demo-physio-2026"  # noqa: S105 (printed for the demo on purpose)
SEED = "riverside-demo"  # the same caseload on every run
CLINIC = {
    "slug": "riverside",
    "name": "Riverside Physiotherapy",
    "email": "hello@riverside-physio.example",
    "phone": "020 7946 0000",
    "address": "12 Riverside Walk\nLondon",
    "timezone": "Europe/London",
}
ADMIN, CLINICIAN = 0, 1
STAFF = [
    ("admin@riverside-physio.example", "Amira Hassan", Clinician.Role.ADMIN),
    ("clinician@riverside-physio.example", "Ben Carter", Clinician.Role.CLINICIAN),
]
# The days a patient on "N days a week" tends to train: the first N of these weekdays.
HABIT = (0, 2, 4, 6, 1, 3, 5)
SKIP_REASONS = ("Short of time", "Too sore today", "Forgot")


@dataclass(frozen=True)
class Course:
    """A program and how its patient has done on it, in a few numbers.

    `pain` lists (from this many days ago, lowest, highest): each session's pain is drawn from
    the latest band that has begun. `quiet_days`: nothing logged in the last N days (1 means
    today is not logged yet). `notes`: days ago → (note to the physio, already read)."""

    title: str
    exercises: tuple[str, ...]
    started_days_ago: int
    attendance: float
    pain: tuple[tuple[int, int, int], ...]
    days_per_week: int = 7
    skip_chance: float = 0.05
    quiet_days: int = 1
    note: str = ""
    notes: dict[int, tuple[str, bool]] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoPatient:
    first: str
    last: str
    born: date
    email: str
    has_account: bool
    clinician: int  # index into STAFF
    story: str
    course: Course | None = None
    draft: tuple[str, tuple[str, ...]] | None = None  # a program not yet activated


PATIENTS = [
    DemoPatient(
        "Dora",
        "Patel",
        date(1958, 4, 12),
        "dora.patel@example.com",
        True,
        CLINICIAN,
        "keeps to her program; pain settling",
        course=Course(
            title="Hip strength: gluteus medius",
            exercises=("clamshell", "reverse-clamshell", "side-lying-leg-raise"),
            started_days_ago=35,
            attendance=0.95,
            skip_chance=0.02,
            pain=((35, 4, 5), (24, 3, 4), (14, 2, 3), (6, 1, 2)),
            note="Little and often: a little muscle tiredness is fine, sharp pain is not.",
            notes={
                20: ("Stairs feel steadier this week.", True),
                3: ("The clamshells feel easy now. Can I do more?", False),
            },
        ),
    ),
    DemoPatient(
        "Ellis",
        "Moreno",
        date(1991, 9, 3),
        "ellis.moreno@example.com",
        False,
        CLINICIAN,
        "does about half of the sessions",
        course=Course(
            title="Hip mobility and strength",
            exercises=("windshield-wiper-stretch", "clamshell", "reverse-clamshell"),
            started_days_ago=28,
            days_per_week=3,
            attendance=0.7,
            skip_chance=0.15,
            pain=((28, 3, 4), (14, 2, 4)),
            quiet_days=2,
            notes={9: ("Busy week at work, missed a couple of days.", False)},
        ),
    ),
    DemoPatient(
        "Grace",
        "Okafor",
        date(1967, 1, 28),
        "grace.okafor@example.com",
        False,
        CLINICIAN,
        "nothing logged for 11 days",
        course=Course(
            title="Hip: building strength",
            exercises=(
                "clamshell-loop-band",
                "reverse-clamshell-mini-band",
                "side-lying-leg-raise",
            ),
            started_days_ago=42,
            attendance=0.75,
            skip_chance=0.1,
            pain=((42, 3, 4), (28, 2, 3)),
            quiet_days=11,
            notes={14: ("Away visiting family next week, will take the band.", True)},
        ),
    ),
    DemoPatient(
        "Hugo",
        "Lindqvist",
        date(1979, 11, 17),
        "hugo.lindqvist@example.com",
        True,
        CLINICIAN,
        "pain rising this last week",
        course=Course(
            title="Lateral hip pain: strengthening",
            exercises=(
                "clamshell-loop-band",
                "reverse-clamshell-abduction-extension",
                "side-lying-leg-raise",
            ),
            started_days_ago=23,
            attendance=0.85,
            pain=((23, 2, 3), (5, 5, 6), (1, 7, 7)),
            notes={
                4: ("Outer hip sore after the banded clamshells, worse at night.", False),
                1: ("Pain was worse today, I stopped before the last set.", False),
            },
        ),
    ),
    DemoPatient(
        "Jonah",
        "Reid",
        date(1985, 6, 2),
        "jonah.reid@example.com",
        False,
        ADMIN,
        "steady, a few weeks in",
        course=Course(
            title="Hip: getting started",
            exercises=("windshield-wiper-stretch", "clamshell", "reverse-clamshell"),
            started_days_ago=24,
            attendance=0.85,
            pain=((24, 2, 3), (10, 1, 2)),
        ),
    ),
    DemoPatient(
        "Iris",
        "Novak",
        date(1972, 3, 9),
        "iris.novak@example.com",
        False,
        CLINICIAN,
        "new referral: program drafted, not started",
        draft=("Hip: first steps", ("windshield-wiper-stretch", "clamshell")),
    ),
]
EXERCISES = sorted(
    {slug for p in PATIENTS if p.course for slug in p.course.exercises}
    | {slug for p in PATIENTS if p.draft for slug in p.draft[1]}
)


class Command(BaseCommand):
    help = (
        "Create (or leave as it is) a demo clinic with staff, patients, programs and weeks of "
        "logged sessions, and print the logins. Run `manage.py load_library` first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Create the demo accounts even when DEBUG is off.",
        )

    def handle(self, *args: Any, allow_production: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "The demo clinic has well-known passwords; run with DEBUG=1 or --allow-production."
            )
        exercises = {
            e.slug: e for e in Exercise.objects.filter(clinic__isnull=True, slug__in=EXERCISES)
        }
        if len(exercises) < len(EXERCISES):
            missing = ", ".join(sorted(set(EXERCISES) - set(exercises)))
            raise CommandError(
                f"The demo needs library exercises that are missing ({missing}): "
                "run `manage.py load_library` first."
            )
        with transaction.atomic():
            clinic, _ = Clinic.objects.get_or_create(slug=CLINIC["slug"], defaults=CLINIC)
            clinicians = [self._staff(clinic, *person) for person in STAFF]
            for person in PATIENTS:
                clinician = clinicians[person.clinician]
                patient = self._patient(clinic, clinician, person)
                self._programs(patient, person, exercises, clinician.user)

        self.stdout.write(self.style.SUCCESS(f"Demo clinic: {clinic.name}"))
        self.stdout.write(f"  All demo passwords: {DEMO_PASSWORD}")
        for email, name, role in STAFF:
            self.stdout.write(f"  {Clinician.Role(role).label:<13} {email}  ({name})")
        for person in PATIENTS:
            note = "" if person.has_account else ", not invited yet: invite from their page"
            self.stdout.write(
                f"  {'Patient':<13} {person.email}  ({person.first} {person.last}: "
                f"{person.story}{note})"
            )

    def _user(self, email: str, name: str) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
        return user

    def _staff(self, clinic: Clinic, email: str, name: str, role: str) -> Clinician:
        clinician, _ = Clinician.objects.get_or_create(
            user=self._user(email, name), defaults={"clinic": clinic, "role": role}
        )
        return clinician

    def _patient(self, clinic: Clinic, clinician: Clinician, person: DemoPatient) -> Patient:
        patient, _ = Patient.objects.get_or_create(
            clinic=clinic,
            email=person.email,
            defaults={
                "first_name": person.first,
                "last_name": person.last,
                "date_of_birth": person.born,
                "primary_clinician": clinician,
            },
        )
        if person.has_account and not patient.user_id:
            patient.user = self._user(person.email, f"{person.first} {person.last}")
            patient.save(update_fields=["user"])
        return patient

    def _programs(
        self, patient: Patient, person: DemoPatient, exercises: dict[str, Exercise], by: User
    ) -> None:
        """The patient's demo programs, unless a program of that title exists (whatever has
        happened to it since: the demo never changes what is there)."""
        titles = set(patient.programs.values_list("title", flat=True))
        if person.course and person.course.title not in titles:
            self._course(patient, person.course, exercises, by)
        if person.draft and person.draft[0] not in titles:
            title, slugs = person.draft
            draft = create_program(patient, by=by, title=title)
            for slug in slugs:
                add_item(draft, exercises[slug], revision=None, by=by)

    def _course(
        self, patient: Patient, course: Course, exercises: dict[str, Exercise], by: User
    ) -> None:
        """Prescribe and activate the program as of its start, then log its sessions."""
        clinic = patient.clinic
        today = clinic.today()
        start = today - timedelta(days=course.started_days_ago)
        program = create_program(
            patient,
            by=by,
            title=course.title,
            note=course.note,
            start_date=start,
            days_per_week=course.days_per_week,
        )
        for slug in course.exercises:
            add_item(program, exercises[slug], revision=None, by=by)
        activate(program, revision=None, by=by)
        # Date the prescription back to the start, so adherence counts the whole course by
        # version 1, and nothing is left for the "your program changed" email to send.
        started = at(clinic, start, time(9, 30))
        Program.objects.filter(pk=program.pk).update(
            created_at=started, activated_at=started, seen_version=1
        )
        ProgramVersion.objects.filter(program=program).update(
            created_at=started, notified_at=started
        )

        rng = random.Random(f"{SEED}:{patient.email}")
        items = list(program.items.select_related("exercise"))
        training_days = set(HABIT[: course.days_per_week])
        last_day = today - timedelta(days=course.quiet_days)
        logs = []
        day = start
        while day <= last_day:
            days_ago = (today - day).days
            noted = course.notes.get(days_ago)
            usual = day.weekday() in training_days and rng.random() < course.attendance
            if usual or noted or day == last_day:
                logs.append(self._log(program, day, days_ago, course, items, rng, noted))
            day += timedelta(days=1)

        # log_session stamps each log with now; a patient logs on the day itself, in the evening.
        for log in logs:
            log.logged_at = log.updated_at = at(clinic, log.date, time(18, 30))
            read = course.notes.get((today - log.date).days, ("", False))[1]
            if read:
                log.note_read_at = at(clinic, log.date + timedelta(days=1), time(8, 45))
                log.note_read_by = by
        SessionLog.objects.bulk_update(
            logs, ["logged_at", "updated_at", "note_read_at", "note_read_by"]
        )

    def _log(
        self,
        program: Program,
        day: date,
        days_ago: int,
        course: Course,
        items: list[ProgramItem],
        rng: random.Random,
        noted: tuple[str, bool] | None,
    ) -> SessionLog:
        low, high = next(
            (low, high) for since, low, high in reversed(course.pain) if days_ago <= since
        )
        pain = rng.randint(low, high)
        entries = []
        for item in items:
            done = rng.random() >= course.skip_chance
            entries.append(
                EntryValues(
                    item=item,
                    done=done,
                    skip_reason="" if done else rng.choice(SKIP_REASONS),
                    sets_done=item.sets if done else None,
                    reps_done=prefilled_reps(item) if done else None,
                    pain=max(0, pain - rng.choice((0, 0, 1))),
                )
            )
        entries[rng.randrange(len(entries))].pain = pain  # the session's worst
        if pain >= 5:
            difficulty = Difficulty.TOO_HARD
        elif pain <= 1:
            difficulty = Difficulty.TOO_EASY
        else:
            difficulty = Difficulty.ABOUT_RIGHT
        log, _ = log_session(
            program,
            day=day,
            slot=1,
            token=uuid.UUID(int=rng.getrandbits(128), version=4),
            entries=entries,
            difficulty=difficulty,
            note=noted[0] if noted else "",
        )
        return log


def at(clinic: Clinic, day: date, clock: time) -> datetime:
    """A moment of a day, on the clinic's clock."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(clinic.timezone))
