"""Ankle and foot: ankle movement, heel raises and drops, calf and sole stretches, band work.

The foot is the point of every picture here, so legs end at the ankle and the foot is drawn as
a foot shape with a heel, a sole and toes (`foot`, and `top_foot` for a foot seen from above).
Standing figures are drawn a little smaller (STAND) so a figure up on its toes on a step still
fits under the top edge.
"""

from __future__ import annotations

import math

from exercises.illustrations.core import (
    ARROW,
    BAND,
    BODY,
    FLOOR_Y,
    FOREARM,
    HEAD_R,
    SHIN,
    SKIN_FADED,
    THIGH,
    TORSO,
    UPPER_ARM,
    Drawing,
    Point,
    Pose,
    Stroke,
    anchor,
    band_line,
    chain,
    chair,
    polyline,
    step,
    table,
    wall,
)

STAND = 0.76  # standing figures
STAND_FOOT = 1.05  # their feet
SIT_FOOT = 1.25  # feet of the figures sitting on a mat, where the foot is the whole point


def along(point: Point, length: float, degrees: float) -> Point:
    return chain(point, (length, degrees))[1]


def _turn(local: Point, degrees: float, scale: float) -> Point:
    x, y = local[0] * scale, local[1] * scale
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return (round(x * c - y * s, 1), round(x * s + y * c, 1))


# A foot in profile, ankle at (0, 0), toes along +x, sole along y = 14.
FOOT_PATH: list[tuple[str, *tuple[Point, ...]]] = [
    ("M", (-9, -8)),
    ("C", (-13, 0), (-16, 6), (-12, 11)),
    ("Q", (-10, 14), (-4, 14)),
    ("L", (26, 14)),
    ("Q", (32, 14), (32, 9)),
    ("Q", (32, 4), (24, 3)),
    ("L", (8, -6)),
    ("Q", (4, -11), (-9, -8)),
]
BALL = (20, 14)  # where the foot rests when up on the toes
HEEL = (-8, 14)


def foot(
    ankle: Point, degrees: float = 0, scale: float = 1.0, opacity: float = 1.0, rim: bool = False
) -> str:
    """A foot in profile at `ankle`, its sole along `degrees` (0: toes to the right, sole down;
    270: toes up, sole facing right). Put it in `front` (or `props` when faded)."""
    ax, ay = ankle
    path = []
    for command, *points in FOOT_PATH:
        coords = " ".join(
            f"{ax + dx:g},{ay + dy:g}" for dx, dy in (_turn(p, degrees, scale) for p in points)
        )
        path.append(f"{command}{coords}")
    fade = f' opacity="{opacity:g}"' if opacity < 1 else ""
    if rim:  # a white edge, to keep the foot apart from a hand or arm on top of it
        fade += ' stroke="#ffffff" stroke-width="4" paint-order="stroke"'
    return f'<path d="{" ".join(path)} Z" fill="{BODY}"{fade}/>'


def ankle_over(point: Point, local: Point, degrees: float, scale: float) -> Point:
    """Where the ankle is when the foot's `local` point (BALL or HEEL) rests on `point`."""
    dx, dy = _turn(local, degrees, scale)
    return (round(point[0] - dx, 1), round(point[1] - dy, 1))


def top_foot(ankle: Point, degrees: float = 90, opacity: float = 1.0) -> str:
    """A foot seen from above, pointing along `degrees`, big toe on the inner side (`degrees`
    near 90 points down the picture)."""
    fade = f' opacity="{opacity:g}"' if opacity < 1 else ""
    x, y = along(ankle, 12, degrees)
    toes = "".join(
        f'<circle cx="{dx:g}" cy="{24 - abs(dx) / 3:g}" r="{r:g}"/>'
        for dx, r in ((-9, 4.5), (-2, 4), (4, 3.6), (9, 3.2), (13, 2.8))
    )
    return (
        f'<g transform="translate({x:g},{y:g}) rotate({degrees - 90:g})" fill="{BODY}"{fade}>'
        f'<ellipse cx="1" cy="4" rx="12" ry="18"/>{toes}</g>'
    )


