"""Printable documents: the program handout and the discharge summary (PDF, by WeasyPrint), in
the patient's preferred language.

Both are rendered from templates/handouts/ with a print stylesheet of their own and one shared
font configuration. Pictures are embedded as data: URIs read through Django's storage API, so
rendering works on a shared store too; the URL fetcher refuses everything else: any network
scheme, file:// outside the static and public media folders (and always the private documents'
folder), and redirects. Text that patients and clinicians typed is escaped by the templates like
everywhere else.
"""

from __future__ import annotations

import base64
import functools
import logging
import mimetypes
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from clinic.languages import speaking
from clinic.models import Clinic
from exercises.models import Exercise
from exercises.pictures import media_credit, picture_alt
from programs import outcomes, pdf_pool
from programs.adherence import adherence
from programs.charts import adherence_chart, pain_chart, pain_series, weekly_adherence
from programs.instruments import INSTRUMENTS, NPRS, PSFS
from programs.models import Program, PsfsActivity, SessionEntry, SessionLog
from programs.pain import threshold_for
from programs.render_limits import render_place

logger = logging.getLogger(__name__)

LOG_SHEET_DAYS = 14
# A course of care longer than this charts its pain a point per week, not per day: a point per
# day of half a year is a blur to read and seconds to draw.
WEEKLY_PAIN_AFTER_DAYS = 8 * 7
FONTS = FontConfiguration()  # one font configuration shared by every document
STYLESHEET = Path(settings.BASE_DIR) / "templates" / "handouts" / "print.css"


@functools.cache
def print_stylesheet() -> CSS:
    """The print stylesheet, parsed once per process (it fetches nothing)."""
    return CSS(filename=str(STYLESHEET), font_config=FONTS, url_fetcher=SafeFetcher())


class RefusedURL(ValueError):
    pass


class SafeFetcher(URLFetcher):
    """Fetches data: URIs and files inside the static and public media folders; refuses the
    rest, the private documents' folder above all."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self.roots = [Path(settings.MEDIA_ROOT).resolve(), *static_roots()]
        self.private = Path(settings.DOCUMENTS_ROOT).resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if path.is_relative_to(self.private) or not any(
                path.is_relative_to(root) for root in self.roots
            ):
                self._refuse(url)
        elif scheme != "data":
            self._refuse(url)
        return super().fetch(url, headers)

    def _refuse(self, url: str) -> None:
        self.refused.append(url)
        raise RefusedURL(f"Handouts load nothing from {url[:80]}")


@functools.cache
def static_roots() -> list[Path]:
    """The folders static files come from: the project's, each app's, and STATIC_ROOT."""
    from django.contrib.staticfiles.finders import AppDirectoriesFinder

    roots = [Path(root) for root in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    roots += [Path(storage.location) for storage in AppDirectoriesFinder().storages.values()]
    return [root.resolve() for root in roots]


def data_uri(content: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def picture_mime(name: str | None) -> str:
    """The type of an uploaded picture, by its stored name (uploads are re-encoded to JPEG or
    PNG, clinic/images.py)."""
    return (mimetypes.guess_type(name)[0] if name else None) or "image/png"


def picture_of(exercise: Exercise) -> str | None:
    """The exercise's picture as a data: URI: an uploaded image or the library's drawing."""
    if exercise.image:
        with exercise.image.open("rb") as handle:
            content = handle.read()
        return data_uri(content, picture_mime(exercise.image.name))
    path = finders.find(exercise.illustration or "exercises/illustrations/placeholder.svg")
    return data_uri(Path(path).read_bytes(), "image/svg+xml") if path else None


def logo_of(clinic: Clinic | None) -> str | None:
    """The clinic's logo as a data URI, or None when it has none (or its file is missing)."""
    logo = clinic.logo if clinic else None
    if not logo:
        return None
    try:
        with logo.open("rb") as handle:
            return data_uri(handle.read(), picture_mime(logo.name))
    except FileNotFoundError:
        return None


