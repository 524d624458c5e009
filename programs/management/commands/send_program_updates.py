from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from programs.notifications import send_program_updates


class Command(BaseCommand):
    help = "Email patients whose programs changed, one email per program (safe to run often)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = send_program_updates(timezone.now())
        self.stdout.write(f"{count} email{'s' if count != 1 else ''} sent.")