def mirror_x(svg_group: str, x: float) -> str:
    return f'<g transform="translate({2 * x:g},0) scale(-1,1)">{svg_group}</g>'


def elbow(shoulder: Point, hand: Point, scale: float = 1.0, down: bool = True) -> Point:
    """Where the elbow sits when the arm reaches from shoulder to hand."""
    (x1, y1), (x2, y2) = shoulder, hand
    upper, fore = UPPER_ARM * scale, FOREARM * scale
    reach = max(min(math.hypot(x2 - x1, y2 - y1), upper + fore - 1), abs(upper - fore) + 1)
    base = math.atan2(y2 - y1, x2 - x1)
    bend = math.acos((upper**2 + reach**2 - fore**2) / (2 * upper * reach))
    angle = base + bend if down else base - bend
    return (round(x1 + upper * math.cos(angle), 1), round(y1 + upper * math.sin(angle), 1))


def knee_between(hip: Point, ankle: Point, scale: float = 1.0, forward: bool = True) -> Point:
    """Where the knee sits for a leg from hip to ankle (bending forward, to the right)."""
    (x1, y1), (x2, y2) = hip, ankle
    thigh, shin = THIGH * scale, SHIN * scale
    reach = min(math.hypot(x2 - x1, y2 - y1), thigh + shin - 0.5)
    base = math.atan2(y2 - y1, x2 - x1)
    bend = math.acos((thigh**2 + reach**2 - shin**2) / (2 * thigh * reach))
    angle = base - bend if forward else base + bend
    return (round(x1 + thigh * math.cos(angle), 1), round(y1 + thigh * math.sin(angle), 1))


def towel(x: float, width: float, top: float = FLOOR_Y - 6) -> str:
    """A small towel lying on the floor from x, bunched up at its left end."""
    parts = [
        f'<rect x="{x:g}" y="{top:g}" width="{width:g}" height="7" rx="2" '
        f'fill="#fde68a" stroke="#a16207" stroke-width="2"/>'
    ]
    for i in range(3):
        parts.append(
            f'<ellipse cx="{x + 8 + i * 10:g}" cy="{top - 1:g}" rx="7" ry="6" '
            f'fill="#fde68a" stroke="#a16207" stroke-width="2"/>'
        )
    return "".join(parts)


def letters(x: float, y: float) -> str:
    """The letters A and B drawn in the arrow colour, for the ankle alphabet."""
    a = (
        f"M{x:g},{y + 24:g} L{x + 9:g},{y:g} L{x + 18:g},{y + 24:g} "
        f"M{x + 4:g},{y + 14:g} L{x + 14:g},{y + 14:g}"
    )
    bx = x + 28
    b = (
        f"M{bx:g},{y + 24:g} L{bx:g},{y:g} Q{bx + 16:g},{y:g} {bx + 14:g},{y + 6:g} "
        f"Q{bx + 12:g},{y + 12:g} {bx:g},{y + 12:g} Q{bx + 19:g},{y + 12:g} {bx + 16:g},{y + 20:g} "
        f"Q{bx + 13:g},{y + 24:g} {bx:g},{y + 24:g}"
    )
    return (
        f'<path d="{a} {b}" fill="none" stroke="{ARROW}" stroke-width="4" '
        f'stroke-linecap="round" stroke-linejoin="round"/>'
    )


# --- sitting on a mat with the legs out straight, seen from the side, facing right ----------
LS_HIP = (118, 200)
LS_KNEE = along(LS_HIP, THIGH, 0)
LS_ANKLE = along(LS_KNEE, SHIN, 0)
LS_SHOULDER = along(LS_HIP, TORSO, 254)
LS_HEAD = along(LS_SHOULDER, HEAD_R + 12, 258)
LS_HAND = (78, 206)


def long_sitting() -> Pose:
    arm = [LS_SHOULDER, elbow(LS_SHOULDER, LS_HAND, down=False), LS_HAND]
    return Pose(head=LS_HEAD, strokes=[arm, [LS_HIP, LS_SHOULDER], [LS_HIP, LS_KNEE, LS_ANKLE]])


