"""A dose as clinicians write it, and the one function that puts it into plain words.

Every screen and document that shows a dose (library, builder, patient portal, handouts) uses
`describe_dose`, so "3 sets of 10–12 reps, each side, hold 1 second" reads the same everywhere,
and in Spanish "3 series de 10–12 repeticiones, de cada lado, mantener 1 segundo": the words
follow the language being spoken (locale/<language>/ holds them).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy


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
    """English only, for staff-facing counts: "1 exercise", "3 exercises"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# The dose's words, in the language being spoken (Django's translation machinery; the Spanish
# is in locale/es/). Staff read English; a patient reads their own language.
SIDE_PHRASES = {
    Side.EACH: pgettext_lazy("dose", "each side"),
    Side.LEFT: pgettext_lazy("dose", "left side only"),
    Side.RIGHT: pgettext_lazy("dose", "right side only"),
}
BAND_PHRASES = {
    Band.YELLOW: gettext_lazy("with a yellow band"),
    Band.RED: gettext_lazy("with a red band"),
    Band.GREEN: gettext_lazy("with a green band"),
    Band.BLUE: gettext_lazy("with a blue band"),
    Band.BLACK: gettext_lazy("with a black band"),
    Band.SILVER: gettext_lazy("with a silver band"),
}


def describe_seconds(low: int, high: int | None = None) -> str:
    """20 → "20 seconds"; 20, 30 → "20–30 seconds"; 90 → "1 minute 30 seconds"."""
    if high and high != low:
        if high < 60:
            return _("%(low)d–%(high)d seconds") % {"low": low, "high": high}
        if low % 60 == 0 and high % 60 == 0:
            return _("%(low)d–%(high)d minutes") % {"low": low // 60, "high": high // 60}
        return _("%(low)s to %(high)s") % {
            "low": describe_seconds(low),
            "high": describe_seconds(high),
        }
    minutes, seconds = divmod(low, 60)
    minutes_text = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    seconds_text = ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    if minutes and seconds:
        return f"{minutes_text} {seconds_text}"
    return minutes_text if minutes else seconds_text


def describe_reps(dose: Dose) -> str:
    if dose.to_fatigue:
        return _("until tired")
    low, high = dose.reps_min or 1, dose.reps_max
    if high and high != low:
        return _("%(low)d–%(high)d reps") % {"low": low, "high": high}
    return ngettext("%(count)d rep", "%(count)d reps", low) % {"count": low}


def describe_resistance(dose: Dose) -> str:
    """ "with a red band", "with 2.5 kg", or ""."""
    if dose.band:
        return str(BAND_PHRASES.get(Band(dose.band), ""))
    if dose.load_kg is not None:
        kg = Decimal(str(dose.load_kg)).normalize()
        return _("with %(kg)s kg") % {"kg": number_format(kg, use_l10n=True)}
    return ""


def describe_dose(dose: Dose) -> str:
    """The dose in plain words, for example "3 sets of 10–12 reps, each side, hold 1 second"."""
    reps = describe_reps(dose)
    if dose.sets == 1:
        volume = _("1 set, until tired") if dose.to_fatigue else reps
    elif dose.to_fatigue:
        volume = _("%(sets)d sets, each until tired") % {"sets": dose.sets}
    else:
        volume = _("%(sets)d sets of %(reps)s") % {"sets": dose.sets, "reps": reps}
    parts = [volume]
    if side := SIDE_PHRASES.get(Side(dose.side)):
        parts.append(str(side))
    if dose.hold_min or dose.hold_max:
        parts.append(_("hold %(time)s") % {"time": describe_seconds(dose.hold_min, dose.hold_max)})
    if resistance := describe_resistance(dose):
        parts.append(resistance)
    if dose.rest_seconds and dose.sets > 1:
        parts.append(
            _("rest %(time)s between sets") % {"time": describe_seconds(dose.rest_seconds)}
        )
    return ", ".join(parts)


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# A weekday as a schedule names it: "on Monday and Friday" ("los lunes y viernes").
ON_WEEKDAYS = [
    pgettext_lazy("on weekdays", "Monday"),
    pgettext_lazy("on weekdays", "Tuesday"),
    pgettext_lazy("on weekdays", "Wednesday"),
    pgettext_lazy("on weekdays", "Thursday"),
    pgettext_lazy("on weekdays", "Friday"),
    pgettext_lazy("on weekdays", "Saturday"),
    pgettext_lazy("on weekdays", "Sunday"),
]


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
    """ "Monday", "Monday and Friday", "Monday, Wednesday and Friday"."""
    if len(words) == 1:
        return words[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def describe_times(times_per_day: int) -> str:
    if times_per_day == 1:
        return _("once a day")
    if times_per_day == 2:
        return _("twice a day")
    return ngettext("%(count)d time a day", "%(count)d times a day", times_per_day) % {
        "count": times_per_day
    }


def describe_frequency(frequency: Frequency) -> str:
    """ "once a day, every day", "twice a day, 3 days a week", "once a day on Monday and Friday"."""
    times = describe_times(frequency.times_per_day)
    days = frequency.named_days()
    if days and len(days) < 7:
        named = join_words([str(ON_WEEKDAYS[day]) for day in days])
        return _("%(times)s on %(days)s") % {"times": times, "days": named}
    if days or frequency.days_per_week >= 7:
        return _("%(times)s, every day") % {"times": times}
    return ngettext(
        "%(times)s, %(count)d day a week",
        "%(times)s, %(count)d days a week",
        frequency.days_per_week,
    ) % {"times": times, "count": frequency.days_per_week}


def describe_as_needed(max_per_day: int | None = None) -> str:
    """How often an exercise done when needed is done: "as needed", or with the most a day
    "as needed, up to 3 times a day" ("up to once a day", "up to twice a day")."""
    if max_per_day is None:
        return pgettext("dose", "as needed")
    return _("as needed, up to %(times)s") % {"times": describe_times(max_per_day)}


def describe_prescription(
    dose: Dose, frequency: Frequency, *, as_needed: bool = False, max_per_day: int | None = None
) -> str:
    """The whole prescription in plain words: the dose, then how often. An exercise done as
    needed has no schedule, so its frequency is not said: "2 sets of 30 seconds, as needed,
    up to 3 times a day"."""
    often = describe_as_needed(max_per_day) if as_needed else describe_frequency(frequency)
    return f"{describe_dose(dose)}, {often}"
