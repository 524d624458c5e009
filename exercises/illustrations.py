"""Drawings of the seeded exercises, built from simple poses.

Each drawing shows the start position in full colour, the end position faded, and an arrow for
the movement. Run `python -m exercises.illustrations` to rewrite the SVG files after a change;
a test checks that the committed files match this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

OUT = Path(__file__).parent / "static" / "exercises" / "illustrations"
WIDTH, HEIGHT = 400, 260
BODY = "#0b5e6b"
SKIN_FADED = 0.3
ARROW = "#c2410c"
BAND = "#be185d"
MAT = "#dbe4e6"
LIMB = 20
Point = tuple[float, float]
Stroke = list[Point]  # a limb or the torso, joint by joint


@dataclass
class Pose:
    head: Point
    head_r: float = 19
    strokes: list[Stroke] = field(default_factory=list)  # torso, arms, legs


@dataclass
class Drawing:
    slug: str
    title: str
    description: str
    start: Pose
    end: Pose | None = None  # faded, only the strokes that move
    end_strokes: list[Stroke] = field(default_factory=list)
    arrows: list[tuple[Point, Point, Point]] = field(default_factory=list)  # from, bend, to
    bands: list[tuple[Point, Point]] = field(default_factory=list)
    mat: bool = True


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
    if drawing.mat:
        parts.append(f'<polygon points="40,150 372,150 392,236 16,236" fill="{MAT}"/>')
    else:
        parts.append(f'<rect x="96" y="8" width="208" height="246" rx="10" fill="{MAT}"/>')
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
    for start, bend, end in drawing.arrows:
        parts.append(arrow(start, bend, end))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


# --- poses -----------------------------------------------------------------------------------
# Side-lying, seen from the front: head on the left, hips in the middle, knees bent forward.
SIDE_HEAD = (60, 140)
SIDE_TORSO: Stroke = [(90, 152), (200, 160)]
SIDE_ARM: Stroke = [(96, 160), (66, 172), (36, 166)]  # lower arm under the head
TOP_ARM: Stroke = [(104, 142), (160, 140), (192, 150)]  # top hand resting on the hip
BOTTOM_LEG: Stroke = [(200, 168), (292, 204), (222, 214)]  # hip, knee, foot (in line with the hip)
TOP_LEG: Stroke = [(200, 154), (292, 188), (222, 200)]


def side_lying(*extra: list[Point], top_leg: list[Point] | None = None) -> Pose:
    strokes = [SIDE_TORSO, SIDE_ARM, BOTTOM_LEG, top_leg or TOP_LEG, TOP_ARM, *extra]
    return Pose(head=SIDE_HEAD, strokes=strokes)


CLAMSHELL_OPEN: Stroke = [(200, 154), (278, 100), (222, 200)]  # top knee lifted, feet together
REVERSE_OPEN: Stroke = [(200, 154), (292, 188), (244, 128)]  # knees together, top foot lifted

DRAWINGS = [
    Drawing(
        slug="clamshell",
        title="Clamshell",
        description=(
            "A person lies on their side with hips and knees bent and feet together. "
            "The top knee lifts up and away from the bottom knee; the feet stay touching."
        ),
        start=side_lying(),
        end_strokes=[CLAMSHELL_OPEN],
        arrows=[((306, 172), (320, 124), (292, 96))],
    ),
    Drawing(
        slug="clamshell-loop-band",
        title="Clamshell with loop band",
        description=(
            "The clamshell with a loop band around both thighs just above the knees. "
            "The top knee lifts against the band while the feet stay together."
        ),
        start=side_lying(),
        end_strokes=[CLAMSHELL_OPEN],
        bands=[((270, 178), (270, 200))],
        arrows=[((306, 172), (320, 124), (292, 96))],
    ),
    Drawing(
        slug="reverse-clamshell",
        title="Reverse clamshell",
        description=(
            "A person lies on their side with knees bent to a right angle and together. "
            "The top foot lifts up while the knees stay touching."
        ),
        start=side_lying(),
        end_strokes=[REVERSE_OPEN],
        arrows=[((206, 192), (196, 140), (230, 122))],
    ),
    Drawing(
        slug="reverse-clamshell-mini-band",
        title="Reverse clamshell with mini band",
        description=(
            "The reverse clamshell with a mini band around both feet. "
            "The top foot lifts against the band while the knees stay together."
        ),
        start=side_lying(),
        end_strokes=[REVERSE_OPEN],
        bands=[((222, 198), (222, 214))],
        arrows=[((206, 186), (196, 140), (230, 122))],
    ),
    Drawing(
        slug="reverse-clamshell-abduction-extension",
        title="Reverse clamshell with hip abduction and extension",
        description=(
            "A person lies on their side. The top leg is lifted level with the floor and moved "
            "back in line with the body, knee bent. From there the top foot lifts a little."
        ),
        start=side_lying(top_leg=[(200, 140), (292, 136), (292, 190)]),
        end_strokes=[[(200, 140), (292, 136), (338, 160)]],
        arrows=[((314, 196), (346, 192), (344, 170))],
    ),
    Drawing(
        slug="side-lying-leg-raise",
        title="Side-lying leg raise",
        description=(
            "A person lies on their side propped on the lower elbow, legs straight and stacked. "
            "The straight top leg lifts up away from the bottom leg."
        ),
        start=Pose(
            head=(70, 112),
            strokes=[
                [(92, 134), (215, 176)],  # torso, propped up
                [(96, 140), (96, 196), (58, 196)],  # forearm on the floor
                [(215, 186), (366, 196)],  # bottom leg
                [(215, 172), (366, 182)],  # top leg
                [(112, 138), (180, 160)],  # top arm along the body
            ],
        ),
        end_strokes=[[(215, 172), (356, 104)]],
        arrows=[((370, 164), (384, 130), (364, 102))],
    ),
    Drawing(
        slug="windshield-wiper-stretch",
        title="Single-leg windshield-wiper stretch",
        description=(
            "Seen from above: a person lies on their back with knees bent and feet wider than "
            "the hips. One knee falls inward toward the other leg while the other knee stays "
            "still."
        ),
        start=Pose(
            head=(200, 34),
            head_r=20,
            strokes=[
                [(200, 66), (200, 140)],  # torso
                [(184, 72), (158, 140)],  # arms by the sides
                [(216, 72), (242, 140)],
                [(212, 148), (262, 196), (272, 236), (286, 240)],  # left leg stays still
                [(188, 148), (138, 196), (128, 236), (114, 240)],  # right leg, start
            ],
        ),
        end_strokes=[[(188, 148), (206, 206), (128, 236)]],
        arrows=[((128, 186), (150, 222), (192, 214))],
        mat=False,
    ),
]


def write_all() -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for drawing in DRAWINGS:
        path = OUT / f"{drawing.slug}.svg"
        path.write_text(render(drawing), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path)