def qr_code(link: str) -> str:
    return segno.make(link, error="m").svg_data_uri(scale=4, border=2)


@dataclass
class Rendered:
    html: str
    pdf: bytes


def render_pdf(kind: str, context: dict[str, object], about: str) -> Rendered:
    """Render templates/handouts/<kind>.html to a PDF through the safe fetcher, in one of the
    machine's render places (render_limits.py: NoRenderPlace when none comes free in time),
    and log how long it took; `about` names the record by id ("program 12"), never by a
    person's name."""
    started = time.perf_counter()
    html = render_to_string(f"handouts/{kind}.html", context)
    with render_place():
        placed = time.perf_counter()
        pdf = pdf_pool.write_pdf_apart(html)
    elapsed_ms = round((time.perf_counter() - started) * 1000)
    waited_ms = round((placed - started) * 1000)
    logger.info(
        "PDF %s of %s rendered in %d ms (%d ms of it waiting for a place).",
        kind,
        about,
        elapsed_ms,
        waited_ms,
    )
    return Rendered(html, pdf)


def write_pdf(html: str) -> bytes:
    """The HTML as a PDF, by WeasyPrint through the safe fetcher."""
    document = HTML(string=html, url_fetcher=SafeFetcher(), base_url=str(settings.BASE_DIR))
    return document.write_pdf(stylesheets=[print_stylesheet()], font_config=FONTS)


def _common(program: Program, portal_url: str, today: date) -> dict[str, object]:
    items = list(program.items.select_related("exercise").prefetch_related("exercise__texts"))
    # Exercises done as needed come after the scheduled ones, under their own heading, and
    # stay off the log sheet; the numbering runs on across both.
    items.sort(key=lambda item: item.as_needed)
    clinic = program.clinic
    entries = [
        (
            item.as_needed,
            {
                "item": item,
                "number": number,
                "picture": picture_of(item.exercise),
                "picture_alt": picture_alt(item.exercise),
                "credit": media_credit(item.exercise),
            },
        )
        for number, item in enumerate(items, start=1)
    ]
    return {
        "program": program,
        "patient": program.patient,
        "clinic": clinic,
        "clinician": program.patient.primary_clinician if program.patient else None,
        "items": [entry for as_needed, entry in entries if not as_needed],
        "as_needed_items": [entry for as_needed, entry in entries if as_needed],
        "version": program.versions.order_by("-number").first(),
        "today": today,
        "logo": logo_of(program.clinic),
        "portal_url": portal_url,
        "qr": qr_code(portal_url),
        "page_size": "letter" if clinic and clinic.paper_size == "letter" else "A4",
        "pain_threshold": threshold_for(program),
    }


def patient_language(program: Program) -> str | None:
    """The language the program's documents are printed in unless the clinician chooses
    English: its patient's preferred one."""
    return program.patient.preferred_language if program.patient else None


def handout(program: Program, portal_url: str, language: str | None = None) -> Rendered:
    """The program handout: every exercise as one block, a 14-day log sheet and a QR code; in
    `language`, by default the patient's."""
    with speaking(language or patient_language(program)):
        today = program.today()
        context = _common(program, portal_url, today)
        # A start date near the end of the calendar (typed before dates were bounded) still prints.
        last_start = date.max - timedelta(days=LOG_SHEET_DAYS)
        start = min(max(today, program.start_date or today), last_start)
        context["log_days"] = [start + timedelta(days=n) for n in range(LOG_SHEET_DAYS)]
        return render_pdf("handout", context, f"program {program.pk}")


