"""Server-rendered SVG charts: adherence per week and pain over time.

Each chart is an SVG (from templates/charts/, so every label is escaped) with a title, a
description, and a sentence that says the same in words; the handouts reuse them as they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from programs.adherence import Adherence, adherence, week_start
from programs.models import Program, ProgramVersion, SessionEntry

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36
COLOURS = ["#0b5e6b", "#c2410c", "#6d28d9", "#15803d", "#b91c1c", "#1d4ed8", "#a16207"]


@dataclass
class Chart:
    svg: SafeString
    summary: str


def weekly_adherence(
    programs: list[Program], today: date, weeks: int = 8
) -> list[tuple[date, Adherence]]:
    """Adherence of each of the last `weeks` calendar weeks, oldest first, for the programs."""
    versions: dict[int, list[ProgramVersion]] = defaultdict(list)
    for version in ProgramVersion.objects.filter(program__in=programs).order_by("number"):
        versions[version.program_id].append(version)
    this_week = week_start(today)
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
            )
        points.append((monday, total))
    return points


def adherence_chart(
    points: list[tuple[date, Adherence]], title: str = "Adherence per week"
) -> Chart:
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / max(len(points), 1)
    bars = []
    for index, (monday, result) in enumerate(points):
        percent = result.percent
        height = inner_h * (percent or 0) / 100
        bars.append(
            {
                "x": round(LEFT + index * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(TOP + inner_h - height, 1),
                "height": round(height, 1),
                "label_x": round(LEFT + index * slot + slot / 2, 1),
                "week": monday,
                "percent": percent,
            }
        )
    measured = [(monday, r.percent) for monday, r in points if r.percent is not None]
    if measured:
        summary = title + ": " + "; ".join(f"week of {m:%d %b} {p}%" for m, p in measured) + "."
    else:
        summary = f"{title}: nothing was scheduled in these weeks."
    grid = [{"y": round(TOP + inner_h - inner_h * v / 100, 1), "value": v} for v in (0, 50, 100)]
    svg = render_to_string(
        "charts/bars.svg",
        {
            "title": title,
            "summary": summary,
            "bars": bars,
            "grid": grid,
            "width": WIDTH,
            "height": HEIGHT,
            "left": LEFT,
            "right": WIDTH - RIGHT,
            "baseline": TOP + inner_h,
            "label_y": HEIGHT - 12,
        },
    )
    return Chart(svg, summary)


def pain_series(programs: list[Program]) -> dict[str, list[tuple[date, int]]]:
    """Pain by day: "Overall" (the highest of each day) and one series per exercise."""
    series: dict[str, dict[date, int]] = defaultdict(dict)
    rows = (
        SessionEntry.objects.filter(session__program__in=programs, pain__isnull=False)
        .values_list("exercise_name", "session__date", "pain")
        .order_by("session__date")
    )
    for name, day, pain in rows:
        for key in ("Overall", name):
            series[key][day] = max(pain, series[key].get(day, 0))
    return {name: sorted(days.items()) for name, days in series.items()}


def pain_chart(series: dict[str, list[tuple[date, int]]], title: str = "Pain over time") -> Chart:
    days = sorted({day for points in series.values() for day, _ in points})
    overall = series.get("Overall", [])
    if not days:
        summary = f"{title}: no pain scores logged yet."
        svg = render_to_string(
            "charts/lines.svg",
            {"title": title, "summary": summary, "width": WIDTH, "height": HEIGHT, "lines": []},
        )
        return Chart(svg, summary)
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return round(LEFT + inner_w * (day - first).days / span, 1)

    def y(pain: int) -> float:
        return round(TOP + inner_h - inner_h * pain / 10, 1)

    lines = []
    names = ["Overall", *sorted(name for name in series if name != "Overall")]
    for index, name in enumerate(names):
        points = [
            {"x": x(day), "y": y(pain), "day": day, "pain": pain} for day, pain in series[name]
        ]
        lines.append(
            {
                "name": name,
                "colour": COLOURS[index % len(COLOURS)],
                "width": 4 if name == "Overall" else 2,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
                "points": points,
                "legend_y": TOP + 14 + 16 * index,
            }
        )
    peak_day, peak = max(overall, key=lambda point: (point[1], point[0]))
    summary = (
        f"{title}: overall from {overall[0][1]}/10 on {overall[0][0]:%d %b} to "
        f"{overall[-1][1]}/10 on {overall[-1][0]:%d %b}; highest {peak}/10 on {peak_day:%d %b}."
    )
    grid = [{"y": y(v), "value": v} for v in (0, 5, 10)]
    svg = render_to_string(
        "charts/lines.svg",
        {
            "title": title,
            "summary": summary,
            "lines": lines,
            "grid": grid,
            "width": WIDTH,
            "height": HEIGHT,
            "left": LEFT,
            "right": WIDTH - RIGHT,
            "first": first,
            "last": last,
            "label_y": HEIGHT - 12,
            "legend_x": WIDTH - RIGHT - 170,
        },
    )
    return Chart(svg, summary)
