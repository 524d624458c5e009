"""The drawing style every exercise shares, and the shapes drawings are built from.

A drawing shows the start position in full colour, the end position faded, and an arrow for the
movement, with the equipment drawn (band, step, chair, wall, stick, weight). A body is a head and
thick strokes joint by joint; `chain()` builds a limb from segment lengths and angles so every
figure keeps the same proportions (see BODY_* below).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

OUT = Path(__file__).parent.parent / "static" / "exercises" / "illustrations"


def static_path(slug: str) -> str:
    """Where an exercise's drawing is found among the static files."""
    return f"exercises/illustrations/{slug}.svg"


WIDTH, HEIGHT = 400, 260
BODY = "#0b5e6b"
SKIN_FADED = 0.3
ARROW = "#c2410c"
BAND = "#be185d"
MAT = "#dbe4e6"
PROP = "#94a3b8"  # furniture: chair, step, table, wall
PROP_DARK = "#64748b"
WOOD = "#92400e"  # a stick or broom handle
WEIGHT = "#334155"
LIMB = 20
FLOOR_Y = 236  # where feet stand in side and front views
Point = tuple[float, float]
Stroke = list[Point]  # a limb or the torso, joint by joint
Scene = Literal["mat", "above", "floor"]

# Body proportions in drawing units, so every figure has the same build. A standing figure
# is about 215 units from feet to the top of the head.
HEAD_R = 19
NECK = 12
TORSO = 78
UPPER_ARM = 44
FOREARM = 40
THIGH = 58
SHIN = 56
FOOT = 22


def chain(start: Point, *segments: tuple[float, float]) -> Stroke:
    """A limb from its root: each segment is (length, angle in degrees). Angles are measured
    as on a clock face turned to screen axes: 0 points right, 90 down, 180 left, 270 up."""
    points = [start]
    x, y = start
    for length, degrees in segments:
        x += length * math.cos(math.radians(degrees))
        y += length * math.sin(math.radians(degrees))
        points.append((round(x, 1), round(y, 1)))
    return points


def toward(a: Point, b: Point, distance: float) -> Point:
    """The point `distance` along the line from a to b (past b if distance is longer)."""
    (x1, y1), (x2, y2) = a, b
    length = math.hypot(x2 - x1, y2 - y1) or 1
    return (
        round(x1 + (x2 - x1) * distance / length, 1),
        round(y1 + (y2 - y1) * distance / length, 1),
    )


# --- equipment: each returns SVG to put in Drawing.props (behind the body) or .front ---------


def chair(x: float, facing: Literal["left", "right"] = "right", seat_y: float = 168) -> str:
    """A side-view chair: `x` is the front edge of the seat, the back on the far side."""
    depth = 62
    back_x = x - depth if facing == "right" else x + depth
    left = min(x, back_x)
    return (
        f'<g fill="{PROP}">'
        f'<rect x="{left:g}" y="{seat_y:g}" width="{depth:g}" height="9" rx="3"/>'
        f'<rect x="{back_x - 4:g}" y="{seat_y - 70:g}" width="8" '
        f'height="{FLOOR_Y - seat_y + 70:g}" rx="3"/>'
        f'<rect x="{x - 4:g}" y="{seat_y:g}" width="7" height="{FLOOR_Y - seat_y:g}" rx="3"/>'
        "</g>"
    )


def step(x: float, width: float = 120, height: float = 34) -> str:
    """A box step standing on the floor, its left edge at x."""
    return (
        f'<rect x="{x:g}" y="{FLOOR_Y - height:g}" width="{width:g}" height="{height:g}" rx="3" '
        f'fill="{PROP}"/>'
    )


def wall(x: float, side: Literal["left", "right"] = "right") -> str:
    """A wall from the top of the picture to the floor, its face at x."""
    left = x if side == "right" else x - 18
    return f'<rect x="{left:g}" y="0" width="18" height="{FLOOR_Y:g}" fill="{PROP}"/>'


def doorway(x: float) -> str:
    """The two sides of a door frame seen from above the shoulders: a post at x."""
    return f'<rect x="{x - 7:g}" y="24" width="14" height="{FLOOR_Y - 24:g}" fill="{PROP_DARK}"/>'


def table(x: float, width: float = 150, top_y: float = 150) -> str:
    """A side-view table, its left edge at x."""
    return (
        f'<g fill="{PROP}">'
        f'<rect x="{x:g}" y="{top_y:g}" width="{width:g}" height="9" rx="3"/>'
        f'<rect x="{x + 8:g}" y="{top_y:g}" width="7" height="{FLOOR_Y - top_y:g}"/>'
        f'<rect x="{x + width - 15:g}" y="{top_y:g}" width="7" height="{FLOOR_Y - top_y:g}"/>'
        "</g>"
    )


def stick(a: Point, b: Point) -> str:
    (x1, y1), (x2, y2) = a, b
    return (
        f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="{WOOD}" '
        f'stroke-width="7" stroke-linecap="round"/>'
    )


def dumbbell(center: Point, vertical: bool = False) -> str:
    """A small hand weight held at `center`."""
    cx, cy = center
    if vertical:
        return (
            f'<g fill="{WEIGHT}"><rect x="{cx - 3:g}" y="{cy - 16:g}" width="6" height="32"/>'
            f'<rect x="{cx - 9:g}" y="{cy - 20:g}" width="18" height="9" rx="2"/>'
            f'<rect x="{cx - 9:g}" y="{cy + 11:g}" width="18" height="9" rx="2"/></g>'
        )
    return (
        f'<g fill="{WEIGHT}"><rect x="{cx - 16:g}" y="{cy - 3:g}" width="32" height="6"/>'
        f'<rect x="{cx - 20:g}" y="{cy - 9:g}" width="9" height="18" rx="2"/>'
        f'<rect x="{cx + 11:g}" y="{cy - 9:g}" width="9" height="18" rx="2"/></g>'
    )


