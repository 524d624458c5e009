"""Drawings for the balance exercises: standing and walking next to a kitchen counter.

Every drawing has a small inset in the top left corner: the footprints seen from above, so the
foot placement (together, heel to toe, one foot) reads even where the side view hides it.
"""

from __future__ import annotations

from exercises.illustrations.core import (
    ARROW,
    BODY,
    MAT,
    SKIN_FADED,
    Drawing,
    Point,
    Pose,
    Stroke,
    table,
)

COUNTER_Y = 122  # top of the kitchen counter, about hip height

# --- footprints inset ------------------------------------------------------------------------


def _foot(x: float, y: float, faded: bool = False) -> str:
    """One footprint seen from above, toes pointing up: a sole, wide at the ball of the foot
    and narrow at the heel, and a separate pad for the toes."""
    fade = f' opacity="{SKIN_FADED:g}"' if faded else ""
    sole = (
        f"M{x:g},{y + 13:g} C{x - 6:g},{y + 13:g} {x - 5:g},{y + 3:g} {x - 7:g},{y - 4:g} "
        f"C{x - 8:g},{y - 10:g} {x - 4:g},{y - 12:g} {x:g},{y - 12:g} "
        f"C{x + 4:g},{y - 12:g} {x + 8:g},{y - 10:g} {x + 7:g},{y - 4:g} "
        f"C{x + 5:g},{y + 3:g} {x + 6:g},{y + 13:g} {x:g},{y + 13:g} Z"
    )
    return (
        f'<g fill="{BODY}"{fade}><path d="{sole}"/>'
        f'<ellipse cx="{x:g}" cy="{y - 17:g}" rx="6.5" ry="3.5"/></g>'
    )


def feet_inset(*feet: tuple[float, float, bool], step: tuple[Point, Point] | None = None) -> str:
    """A pale card in the top left with footprints (x, y, faded) in card coordinates (0-80 wide,
    0-90 high) and, optionally, an arrow from one point to another for the direction of travel."""
    parts = [
        '<g transform="translate(12 10)">',
        f'<rect width="80" height="92" rx="8" fill="{MAT}"/>',
        *(_foot(x, y, faded) for x, y, faded in feet),
    ]
    if step is not None:
        (x1, y1), (x2, y2) = step
        parts.append(
            f'<path d="M{x1:g},{y1:g} L{x2:g},{y2:g}" stroke="{ARROW}" stroke-width="4" '
            f'stroke-linecap="round" marker-end="url(#arrowhead)"/>'
        )
    parts.append("</g>")
    return "".join(parts)


FEET_TOGETHER = feet_inset((33, 52, False), (47, 52, False))
HEEL_TO_TOE = feet_inset((40, 66, False), (40, 32, False))
ONE_FOOT = feet_inset((33, 52, False), (50, 46, True))
WALK_FORWARD = feet_inset((30, 72, False), (30, 38, False), step=((58, 76), (58, 24)))
WALK_BACKWARD = feet_inset((30, 72, False), (30, 38, False), step=((58, 24), (58, 76)))
SIDE_STEP = feet_inset((22, 58, False), (36, 58, False), (62, 58, True), step=((24, 24), (64, 24)))


# --- the counter -----------------------------------------------------------------------------


def counter_behind(x: float = 96, width: float = 292) -> str:
    """A long kitchen counter behind a figure seen from the side."""
    return table(x, width=width, top_y=COUNTER_Y)


# --- standing figure, seen from the side, facing right ---------------------------------------
# Feet on the floor (stroke centre at y 226, so the round ends touch the floor at 236), hips at
# 132, shoulders at 62, head centre at 32.


def side_leg(hip: Point, ankle_x: float, lift: float = 0) -> Stroke:
    """A straight standing leg from the hip to the ankle and a foot pointing right."""
    hx, hy = hip
    ankle = (ankle_x, 226 - lift)
    knee = ((hx + ankle_x) / 2, (hy + ankle[1]) / 2)
    return [hip, knee, ankle, (ankle_x + 20, ankle[1])]


