"""Ask PostgreSQL how it runs every query of the benchmark's pages, and fail when one reads the
whole session or entry table (a sequential scan) instead of an index.

Run it on a large data set (`make bench` runs it on its large one), where a sequential scan
would cost: on a small one the planner rightly prefers to read a tiny table whole.

    DEBUG=1 DATABASE_URL=postgres://.../bench_large manage.py check_plans
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.models import Clinic, Patient
from programs.models import Program, SessionLog

BIG_TABLES = ("programs_sessionlog", "programs_sessionentry")


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "EXPLAIN every query of the benchmark's pages; fail on a sequential scan of sessions."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--clinic", default="generated-1", help="slug of a generated clinic")

    def handle(self, *args: Any, clinic: str, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("check_plans reads PostgreSQL's query plans: set DATABASE_URL.")
        found = Clinic.objects.filter(slug=clinic).first()
        if found is None:
            raise CommandError(f"No clinic {clinic!r}: run generate_data first.")
        patient = Patient.objects.select_related("user", "primary_clinician__user").get(
            clinic=found, user__email=f"patient1@{clinic}.example"
        )
        program = Program.objects.get(patient=patient, status=Program.Status.ACTIVE)
        admin = found.clinicians.filter(role="admin").select_related("user").first()
        if admin is None or patient.user is None or patient.primary_clinician is None:
            raise CommandError("The generated clinic has no admin or no patient account.")
        pages = [
            (admin.user, "whole-clinic dashboard", reverse("dashboard") + "?scope=clinic"),
            (patient.primary_clinician.user, "own caseload", reverse("dashboard")),
            (admin.user, "patient list", reverse("patient_list")),
            (admin.user, "patient record", patient.get_absolute_url()),
            (admin.user, "builder", reverse("program_builder", args=[program.pk])),
            (admin.user, "library search", reverse("library") + "?q=knee"),
            (patient.user, "Today", reverse("portal_home")),
            (patient.user, "History", reverse("portal_history")),
            (patient.user, "log form", reverse("portal_log", args=[program.pk])),
        ]
        failures = 0
        try:
            with transaction.atomic():  # whatever a page writes (figures, audit) is undone
                for user, label, url in pages:
                    failures += self.check_page(user, label, url)
                failures += self.check_post(patient, program)
                raise Rollback
        except Rollback:
            pass
        if failures:
            raise CommandError(f"{failures} queries read a session table whole.")
        self.stdout.write("No page reads the session or entry table whole.")

    def check_page(self, user: Any, label: str, url: str) -> int:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        client.get(url)  # the first visit works the day's figures out
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        return self.explain(label, status, captured.captured_queries)

    def check_post(self, patient: Patient, program: Program) -> int:
        client = Client(HTTP_HOST="localhost")
        if patient.user is not None:
            client.force_login(patient.user)
        # Inside the rolled-back transaction: today's log goes, so the POST logs it afresh.
        SessionLog.objects.filter(program=program, date=patient.today()).delete()
        form: dict[str, Any] = {"token": str(uuid.uuid4()), "slot": 1, "revision": 0}
        for item in program.items.all():
            form[f"status-{item.pk}"] = "done"
            form[f"sets-{item.pk}"] = item.sets
            form[f"reps-{item.pk}"] = item.reps_min or 10
        with CaptureQueriesContext(connection) as captured:
            status = client.post(reverse("portal_log", args=[program.pk]), form).status_code
        return self.explain("log POST", status, captured.captured_queries)

    def explain(self, label: str, status: int, queries: list[dict[str, str]]) -> int:
        scans = []
        with connection.cursor() as cursor:
            for query in queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                if not any(table in sql for table in BIG_TABLES):
                    continue
                cursor.execute(f"EXPLAIN {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                scans += [t for t in BIG_TABLES if f"Seq Scan on {t}" in plan]
        verdict = "FAIL" if scans else "ok"
        self.stdout.write(
            f"{verdict:4} {label:<24} {status}  {len(queries)} queries"
            + (f"  sequential scan of {', '.join(scans)}" if scans else "")
        )
        return len(scans)