FOOT_UP = 272  # toes to the ceiling
FOOT_POINTED = 18


# --- sitting on a chair, seen from the side, facing right ------------------------------------
SEAT_X = 178  # front edge of the seat
SEAT_Y = 172
CH_HIP = (128, SEAT_Y - 10)
CH_KNEE = along(CH_HIP, THIGH, 0)
CH_SHOULDER = along(CH_HIP, TORSO, 268)
CH_HEAD = along(CH_SHOULDER, HEAD_R + 12, 268)
CH_FLOOR_ANKLE = (CH_KNEE[0] + 4, FLOOR_Y - 14)


def seated(*strokes: Stroke) -> Pose:
    return Pose(head=CH_HEAD, strokes=[[CH_HIP, CH_KNEE, CH_FLOOR_ANKLE], *strokes])


def arm_to(hand: Point) -> Stroke:
    return [CH_SHOULDER, elbow(CH_SHOULDER, hand), hand]


# The plantar fascia stretch: the sore foot crossed up over the other knee, the hand on the toes.
PF_KNEE = along(CH_HIP, THIGH, 326)
PF_ANKLE = (CH_KNEE[0] + 10, CH_KNEE[1] - 16)
PF_HAND = along(along(PF_ANKLE, 26, 318), 8, 228)


# --- standing, facing right, built from the feet up -----------------------------------------


def straight_leg(ankle: Point, shin_deg: float = 270, thigh_deg: float = 270) -> Stroke:
    """Hip, knee, ankle of a standing leg."""
    knee = along(ankle, SHIN * STAND, shin_deg)
    return [along(knee, THIGH * STAND, thigh_deg), knee, ankle]


def upper(hip: Point, torso_deg: float, hand: Point) -> tuple[Point, list[Stroke]]:
    """Head centre, torso and arm of a standing figure whose hand rests at `hand`."""
    shoulder = along(hip, TORSO * STAND, torso_deg)
    head = along(shoulder, (HEAD_R + 11) * STAND, torso_deg - 4)
    return head, [[hip, shoulder], [shoulder, elbow(shoulder, hand, STAND), hand]]


def free_leg(hip: Point) -> tuple[Stroke, Point]:
    """The leg held off the floor, knee bent so the foot is behind; and its ankle."""
    knee = along(hip, THIGH * STAND, 96)
    ankle = along(knee, SHIN * STAND, 150)
    return [hip, knee, ankle], ankle


def standing(
    feet: list[tuple[Point, float]], torso_deg: float, hand: Point, lifted: bool = False
) -> tuple[Pose, list[str]]:
    """A standing figure on `feet` (ankle and foot angle each, the far foot first) and its feet
    as shapes."""
    legs = [straight_leg(ankle) for ankle, _ in feet]
    hip = legs[-1][0]
    head, body = upper(hip, torso_deg, hand)
    shapes = [foot(ankle, degrees, STAND_FOOT) for ankle, degrees in feet]
    if lifted:
        leg, ankle = free_leg(hip)
        legs.insert(0, leg)
        shapes.insert(0, foot(ankle, 50, STAND_FOOT))
    pose = Pose(head=head, head_r=round(HEAD_R * STAND, 1), strokes=[*legs, *body])
    return pose, shapes


def faded_feet(shapes: list[str]) -> list[str]:
    return [shape.replace("/>", f' opacity="{SKIN_FADED:g}"/>') for shape in shapes]


# Heel raises at a wall: the balls of the feet stay put, the heels lift.
HR_BALL = (226, FLOOR_Y)
HR_WALL = 296
HR_HAND = (HR_WALL - 8, 112)
HR_UP_DEG = 42


def heel_raise(ball: Point, up: bool, both: bool) -> tuple[Pose, list[str]]:
    degrees = HR_UP_DEG if up else 0
    ankle = ankle_over(ball, BALL, degrees, STAND_FOOT)
    feet: list[tuple[Point, float]] = [(ankle, degrees)]
    if both:
        far = ankle_over((ball[0] - 8, ball[1]), BALL, degrees, STAND_FOOT)
        feet.insert(0, (far, degrees))
    return standing(feet, 274, HR_HAND, lifted=not both)