def side_figure(x: float, *, feet: tuple[float, float], arm: Stroke, far_arm: Stroke) -> Pose:
    """A person standing tall, seen from the side, facing right; `feet` are the ankle x of the far
    and the near leg."""
    hip = (x, 132)
    return Pose(
        head=(x + 3, 32),
        strokes=[
            far_arm,
            side_leg(hip, feet[0]),
            [(x, 62), hip],
            side_leg(hip, feet[1]),
            arm,
        ],
    )


def hand_on_counter(x: float, reach: float = 26, lift: float = 0) -> Stroke:
    """The near arm from the shoulder down to a hand resting on the counter (or hovering)."""
    return [(x, 66), (x + 6, 104), (x + reach, COUNTER_Y - 8 - lift)]


# --- standing figure, seen from the front ---------------------------------------------------


def front_figure(x: float, *, left_leg: Stroke, right_leg: Stroke, arms: list[Stroke]) -> Pose:
    return Pose(head=(x, 32), strokes=[[(x, 62), (x, 130)], left_leg, right_leg, *arms])


def front_leg(hip: Point, ankle: Point, toe_dx: float) -> Stroke:
    (hx, hy), (ax, ay) = hip, ankle
    return [hip, ((hx + ax) / 2, (hy + ay) / 2), ankle, (ax + toe_dx, ay + 2)]


# --- the drawings ----------------------------------------------------------------------------

STAND_X = 200

feet_together = Drawing(
    slug="feet-together-stance",
    title="Standing with feet together",
    description=(
        "Seen from the front: a person stands tall next to a kitchen counter with the feet "
        "together and touching. One hand rests on the counter; the faded hand lifts just above "
        "it as balance improves. A small picture shows the two feet side by side."
    ),
    start=front_figure(
        STAND_X,
        left_leg=front_leg((192, 134), (192, 226), -8),
        right_leg=front_leg((208, 134), (208, 226), 8),
        arms=[
            [(186, 68), (178, 106), (174, 142)],
            [(214, 68), (240, 100), (268, COUNTER_Y - 8)],
        ],
    ),
    end_strokes=[[(214, 68), (246, 88), (282, COUNTER_Y - 40)]],
    arrows=[((300, COUNTER_Y - 10), (310, COUNTER_Y - 26), (302, COUNTER_Y - 40))],
    scene="floor",
    props=[table(250, width=130, top_y=COUNTER_Y)],
    front=[FEET_TOGETHER],
)

tandem_stance = Drawing(
    slug="tandem-stance",
    title="Heel-to-toe standing",
    description=(
        "Seen from the side: a person stands tall beside a kitchen counter with one foot right "
        "in front of the other, the front heel touching the back toes. One hand rests on the "
        "counter; the faded hand lifts just above it as balance improves. A small picture shows "
        "the feet in one line, heel to toe."
    ),
    start=side_figure(
        STAND_X,
        feet=(180, 214),
        arm=hand_on_counter(STAND_X),
        far_arm=[(STAND_X, 66), (194, 104), (190, 140)],
    ),
    end_strokes=[[(STAND_X, 66), (216, 98), (246, COUNTER_Y - 38)]],
    arrows=[((258, COUNTER_Y - 8), (268, COUNTER_Y - 22), (262, COUNTER_Y - 36))],
    scene="floor",
    props=[counter_behind()],
    front=[HEEL_TO_TOE],
)


def one_leg_drawing(slug: str, title: str, description: str, *, hovering: bool) -> Drawing:
    """Seen from the front: standing on the left leg with the right foot lifted, knee bent,
    beside the counter; the right hand on it, or hovering just above it."""
    hand_y = COUNTER_Y - 8 - (22 if hovering else 0)
    return Drawing(
        slug=slug,
        title=title,
        description=description,
        start=front_figure(
            STAND_X,
            left_leg=front_leg((192, 134), (192, 226), -8),
            right_leg=[(208, 134), (218, 174), (216, 200), (224, 203)],
            arms=[
                [(186, 68), (172, 104), (162, 136)],
                [(214, 68), (240, 100), (268, hand_y)],
            ],
        ),
        arrows=[((238, 222), (248, 204), (238, 188))],
        scene="floor",
        props=[table(250, width=130, top_y=COUNTER_Y)],
        front=[ONE_FOOT],
    )


