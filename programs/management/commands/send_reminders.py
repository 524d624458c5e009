from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from programs.notifications import send_reminders


class Command(BaseCommand):
    help = "Email exercise reminders that are due now (safe to run every few minutes)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = send_reminders(timezone.now())
        self.stdout.write(f"{count} email{'s' if count != 1 else ''} sent.")