HR_START, HR_START_FEET = heel_raise(HR_BALL, up=False, both=True)
HR_END, HR_END_FEET = heel_raise(HR_BALL, up=True, both=True)
SL_START, SL_START_FEET = heel_raise(HR_BALL, up=False, both=False)
SL_END, SL_END_FEET = heel_raise(HR_BALL, up=True, both=False)
HR_HEEL_X = HR_BALL[0] - 28 * STAND_FOOT
HR_ARROW = ((HR_HEEL_X - 14, 230), (HR_HEEL_X - 26, 214), (HR_HEEL_X - 14, 194))

# Heel drops: the ball of the foot on the edge of a step, the heel hanging off.
STEP_X = 200
STEP_H = 24
STEP_BALL = (STEP_X + 14, FLOOR_Y - STEP_H)
HD_WALL = 320
HD_HAND = (HD_WALL - 8, 96)


def heel_drop(bent: bool, down: bool) -> tuple[Pose, list[str], Point]:
    degrees = -24 if down else HR_UP_DEG
    ankle = ankle_over(STEP_BALL, BALL, degrees, STAND_FOOT)
    tilt = 8 if down else 0  # the body stays over the ball of the foot
    if bent:
        knee = along(ankle, SHIN * STAND, 292 + tilt)
        hip = along(knee, THIGH * STAND, 256 + tilt)
        legs = [[hip, knee, ankle]]
    else:
        legs = [straight_leg(ankle, 270 + tilt, 270 + tilt)]
        hip = legs[0][0]
    head, body = upper(hip, 282 if bent else 276, HD_HAND)
    free, free_ankle = free_leg(hip)
    pose = Pose(head=head, head_r=round(HEAD_R * STAND, 1), strokes=[free, *legs, *body])
    shapes = [foot(free_ankle, 50, STAND_FOOT), foot(ankle, degrees, STAND_FOOT)]
    heel = ankle_over((0, 0), (-HEEL[0], -HEEL[1]), degrees, STAND_FOOT)
    return pose, shapes, (ankle[0] + heel[0], ankle[1] + heel[1])


HD_START, HD_START_FEET, HD_HEEL_UP = heel_drop(bent=False, down=False)
HD_END, HD_END_FEET, HD_HEEL_DOWN = heel_drop(bent=False, down=True)
HB_START, HB_START_FEET, HB_HEEL_UP = heel_drop(bent=True, down=False)
HB_END, HB_END_FEET, HB_HEEL_DOWN = heel_drop(bent=True, down=True)


def drop_arrow(up: Point, down: Point) -> tuple[Point, Point, Point]:
    return (
        (up[0] - 14, up[1] - 2),
        (up[0] - 28, (up[1] + down[1]) / 2),
        (down[0] - 14, down[1] + 4),
    )


# Calf stretches at a wall: front foot near the wall, back leg stepped back, heel down.
CS_WALL = 318
CS_HAND = (CS_WALL - 8, 84)
CS_FRONT_ANKLE = (CS_WALL - 72, FLOOR_Y - 12)


def calf_stretch(bent: bool, lean: float) -> tuple[Pose, list[str]]:
    if bent:
        back_ankle = (CS_FRONT_ANKLE[0] - 58, FLOOR_Y - 12)
        knee = along(back_ankle, SHIN * STAND, 300 + lean)
        hip = along(knee, THIGH * STAND, 268 + lean / 2)
        back = [hip, knee, back_ankle]
    else:
        back_ankle = (CS_FRONT_ANKLE[0] - 104, FLOOR_Y - 12)
        back = list(
            reversed(chain(back_ankle, (SHIN * STAND, 304 + lean), (THIGH * STAND, 304 + lean)))
        )
        hip = back[0]
    front = [hip, knee_between(hip, CS_FRONT_ANKLE, STAND), CS_FRONT_ANKLE]
    head, body = upper(hip, (300 if not bent else 286) + lean, CS_HAND)
    pose = Pose(head=head, head_r=round(HEAD_R * STAND, 1), strokes=[back, front, *body])
    feet = [foot(back_ankle, 0, STAND_FOOT), foot(CS_FRONT_ANKLE, 0, STAND_FOOT)]
    return pose, feet


