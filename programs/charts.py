"""Server-rendered SVG charts: adherence per week, pain over time, and outcome measures.

Each chart is an SVG (from templates/programs/charts/, so every label is escaped) with a title, a
description, and a sentence that says the same in words; the handouts reuse them as they are.

The SVG has a viewBox and no size of its own: it is as wide as its container (CSS width: 100%),
and every length below is in viewBox units. Its text must stay readable where it is drawn
smallest, on a phone: a 375 px wide screen leaves about 343 px for the chart (16 px margins), so
it is drawn at 343 / 360 of its viewBox, and text of 13 units shows at 13 × 343 / 360 ≈ 12.4 px.
Text stays at 12 px or more in any chart at least 360 × 12 / 13 ≈ 333 px wide; the patient page
lays charts out no narrower, and the discharge summary prints them 120 mm wide, where the text
is 13 / 360 × 120 mm ≈ 4.3 mm ≈ 12.3 pt, the size of the summary's own text. The price is
room: under 28 em (360 / 13), some 45 characters, fit across, which is why the legend sits
under the plot and wraps.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Max
from django.db.models.functions import TruncWeek
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from programs.adherence import Adherence, adherence, done_counts_of, versions_of, week_start
from programs.instruments import INSTRUMENTS
from programs.models import Program, SessionEntry
from programs.outcomes import Change, Score

WIDTH = 360  # viewBox units; see the module's docstring for why 360 with FONT 13
FONT = 13
LINE_HEIGHT = 17  # of wrapped legend names
AXIS_GAP = 18  # from the bottom of the plot to the baseline of the dates under it
BAR_COLOUR = "#0b5e6b"
TEXT_COLOUR = "#333"

# Okabe & Ito's palette, which stays apart in the three common colour blindnesses: every pair
# is at least 17 CIELAB ΔE apart under simulated protanopia, deuteranopia and tritanopia
# (Machado 2009), and every colour has at least 3:1 contrast on white, the floor for lines
# (WCAG 1.4.11). Its yellow, orange and sky blue are too pale on white; a violet and a brown
# chosen the same way take their place. Colour is never the only difference: each series also
# has its own dash pattern and marker shape, so the chart reads in grey on a printer too.
SERIES_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#7B2FE0", "#7A3A14"]
SERIES_DASHES = ["7 4", "2 3", "10 3 2 3", "14 3", "10 3 2 3 2 3", "14 3 6 3"]
SERIES_MARKERS = ["square", "triangle", "diamond", "triangle-down", "cross", "plus"]


def _style(colour: str, dash: str, marker: str, width: float) -> dict[str, object]:
    """How a series is drawn. Outlines (ring, cross, plus) are stroked in the colour; solid
    shapes are filled with it and edged in white, to stand clear of the lines they sit on."""
    outline = marker in ("ring", "cross", "plus")
    return {
        "colour": colour,
        "dash": dash,
        "marker": marker,
        "width": width,
        "marker_fill": "#fff" if marker == "ring" else "none" if outline else colour,
        "marker_stroke": colour if outline else "#fff",
        "marker_stroke_width": 2 if outline else 1,
    }


OVERALL_STYLE = _style("#1b1b1b", "", "ring", 3.5)


@dataclass
class Chart:
    svg: SafeString
    summary: str


# --- text measurement ----------------------------------------------------------------------

# Advance widths in em of DejaVu Sans, the handouts' font and wider than the usual screen sans
# fonts: a label that fits by this measure fits in the browser too.
_NARROW = {**dict.fromkeys("'ijlIJ,. /:;\\|f-()[]t!r", 0.41), '"': 0.46}
_WIDE = dict.fromkeys("mwMW%@&#+<=>^~", 1.0)


def text_width(text: str, size: float = FONT) -> float:
    """How wide `text` is drawn at `size`, erring on the wide side."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += _NARROW[char]
        elif char in _WIDE:
            em += _WIDE[char]
        elif not char.isascii():
            em += 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.8
        elif char.isupper():
            em += 0.8
        else:
            em += 0.64
    return em * size