def discharge_summary(program: Program, portal_url: str, language: str | None = None) -> Rendered:
    """The final home program, the course of care with its charts and outcome measures, and the
    discharge notes.

    The same number of queries however long the course was: counts and charts are summed up
    by the database, the outcome questionnaires read in three queries. A long course
    (WEEKLY_PAIN_AFTER_DAYS) charts the worst pain of each week rather than of each day. In
    `language`, by default the patient's."""
    with speaking(language or patient_language(program)):
        today = program.today()
        context = _common(program, portal_url, today)
        programs = [program]
        sessions = SessionLog.objects.filter(program=program)
        weekly = _course_days(program) > WEEKLY_PAIN_AFTER_DAYS
        pain = pain_series(programs, weekly=weekly)
        done = SessionEntry.objects.filter(session__program=program, done=True)
        context.update(
            sessions_logged=sessions.count(),
            exercises_done=done.count(),
            overall=adherence(program, today),
            adherence_chart=adherence_chart(
                weekly_adherence(programs, today, weeks=_weeks(program))
            ),
            pain_chart=pain_chart(pain, _("Worst pain per week"), weekly=True)
            if weekly
            else pain_chart(pain),
            outcome_course=outcome_course(program),
        )
        return render_pdf("discharge", context, f"program {program.pk}")


def _course_days(program: Program) -> int:
    if not program.start_date:
        return 0
    return ((program.end_date or program.today()) - program.start_date).days + 1