CS_START, CS_FEET = calf_stretch(bent=False, lean=0)
CS_END, _ = calf_stretch(bent=False, lean=8)
SS_START, SS_FEET = calf_stretch(bent=True, lean=0)
SS_END, _ = calf_stretch(bent=True, lean=14)

# --- sitting on a mat seen from above, leaning back on the hands (band eversion, inversion) --
AB_HEAD = (200, 40)
AB_STROKES: list[Stroke] = [
    [(200, 70), (200, 120)],  # torso
    [(184, 76), (164, 118), (160, 136)],  # arms, hands on the mat by the hips
    [(216, 76), (236, 118), (240, 136)],
    [(190, 128), (186, 202)],  # the still leg (on the picture's left)
    [(210, 128), (214, 202)],  # the working leg
]
AB_LEFT_ANKLE = (186, 202)
AB_RIGHT_ANKLE = (214, 202)


def above_pose() -> Pose:
    return Pose(head=AB_HEAD, head_r=HEAD_R, strokes=AB_STROKES)


def left_top_foot(opacity: float = 1.0) -> str:
    """The still foot, big toe on its right (inner) side."""
    return mirror_x(top_foot(AB_LEFT_ANKLE, 90, opacity), AB_LEFT_ANKLE[0])


def right_top_foot(degrees: float, opacity: float = 1.0) -> str:
    return top_foot(AB_RIGHT_ANKLE, degrees, opacity)


def band_loop(left: float, right: float, y: float) -> str:
    return (
        f'<rect x="{left:g}" y="{y - 7:g}" width="{right - left:g}" height="14" rx="7" '
        f'fill="none" stroke="{BAND}" stroke-width="6"/>'
    )


