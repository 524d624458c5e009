"""Work out the dashboard figures of every clinic's patients for the clinic's new day.

Run it from cron shortly after midnight (and again after the last clinic's midnight, for a
network across time zones); the first dashboard of the day is then as quick as the rest. It is
safe to run at any time and on several servers: a figure it writes is the same one the
dashboard would work out.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clinic.models import Clinic, Patient
from programs import figures


class Command(BaseCommand):
    help = "Work out the dashboard figures that are out of date, clinic by clinic."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for clinic in Clinic.objects.order_by("pk"):
            patients = Patient.objects.filter(clinic=clinic)
            today = clinic.today()
            ids = figures.out_of_date(patients, today)
            for start in range(0, len(ids), 500):
                total += figures.refresh(
                    Patient.objects.filter(pk__in=ids[start : start + 500]), today
                )
        self.stdout.write(f"Figures worked out again for {total} patients.")