def _weeks(program: Program) -> int:
    if not program.start_date:
        return 4
    return min(max((_course_days(program) - 1) // 7 + 1, 1), 26)


# --- the outcome measures' course, as the discharge summary prints it ---------------------------

MEASURE_NAMES = {
    NPRS: gettext_lazy("Pain (NPRS)"),
    PSFS: gettext_lazy("Activities (PSFS, the mean of their ratings)"),
}


@dataclass(frozen=True)
class MeasureLine:
    """One measure's course in the patient's words: its first and latest scores, the change
    and whether it is clinically important (programs/outcomes.py decides that)."""

    name: str
    scale: str
    first: Decimal
    first_on: date
    latest: Decimal | None = None
    latest_on: date | None = None
    change: str = ""  # signed, as "+3.6" or "−2"; empty when there is no change to show
    verdict: str = ""
    important: bool = False
    note: str = ""


@dataclass(frozen=True)
class ActivityLine:
    """A PSFS activity with its first and latest ratings, each on its own day: an activity
    added later was first rated later."""

    words: str
    retired: bool
    first: int
    first_on: date
    latest: int | None = None
    latest_on: date | None = None
    change: str = ""
    verdict: str = ""  # only a clinically important change is named


@dataclass(frozen=True)
class OutcomeCourse:
    measures: list[MeasureLine] = field(default_factory=list)
    activities: list[ActivityLine] = field(default_factory=list)
    groc: str = ""  # the global rating of change at discharge, in words
    groc_verdict: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.measures or self.groc)


def outcome_course(program: Program) -> OutcomeCourse:
    """The program's outcome measures from the first questionnaire to the latest, in the
    language being spoken. Three queries (the answered questionnaires, their answers, the
    activities), however many questionnaires there were."""
    questionnaires = program.questionnaires.filter(completed_at__isnull=False)
    course = outcomes.course_of(questionnaires.prefetch_related("answers"))
    rated = course.scores[PSFS]
    activities = [
        _activity_line(activity, rated)
        for activity in program.activities.all()
        if any(activity.pk in score.ratings for score in rated)
    ]
    groc_words = groc_verdict = ""
    if course.groc is not None:  # asked at discharge only
        answer = int(course.groc.value)
        groc_words = outcomes.groc_words(answer)
        groc_verdict = str(outcomes.VERDICT_WORDS[outcomes.groc_verdict(answer)])
    return OutcomeCourse(
        measures=[_measure_line(code, course) for code in (NPRS, PSFS) if course.scores[code]],
        activities=activities,
        groc=groc_words,
        groc_verdict=groc_verdict,
    )


def _measure_line(code: str, course: outcomes.Course) -> MeasureLine:
    instrument = INSTRUMENTS[code]
    scores = course.scores[code]
    name, first, last = str(MEASURE_NAMES[code]), scores[0], scores[-1]
    scale = _("%(lowest)s = %(low)s, %(highest)s = %(high)s") % {
        "lowest": instrument.lowest,
        "low": instrument.low_words,
        "highest": instrument.highest,
        "high": instrument.high_words,
    }
    if len(scores) == 1:
        note = _("Answered once, so there is no change to show.")
        return MeasureLine(name, scale, first.value, first.on, note=note)
    change = course.changes.get(code)
    if change is None or change.verdict == outcomes.NOT_COMPARED:
        verdict = str(outcomes.VERDICT_WORDS[outcomes.NOT_COMPARED])
        return MeasureLine(name, scale, first.value, first.on, last.value, last.on, verdict=verdict)
    note = ""
    if code == PSFS and (
        change.compared != len(first.ratings) or change.compared != len(last.ratings)
    ):
        # The course is the mean of the activities rated both times only (outcomes.py).
        note = ngettext(
            "Compared over the %(count)s activity rated both times.",
            "Compared over the %(count)s activities rated both times.",
            change.compared,
        ) % {"count": change.compared}
    return MeasureLine(
        name,
        scale,
        change.first,
        change.first_on,
        change.last,
        change.last_on,
        change=_signed(change.difference),
        verdict=str(outcomes.VERDICT_WORDS[change.verdict]),
        important=change.important,
        note=note,
    )


def _activity_line(activity: PsfsActivity, rated: list[outcomes.Score]) -> ActivityLine:
    ratings = [
        (score.on, score.ratings[activity.pk]) for score in rated if activity.pk in score.ratings
    ]
    (first_on, first), (last_on, last) = ratings[0], ratings[-1]
    retired = activity.retired_at is not None
    if len(ratings) == 1:
        return ActivityLine(activity.text, retired, first, first_on)
    change = outcomes.ActivityChange(activity.pk, first, last)
    verdict = ""
    if change.important:  # the PSFS is better when higher
        verdict = str(outcomes.VERDICT_WORDS[outcomes.IMPROVED if last > first else outcomes.WORSE])
    return ActivityLine(
        activity.text,
        retired,
        first,
        first_on,
        last,
        last_on,
        _signed(Decimal(last - first)),
        verdict,
    )


def _signed(value: Decimal) -> str:
    """A change as the patient reads it, in their language's numbers: +3.6, −2 or 0."""
    number = number_format(abs(value), 0 if value == value.to_integral() else 1)
    if value == 0:
        return number
    return f"+{number}" if value > 0 else f"−{number}"


def store_discharge_summary(program: Program, portal_url: str, language: str | None = None) -> None:
    """Render the summary and keep the exact PDF with the program, in the private documents'
    storage under a random name. A regenerated summary replaces the earlier one: its file is
    deleted once the new one is committed, so no file of health data is left in storage that
    nothing points to (and that an erasure could not find)."""
    earlier = program.discharge_summary.name or ""
    pdf = discharge_summary(program, portal_url, language).pdf
    program.discharge_summary.save("discharge-summary.pdf", ContentFile(pdf), save=False)
    program.discharge_summary_made_at = timezone.now()
    Program.objects.filter(pk=program.pk).update(
        discharge_summary=program.discharge_summary.name,
        discharge_summary_made_at=program.discharge_summary_made_at,
    )
    if earlier and earlier != program.discharge_summary.name:
        storage = program.discharge_summary.storage
        transaction.on_commit(lambda: storage.delete(earlier))


def handout_filename(program: Program, kind: str) -> str:
    who = program.patient.last_name if program.patient else "template"
    safe = "".join(c for c in who if c.isalnum()) or "patient"
    today = program.clinic.today() if program.clinic else timezone.now().date()
    return f"{kind}-{safe}-{today:%Y-%m-%d}.pdf"
