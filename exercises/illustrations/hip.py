"""Hips and glutes: the seed exercises and the rest of the hip family."""

from __future__ import annotations

import math

from exercises.illustrations.core import (
    BAND,
    BODY,
    FOOT,
    LIMB,
    SHIN,
    SKIN_FADED,
    THIGH,
    Drawing,
    Point,
    Pose,
    Stroke,
    chain,
    chair,
    polyline,
    stick,
    toward,
)

# --- shapes only these drawings use ------------------------------------------------------------


def _faded(*svg: str) -> str:
    """Props in their end position, faded like the body's end position."""
    return f'<g opacity="{SKIN_FADED:g}">{"".join(svg)}</g>'


def _ring_band(left: Point, right: Point) -> str:
    """A loop band around both legs, seen from the front: a flat ring from one leg to the other."""
    (x1, y1), (x2, y2) = left, right
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    rx = abs(x2 - x1) / 2 + 13
    return (
        f'<ellipse cx="{cx:g}" cy="{cy:g}" rx="{rx:g}" ry="6" fill="none" stroke="{BAND}" '
        f'stroke-width="6"/>'
    )


def _stretched_band(left: Point, right: Point) -> str:
    """A loop band pulled tight between two legs that have moved apart."""
    (x1, y1), (x2, y2) = left, right
    return (
        f'<path d="M{x1 - 12:g},{y1 - 4:g} L{x2 + 12:g},{y2 - 4:g} M{x1 - 12:g},{y1 + 4:g} '
        f'L{x2 + 12:g},{y2 + 4:g}" stroke="{BAND}" stroke-width="5" stroke-linecap="round"/>'
    )


def _front_torso(top: Point, bottom: Point, width: float = 36) -> str:
    """A torso seen from the front: wider than a limb, with the shoulders rounded."""
    (x1, y1), (_, y2) = top, bottom
    return (
        f'<rect x="{x1 - width / 2:g}" y="{y1:g}" width="{width:g}" height="{y2 - y1:g}" '
        f'rx="13" fill="{BODY}"/>'
    )


def _ghost(stroke: Stroke) -> str:
    """A limb's end position drawn faded IN FRONT of the body, for a limb that moves toward
    you: a pale rim keeps it readable over the dark limbs behind it."""
    return polyline(stroke, 0.75, color="#ffffff", width=LIMB + 5) + polyline(stroke, SKIN_FADED)


def _rotate(stroke: Stroke, centre: Point, degrees: float) -> Stroke:
    """The stroke turned about `centre` (positive degrees turn clockwise on screen)."""
    cx, cy = centre
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return [
        (round(cx + (x - cx) * c - (y - cy) * s, 1), round(cy + (x - cx) * s + (y - cy) * c, 1))
        for x, y in stroke
    ]


# --- side-lying, seen from the front: head on the left, hips in the middle, knees bent forward ---
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
# The top leg held up level and back in line with the body, knee bent; then the foot lifts.
LIFTED_HIP, LIFTED_KNEE = (200, 148), (276, 128)
LIFTED_LEG: Stroke = [LIFTED_HIP, LIFTED_KNEE, (316, 166), (336, 160)]  # hip, knee, ankle, toes
LIFTED_FOOT_UP: Stroke = [LIFTED_HIP, LIFTED_KNEE, (328, 124), (346, 112)]

# Side-lying with straight legs, propped on the lower elbow, head resting in the hand.
PROPPED_HIP = (196, 190)
PROPPED_SHOULDER = (116, 168)
PROPPED_TOP_HIP = (198, 180)

