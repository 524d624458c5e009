"""Dates as people read them: "7 November", never 2026-11-07."""

from __future__ import annotations

from datetime import date

from django.utils import dateformat


def readable_date(day: date, year: int | None = None) -> str:
    """ "7 November"; with the year ("7 November 2025") when it is not `year`, the current
    year of whoever reads it."""
    if year is not None and day.year != year:
        return dateformat.format(day, "j F Y")
    return dateformat.format(day, "j F")