def towel_roll(center: Point, radius: float = 13) -> str:
    cx, cy = center
    return (
        f'<circle cx="{cx:g}" cy="{cy:g}" r="{radius:g}" fill="#e2e8f0" stroke="{PROP_DARK}" '
        f'stroke-width="3"/><circle cx="{cx:g}" cy="{cy:g}" r="{radius / 2.5:g}" fill="none" '
        f'stroke="{PROP_DARK}" stroke-width="2"/>'
    )


def ball(center: Point, radius: float = 12) -> str:
    cx, cy = center
    return f'<circle cx="{cx:g}" cy="{cy:g}" r="{radius:g}" fill="#f59e0b"/>'


def band_line(*points: Point) -> str:
    """A long resistance band, strap or towel pulled between points (tied, held or looped)."""
    return polyline(list(points), color=BAND, width=6)


def strap(*points: Point) -> str:
    """A towel or strap held in the hands: a wide, pale band."""
    return polyline(list(points), color="#a16207", width=7)


def anchor(point: Point) -> str:
    """Where a band is tied (a door handle or a post): a small dark knob."""
    x, y = point
    return f'<circle cx="{x:g}" cy="{y:g}" r="7" fill="{PROP_DARK}"/>'


@dataclass
class Pose:
    head: Point
    head_r: float = 19
    strokes: list[Stroke] = field(default_factory=list)  # torso, arms, legs


@dataclass
class Drawing:
    """One exercise's picture. `scene`: "mat" (lying or kneeling, a mat seen at a slant),
    "floor" (standing or sitting, seen from the side or the front, feet on FLOOR_Y) or "above"
    (lying, seen from above). `props` are drawn behind the body, `front` in front of it."""

    slug: str
    title: str
    description: str
    start: Pose
    end_head: Point | None = None  # faded head, when the whole body moves
    end_strokes: list[Stroke] = field(default_factory=list)  # faded: only the parts that move
    arrows: list[tuple[Point, Point, Point]] = field(default_factory=list)  # from, bend, to
    bands: list[tuple[Point, Point]] = field(default_factory=list)  # loop or mini band
    scene: Scene = "mat"
    props: list[str] = field(default_factory=list)
    front: list[str] = field(default_factory=list)


def polyline(
    points: list[Point], opacity: float = 1.0, color: str = BODY, width: int = LIMB
) -> str:
    path = " ".join(f"{x:g},{y:g}" for x, y in points)
    fade = f' opacity="{opacity:g}"' if opacity < 1 else ""
    return (
        f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="{width}" '
        f'stroke-linecap="round" stroke-linejoin="round"{fade}/>'
    )


def arrow(start: Point, bend: Point, end: Point) -> str:
    (x1, y1), (bx, by), (x2, y2) = start, bend, end
    return (
        f'<path d="M{x1:g},{y1:g} Q{bx:g},{by:g} {x2:g},{y2:g}" fill="none" stroke="{ARROW}" '
        f'stroke-width="5" stroke-linecap="round" marker-end="url(#arrowhead)"/>'
    )


def band(a: Point, b: Point) -> str:
    (x1, y1), (x2, y2) = a, b
    cx, cy, rx, ry = (x1 + x2) / 2, (y1 + y2) / 2, 9, abs(y2 - y1) / 2 + 12
    return (
        f'<ellipse cx="{cx:g}" cy="{cy:g}" rx="{rx:g}" ry="{ry:g}" fill="none" stroke="{BAND}" '
        f'stroke-width="6"/>'
    )


def render(drawing: Drawing) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="title desc">',
        f'<title id="title">{escape(drawing.title)}</title>',
        f'<desc id="desc">{escape(drawing.description)}</desc>',
        '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="6" refY="5" '
        'markerWidth="4" markerHeight="4" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{ARROW}"/></marker></defs>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    if drawing.scene == "mat":
        parts.append(f'<polygon points="40,150 372,150 392,236 16,236" fill="{MAT}"/>')
    elif drawing.scene == "above":
        parts.append(f'<rect x="96" y="8" width="208" height="246" rx="10" fill="{MAT}"/>')
    else:
        parts.append(
            f'<rect x="0" y="{FLOOR_Y}" width="{WIDTH}" height="{HEIGHT - FLOOR_Y}" fill="{MAT}"/>'
        )
    parts.extend(drawing.props)
    if drawing.end_head is not None:
        ex, ey = drawing.end_head
        parts.append(
            f'<circle cx="{ex:g}" cy="{ey:g}" r="{drawing.start.head_r:g}" fill="{BODY}" '
            f'opacity="{SKIN_FADED:g}"/>'
        )
    for stroke in drawing.end_strokes:
        parts.append(polyline(stroke, SKIN_FADED))
    hx, hy = drawing.start.head
    parts.append(f'<circle cx="{hx:g}" cy="{hy:g}" r="{drawing.start.head_r:g}" fill="{BODY}"/>')
    for stroke in drawing.start.strokes:
        # A white rim keeps limbs that lie on top of each other apart.
        parts.append(polyline(stroke, color="#ffffff", width=LIMB + 5))
        parts.append(polyline(stroke))
    for a, b in drawing.bands:
        parts.append(band(a, b))
    parts.extend(drawing.front)
    for start, bend, end in drawing.arrows:
        parts.append(arrow(start, bend, end))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
