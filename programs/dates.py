"""Dates as people read them: "7 November", never 2026-11-07; in Spanish "7 de noviembre" (the
format itself is translated, as each language orders and joins the parts its own way)."""

from __future__ import annotations

from datetime import date

from django.utils import dateformat
from django.utils.translation import pgettext


def readable_date(day: date, year: int | None = None) -> str:
    """ "7 November"; with the year ("7 November 2025") when it is not `year`, the current
    year of whoever reads it."""
    if year is not None and day.year != year:
        return dateformat.format(day, pgettext("date format: day, month, year", "j F Y"))
    return dateformat.format(day, pgettext("date format: day and month", "j F"))