# --- lying on the back, seen from the side: head on the left, knees up on the right ---------
BACK_HEAD = (98, 184)
BACK_SHOULDER = (126, 196)
BACK_HIP = (206, 200)
BACK_TORSO: Stroke = [BACK_SHOULDER, BACK_HIP]
BACK_ARM: Stroke = [(134, 208), (176, 214), (214, 214)]  # arm resting by the side
BENT_LEG: Stroke = chain(BACK_HIP, (THIGH, -56), (SHIN, 74), (FOOT, 0))  # knee up, foot flat
BENT_KNEE = BENT_LEG[1]
# The bridge: shoulders stay on the mat, hips lift until shoulders, hips and knees line up.
BRIDGE_HIP = toward(BACK_SHOULDER, BENT_KNEE, 70)
BRIDGE: Stroke = [BACK_SHOULDER, BRIDGE_HIP, BENT_KNEE]
BRIDGE_ARROW = ((162, 196), (166, 172), (184, 160))
STRAIGHT_LEG: Stroke = [BACK_HIP, BENT_KNEE, toward(BACK_HIP, BENT_KNEE, THIGH + SHIN)]
STRAIGHT_LEG_UP: Stroke = [BRIDGE_HIP, BENT_KNEE, toward(BRIDGE_HIP, BENT_KNEE, THIGH + SHIN + 6)]

# Knees apart: the far leg a little higher on the slanted mat than the near one. The far knee
# falls in toward the near leg, so toward you: it is drawn in front of the near leg.
FAR_LEG: Stroke = chain((200, 194), (THIGH, -62), (SHIN, 70), (FOOT, 0))
NEAR_LEG: Stroke = chain((210, 206), (THIGH, -52), (SHIN, 76), (FOOT, 0))
FAR_KNEE_IN: Stroke = [FAR_LEG[0], (250, 180), FAR_LEG[2], FAR_LEG[3]]

# Figure four: the far leg bent with the foot flat, the near ankle crossed over the far knee
# and the near knee turned out toward you. Then both legs are drawn in toward the chest.
FOUR_HIP = (200, 194)
FOUR_FAR: Stroke = chain(FOUR_HIP, (THIGH, -58), (SHIN, 72), (FOOT, 0))
FOUR_FAR_KNEE = FOUR_FAR[1]
FOUR_NEAR: Stroke = [(206, 206), (262, 198), (FOUR_FAR_KNEE[0] + 6, FOUR_FAR_KNEE[1] + 2)]
FOUR_PULL = -45  # degrees the legs turn toward the chest

# --- standing, seen from the front (facing you) ----------------------------------------------
FRONT_HEAD = (200, 32)
FRONT_TOP, FRONT_BOTTOM = (200, 56), (200, 138)
FRONT_FLOOR_Y = 226  # ankles; the round ends of the strokes reach the floor
LEFT_LEG: Stroke = [(190, 132), (189, 180), (189, FRONT_FLOOR_Y)]
RIGHT_LEG: Stroke = [(210, 132), (211, 180), (211, FRONT_FLOOR_Y)]
RIGHT_LEG_OUT: Stroke = _rotate(RIGHT_LEG, RIGHT_LEG[0], -28)  # lifted out to the side

# Standing, knees a little bent, hips low: the ready position for side-stepping.
SQUAT_X = 150  # the middle of the body; the faded figure has stepped STEP_X to the right
STEP_X = 100


def squat_strokes(dx: float = 0) -> list[Stroke]:
    x = SQUAT_X + dx
    return [
        [(x - 10, 150), (x - 24, 190), (x - 16, FRONT_FLOOR_Y)],  # legs, knees bent and out
        [(x + 10, 150), (x + 24, 190), (x + 16, FRONT_FLOOR_Y)],
        [(x - 18, 86), (x - 32, 116), (x - 36, 146)],  # arms a little out from the sides
        [(x + 18, 86), (x + 32, 116), (x + 36, 146)],
    ]


def squat_torso(dx: float = 0) -> str:
    return _front_torso((SQUAT_X + dx, 76), (SQUAT_X + dx, 154))


def squat_band(dx: float = 0) -> str:
    x = SQUAT_X + dx
    return _ring_band((x - 21, 180), (x + 21, 180))


# --- standing, seen from the side, facing right ----------------------------------------------
HINGE_ANKLE = (196, 226)
HINGE_FOOT: Stroke = [(190, 228), (218, 228)]
HINGE_HIP = (194, 124)
HINGE_NECK = (196, 54)
# Hinged: hips back, back straight and tipped forward, knees a little more bent.
HINGED_HIP = (156, 134)
HINGED_NECK = chain(HINGED_HIP, (72, -22))[1]
HINGED_HEAD = chain(HINGED_NECK, (30, -22))[1]

