from typing import Any

from django.core.management.base import BaseCommand

from exercises.loader import load_library


class Command(BaseCommand):
    help = "Create or update the global exercise library from exercises/content.py (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_library()
        summary = ", ".join(f"{count} {state}" for state, count in sorted(report.items()))
        self.stdout.write(self.style.SUCCESS(f"Exercise library: {summary}."))
