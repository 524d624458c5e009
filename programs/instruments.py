"""The outcome measures a patient answers, as data: what each asks, its scale, which way is
better and what change counts as clinically important. programs/outcomes.py scores them.

All three are public and used by physiotherapists every day:
- Numeric Pain Rating Scale (NPRS): average pain over the last week, 0 (no pain) to 10 (the
  worst pain imaginable). A change of 2 points, or of 30% of the first score, is clinically
  important.
- Patient-Specific Functional Scale (PSFS): up to five activities the patient finds hard, each
  rated 0 (unable to do it) to 10 (able to do it as before the problem); the score is the
  mean. A change of 2 points in the mean is clinically important, or 3 points for one activity.
- Global rating of change (GROC), asked at discharge: a 7-point scale from "very much worse" to
  "very much better". "Much better" or "very much better" is read as an important improvement.

The words a patient reads are marked for translation; the clinician's names are not shown to
patients.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NPRS = "nprs"
PSFS = "psfs"
GROC = "groc"


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str  # what the clinician reads
    short_name: str
    lowest: int
    highest: int
    higher_is_better: bool
    important_change: Decimal | None  # points of change that matter, or None (GROC)
    important_fraction: Decimal | None = None  # or this fraction of the first score (NPRS)
    important_for_one: Decimal | None = None  # for a single PSFS activity
    question: str | Promise = ""  # what the patient is asked
    low_words: str | Promise = ""  # what the lowest value means, for the patient
    high_words: str | Promise = ""


INSTRUMENTS: dict[str, Instrument] = {
    NPRS: Instrument(
        code=NPRS,
        name="Numeric Pain Rating Scale",
        short_name="NPRS",
        lowest=0,
        highest=10,
        higher_is_better=False,
        important_change=Decimal(2),
        important_fraction=Decimal("0.3"),
        question=_("Over the last week, what was your pain on average?"),
        low_words=_("No pain"),
        high_words=_("Worst pain you can imagine"),
    ),
    PSFS: Instrument(
        code=PSFS,
        name="Patient-Specific Functional Scale",
        short_name="PSFS",
        lowest=0,
        highest=10,
        higher_is_better=True,
        important_change=Decimal(2),
        important_for_one=Decimal(3),
        question=_("How well can you do this activity today?"),
        low_words=_("Unable to do it"),
        high_words=_("Able to do it as before"),
    ),
    GROC: Instrument(
        code=GROC,
        name="Global rating of change",
        short_name="Global change",
        lowest=1,
        highest=7,
        higher_is_better=True,
        important_change=None,
        question=_("Since your care began, how has your problem changed?"),
    ),
}

# The GROC's seven answers, worst first; 6 and 7 count as an important improvement.
GROC_CHOICES: list[tuple[int, str | Promise]] = [
    (1, _("Very much worse")),
    (2, _("Much worse")),
    (3, _("A little worse")),
    (4, _("About the same")),
    (5, _("A little better")),
    (6, _("Much better")),
    (7, _("Very much better")),
]
GROC_IMPORTANT_BETTER = 6
GROC_IMPORTANT_WORSE = 2

MAX_ACTIVITIES = 5

# What each occasion asks. The GROC asks about change since care began: only at the end.
ASKED = {
    "start": [NPRS, PSFS],
    "follow_up": [NPRS, PSFS],
    "requested": [NPRS, PSFS],
    "discharge": [NPRS, PSFS, GROC],
}
