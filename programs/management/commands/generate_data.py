"""Fill the database with clinics, staff, patients and months of logged sessions to measure
the app on (see programs/generate.py for what is made):

    manage.py generate_data --clinics 20 --patients-per-clinic 500 --days 180 [--seed 1]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.generate import (
    DEFAULT_PASSWORD,
    ClinicReport,
    GeneratedDataExists,
    Network,
    generate_network,
)


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {text!r}")
    return value


class Command(BaseCommand):
    help = (
        "Create clinics generated-1 ... generated-N with staff, patients with portal accounts, "
        "programs from the library and months of logged sessions, for measuring the app. "
        "Every account has the same password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinics", type=positive, required=True)
        parser.add_argument("--patients-per-clinic", type=positive, required=True)
        parser.add_argument("--days", type=positive, required=True, help="Days of history.")
        parser.add_argument("--seed", default="1", help="The same seed makes the same data.")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Every account's.")
        parser.add_argument(
            "--replace", action="store_true", help="Delete earlier generated clinics first."
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Create the accounts even when DEBUG is off.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "Generated accounts share one known password; run with DEBUG=1 or "
                "--allow-production."
            )
        if len(options["password"]) < 8:
            raise CommandError("Give a password of at least 8 characters.")
        network = Network(
            clinics=options["clinics"],
            patients_per_clinic=options["patients_per_clinic"],
            days=options["days"],
            seed=options["seed"],
            password=options["password"],
        )
        started = time.perf_counter()
        try:
            reports = generate_network(network, replace=options["replace"], progress=self.progress)
        except GeneratedDataExists as exists:
            raise CommandError(str(exists)) from None
        self.summary(network, reports, time.perf_counter() - started)
        started = time.perf_counter()
        call_command("refresh_figures", stdout=self.stdout)  # the first dashboard is then quick
        self.stdout.write(
            f"  Dashboard figures worked out in {time.perf_counter() - started:.1f} s."
        )

    def progress(self, report: ClinicReport) -> None:
        self.stdout.write(
            f"Clinic {report.number}: {report.patients:,} patients, {report.programs:,} programs, "
            f"{report.versions:,} versions, {report.sessions:,} sessions, "
            f"{report.entries:,} entries in {report.seconds:.1f} s"
        )

    def summary(self, network: Network, reports: list[ClinicReport], seconds: float) -> None:
        patients = sum(report.patients for report in reports)
        sessions = sum(report.sessions for report in reports)
        entries = sum(report.entries for report in reports)
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {len(reports)} clinics, {patients:,} patients, {sessions:,} sessions "
                f"and {entries:,} entries in {seconds:.1f} s."
            )
        )
        patterns: dict[str, int] = {}
        for report in reports:
            for pattern, ids in report.patients_by_pattern.items():
                patterns[pattern] = patterns.get(pattern, 0) + len(ids)
        mix = ", ".join(f"{count:,} {pattern}" for pattern, count in patterns.items())
        self.stdout.write(f"  Adherence patterns: {mix}.")
        self.stdout.write(f"  Every account's password: {network.password}")
        self.stdout.write("  Clinic n (slug generated-n) signs in as:")
        domain = "generated-<n>.example"
        self.stdout.write(f"    admin@{domain}, clinician1@{domain} ... (clinicians)")
        self.stdout.write(
            f"    patient1@{domain}: an active program with {network.days} days of history"
        )
        if network.patients_per_clinic >= 2:
            self.stdout.write(
                f"    patient2@{domain}: a discharged program with {network.days} days of history"
            )
        first = reports[0]
        self.stdout.write(
            f"  In generated-1: patient 1's program is {first.active_program}, "
            f"patient 2's is {first.discharged_program}."
        )
