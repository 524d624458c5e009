"""The charts read on a phone and on paper: legend under the plot, series told apart by colour,
dash and marker, names whole, one date for one day, and text of at least 12 px at 375 px."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from itertools import combinations, pairwise

import pytest

from exercises.loader import load_library
from programs.adherence import Adherence, adherence
from programs.charts import adherence_chart, pain_chart, pain_series, text_width, weekly_adherence
from programs.models import Program, SessionEntry
from tests.factories import active_program, logged_session

SVG = "{http://www.w3.org/2000/svg}"
PHONE_CONTENT_PX = 375 - 2 * 16  # a 375 px phone less the page's margins
LONG_NAME = "Reverse clamshell with hip abduction and extension"
DAY = date(2025, 11, 21)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def view_box(root: ET.Element) -> tuple[float, float]:
    _, _, width, height = (float(n) for n in root.get("viewBox", "").split())
    return width, height


def group(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f".//{SVG}g[@class='{name}']")
    assert found is not None, f"no <g class='{name}'>"
    return found


def texts(element: ET.Element) -> list[ET.Element]:
    return list(element.iter(f"{SVG}text"))


def legend_names(root: ET.Element) -> list[str]:
    return [
        " ".join(span.text or "" for span in text.iter(f"{SVG}tspan"))
        for text in texts(group(root, "legend"))
    ]


def plot_bottom(root: ET.Element) -> float:
    """The lowest grid line: the zero of the y axis."""
    return max(float(line.get("y1", 0)) for line in group(root, "grid").iter(f"{SVG}line"))


def series(*names: str, days: int = 3) -> dict[str, list[tuple[date, int]]]:
    points = {
        name: [(DAY + timedelta(days=n), (n + i) % 11) for n in range(days)]
        for i, name in enumerate(names)
    }
    overall = {}
    for values in points.values():
        for day, pain in values:
            overall[day] = max(pain, overall.get(day, 0))
    return {"Overall": sorted(overall.items()), **points}


def linear_rgb(colour: str) -> list[float]:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return [linear(int(colour.lstrip("#")[i : i + 2], 16)) for i in (0, 2, 4)]


def contrast_on_white(colour: str) -> float:
    r, g, b = linear_rgb(colour)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


# Machado, Oliveira & Fernandes (2009), full severity, on linear RGB.
VISION = {
    "typical": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    "protanopia": [[0.152, 1.053, -0.205], [0.115, 0.786, 0.099], [-0.004, -0.048, 1.052]],
    "deuteranopia": [[0.367, 0.861, -0.228], [0.280, 0.673, 0.047], [-0.012, 0.043, 0.969]],
    "tritanopia": [[1.256, -0.077, -0.179], [-0.078, 0.931, 0.148], [0.005, 0.691, 0.304]],
}


def seen_as_lab(colour: str, vision: str) -> tuple[float, float, float]:
    rgb = linear_rgb(colour)
    r, g, b = (
        min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True))))
        for row in VISION[vision]
    )
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


FIVE = series("Clamshell", "Bridge", "Side plank", LONG_NAME)


# --- legend --------------------------------------------------------------------------------


def test_the_legend_sits_under_the_plot_and_inside_the_chart():
    root = parse(pain_chart(FIVE).svg)
    width, height = view_box(root)
    bottom = plot_bottom(root)
    axis_dates = [float(text.get("y", 0)) for text in texts(group(root, "x-axis"))]
    legend_rows = [
        float(span.get("y", 0))
        for text in texts(group(root, "legend"))
        for span in text.iter(f"{SVG}tspan")
    ]
    font = max(float(text.get("font-size", 0)) for text in texts(group(root, "legend")))
    # The top of each legend row (baseline less a font size) is below the dates under the plot.
    assert min(legend_rows) - font > max(axis_dates) > bottom
    assert max(legend_rows) + font * 0.3 <= height
    for entry in group(root, "legend").iter(f"{SVG}line"):
        assert float(entry.get("y1", 0)) > bottom
    # No data point lies where the legend is.
    for markers in group(root, "series").iter(f"{SVG}path"):  # a series' markers, one path
        ys = [float(y) for _, y in re.findall(r"M([-\d.]+),([-\d.]+)", markers.get("d", ""))]
        assert ys and max(ys) <= bottom + 6
    for span in group(root, "legend").iter(f"{SVG}tspan"):
        assert float(span.get("x", 0)) + text_width(span.text or "") <= width


def test_every_series_has_its_own_colour_dash_and_marker():
    root = parse(pain_chart(FIVE).svg)
    lines = group(root, "series").findall(f"{SVG}g")
    assert [line.get("data-name") for line in lines] == [
        "Overall",
        "Bridge",
        "Clamshell",
        LONG_NAME,
        "Side plank",
    ]
    strokes, dashes, markers = [], [], []
    for line in lines:
        polyline = line.find(f"{SVG}polyline")
        strokes.append(polyline.get("stroke").lower())
        dashes.append(polyline.get("stroke-dasharray", "solid"))
        shapes = {path.get("class") for path in line.iter(f"{SVG}path")}
        assert len(shapes) == 1, "one marker shape per series"
        markers.append(shapes.pop())
    assert len(set(strokes)) == len(lines)
    assert len(set(dashes)) == len(lines)
    assert len(set(markers)) == len(lines)
    # The legend shows each series as it is drawn: same colour, dash and marker.
    entries = group(root, "legend").findall(f"{SVG}g")
    for line, entry in zip(lines, entries, strict=True):
        sample = entry.find(f"{SVG}line")
        assert sample.get("stroke").lower() == line.find(f"{SVG}polyline").get("stroke").lower()
        assert sample.get("stroke-dasharray") == line.find(f"{SVG}polyline").get("stroke-dasharray")
        assert entry.find(f"{SVG}path").get("class") == line.find(f"{SVG}path").get("class")


def test_series_colours_stand_out_on_white_and_from_each_other():
    names = [f"Exercise {n}" for n in range(6)]
    root = parse(pain_chart(series(*names)).svg)
    colours = [p.get("stroke") for p in group(root, "series").iter(f"{SVG}polyline")]
    assert len(set(colours)) == 7
    for colour in colours:
        assert contrast_on_white(colour) >= 3, colour  # WCAG 1.4.11, lines and shapes
    # Apart to the eye (CIELAB ΔE) with typical vision and in the three colour blindnesses.
    for vision in VISION:
        for a, b in combinations(colours, 2):
            assert math.dist(seen_as_lab(a, vision), seen_as_lab(b, vision)) >= 15, (vision, a, b)


def test_many_series_never_look_alike():
    names = [f"Exercise {n:02}" for n in range(20)]
    root = parse(pain_chart(series(*names)).svg)
    looks = set()
    for line in group(root, "series").findall(f"{SVG}g"):
        polyline = line.find(f"{SVG}polyline")
        looks.add(
            (
                polyline.get("stroke"),
                polyline.get("stroke-dasharray"),
                line.find(f"{SVG}path").get("class"),
            )
        )
    assert len(looks) == 21


# --- names ---------------------------------------------------------------------------------


def test_long_names_are_wrapped_whole_never_cut():
    root = parse(pain_chart(FIVE).svg)
    names = legend_names(root)
    assert names == ["Overall", "Bridge", "Clamshell", LONG_NAME, "Side plank"]
    long = next(
        text for text in texts(group(root, "legend")) if "Reverse" in "".join(text.itertext())
    )
    assert len(long.findall(f"{SVG}tspan")) >= 2  # it needs two lines at this width
    assert "…" not in "".join(root.itertext())


def test_a_name_of_one_very_long_word_is_broken_but_kept():
    word = "Supercalifragilisticexpialidociousstretchingexercise"
    root = parse(pain_chart(series(word)).svg)
    entry = texts(group(root, "legend"))[1]
    assert "".join(span.text for span in entry.iter(f"{SVG}tspan")) == word


def test_legend_names_are_escaped():
    root = parse(pain_chart(series('Band <pull> & "row"')).svg)  # parses: it is valid XML
    assert legend_names(root)[1] == 'Band <pull> & "row"'


# --- dates ---------------------------------------------------------------------------------


def test_one_day_shows_its_date_once_with_the_points_over_it():
    chart = pain_chart(series("Clamshell", days=1))
    root = parse(chart.svg)
    labels = ["".join(text.itertext()) for text in texts(group(root, "x-axis"))]
    assert labels == ["21 Nov"]
    axis_x = float(texts(group(root, "x-axis"))[0].get("x", 0))
    for point in group(root, "points").iter(f"{SVG}circle"):
        assert float(point.get("cx", 0)) == axis_x
    assert "21 Nov to" not in chart.summary
    assert chart.summary.count("21 Nov") == 1


def test_several_days_show_the_first_and_last_date():
    root = parse(pain_chart(series("Clamshell", days=5)).svg)
    labels = ["".join(text.itertext()) for text in texts(group(root, "x-axis"))]
    assert labels == ["21 Nov", "25 Nov"]


@pytest.mark.parametrize("weeks", [1, 4, 8, 12, 26])
def test_week_labels_never_run_into_each_other_and_the_latest_is_shown(weeks):
    monday = date(2025, 11, 17)
    points = [(monday - timedelta(weeks=weeks - 1 - n), Adherence(n % 7, 6)) for n in range(weeks)]
    root = parse(adherence_chart(points).svg)
    width, _ = view_box(root)
    labels = texts(group(root, "x-axis"))
    assert "".join(labels[-1].itertext()) == "17 Nov"
    spans = []
    for label in labels:
        middle, half = float(label.get("x", 0)), text_width("".join(label.itertext())) / 2
        spans.append((middle - half, middle + half))
    assert spans[0][0] >= 0 and spans[-1][1] <= width
    for (_, end), (start, _) in pairwise(spans):
        assert start > end
    values = texts(group(root, "bars"))
    for a, b in pairwise(values):
        right = float(a.get("x", 0)) + text_width("".join(a.itertext())) / 2
        left = float(b.get("x", 0)) - text_width("".join(b.itertext())) / 2
        assert left > right


# --- size on a phone -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "chart",
    [
        pytest.param(lambda: pain_chart(FIVE), id="pain"),
        pytest.param(lambda: pain_chart({}), id="pain-empty"),
        pytest.param(
            lambda: adherence_chart(
                [(DAY - timedelta(weeks=n), Adherence(n, 8)) for n in range(8, 0, -1)]
            ),
            id="adherence",
        ),
    ],
)
def test_text_is_at_least_12px_on_a_375px_phone(chart):
    """The SVG is drawn PHONE_CONTENT_PX wide, so a font size of f viewBox units shows at
    f × PHONE_CONTENT_PX / viewBox width pixels."""
    root = parse(chart().svg)
    width, _ = view_box(root)
    sizes = [float(text.get("font-size", 0)) for text in texts(root)]
    assert sizes
    for size in sizes:
        assert size * PHONE_CONTENT_PX / width >= 12


# --- in a real browser ---------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [375, 1280])
def test_in_chromium_text_is_12px_whole_and_clear_of_the_plot(page, viewport):
    """Rendered at 375 and 1280 px: every text is at least 12 px, inside the chart, clear of
    every other text, and the legend is under the plot."""
    points = [(DAY - timedelta(weeks=n), Adherence(n, 8)) for n in range(8, 0, -1)]
    page.set_viewport_size({"width": viewport, "height": 900})
    page.set_content(
        '<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1">'
        '<body style="margin: 0 16px; font-family: sans-serif">'
        f"<figure style='margin: 0'>{pain_chart(FIVE).svg}</figure>"
        f"<figure style='margin: 0'>{adherence_chart(points).svg}</figure>"
        "<style>svg { width: 100%; height: auto; display: block }</style>"
    )
    report = page.evaluate(
        """() => [...document.querySelectorAll('svg')].map(svg => {
            const box = svg.getBoundingClientRect();
            const scale = box.width / svg.viewBox.baseVal.width;
            const texts = [...svg.querySelectorAll('text')].map(t => {
                const r = t.getBoundingClientRect();
                return {text: t.textContent, left: r.left, right: r.right, top: r.top,
                        bottom: r.bottom, px: parseFloat(t.getAttribute('font-size')) * scale,
                        legend: !!t.closest('.legend')};
            });
            const grid = [...svg.querySelectorAll('.grid line')].map(
                l => l.getBoundingClientRect().bottom);
            return {box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
                    texts, plotBottom: Math.max(...grid)};
        })"""
    )
    for chart in report:
        box = chart["box"]
        for text in chart["texts"]:
            assert text["px"] >= 12, text
            assert box["left"] <= text["left"] and text["right"] <= box["right"] + 0.5, text
            assert box["top"] <= text["top"] and text["bottom"] <= box["bottom"] + 0.5, text
            if text["legend"]:
                assert text["top"] >= chart["plotBottom"], text
        for a, b in combinations(chart["texts"], 2):
            apart = (
                a["right"] <= b["left"]
                or b["right"] <= a["left"]
                or a["bottom"] <= b["top"]
                or b["bottom"] <= a["top"]
            )
            assert apart, (a, b)


# --- the figures behind the charts -----------------------------------------------------------


@pytest.fixture
def logged(db, clinician_a, patient_a):
    """Two exercises over two weeks. Monday 10 Nov: clamshell pain 2, reverse 5; Wednesday
    12 Nov: clamshell 6; Monday 17 Nov: both 3; Thursday 20 Nov: reverse 4."""
    load_library()
    program = active_program(patient_a, clinician_a, start=date(2025, 11, 10))
    for day, clamshell, reverse in [
        (date(2025, 11, 10), 2, 5),
        (date(2025, 11, 12), 6, None),
        (date(2025, 11, 17), 3, 3),
        (date(2025, 11, 20), None, 4),
    ]:
        session = logged_session(program, day)
        for name, pain in (("Clamshell", clamshell), ("Reverse clamshell", reverse)):
            SessionEntry.objects.filter(session=session, exercise_name=name).update(pain=pain)
    return program


def test_pain_by_day_is_the_highest_of_each_day(logged, django_assert_num_queries):

    with django_assert_num_queries(1):
        series = pain_series([logged])
    assert series == {
        "Overall": [
            (date(2025, 11, 10), 5),
            (date(2025, 11, 12), 6),
            (date(2025, 11, 17), 3),
            (date(2025, 11, 20), 4),
        ],
        "Clamshell": [(date(2025, 11, 10), 2), (date(2025, 11, 12), 6), (date(2025, 11, 17), 3)],
        "Reverse clamshell": [
            (date(2025, 11, 10), 5),
            (date(2025, 11, 17), 3),
            (date(2025, 11, 20), 4),
        ],
    }


def test_pain_by_week_is_the_worst_of_each_week_dated_its_monday(logged, django_assert_num_queries):

    with django_assert_num_queries(1):
        series = pain_series([logged], weekly=True)
    first, second = date(2025, 11, 10), date(2025, 11, 17)
    assert series == {
        "Overall": [(first, 6), (second, 4)],
        "Clamshell": [(first, 6), (second, 3)],
        "Reverse clamshell": [(first, 5), (second, 4)],
    }
    chart = pain_chart(series, "Worst pain per week", weekly=True)
    assert chart.summary == (
        "Worst pain per week: overall from 6/10 in the week of 10 Nov to 4/10 in the week of "
        "17 Nov; highest 6/10 in the week of 10 Nov."
    )
    assert "Overall, week of 10 Nov: 6/10" in chart.svg


def test_pain_since_a_day_leaves_out_the_days_before(logged):

    series = pain_series([logged], since=date(2025, 11, 17))
    assert series["Overall"] == [(date(2025, 11, 17), 3), (date(2025, 11, 20), 4)]
    assert pain_series([logged], since=date(2025, 11, 21)) == {}


@pytest.mark.parametrize("weeks", [1, 4, 26])
def test_weekly_adherence_costs_two_queries_however_many_weeks(
    logged, weeks, django_assert_num_queries
):

    today = date(2025, 11, 23)
    program = Program.objects.select_related("clinic").get(pk=logged.pk)
    with django_assert_num_queries(2):
        points = weekly_adherence([program], today, weeks=weeks)
    assert len(points) == weeks
    # and each week's figure is adherence()'s own for that week
    for monday, result in points:
        assert result == adherence(logged, today, start=monday, end=monday + timedelta(days=6))
    if weeks >= 2:
        assert [r.done for _, r in points[-2:]] == [4, 4]  # two days of both exercises a week
