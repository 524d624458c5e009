"""Create a demo clinic to explore the app. Running it again creates nothing twice."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic.models import Clinic, Clinician, Patient, User

DEMO_PASSWORD = "demo-physio-2026"  # noqa: S105 (printed for the demo on purpose)
CLINIC = {
    "slug": "riverside",
    "name": "Riverside Physiotherapy",
    "email": "hello@riverside-physio.example",
    "phone": "020 7946 0000",
    "address": "12 Riverside Walk\nLondon",
    "timezone": "Europe/London",
}
STAFF = [
    ("admin@riverside-physio.example", "Amira Hassan", Clinician.Role.ADMIN),
    ("clinician@riverside-physio.example", "Ben Carter", Clinician.Role.CLINICIAN),
]
PATIENTS = [
    # (first, last, date of birth, email, has a portal account)
    ("Dora", "Patel", date(1958, 4, 12), "dora.patel@example.com", True),
    ("Ellis", "Moreno", date(1991, 9, 3), "ellis.moreno@example.com", False),
]


class Command(BaseCommand):
    help = "Create (or leave as it is) a demo clinic with staff and patients, and print the logins."

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
        with transaction.atomic():
            clinic, _ = Clinic.objects.get_or_create(slug=CLINIC["slug"], defaults=CLINIC)
            clinicians = [self._staff(clinic, *person) for person in STAFF]
            for first, last, born, email, activated in PATIENTS:
                patient, _ = Patient.objects.get_or_create(
                    clinic=clinic,
                    email=email,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "date_of_birth": born,
                        "primary_clinician": clinicians[1],
                    },
                )
                if activated and not patient.user_id:
                    patient.user = self._user(email, f"{first} {last}")
                    patient.save(update_fields=["user"])

        self.stdout.write(self.style.SUCCESS(f"Demo clinic: {clinic.name}"))
        self.stdout.write(f"  All demo passwords: {DEMO_PASSWORD}")
        for email, name, role in STAFF:
            self.stdout.write(f"  {Clinician.Role(role).label:<13} {email}  ({name})")
        for first, last, _, email, activated in PATIENTS:
            note = "" if activated else "  (not invited yet: invite from the patient's page)"
            self.stdout.write(f"  {'Patient':<13} {email}  ({first} {last}){note}")

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
