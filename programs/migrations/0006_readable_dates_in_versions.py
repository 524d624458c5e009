"""Dates in the stored change lines of earlier versions read "7 November", as new ones do.

Only the lines about the program's start and end dates carry dates ("Start date: 2026-11-07 →
2026-11-14", "End date of your program: 2026-12-01."); notes are left exactly as written. The
year is kept only when it is not the year of the change, in the clinic's time zone. The wording
is frozen here rather than imported, so this migration keeps meaning what it meant. Running it
again changes nothing; going back leaves the readable dates in place.
"""

import re
from datetime import date
from zoneinfo import ZoneInfo

from django.db import migrations

ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
DATE_LINES = ("Start date", "End date")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def readable(line: str, year: int) -> str:
    if not line.startswith(DATE_LINES):
        return line

    def words(match: re.Match[str]) -> str:
        day = date(int(match[1]), int(match[2]), int(match[3]))
        text = f"{day.day} {MONTHS[day.month - 1]}"
        return text if day.year == year else f"{text} {day.year}"

    return ISO_DATE.sub(words, line)


def readable_dates(apps, schema_editor):
    ProgramVersion = apps.get_model("programs", "ProgramVersion")
    versions = ProgramVersion.objects.select_related("program__clinic")
    for version in versions.iterator():
        clinic = version.program.clinic
        zone = ZoneInfo(clinic.timezone if clinic else "UTC")
        year = version.created_at.astimezone(zone).year
        changes = [readable(line, year) for line in version.changes]
        patient_changes = [readable(line, year) for line in version.patient_changes]
        if changes != version.changes or patient_changes != version.patient_changes:
            version.changes, version.patient_changes = changes, patient_changes
            version.save(update_fields=["changes", "patient_changes"])


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0005_pain_threshold_stop_if_discharged_by_revision"),
    ]

    operations = [migrations.RunPython(readable_dates, migrations.RunPython.noop)]