def wrap(text: str, width: float, size: float = FONT) -> list[str]:
    """`text` in lines no wider than `width`, broken between words, and inside a word only
    when the word alone is wider. Nothing is dropped: the lines joined by spaces are `text`
    with its runs of white space made single."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while text_width(word, size) > width:
            cut = max(
                (n for n in range(1, len(word)) if text_width(word[:n], size) <= width),
                default=1,
            )
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line or not lines:
        lines.append(line)
    return lines


# --- adherence -----------------------------------------------------------------------------


def weekly_adherence(
    programs: list[Program], today: date, weeks: int = 8
) -> list[tuple[date, Adherence]]:
    """Adherence of each of the last `weeks` calendar weeks, oldest first, for the programs.

    Two queries whatever `weeks` is: the programs' versions, and the done counts of the whole
    range, which adherence() then reads week by week."""
    versions = versions_of(programs)
    this_week = week_start(today)
    first_monday = this_week - timedelta(weeks=weeks - 1)
    # Item ids are unique across programs, so one count serves every program.
    done = done_counts_of(programs, first_monday, this_week + timedelta(days=6))
    points = []
    for back in range(weeks - 1, -1, -1):
        monday = this_week - timedelta(weeks=back)
        total = Adherence(0, 0)
        for program in programs:
            total += adherence(
                program,
                today,
                start=monday,
                end=monday + timedelta(days=6),
                versions=versions[program.pk],
                done=done,
            )
        points.append((monday, total))
    return points


def chart_date(day: date) -> str:
    """ "07 Nov" in English, "07 nov" in Spanish: the format is translated too."""
    return date_format(day, pgettext("date format: a chart's day", "d M"))


def adherence_chart(points: list[tuple[date, Adherence]], title: str = "") -> Chart:
    """Bars of the weeks' adherence. A week is labelled under its bar when the labels fit
    side by side; with more weeks, every second, third... week is, always ending with the
    latest. The percent stands over each bar while it fits, as "80%" or else "80"; past
    that the summary under the chart carries the figures. Its words are in the language
    being spoken (a patient's summary is in theirs)."""
    title = title or _("Adherence per week")
    left, top, plot_h = 44, 20, 150
    count = max(len(points), 1)
    week_label_w = max((text_width(date_format(m, "j M")) for m, _ in points), default=0)
    # The latest week's date is centred under its bar; narrow bars leave it more room on the right.
    right = max(8, math.ceil(week_label_w / 2 + 2 - (WIDTH - left - 8) / count / 2))
    inner_w, baseline = WIDTH - left - right, top + plot_h
    slot = inner_w / count
    step = max(1, math.ceil((week_label_w + 8) / slot))
    value_format = next(
        (fmt for fmt in ("{}%", "{}") if text_width(fmt.format(100)) + 6 <= slot), None
    )
    bars = []
    for index, (monday, result) in enumerate(points):
        percent = result.percent
        height = plot_h * (percent or 0) / 100
        bars.append(
            {
                "x": round(left + index * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(baseline - height, 1),
                "height": round(height, 1),
                "label_x": round(left + index * slot + slot / 2, 1),
                "value_y": round(baseline - height - 5, 1),
                "week": monday,
                "percent": percent,
                "value": value_format.format(percent)
                if value_format and percent is not None
                else "",
                "labelled": (len(points) - 1 - index) % step == 0,
            }
        )
    measured = [(monday, r.percent) for monday, r in points if r.percent is not None]
    if measured:
        weeks = "; ".join(
            _("week of %(day)s %(percent)s%%") % {"day": chart_date(m), "percent": p}
            for m, p in measured
        )
        summary = _("%(title)s: %(weeks)s.") % {"title": title, "weeks": weeks}
    else:
        summary = _("%(title)s: nothing was scheduled in these weeks.") % {"title": title}
    grid = [
        {
            "y": round(baseline - plot_h * v / 100, 1),
            "label_y": round(baseline - plot_h * v / 100 + 4.5, 1),
            "value": v,
        }
        for v in (0, 50, 100)
    ]
    label_y = baseline + AXIS_GAP
    svg = render_to_string(
        "programs/charts/bars.svg",
        {
            "title": title,
            "summary": summary,
            "bars": bars,
            "grid": grid,
            "width": WIDTH,
            "height": label_y + 8,
            "font": FONT,
            "colour": BAR_COLOUR,
            "text_colour": TEXT_COLOUR,
            "left": left,
            "tick_x": left - 6,
            "right": WIDTH - right,
            "baseline": baseline,
            "label_y": label_y,
        },
    )
    return Chart(svg, summary)


# --- pain ----------------------------------------------------------------------------------


def pain_series(
    programs: list[Program], since: date | None = None, *, weekly: bool = False
) -> dict[str, list[tuple[date, int]]]:
    """Pain by day: "Overall" (the highest of each day) and one series per exercise, from
    `since` (included) when given. With `weekly`, a point per calendar week, dated its
    Monday: the week's worst score, the highest logged that week. Summed up by the
    database, so the rows read are a few per exercise and day (or week), never every entry."""
    entries = SessionEntry.objects.filter(session__program__in=programs, pain__isnull=False)
    if since is not None:
        entries = entries.filter(session__date__gte=since)
    period = TruncWeek("session__date") if weekly else F("session__date")
    rows = (
        entries.annotate(period=period)
        .values("exercise_name", "period")
        .annotate(worst=Max("pain"))
        .values_list("exercise_name", "period", "worst")
        .order_by("period")
    )
    series: dict[str, dict[date, int]] = defaultdict(dict)
    for name, day, pain in rows:
        for key in ("Overall", name):
            series[key][day] = max(pain, series[key].get(day, 0))
    return {name: sorted(days.items()) for name, days in series.items()}


def series_style(index: int) -> dict[str, object]:
    """Colour, dash and marker of the `index`th exercise (Overall has its own). After six the
    colours and dashes repeat with the markers shifted, so no two of 36 series look alike."""
    n = len(SERIES_COLOURS)
    return _style(
        SERIES_COLOURS[index % n],
        SERIES_DASHES[index % n],
        SERIES_MARKERS[(index + index // n) % n],
        2,
    )


def marker_path(shape: str, x: float, y: float) -> str:
    """SVG path data of a marker centred on (x, y), about 10 units across."""
    if shape == "ring":
        r = 5.5
        return f"M{x - r:g},{y:g}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0Z"
    if shape == "square":
        return f"M{x - 4:g},{y - 4:g}h8v8h-8Z"
    if shape == "triangle":
        return f"M{x:g},{y - 5.5:g}l5,9h-10Z"
    if shape == "triangle-down":
        return f"M{x:g},{y + 5.5:g}l5,-9h-10Z"
    if shape == "diamond":
        return f"M{x:g},{y - 5.5:g}l5,5.5l-5,5.5l-5,-5.5Z"
    if shape == "cross":
        return f"M{x - 4:g},{y - 4:g}l8,8m0,-8l-8,8"
    if shape == "plus":
        return f"M{x - 5:g},{y:g}h10m-5,-5v10"
    raise ValueError(shape)


def legend(
    names_and_styles: list[tuple[str, dict[str, object]]], top: float
) -> tuple[list[dict[str, object]], float]:
    """Legend entries laid out under the plot from `top`: a sample of the line with its marker,
    then the name. Entries share a row while they fit and wrap to the next; a name too long for
    a row of its own is wrapped onto several lines, never cut. Returns the entries and the
    bottom of the legend."""
    left, right = 8, WIDTH - 8
    swatch, gap, spacing = 28, 6, 16
    entries = []
    x: float = left
    row_top = row_bottom = top
    for name, style in names_and_styles:
        lines = wrap(name, right - left - swatch - gap)
        width = swatch + gap + max(text_width(line) for line in lines)
        if x > left and x + width > right:
            x, row_top = left, row_bottom
        baseline = row_top + FONT
        mid = baseline - FONT * 0.35
        entries.append(
            {
                **style,
                "name": name,
                "x1": x,
                "x2": x + swatch,
                "mid": round(mid, 1),
                "swatch_d": ""
                if style["marker"] == "none"
                else marker_path(str(style["marker"]), x + swatch / 2, round(mid, 1)),
                "lines": [
                    {"x": x + swatch + gap, "y": round(baseline + LINE_HEIGHT * n, 1), "text": line}
                    for n, line in enumerate(lines)
                ],
            }
        )
        row_bottom = max(row_bottom, row_top + LINE_HEIGHT * len(lines) + 4)
        x += width + spacing
    return entries, row_bottom


def pain_chart(
    series: dict[str, list[tuple[date, int]]],
    title: str = "",
    *,
    weekly: bool = False,
) -> Chart:
    """Lines of pain (0 to 10) by day, "Overall" first, with the legend under the plot. When
    every score is from one day, the points stand in the middle over that one date. With
    `weekly`, the series are pain_series(weekly=True)'s, a point per week dated its Monday,
    and the words say "week of"."""
    title = title or _("Pain over time")
    days = sorted({day for points in series.values() for day, _pain in points})
    overall = series.get("Overall", [])
    if not days:
        summary = _("%(title)s: no pain scores logged yet.") % {"title": title}
        svg = render_to_string(
            "programs/charts/lines.svg",
            {
                "title": title,
                "summary": summary,
                "width": WIDTH,
                "height": 120,
                "font": FONT,
                "lines": [],
            },
        )
        return Chart(svg, summary)
    left, right, top, plot_h = 30, 8, 10, 150
    inset = 8  # keeps the first and last markers off the pain scale and the edge
    inner_w, bottom = WIDTH - left - right - 2 * inset, top + plot_h
    first, last = days[0], days[-1]
    span = (last - first).days

    def x(day: date) -> float:
        if not span:
            return round(left + inset + inner_w / 2, 1)
        return round(left + inset + inner_w * (day - first).days / span, 1)

    def y(pain: int) -> float:
        return round(bottom - plot_h * pain / 10, 1)

    labels = {day: escape(date_format(day, "j M")) for day in days}  # each date formatted once
    names = ["Overall", *sorted(name for name in series if name != "Overall")]
    shown = [_("Overall") if name == "Overall" else name for name in names]
    styles = [OVERALL_STYLE, *(series_style(n) for n in range(len(names) - 1))]
    label_y = bottom + AXIS_GAP
    entries, legend_bottom = legend(list(zip(shown, styles, strict=True)), label_y + 12)
    lines = []
    for name, label, style, entry in zip(names, shown, styles, entries, strict=True):
        # Worked out here rather than in the template: a long chart has hundreds of points,
        # and each would be a dozen template lookups and a date formatted again.
        coords = [(x(day), y(pain), day, pain) for day, pain in series[name]]
        marker = str(style["marker"])
        point_name = escape(_("%(name)s, week of ") % {"name": label} if weekly else f"{label}, ")
        lines.append(
            {
                **entry,
                "path": " ".join(f"{px},{py}" for px, py, _, _ in coords),
                "markers_d": " ".join(marker_path(marker, px, py) for px, py, _, _ in coords),
                "points": [{"x": px, "y": py, "day": d, "pain": v} for px, py, d, v in coords],
                # An invisible target round each point, whose title a pointer shows.
                "targets": SafeString(
                    "\n".join(
                        f'<circle cx="{px}" cy="{py}" r="8" fill="#fff" fill-opacity="0">'
                        f"<title>{point_name}{labels[day]}: {pain}/10</title></circle>"
                        for px, py, day, pain in coords
                    )
                ),
            }
        )
    if span:
        x_labels = [
            {"x": left, "anchor": "start", "day": first},
            {"x": WIDTH - right, "anchor": "end", "day": last},
        ]
        peak_day, peak = max(overall, key=lambda point: (point[1], point[0]))
        figures = {
            "title": title,
            "first": overall[0][1],
            "first_day": chart_date(overall[0][0]),
            "last": overall[-1][1],
            "last_day": chart_date(overall[-1][0]),
            "peak": peak,
            "peak_day": chart_date(peak_day),
        }
        if weekly:
            summary = (
                _(
                    "%(title)s: overall from %(first)s/10 in the week of %(first_day)s to "
                    "%(last)s/10 in the week of %(last_day)s; highest %(peak)s/10 in the week of "
                    "%(peak_day)s."
                )
                % figures
            )
        else:
            summary = (
                _(
                    "%(title)s: overall from %(first)s/10 on %(first_day)s to %(last)s/10 on "
                    "%(last_day)s; highest %(peak)s/10 on %(peak_day)s."
                )
                % figures
            )
    else:
        x_labels = [{"x": x(first), "anchor": "middle", "day": first}]
        figures = {"title": title, "pain": overall[0][1], "day": chart_date(first)}
        if weekly:
            summary = (
                _("%(title)s: %(pain)s/10 overall in the week of %(day)s, the only week logged.")
                % figures
            )
        else:
            summary = _("%(title)s: %(pain)s/10 overall on %(day)s, the only day logged.") % figures
    grid = [{"y": y(v), "label_y": round(y(v) + 4.5, 1), "value": v} for v in (0, 5, 10)]
    svg = render_to_string(
        "programs/charts/lines.svg",
        {
            "title": title,
            "summary": summary,
            "lines": lines,
            "grid": grid,
            "width": WIDTH,
            "height": round(legend_bottom + 6),
            "font": FONT,
            "text_colour": TEXT_COLOUR,
            "left": left,
            "tick_x": left - 6,
            "right": WIDTH - right,
            "bottom": bottom,
            "x_labels": x_labels,
            "label_y": label_y,
            "weekly": weekly,
        },
    )
    return Chart(svg, summary)


# --- outcome measures ----------------------------------------------------------------------

OUTCOME_STYLE = _style("#0072B2", "", "ring", 3)  # the first series' colour, solid
REFERENCE_STYLE = _style("#D55E00", "6 4", "none", 2)


def number(value: Decimal) -> str:
    """A score as Change.text writes it: 6 for a whole number, 3.2 otherwise."""
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


def important_level(change: Change | None, first: Score) -> Decimal | None:
    """The score at which the change from the first counts as clinically important in the
    better direction, or None when it lies off the scale. It is measured from the score the
    verdict compares (for the PSFS, the mean of the activities rated both times)."""
    instrument = INSTRUMENTS[first.instrument]
    base = change.first if change is not None else first.value
    needed = instrument.important_change or Decimal(0)
    if instrument.important_fraction is not None and base > 0:
        needed = min(needed, base * instrument.important_fraction)
    if instrument.important_for_one is not None:
        compared = change.compared if change is not None else len(first.ratings)
        needed = instrument.important_for_one if compared == 1 else needed
    level = base + needed if instrument.higher_is_better else base - needed
    if not instrument.lowest <= level <= instrument.highest or needed == 0:
        return None
    return level.quantize(Decimal("0.1"))


def outcome_chart(scores: list[Score], change: Change | None, chart_id: str) -> Chart:
    """One outcome measure's scores (0 to 10) over the questionnaires, with a dashed line at the
    score that would be a clinically important improvement on the first. Each point carries
    its value while the values fit side by side, else the first and the latest do; the
    summary, and the table the page shows beside it, give every score in words."""
    instrument = INSTRUMENTS[scores[0].instrument] if scores else None
    title = _("%(measure)s over time") % {"measure": instrument.short_name if instrument else ""}
    context: dict[str, object] = {
        "chart_id": chart_id,
        "title": title,
        "width": WIDTH,
        "font": FONT,
        "text_colour": TEXT_COLOUR,
    }
    if instrument is None:
        summary = _("No answers yet.")
        svg = render_to_string(
            "programs/charts/outcome.svg", {**context, "summary": summary, "height": 120}
        )
        return Chart(svg, summary)
    left, right, top, plot_h, inset = 30, 8, 12, 150, 14
    inner_w, bottom = WIDTH - left - right - 2 * inset, top + plot_h
    first_day, last_day = scores[0].on, scores[-1].on
    span = (last_day - first_day).days

    def x(day: date) -> float:
        if not span:
            return round(left + inset + inner_w / 2, 1)
        return round(left + inset + inner_w * (day - first_day).days / span, 1)

    def y(value: Decimal | int) -> float:
        return round(bottom - plot_h * float(value) / instrument.highest, 1)

    values_fit = len(scores) < 2 or inner_w / (len(scores) - 1) >= text_width("10.0") + 6
    coords = [(x(score.on), y(score.value)) for score in scores]
    points = [
        {
            "x": px,
            "y": py,
            "value": number(score.value),
            "labelled": values_fit or index in (0, len(scores) - 1),
            # Over the point, or under it when the point is at the top of the scale.
            "label_y": round(py - 9 if py - 9 - FONT > 0 else py + 9 + FONT, 1),
        }
        for index, (score, (px, py)) in enumerate(zip(scores, coords, strict=True))
    ]
    level = important_level(change, scores[0])
    names = [(instrument.short_name, OUTCOME_STYLE)]
    if level is not None:
        better = _("or higher") if instrument.higher_is_better else _("or lower")
        names.append(
            (
                _("Clinically important improvement: %(level)s %(better)s")
                % {"level": number(level), "better": better},
                REFERENCE_STYLE,
            )
        )
    label_y = bottom + AXIS_GAP
    entries, legend_bottom = legend(names, label_y + 12)
    x_labels = (
        [
            {"x": left, "anchor": "start", "day": first_day},
            {"x": WIDTH - right, "anchor": "end", "day": last_day},
        ]
        if span
        else [{"x": x(first_day), "anchor": "middle", "day": first_day}]
    )
    listed = "; ".join(
        _("%(value)s on %(day)s") % {"value": number(s.value), "day": date_format(s.on, _("j M"))}
        for s in scores
    )
    summary = f"{title}: {listed}."
    if change is not None:
        summary += f" {change.text}."
    svg = render_to_string(
        "programs/charts/outcome.svg",
        {
            **context,
            "summary": summary,
            "height": round(legend_bottom + 6),
            "grid": [
                {"y": y(v), "label_y": round(y(v) + 4.5, 1), "value": v}
                for v in (0, instrument.highest // 2, instrument.highest)
            ],
            "left": left,
            "tick_x": left - 6,
            "right": WIDTH - right,
            "path": " ".join(f"{px},{py}" for px, py in coords),
            "markers_d": " ".join(marker_path("ring", px, py) for px, py in coords),
            "points": points,
            "style": OUTCOME_STYLE,
            "reference": REFERENCE_STYLE,
            "level_y": y(level) if level is not None else None,
            "entries": entries,
            "x_labels": x_labels,
            "label_y": label_y,
        },
    )
    return Chart(svg, summary)
