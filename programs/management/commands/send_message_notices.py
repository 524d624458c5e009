from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from programs.messaging import send_message_notices


class Command(BaseCommand):
    help = (
        "Email whoever has a message waiting (never what it says), once its writer has been "
        "quiet for a while; safe to run often."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="The app's address, such as https://physio.example, for the sign-in link.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = send_message_notices(timezone.now(), base_url=options["base_url"])
        self.stdout.write(f"{count} email{'s' if count != 1 else ''} sent.")
