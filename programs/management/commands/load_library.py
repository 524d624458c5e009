from typing import Any

from django.core.management.base import BaseCommand

from exercises.loader import load_library
from programs.loader import load_templates


class Command(BaseCommand):
    help = (
        "Create or update the global exercise library and its program templates from "
        "the data files in exercises/library/ and programs/templates.toml (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_library() + load_templates()
        summary = ", ".join(f"{count} {state}" for state, count in sorted(report.items()))
        self.stdout.write(self.style.SUCCESS(f"Exercise library: {summary}."))