# --- half-kneeling, seen from the side, facing right -----------------------------------------
KNEEL_BACK_KNEE = (150, 212)
KNEEL_BACK_FOOT = (96, 214)
KNEEL_HIP = (164, 156)
KNEEL_NECK = (166, 80)
KNEEL_ANKLE = (226, 210)
KNEEL_HIP_FORWARD = (190, 164)
KNEEL_NECK_FORWARD = (192, 88)


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
            "A person lies on their side. The top leg is lifted off the bottom leg, level with "
            "the floor, and moved back in line with the body, knee bent. From there the top "
            "foot lifts a little."
        ),
        start=side_lying(top_leg=LIFTED_LEG),
        end_strokes=[LIFTED_FOOT_UP],
        arrows=[((348, 172), (366, 146), (356, 116))],
    ),
    Drawing(
        slug="side-lying-leg-raise",
        title="Side-lying leg raise",
        description=(
            "A person lies on their side with hips on the mat, propped on the lower elbow with "
            "the head resting in the hand. The legs are straight and stacked. The straight top "
            "leg lifts up away from the bottom leg."
        ),
        start=Pose(
            head=(88, 140),
            strokes=[
                [PROPPED_HIP, (276, 204), (352, 200)],  # bottom leg, knee a little bent
                [PROPPED_SHOULDER, PROPPED_HIP],  # torso, raised at the shoulder
                [PROPPED_SHOULDER, (102, 208), (88, 164)],  # elbow on the mat, hand at the head
                [PROPPED_TOP_HIP, (352, 186)],  # top leg, straight
                [(124, 160), (164, 176), (194, 178)],  # top arm along the body
            ],
        ),
        end_strokes=[[PROPPED_TOP_HIP, toward(PROPPED_TOP_HIP, (330, 104), 154)]],
        arrows=[((372, 176), (386, 134), (352, 104))],
    ),
    Drawing(
        slug="windshield-wiper-stretch",
        title="Single-leg windshield-wiper stretch",
        description=(
            "A person lies on their back on a mat, seen from the side, with knees bent, feet "
            "flat and wider than the hips. One knee falls inward toward the other leg "
            "while the other knee stays still."
        ),
        start=Pose(head=BACK_HEAD, strokes=[BACK_TORSO, FAR_LEG, BACK_ARM, NEAR_LEG]),
        front=[_ghost(FAR_KNEE_IN)],
        arrows=[((214, 124), (256, 120), (254, 164))],
    ),
    Drawing(
        slug="glute-bridge",
        title="Glute bridge",
        description=(
            "A person lies on their back on a mat, seen from the side, with knees bent and feet "
            "flat. The hips lift until the shoulders, hips and knees make a straight line."
        ),
        start=Pose(head=BACK_HEAD, strokes=[BACK_TORSO, BENT_LEG, BACK_ARM]),
        end_strokes=[BRIDGE],
        arrows=[BRIDGE_ARROW],
    ),
    Drawing(
        slug="single-leg-bridge",
        title="Single-leg bridge",
        description=(
            "A person lies on their back on a mat, one knee bent with the foot flat and the "
            "other leg held out straight. The hips lift on the one leg until the body and the "
            "straight leg make one line."
        ),
        start=Pose(head=BACK_HEAD, strokes=[BACK_TORSO, STRAIGHT_LEG, BENT_LEG, BACK_ARM]),
        end_strokes=[BRIDGE, STRAIGHT_LEG_UP],
        arrows=[BRIDGE_ARROW],
    ),
    Drawing(
        slug="figure-four-stretch",
        title="Figure-four stretch",
        description=(
            "A person lies on their back on a mat with one knee bent, foot flat, and the other "
            "ankle crossed over that knee. Holding the back of the thigh, they pull both legs "
            "in toward the chest."
        ),
        start=Pose(head=BACK_HEAD, strokes=[BACK_TORSO, FOUR_FAR, BACK_ARM, FOUR_NEAR]),
        end_strokes=[
            _rotate(FOUR_FAR, FOUR_HIP, FOUR_PULL),
            _rotate(FOUR_NEAR, FOUR_HIP, FOUR_PULL),
            [(132, 196), (164, 166), (194, 156)],  # hands behind the thigh
        ],
        arrows=[((288, 192), (294, 150), (266, 136))],
    ),
    Drawing(
        slug="half-kneeling-hip-flexor-stretch",
        title="Half-kneeling hip flexor stretch",
        description=(
            "A person kneels on one knee on a mat with the other foot flat in front, body "
            "upright and hands on the hips. The hips move forward to stretch the front "
            "of the hip of the kneeling leg."
        ),
        start=Pose(
            head=(170, 56),
            strokes=[
                [KNEEL_HIP, KNEEL_BACK_KNEE, KNEEL_BACK_FOOT],  # back leg: knee and shin on the mat
                [KNEEL_NECK, KNEEL_HIP],  # torso upright
                [KNEEL_HIP, (222, 154), KNEEL_ANKLE, (248, 212)],  # front leg, foot flat
                [(166, 88), (150, 118), (164, 144)],  # hand on the hip
            ],
        ),
        end_head=(196, 64),
        end_strokes=[
            [KNEEL_HIP_FORWARD, KNEEL_BACK_KNEE],
            [KNEEL_NECK_FORWARD, KNEEL_HIP_FORWARD, (240, 150), KNEEL_ANKLE],
        ],
        arrows=[((180, 126), (200, 118), (222, 126))],
    ),
    Drawing(
        slug="hip-hinge",
        title="Hip hinge",
        description=(
            "A person stands side-on with knees a little bent, holding a stick along the back "
            "so it touches the head, upper back and tailbone. The hips push back and the "
            "straight back tips forward, the stick still touching all three points."
        ),
        start=Pose(
            head=(200, 32),
            strokes=[
                [HINGE_HIP, (200, 176), HINGE_ANKLE],
                HINGE_FOOT,
                [HINGE_NECK, HINGE_HIP],
                [(196, 64), (176, 96), (178, 124)],  # hand on the stick at the small of the back
            ],
        ),
        end_head=HINGED_HEAD,
        end_strokes=[
            [HINGED_HIP, (194, 180), HINGE_ANKLE],
            [HINGED_NECK, HINGED_HIP],
        ],
        props=[
            _faded(stick(chain(HINGED_HIP, (20, 158))[1], chain(HINGED_HEAD, (16, -60))[1])),
            stick((176, 144), (184, 8)),
        ],
        arrows=[((226, 22), (266, 26), (276, 66))],
        scene="floor",
    ),
    Drawing(
        slug="standing-hip-abduction-band",
        title="Standing hip abduction with a band",
        description=(
            "A person stands facing you, one hand on the back of a chair, with a loop band "
            "around both ankles. The straight free leg lifts out to the side against the band, "
            "toes pointing forward."
        ),
        start=Pose(
            head=FRONT_HEAD,
            strokes=[
                LEFT_LEG,
                RIGHT_LEG,
                [(184, 66), (162, 88), (146, 98)],  # hand on the chair
                [(216, 66), (226, 104), (228, 140)],  # other arm by the side
            ],
        ),
        end_strokes=[RIGHT_LEG_OUT],
        props=[
            chair(96, facing="left"),
            _front_torso(FRONT_TOP, FRONT_BOTTOM),
            _faded(_stretched_band((189, 214), RIGHT_LEG_OUT[-1])),
        ],
        bands=[],
        front=[_ring_band((189, 214), (211, 214))],
        arrows=[((222, 246), (250, 248), (270, 232))],
        scene="floor",
    ),
    Drawing(
        slug="lateral-band-walk",
        title="Side-stepping with a band",
        description=(
            "A person stands facing you with knees a little bent and hips low, a loop band "
            "around both legs above the knees. They take small steps to the side, keeping the "
            "band tight."
        ),
        start=Pose(head=(SQUAT_X, 52), strokes=squat_strokes()),
        end_head=(SQUAT_X + STEP_X, 52),
        end_strokes=squat_strokes(STEP_X),
        props=[_faded(squat_torso(STEP_X)), squat_torso()],
        front=[_faded(squat_band(STEP_X)), squat_band()],
        arrows=[((SQUAT_X + 28, 24), (SQUAT_X + 50, 16), (SQUAT_X + 74, 24))],
        scene="floor",
    ),
]