single_leg_supported = one_leg_drawing(
    "single-leg-stance-supported",
    "Standing on one leg, holding on",
    (
        "Seen from the front: a person stands beside a kitchen counter with one hand resting on "
        "it, balancing on one leg. The other foot is lifted a little off the floor, knee bent, "
        "and an arrow shows the lift."
    ),
    hovering=False,
)

single_leg = one_leg_drawing(
    "single-leg-stance",
    "Standing on one leg",
    (
        "Seen from the front: a person balances on one leg right beside a kitchen counter, the "
        "hand hovering just above it, ready to grab it. The other foot is lifted a little off "
        "the floor, knee bent, and an arrow shows the lift."
    ),
    hovering=True,
)


def walking_drawing(
    slug: str, title: str, description: str, *, backward: bool, inset: str
) -> Drawing:
    """A person walking heel to toe along the counter (solid) and one step on (faded). The
    figure always faces right; walking backwards, the faded figure is behind it."""
    here, there = (250, 150) if backward else (140, 240)
    start = side_figure(
        here,
        feet=(here - 12, here + 12),
        arm=hand_on_counter(here, reach=24),
        far_arm=[(here, 66), (here - 8, 104), (here - 12, 140)],
    )
    end = side_figure(
        there,
        feet=(there + 12, there - 12),
        arm=hand_on_counter(there, reach=24),
        far_arm=[],
    )
    end_strokes = [stroke for stroke in end.strokes if stroke]
    left, right = sorted((here, there))
    return Drawing(
        slug=slug,
        title=title,
        description=description,
        start=start,
        end_head=end.head,
        end_strokes=end_strokes,
        arrows=[((here, 250), ((left + right) / 2, 252), (there, 250))],
        scene="floor",
        props=[counter_behind(40, 340)],
        front=[inset],
    )


tandem_walk = walking_drawing(
    "tandem-walk",
    "Heel-to-toe walking",
    (
        "Seen from the side: a person walks forward along a kitchen counter with one hand on it, "
        "placing each heel right in front of the other toes. The faded figure shows the next "
        "step forward. A small picture shows the footprints in one line, heel to toe."
    ),
    backward=False,
    inset=WALK_FORWARD,
)

backward_walk = walking_drawing(
    "backward-heel-toe-walk",
    "Heel-to-toe walking backwards",
    (
        "Seen from the side: a person faces forward and walks backwards along a kitchen counter "
        "with one hand on it, placing each toe right behind the other heel. The faded figure "
        "shows the next step back. A small picture shows the footprints in one line, with the "
        "arrow pointing back."
    ),
    backward=True,
    inset=WALK_BACKWARD,
)

SIDE_HIP_L, SIDE_HIP_R = (192, 134), (208, 134)
sideways_walk = Drawing(
    slug="sideways-walk",
    title="Sideways walking",
    description=(
        "Seen from behind: a person stands facing a kitchen counter with both hands on it and "
        "the feet together. The faded leg steps out to the side; the other foot then follows. "
        "An arrow shows the direction along the counter."
    ),
    start=front_figure(
        STAND_X,
        left_leg=front_leg(SIDE_HIP_L, (192, 226), -8),
        right_leg=front_leg(SIDE_HIP_R, (208, 226), 8),
        arms=[
            [(186, 68), (164, 96), (158, COUNTER_Y - 8)],
            [(214, 68), (236, 96), (242, COUNTER_Y - 8)],
        ],
    ),
    end_strokes=[front_leg(SIDE_HIP_R, (252, 226), 8)],
    arrows=[((222, 250), (246, 254), (272, 250))],
    scene="floor",
    props=[table(60, width=290, top_y=COUNTER_Y)],
    front=[SIDE_STEP],
)

DRAWINGS: list[Drawing] = [
    feet_together,
    tandem_stance,
    single_leg_supported,
    single_leg,
    tandem_walk,
    backward_walk,
    sideways_walk,
]
