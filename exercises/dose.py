"""A dose as clinicians write it, and the one function that puts it into plain words.

Every screen and document that shows a dose (library, builder, patient portal, handouts) uses
`describe_dose`, so "3 sets of 10–12 reps, each side, hold 1 second" reads the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from django.db import models


class Side(models.TextChoices):
    EACH = "each", "Each side"
    LEFT = "left", "Left side only"
    RIGHT = "right", "Right side only"
    BOTH = "both", "Both sides together"


SIDE_WORDS = {
    Side.EACH: "each side",
    Side.LEFT: "left side only",
    Side.RIGHT: "right side only",
    Side.BOTH: "",
}


class Band(models.TextChoices):
    """Resistance band strengths, lightest first, named by their usual colours."""

    YELLOW = "yellow", "Yellow (extra light)"
    RED = "red", "Red (light)"
    GREEN = "green", "Green (medium)"
    BLUE = "blue", "Blue (heavy)"
    BLACK = "black", "Black (extra heavy)"
    SILVER = "silver", "Silver (special heavy)"


@dataclass(frozen=True)
class Dose:
    """One exercise's dose. Its field names are the names of the model fields that store it
    (`exercises.models.DoseFields`), so a dose moves between the two without a mapping."""

    sets: int = 1
    reps_min: int | None = None
    reps_max: int | None = None  # set for a range such as 10–12
    to_fatigue: bool = False  # "until tired" instead of a rep count
    hold_min: int = 0  # seconds
    hold_max: int | None = None  # set for a range such as 20–30 seconds
    side: str = Side.EACH
    rest_seconds: int = 0
    band: str = ""  # a Band, or a load, never both
    load_kg: Decimal | None = None

    @property
    def resistance(self) -> str:
        """The band or load in words: "a red band", "2.5 kg", or ""."""
        if self.band:
            return f"a {self.band} band"
        if self.load_kg is not None:
            return f"{Decimal(str(self.load_kg)).normalize():f} kg"
        return ""


DOSE_FIELDS = [field.name for field in fields(Dose)]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def describe_seconds(low: int, high: int | None = None) -> str:
    """20 → "20 seconds"; 20, 30 → "20–30 seconds"; 90 → "1 minute 30 seconds"."""
    if high and high != low:
        if high < 60:
            return f"{low}–{high} seconds"
        if low % 60 == 0 and high % 60 == 0:
            return f"{low // 60}–{high // 60} minutes"
        return f"{describe_seconds(low)} to {describe_seconds(high)}"
    minutes, seconds = divmod(low, 60)
    if minutes and seconds:
        return f"{plural(minutes, 'minute')} {plural(seconds, 'second')}"
    if minutes:
        return plural(minutes, "minute")
    return plural(seconds, "second")


def describe_reps(dose: Dose) -> str:
    if dose.to_fatigue:
        return "until tired"
    low, high = dose.reps_min or 1, dose.reps_max
    if high and high != low:
        return f"{low}–{high} reps"
    return plural(low, "rep")


def describe_dose(dose: Dose) -> str:
    """The dose in plain words, for example "3 sets of 10–12 reps, each side, hold 1 second"."""
    reps = describe_reps(dose)
    if dose.sets == 1:
        volume = "1 set, until tired" if dose.to_fatigue else reps
    elif dose.to_fatigue:
        volume = f"{dose.sets} sets, each until tired"
    else:
        volume = f"{dose.sets} sets of {reps}"
    parts = [volume]
    if side := SIDE_WORDS.get(Side(dose.side), ""):
        parts.append(side)
    if dose.hold_min or dose.hold_max:
        parts.append("hold " + describe_seconds(dose.hold_min, dose.hold_max))
    if dose.resistance:
        parts.append(f"with {dose.resistance}")
    if dose.rest_seconds and dose.sets > 1:
        parts.append(f"rest {describe_seconds(dose.rest_seconds)} between sets")
    return ", ".join(parts)


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TIMES_A_DAY = {1: "once a day", 2: "twice a day"}


@dataclass(frozen=True)
class Frequency:
    """How often: times per day, on either named weekdays or a number of days a week.

    `weekdays` is a bit mask, Monday = 1, Tuesday = 2, ... Sunday = 64; when it is set it wins
    over `days_per_week`."""

    times_per_day: int = 1
    days_per_week: int = 7
    weekdays: int = 0

    def named_days(self) -> list[int]:
        """Weekday numbers (Monday = 0) the schedule names, empty for "N days a week"."""
        return [day for day in range(7) if self.weekdays & (1 << day)]


def weekday_mask(days: list[int]) -> int:
    return sum(1 << day for day in set(days))


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe_frequency(frequency: Frequency) -> str:
    """ "once a day, every day", "twice a day, 3 days a week", "once a day on Monday and Friday"."""
    times = TIMES_A_DAY.get(frequency.times_per_day, f"{frequency.times_per_day} times a day")
    days = frequency.named_days()
    if days and len(days) < 7:
        return f"{times} on {join_words([WEEKDAYS[day] for day in days])}"
    if days or frequency.days_per_week >= 7:
        return f"{times}, every day"
    return f"{times}, {plural(frequency.days_per_week, 'day')} a week"


def describe_prescription(dose: Dose, frequency: Frequency) -> str:
    """The whole prescription in plain words: the dose, then how often."""
    return f"{describe_dose(dose)}, {describe_frequency(frequency)}"