DRAWINGS = [
    Drawing(
        slug="ankle-pumps",
        title="Ankle pumps",
        description=(
            "A person sits on a mat with legs straight out in front. The foot is pulled up so the "
            "toes point to the ceiling, then pointed away; arrows show the foot moving up and down."
        ),
        start=long_sitting(),
        scene="mat",
        props=[foot(LS_ANKLE, FOOT_POINTED, SIT_FOOT, SKIN_FADED)],
        front=[foot(LS_ANKLE, FOOT_UP, SIT_FOOT)],
        arrows=[
            (
                (LS_ANKLE[0] + 30, LS_ANKLE[1] - 28),
                (LS_ANKLE[0] + 46, LS_ANKLE[1] - 6),
                (LS_ANKLE[0] + 40, LS_ANKLE[1] + 12),
            ),
            (
                (LS_ANKLE[0] + 20, LS_ANKLE[1] - 8),
                (LS_ANKLE[0] + 26, LS_ANKLE[1] - 30),
                (LS_ANKLE[0] + 14, LS_ANKLE[1] - 44),
            ),
        ],
    ),
    Drawing(
        slug="ankle-alphabet",
        title="Ankle alphabet",
        description=(
            "A person sits on a chair with one leg held out in front, the foot off the floor. "
            "The big toe draws the letters of the alphabet in the air; a looping arrow shows the "
            "foot moving around."
        ),
        start=seated(
            [CH_HIP, CH_KNEE, along(CH_KNEE, SHIN, 36)],
            [CH_HIP, CH_SHOULDER],
            arm_to((CH_KNEE[0] - 16, CH_KNEE[1] - 8)),
        ),
        scene="floor",
        props=[chair(SEAT_X, seat_y=SEAT_Y)],
        front=[
            foot(CH_FLOOR_ANKLE),
            foot(along(CH_KNEE, SHIN, 36), 306),
            letters(300, 102),
        ],
        arrows=[((262, 178), (300, 176), (290, 146))],
    ),
    Drawing(
        slug="towel-scrunches",
        title="Towel scrunches",
        description=(
            "A person sits on a chair with one bare foot on a small towel on the floor. The toes "
            "curl to grab the towel and pull it in toward the heel, so it bunches up under the "
            "foot."
        ),
        start=Pose(
            head=CH_HEAD,
            strokes=[
                [CH_HIP, CH_KNEE, (CH_FLOOR_ANKLE[0], CH_FLOOR_ANKLE[1] - 7)],
                [CH_HIP, CH_SHOULDER],
                arm_to((CH_KNEE[0] - 16, CH_KNEE[1] - 8)),
            ],
        ),
        scene="floor",
        props=[chair(SEAT_X, seat_y=SEAT_Y), towel(CH_FLOOR_ANKLE[0] + 14, 110)],
        front=[foot((CH_FLOOR_ANKLE[0], CH_FLOOR_ANKLE[1] - 7))],
        arrows=[((320, 214), (290, 206), (256, 214))],
    ),
    Drawing(
        slug="double-leg-heel-raise",
        title="Heel raises on both legs",
        description=(
            "A person stands facing a wall with both hands resting on it. Both heels lift off the "
            "floor so the person rises up onto the toes, then lowers slowly."
        ),
        start=HR_START,
        end_head=HR_END.head,
        end_strokes=HR_END.strokes,
        scene="floor",
        props=[wall(HR_WALL), *faded_feet(HR_END_FEET)],
        front=HR_START_FEET,
        arrows=[HR_ARROW],
    ),
    Drawing(
        slug="single-leg-heel-raise",
        title="Single-leg heel raise",
        description=(
            "A person stands on one leg facing a wall, fingertips on the wall, the other foot "
            "lifted behind. The heel of the standing foot lifts so the person rises onto the toes."
        ),
        start=SL_START,
        end_head=SL_END.head,
        end_strokes=SL_END.strokes,
        scene="floor",
        props=[wall(HR_WALL), *faded_feet(SL_END_FEET)],
        front=SL_START_FEET,
        arrows=[HR_ARROW],
    ),
    Drawing(
        slug="eccentric-heel-drop",
        title="Heel drop off a step (straight knee)",
        description=(
            "A person stands on the edge of a step on the ball of one foot, holding a wall, the "
            "other foot lifted. With the knee straight, the heel lowers slowly below the step."
        ),
        start=HD_START,
        end_head=HD_END.head,
        end_strokes=HD_END.strokes,
        scene="floor",
        props=[step(STEP_X, 140, STEP_H), wall(HD_WALL), *faded_feet(HD_END_FEET)],
        front=HD_START_FEET,
        arrows=[drop_arrow(HD_HEEL_UP, HD_HEEL_DOWN)],
    ),
    Drawing(
        slug="eccentric-heel-drop-bent-knee",
        title="Heel drop off a step (bent knee)",
        description=(
            "A person stands on the edge of a step on the ball of one foot, holding a wall, the "
            "other foot lifted. With the knee bent, the heel lowers slowly below the step."
        ),
        start=HB_START,
        end_head=HB_END.head,
        end_strokes=HB_END.strokes,
        scene="floor",
        props=[step(STEP_X, 140, STEP_H), wall(HD_WALL), *faded_feet(HB_END_FEET)],
        front=HB_START_FEET,
        arrows=[drop_arrow(HB_HEEL_UP, HB_HEEL_DOWN)],
    ),
    Drawing(
        slug="standing-calf-stretch",
        title="Calf stretch against a wall (straight knee)",
        description=(
            "A person faces a wall with both hands on it, one foot forward with the knee bent and "
            "the other leg straight behind, heel flat on the floor. The hips lean toward the wall "
            "to stretch the calf of the back leg."
        ),
        start=CS_START,
        end_head=CS_END.head,
        end_strokes=CS_END.strokes,
        scene="floor",
        props=[wall(CS_WALL)],
        front=CS_FEET,
        arrows=[((170, 132), (196, 112), (224, 118))],
    ),
    Drawing(
        slug="soleus-stretch",
        title="Calf stretch against a wall (bent knee)",
        description=(
            "A person faces a wall with both hands on it, one foot a short step behind the other, "
            "both knees bent and the back heel flat on the floor. The back knee bends further "
            "toward the wall and the floor to stretch the lower calf."
        ),
        start=SS_START,
        end_head=SS_END.head,
        end_strokes=SS_END.strokes,
        scene="floor",
        props=[wall(CS_WALL)],
        front=SS_FEET,
        arrows=[((196, 206), (214, 212), (230, 198))],
    ),
    Drawing(
        slug="plantar-fascia-stretch",
        title="Plantar fascia stretch",
        description=(
            "A person sits on a chair with one foot crossed up over the other knee. One hand "
            "holds the base of the toes and pulls them back toward the shin to stretch the sole."
        ),
        start=seated(
            [CH_HIP, CH_SHOULDER],
            [CH_HIP, PF_KNEE, PF_ANKLE],
            [CH_SHOULDER, elbow(CH_SHOULDER, PF_HAND), PF_HAND],
        ),
        scene="floor",
        props=[chair(SEAT_X, seat_y=SEAT_Y), foot(PF_ANKLE, 292, opacity=SKIN_FADED)],
        front=[
            foot(CH_FLOOR_ANKLE),
            foot(PF_ANKLE, 318, rim=True),
            polyline([PF_HAND, along(PF_HAND, 6, 300)], width=15),
        ],
        arrows=[
            (
                (PF_HAND[0] + 20, PF_HAND[1] - 4),
                (PF_HAND[0] + 18, PF_HAND[1] - 30),
                (PF_HAND[0] - 6, PF_HAND[1] - 36),
            )
        ],
    ),
    Drawing(
        slug="band-ankle-eversion",
        title="Ankle eversion with a band",
        description=(
            "Seen from above: a person sits with legs straight out, leaning back on the hands, "
            "with a band looped around both feet. One foot stays still while the other turns out "
            "against the band."
        ),
        start=above_pose(),
        scene="above",
        props=[right_top_foot(50, SKIN_FADED)],
        front=[
            left_top_foot(),
            right_top_foot(90),
            band_loop(168, 232, 216),
        ],
        arrows=[((232, 240), (258, 240), (262, 214))],
    ),
    Drawing(
        slug="band-ankle-inversion",
        title="Ankle inversion with a band",
        description=(
            "Seen from above: a person sits with legs straight out, leaning back on the hands, "
            "with a band tied out to the side of one foot. The foot turns in toward the other "
            "foot against the band."
        ),
        start=above_pose(),
        scene="above",
        props=[anchor((286, 216)), right_top_foot(130, SKIN_FADED)],
        front=[
            left_top_foot(),
            right_top_foot(90),
            band_line((214, 216), (286, 216)),
        ],
        arrows=[((218, 244), (196, 250), (186, 236))],
    ),
    Drawing(
        slug="band-ankle-dorsiflexion",
        title="Ankle dorsiflexion with a band",
        description=(
            "A person sits on a mat with legs straight out. A band tied to a table leg in front "
            "loops over the top of one foot. The foot pulls up toward the person against the band."
        ),
        start=long_sitting(),
        scene="mat",
        props=[
            table(296, 100, 120),
            anchor((307, 198)),
            foot(LS_ANKLE, FOOT_UP, SIT_FOOT, SKIN_FADED),
        ],
        front=[
            foot(LS_ANKLE, FOOT_POINTED, SIT_FOOT),
            band_line(along(LS_ANKLE, 30, FOOT_POINTED - 4), (307, 198)),
        ],
        arrows=[
            (
                (LS_ANKLE[0] + 34, LS_ANKLE[1] - 6),
                (LS_ANKLE[0] + 40, LS_ANKLE[1] - 34),
                (LS_ANKLE[0] + 16, LS_ANKLE[1] - 46),
            )
        ],
    ),
]
