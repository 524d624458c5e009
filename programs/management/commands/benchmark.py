"""Speed figures, printed rather than asserted in tests (machines are noisy).

Builds its own data inside a transaction that is rolled back, so it can run against any
database without leaving anything behind:

    manage.py benchmark [--repeat 7] [--patients 1000]
"""

from __future__ import annotations

import functools
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from weasyprint import CSS, HTML

from clinic.models import Clinic, Clinician, Patient, User
from exercises.loader import load_library
from exercises.models import Exercise
from programs import handouts, prescribing
from programs.adherence import adherence
from programs.insights import caseload, summarize
from programs.models import (
    Difficulty,
    Program,
    ProgramItem,
    ProgramVersion,
    SessionEntry,
    SessionLog,
)
from programs.sessions import EntryValues, log_session

PORTAL = "https://physio.example.org/accounts/login/"
SEVEN = [  # the seed exercises
    "clamshell",
    "clamshell-loop-band",
    "reverse-clamshell",
    "reverse-clamshell-mini-band",
    "reverse-clamshell-abduction-extension",
    "side-lying-leg-raise",
    "windshield-wiper-stretch",
]


class Rollback(Exception):
    pass


def median_seconds(work: Callable[[], Any], repeat: int) -> float:
    work()  # warm caches (fonts, templates) first
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def weasyprint_alone(html: str) -> bytes:
    """The rendered HTML through WeasyPrint alone, to compare our overhead with."""
    return HTML(
        string=html, url_fetcher=handouts.SafeFetcher(), base_url=str(settings.BASE_DIR)
    ).write_pdf(
        stylesheets=[CSS(filename=str(handouts.STYLESHEET), font_config=handouts.FONTS)],
        font_config=handouts.FONTS,
    )


class Command(BaseCommand):
    help = "Print render times of the handout and discharge summary, and dashboard figures."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--repeat", type=int, default=7)
        parser.add_argument("--patients", type=int, default=1000)

    def handle(self, *args: Any, repeat: int, patients: int, **options: Any) -> None:
        try:
            with transaction.atomic():
                self.run(repeat, patients)
                raise Rollback
        except Rollback:
            pass

    def run(self, repeat: int, patient_count: int) -> None:
        load_library()
        clinic = Clinic.objects.create(
            name="Benchmark Physio", slug=f"bench-{uuid.uuid4().hex[:8]}"
        )
        user = User.objects.create_user(f"{uuid.uuid4().hex}@bench.example", None, full_name="B")
        clinician = Clinician.objects.create(user=user, clinic=clinic, role="admin")
        patient = Patient.objects.create(
            clinic=clinic, primary_clinician=clinician, first_name="Bea", last_name="Bench"
        )
        program = self.program(patient, clinician, weeks=6)

        self.stdout.write(f"Documents ({repeat} runs each, median):")
        for label, render in [
            ("7-exercise handout", lambda: handouts.handout(program, PORTAL)),
            ("discharge summary", lambda: handouts.discharge_summary(program, PORTAL)),
        ]:
            ours = median_seconds(render, repeat)
            engine = median_seconds(functools.partial(weasyprint_alone, render().html), repeat)
            self.stdout.write(
                f"  {label:<20} {ours * 1000:7.0f} ms   WeasyPrint alone {engine * 1000:7.0f} ms"
                f"   overhead ratio {ours / engine:4.2f}"
            )

        today = clinic.today()
        seconds = median_seconds(lambda: adherence(program, today), repeat)
        self.stdout.write(f"Adherence of one program over 6 weeks: {seconds * 1000:.1f} ms")

        self.caseload(clinic, clinician, program, patient_count, repeat)

    def program(self, patient: Patient, clinician: Clinician, weeks: int) -> Program:
        start = patient.today() - timedelta(weeks=weeks)
        program = prescribing.create_program(
            patient, by=clinician.user, title="Benchmark program", start_date=start
        )
        for slug in SEVEN:
            prescribing.add_item(
                program,
                Exercise.objects.get(slug=slug, clinic=None),
                revision=None,
                by=clinician.user,
            )
        prescribing.activate(program, revision=None, by=clinician.user)
        ProgramVersion.objects.filter(program=program).update(
            created_at=program.versions.get().created_at - timedelta(weeks=weeks)
        )
        items = list(program.items.select_related("exercise", "program"))
        for day in range(weeks * 7):
            if day % 3 == 2:
                continue
            log_session(
                program,
                day=start + timedelta(days=day),
                slot=1,
                token=uuid.uuid4(),
                entries=[
                    EntryValues(
                        item, done=True, sets_done=item.sets, reps_done=item.reps_min, pain=day % 7
                    )
                    for item in items
                ],
                difficulty=Difficulty.ABOUT_RIGHT,
            )
        return program

    def caseload(
        self, clinic: Clinic, clinician: Clinician, source: Program, count: int, repeat: int
    ) -> None:
        """The dashboard over `count` patients. Their programs and sessions are bulk-copied
        from `source`, the program `program()` made through the domain functions (its version
        snapshot), because a thousand patients made one by one would take minutes."""
        version = source.versions.get()
        exercise = Exercise.objects.get(slug="clamshell", clinic=None)
        people = Patient.objects.bulk_create(
            Patient(
                clinic=clinic,
                primary_clinician=clinician,
                first_name=f"P{n}",
                last_name=f"Patient {n:04d}",
            )
            for n in range(count)
        )
        start = clinic.today() - timedelta(days=27)
        programs = Program.objects.bulk_create(
            Program(
                scope=Program.Scope.PATIENT,
                clinic=clinic,
                patient=p,
                title="Hip",
                status=Program.Status.ACTIVE,
                start_date=start,
            )
            for p in people
        )
        items = ProgramItem.objects.bulk_create(
            ProgramItem(program=p, exercise=exercise, reps_min=10) for p in programs
        )
        first_item = version.snapshot["items"][0]
        ProgramVersion.objects.bulk_create(
            ProgramVersion(
                program=p,
                number=1,
                snapshot={**version.snapshot, "items": [{**first_item, "id": i.pk}]},
            )
            for p, i in zip(programs, items, strict=True)
        )
        ProgramVersion.objects.filter(program__in=programs).update(created_at=version.created_at)
        for_programs = {
            v.program_id: v for v in ProgramVersion.objects.filter(program__in=programs)
        }
        logs = SessionLog.objects.bulk_create(
            SessionLog(
                program=p,
                version=for_programs[p.pk],
                date=start + timedelta(days=d),
                token=uuid.uuid4(),
                note="ok" if d == 26 else "",
            )
            for p in programs
            for d in range(0, 28, 2)
        )
        by_program = {i.program_id: i for i in items}
        SessionEntry.objects.bulk_create(
            SessionEntry(
                session=log,
                item=by_program[log.program_id],
                item_ref=by_program[log.program_id].pk,
                exercise_name="Clamshell",
                prescription="x",
                done=True,
                pain=3,
            )
            for log in logs
        )
        queryset = Patient.objects.filter(clinic=clinic)
        today = clinic.today()
        with CaptureQueriesContext(connection) as queries:
            rows = summarize(list(caseload(queryset)), today)
        seconds = median_seconds(lambda: summarize(list(caseload(queryset)), today), repeat)
        flagged = sum(1 for row in rows if row.open_alerts)
        self.stdout.write(
            f"Dashboard caseload of {len(rows)} patients: {seconds * 1000:.0f} ms median, "
            f"{len(queries)} queries, {flagged} flagged"
        )
