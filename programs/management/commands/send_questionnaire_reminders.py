from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from programs.questionnaires import send_questionnaire_reminders


class Command(BaseCommand):
    help = (
        "Email patients whose outcome questionnaire is open and not yet reminded about "
        "(run daily; running it again sends nothing twice)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = send_questionnaire_reminders(timezone.now())
        self.stdout.write(f"{count} email{'s' if count != 1 else ''} sent.")
