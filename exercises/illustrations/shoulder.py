"""Drawings for the shoulder exercises: leaning on a table, standing at a wall or a door,
lying on a mat, with a stick, a band or a weight. The arm is what moves: its start is solid,
its end faded, with an arrow between.

Upright figures are drawn at 4/5 of the mat size, as in the knee drawings. Figures seen from the
front have their sore arm on the left of the picture (the person's right arm).
"""

from __future__ import annotations

import math

from exercises.illustrations.core import (
    BODY,
    FOREARM,
    HEAD_R,
    LIMB,
    NECK,
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
    doorway,
    dumbbell,
    polyline,
    stick,
    table,
    toward,
    towel_roll,
    wall,
)

S = 0.8
STHIGH, SSHIN, STORSO = THIGH * S, SHIN * S, TORSO * S
SUPPER, SFORE = UPPER_ARM * S, FOREARM * S
SHEAD_R = round(HEAD_R * S + 1)
ANKLE_Y = 226  # the ankle of a foot flat on the floor
HIP_Y = round(ANKLE_Y - SSHIN - STHIGH)


def _fade(svg: str) -> str:
    return f'<g opacity="{SKIN_FADED:g}">{svg}</g>'


def _joint(root: Point, end: Point, first: float, second: float, bend: int = 1) -> Point:
    """The middle joint (elbow or knee) of a two-part limb from root to end. `bend` picks the
    side: +1 bends to the left of the line from root to end (seen on screen), -1 to the right."""
    (x1, y1), (x2, y2) = root, end
    dx, dy = x2 - x1, y2 - y1
    reach = math.hypot(dx, dy) or 1
    if reach >= first + second:
        return (round(x1 + dx * first / reach, 1), round(y1 + dy * first / reach, 1))
    along = (first**2 - second**2 + reach**2) / (2 * reach)
    out = math.sqrt(max(first**2 - along**2, 0)) * bend
    return (
        round(x1 + dx * along / reach + dy / reach * out, 1),
        round(y1 + dy * along / reach - dx / reach * out, 1),
    )


def arm(shoulder: Point, hand: Point, bend: int = 1) -> Stroke:
    return [shoulder, _joint(shoulder, hand, SUPPER, SFORE, bend), hand]


def leg(hip: Point, ankle: Point, toes: float = 18, bend: int = -1) -> Stroke:
    knee = _joint(hip, ankle, STHIGH, SSHIN, bend)
    return [hip, knee, ankle, (ankle[0] + toes, ankle[1] + 2)]


# --- standing, seen from the side, facing right -----------------------------------------------


def side_torso(x: float, lean: float = 0, hip_y: float = HIP_Y) -> tuple[Point, Stroke, Point]:
    """Head centre, torso and shoulder joint for a body leaning forward by `lean` degrees."""
    hip = (x, hip_y)
    top = chain(hip, (STORSO, 270 + lean))[1]
    head = chain(top, (NECK * S + SHEAD_R, 270 + lean))[1]
    shoulder = chain(hip, (STORSO - 6, 270 + lean))[1]
    return head, [hip, top], shoulder


def standing_side(x: float, *arms: Stroke, lean: float = 0, step: float = 0) -> Pose:
    head, torso, _ = side_torso(x, lean)
    hip = torso[0]
    legs = [leg(hip, (x - step, ANKLE_Y)), leg(hip, (x + step, ANKLE_Y))]
    return Pose(head=head, head_r=SHEAD_R, strokes=[*legs, torso, *arms])


SIDE_X = 170
SIDE_SHOULDER = side_torso(SIDE_X)[2]


def hanging_arm(shoulder: Point) -> Stroke:
    return [shoulder, (shoulder[0] + 2, shoulder[1] + SUPPER), (shoulder[0] + 4, shoulder[1] + 66)]


# --- standing, seen from the front -----------------------------------------------------------
# The chest is a wide rounded shape (drawn behind the limbs), so arms crossing in front of it
# stay visible.
FX = 200
FRONT_HEAD: Point = (FX, 47)
SORE_SHOULDER: Point = (FX - 27, 78)  # the arm on the left of the picture
GOOD_SHOULDER: Point = (FX + 27, 78)
SORE_ELBOW: Point = (FX - 33, 112)  # elbow at the side, on a rolled towel
ROLL: Point = (FX - 20, 116)  # the rolled towel between the sore elbow and the side
BELLY_HAND: Point = (FX - 3, 118)  # forearm across the belly
OUT_HAND: Point = (FX - 62, 124)  # forearm turned out, away from the belly
FORWARD_HAND: Point = (FX - 44, 130)  # forearm pointing straight ahead, seen end on
FRONT_LEGS: list[Stroke] = [
    [(FX - 11, HIP_Y), (FX - 13, 181), (FX - 15, ANKLE_Y), (FX - 29, ANKLE_Y + 2)],
    [(FX + 11, HIP_Y), (FX + 13, 181), (FX + 15, ANKLE_Y), (FX + 29, ANKLE_Y + 2)],
]


def chest() -> str:
    return f'<rect x="{FX - 23}" y="64" width="46" height="{HIP_Y - 58}" rx="12" fill="{BODY}"/>'


def front_hanging(shoulder: Point, side: int) -> Stroke:
    """An arm hanging by the side; side -1 on the left of the picture, +1 on the right."""
    x, y = shoulder
    return [shoulder, (x + 4 * side, y + SUPPER), (x + 6 * side, y + 66)]


def standing_front(*arms: Stroke) -> Pose:
    return Pose(head=FRONT_HEAD, head_r=SHEAD_R, strokes=[*FRONT_LEGS, *arms])


def sore_forearm(hand: Point) -> Stroke:
    return [SORE_SHOULDER, SORE_ELBOW, hand]


def ghost(stroke: Stroke, trim: float = 0) -> str:
    """A faded limb drawn in front of the body, with a white rim so it shows over the chest.
    `trim` leaves out the first part of the stroke, where it would cover a solid joint."""
    if trim:
        stroke = [toward(stroke[0], stroke[1], trim), *stroke[1:]]
    return polyline(stroke, color="#ffffff", width=LIMB + 5) + polyline(stroke, SKIN_FADED)


# --- pieces of equipment drawn in this module's own way ---------------------------------------


def _towel(x: float, y: float, width: float = 30) -> str:
    """A small folded towel lying flat on a table, its top at y."""
    return f'<rect x="{x:g}" y="{y:g}" width="{width:g}" height="5" rx="2" fill="#a16207"/>'


def _post(x: float, top: float = 24) -> str:
    """The side of a door frame from `top` to the floor, as core.doorway draws it."""
    return f'<rect x="{x - 7:g}" y="{top:g}" width="14" height="{236 - top:g}" fill="#64748b"/>'


def _mark(point: Point) -> str:
    """A faded fingertip mark on the wall."""
    x, y = point
    return f'<circle cx="{x:g}" cy="{y:g}" r="5" fill="{BODY}" opacity="{SKIN_FADED:g}"/>'


# --- the drawings -----------------------------------------------------------------------------


def pendulum() -> Drawing:
    hip = (140, HIP_Y)
    head, torso, shoulder = side_torso(hip[0], lean=72)
    support = arm(shoulder, (262, 142), bend=-1)
    hang = [shoulder, (shoulder[0], shoulder[1] + SUPPER), (shoulder[0], shoulder[1] + 67)]
    forward = chain(shoulder, (SUPPER, 66), (SFORE, 66))
    back = chain(shoulder, (SUPPER, 114), (SFORE, 114))
    low = hang[2][1]
    return Drawing(
        slug="pendulum",
        title="Pendulum",
        description=(
            "A person stands bent forward at the hips with the good hand resting on a table. "
            "The sore arm hangs straight down, loose. A gentle rock of the body lets the arm "
            "swing a little forward and back, like a pendulum."
        ),
        start=Pose(
            head=head,
            head_r=SHEAD_R,
            strokes=[
                leg(hip, (hip[0] - 14, ANKLE_Y)),
                leg(hip, (hip[0] + 20, ANKLE_Y)),
                torso,
                support,
                hang,
            ],
        ),
        end_strokes=[forward, back],
        arrows=[((hang[2][0] - 30, low + 4), (hang[2][0], low + 26), (hang[2][0] + 30, low + 4))],
        scene="floor",
        props=[table(240, width=150, top_y=152)],
    )


def table_slide() -> Drawing:
    seat_y = 170
    hip = (96, seat_y - 8)
    head, torso, shoulder = side_torso(hip[0], lean=8, hip_y=hip[1])
    lean_head, lean_torso, lean_shoulder = side_torso(hip[0], lean=54, hip_y=hip[1])
    top_y = 132
    hand_y = top_y - 9
    start_hand = (166, hand_y)
    reach = SUPPER + SFORE - 1
    end_hand = (
        round(lean_shoulder[0] + math.sqrt(reach**2 - (hand_y - lean_shoulder[1]) ** 2)),
        hand_y,
    )
    knee = (hip[0] + STHIGH + 6, hip[1])
    return Drawing(
        slug="table-slide",
        title="Table slide",
        description=(
            "A person sits on a chair facing a table, one hand resting on a small towel on the "
            "table. They lean forward from the hips and let the hand slide forward along the "
            "table, raising the arm in front of them."
        ),
        start=Pose(
            head=head,
            head_r=SHEAD_R,
            strokes=[
                [hip, knee, (knee[0] + 2, ANKLE_Y), (knee[0] + 20, ANKLE_Y + 2)],
                torso,
                arm(shoulder, start_hand, bend=-1),
            ],
        ),
        end_head=lean_head,
        end_strokes=[lean_torso],
        arrows=[
            ((start_hand[0] + 4, top_y + 22), (195, top_y + 28), (end_hand[0] + 14, top_y + 22))
        ],
        scene="floor",
        props=[
            chair(hip[0] + 40, facing="right", seat_y=seat_y),
            table(160, width=200, top_y=top_y),
            _towel(start_hand[0] - 12, top_y - 4, end_hand[0] - start_hand[0] + 26),
        ],
        front=[ghost([lean_shoulder, end_hand], trim=6)],
    )


def wall_walk() -> Drawing:
    face = 262
    low_hand = (face - 9, 100)
    high_hand = (face - 9, 14)
    return Drawing(
        slug="wall-walk",
        title="Wall walk (finger ladder)",
        description=(
            "A person stands facing a wall with the fingertips of the sore arm on the wall at "
            "chest height. The fingers walk up the wall, step by step, until the arm is raised "
            "high in front of them."
        ),
        start=standing_side(
            SIDE_X + 30,
            hanging_arm(side_torso(SIDE_X + 30)[2]),
            arm(side_torso(SIDE_X + 30)[2], low_hand, bend=-1),
            step=8,
        ),
        end_strokes=[arm(side_torso(SIDE_X + 30)[2], high_hand, bend=-1)],
        arrows=[((face + 10, 96), (face + 14, 58), (face + 10, 22))],
        scene="floor",
        props=[wall(face)],
        front=[_mark((face - 9, 72)), _mark((face - 9, 44))],
    )


def stick_flexion() -> Drawing:
    head = (200, 88)
    shoulders = [(178, 114), (222, 114)]
    down = [(172, 186), (228, 186)]
    up = [(176, 30), (224, 30)]
    body: list[Stroke] = [
        [(190, 178), (186, 216), (190, 246)],
        [(210, 178), (214, 216), (210, 246)],
        [(200, 110), (200, 178)],
        [(181, 112), (219, 112)],
    ]
    return Drawing(
        slug="stick-flexion",
        title="Stick-assisted shoulder raise",
        description=(
            "Seen from above: a person lies on their back holding a stick in both hands, "
            "resting on the thighs. With straight elbows, they lift the stick up and over "
            "their head, the good arm helping the sore one."
        ),
        start=Pose(
            head=head,
            strokes=[*body, [shoulders[0], down[0]], [shoulders[1], down[1]]],
        ),
        end_strokes=[[shoulders[0], up[0]], [shoulders[1], up[1]]],
        arrows=[((148, 176), (112, 106), (148, 36))],
        scene="above",
        front=[stick((150, 190), (250, 190)), _fade(stick((154, 28), (246, 28)))],
    )


def stick_external_rotation() -> Drawing:
    good_elbow = (FX + 33, 112)
    good_start = (FX + 64, 122)
    good_end = (FX + 4, 126)
    return Drawing(
        slug="stick-external-rotation",
        title="Stick-assisted outward rotation",
        description=(
            "Seen from the front: a person stands with a rolled towel under the sore elbow, "
            "both elbows bent, holding a stick across the front of the waist. The good arm "
            "pushes the stick toward the sore side, so the sore hand swings outward while its "
            "elbow stays at the side."
        ),
        start=standing_front(sore_forearm(BELLY_HAND), [GOOD_SHOULDER, good_elbow, good_start]),
        end_strokes=[[SORE_ELBOW, OUT_HAND]],
        arrows=[((FX + 24, 150), (FX - 20, 172), (OUT_HAND[0] - 4, 148))],
        scene="floor",
        props=[chest()],
        front=[
            towel_roll(ROLL, 7),
            ghost([good_elbow, good_end], trim=8),
            stick((BELLY_HAND[0] - 8, 120), (good_start[0] + 16, 122)),
            _fade(stick((OUT_HAND[0] - 8, 125), (good_end[0] + 16, 126))),
        ],
    )


def cross_body_stretch() -> Drawing:
    across_elbow = (FX + 10, 94)
    across_hand = (FX + 46, 82)
    helper = [GOOD_SHOULDER, (FX + 44, 118), (across_elbow[0] - 2, across_elbow[1] + 6)]
    return Drawing(
        slug="cross-body-stretch",
        title="Cross-body shoulder stretch",
        description=(
            "Seen from the front: a person stands with the arms by the sides. One arm lifts and "
            "comes across the chest at chest height, and the other hand holds it just above the "
            "elbow to ease it closer."
        ),
        start=standing_front(front_hanging(SORE_SHOULDER, -1), front_hanging(GOOD_SHOULDER, 1)),
        arrows=[((SORE_SHOULDER[0] - 22, 148), (FX - 84, 76), (FX - 36, 66))],
        scene="floor",
        props=[chest()],
        front=[
            ghost([SORE_SHOULDER, across_elbow, across_hand], trim=10),
            ghost(helper, trim=10),
        ],
    )


def isometric_external_rotation() -> Drawing:
    post_x = FORWARD_HAND[0] - 19
    return Drawing(
        slug="isometric-external-rotation",
        title="Isometric outward rotation",
        description=(
            "Seen from the front: a person stands in a doorway with the sore side next to the "
            "door frame. The elbow is bent to a right angle at the side, on a rolled towel, and "
            "the back of the hand rests on the frame. The hand pushes outward into the frame "
            "without the arm moving."
        ),
        start=standing_front(sore_forearm(FORWARD_HAND), front_hanging(GOOD_SHOULDER, 1)),
        arrows=[((FX - 6, 154), (FX - 30, 162), (post_x + 12, 154))],
        scene="floor",
        props=[_post(post_x), chest()],
        front=[towel_roll(ROLL, 7)],
    )


def isometric_internal_rotation() -> Drawing:
    hand = FORWARD_HAND
    good = [GOOD_SHOULDER, (FX + 16, 118), (hand[0] + 16, hand[1] - 2)]
    return Drawing(
        slug="isometric-internal-rotation",
        title="Isometric inward rotation",
        description=(
            "Seen from the front: a person stands with the sore elbow bent to a right angle at "
            "the side, on a rolled towel, the hand in front. The palm of the good hand rests "
            "against the palm of the sore hand. The sore hand pushes inward into the good hand "
            "without the arm moving."
        ),
        start=standing_front(sore_forearm(hand), good),
        arrows=[((hand[0] - 34, 154), (hand[0] - 6, 162), (hand[0] + 18, 154))],
        scene="floor",
        props=[chest()],
        front=[towel_roll(ROLL, 7)],
    )


def band_external_rotation() -> Drawing:
    knob = (330, 118)
    return Drawing(
        slug="band-external-rotation",
        title="Outward rotation with a band",
        description=(
            "Seen from the front: a person stands side-on to a door with a band tied to the "
            "handle at elbow height. The sore elbow is bent at the side on a rolled towel, the "
            "hand in front of the belly holding the band. The hand turns outward, away from "
            "the door, against the band."
        ),
        start=standing_front(sore_forearm(BELLY_HAND), front_hanging(GOOD_SHOULDER, 1)),
        end_strokes=[[SORE_ELBOW, OUT_HAND]],
        arrows=[((FX - 6, 146), (FX - 34, 168), (OUT_HAND[0] - 4, 148))],
        scene="floor",
        props=[doorway(knob[0] + 8), anchor(knob), chest()],
        front=[towel_roll(ROLL, 7), band_line(BELLY_HAND, knob), _fade(band_line(OUT_HAND, knob))],
    )


def band_internal_rotation() -> Drawing:
    knob = (70, 118)
    return Drawing(
        slug="band-internal-rotation",
        title="Inward rotation with a band",
        description=(
            "Seen from the front: a person stands side-on to a door with a band tied to the "
            "handle at elbow height, on the sore side. The sore elbow is bent at the side on a "
            "rolled towel, the hand a little out to the side holding the band. The hand pulls "
            "in across the belly against the band."
        ),
        start=standing_front(sore_forearm(OUT_HAND), front_hanging(GOOD_SHOULDER, 1)),
        arrows=[((OUT_HAND[0] - 2, 148), (FX - 34, 168), (FX - 6, 146))],
        scene="floor",
        props=[doorway(knob[0] - 8), anchor(knob), chest()],
        front=[
            towel_roll(ROLL, 7),
            ghost([SORE_ELBOW, BELLY_HAND], trim=10),
            band_line(knob, OUT_HAND),
            _fade(band_line(knob, BELLY_HAND)),
        ],
    )


def band_row() -> Drawing:
    x = 150
    _, _, shoulder = side_torso(x)
    knob = (322, 100)
    reach = (shoulder[0] + SUPPER + SFORE - 2, shoulder[1] + 14)
    elbow_back = chain(shoulder, (SUPPER, 132))[1]
    pulled = (elbow_back[0] + SFORE, elbow_back[1] - 4)
    return Drawing(
        slug="band-row",
        title="Row with a band",
        description=(
            "Seen from the side: a person stands tall facing a door, holding a band tied to the "
            "handle at chest height, arms straight in front. They pull the elbows back past "
            "the sides, squeezing the shoulder blades together."
        ),
        start=standing_side(x, arm(shoulder, reach), step=10),
        arrows=[
            (
                (reach[0] - 2, reach[1] + 22),
                (reach[0] - 30, reach[1] + 30),
                (pulled[0] + 16, reach[1] + 26),
            )
        ],
        scene="floor",
        props=[doorway(knob[0] + 8), anchor(knob)],
        front=[
            ghost([shoulder, elbow_back, pulled], trim=8),
            band_line(reach, knob),
            _fade(band_line(pulled, knob)),
        ],
    )


SCAPTION_UP: Point = (SORE_SHOULDER[0] - 60, SORE_SHOULDER[1] - 6)


def scaption() -> Drawing:
    down = front_hanging(SORE_SHOULDER, -1)
    return Drawing(
        slug="scaption",
        title="Scaption",
        description=(
            "Seen from the front: a person stands with the arm by the side, thumb forward. The "
            "straight arm lifts, a little forward of the side with the thumb up, to shoulder "
            "height."
        ),
        start=standing_front(down, front_hanging(GOOD_SHOULDER, 1)),
        props=[chest()],
        end_strokes=[[SORE_SHOULDER, SCAPTION_UP]],
        arrows=[
            (
                (down[2][0] - 18, down[2][1] + 4),
                (SCAPTION_UP[0] - 22, 150),
                (SCAPTION_UP[0] - 6, SCAPTION_UP[1] + 22),
            )
        ],
        scene="floor",
    )


def scaption_weight() -> Drawing:
    drawing = scaption()
    drawing.slug = "scaption-weight"
    drawing.title = "Scaption with a weight"
    drawing.description = (
        "Seen from the front: a person stands holding a light weight with the arm by the side. "
        "The straight arm lifts the weight, a little forward of the side with the thumb up, to "
        "shoulder height."
    )
    hand = drawing.start.strokes[-2][2]
    drawing.front = [dumbbell(hand), _fade(dumbbell(SCAPTION_UP, vertical=True))]
    return drawing


def side_lying_external_rotation() -> Drawing:
    head = (60, 150)
    shoulder = (100, 152)
    elbow = (146, 156)
    down = (152, 190)
    up = (150, 118)
    return Drawing(
        slug="side-lying-external-rotation",
        title="Side-lying outward rotation",
        description=(
            "A person lies on their good side with a rolled towel between the top elbow and the "
            "side. The top elbow is bent to a right angle with the hand in front of the belly, "
            "holding a light weight. The hand lifts up toward the ceiling while the elbow stays "
            "on the towel."
        ),
        start=Pose(
            head=head,
            strokes=[
                [(88, 162), (204, 172)],  # torso
                [(94, 170), (62, 182), (34, 176)],  # lower arm under the head
                [(204, 180), (290, 210), (360, 212)],  # legs, a little bent
                [(204, 168), (292, 196), (362, 198)],
                [shoulder, elbow, down],
            ],
        ),
        end_strokes=[[elbow, up]],
        arrows=[((178, 190), (194, 150), (172, 118))],
        props=[towel_roll((150, 168), 7)],
        front=[dumbbell(down, vertical=True), _fade(dumbbell(up, vertical=True))],
    )


def wall_push_up() -> Drawing:
    ankle = (118, ANKLE_Y)

    def body(lean: float) -> tuple[Point, Stroke, Stroke, Point]:
        hip = chain(ankle, (STHIGH + SSHIN, 270 + lean))[1]
        head, torso, shoulder = side_torso(hip[0], lean=lean, hip_y=hip[1])
        return head, torso, [hip, ankle, (ankle[0] + 18, ANKLE_Y + 2)], shoulder

    head, torso, legs, shoulder = body(20)
    near_head, near_torso, near_legs, near_shoulder = body(34)
    hand = chain(shoulder, (SUPPER + SFORE - 1, 20))[1]  # straight arms, square to the body
    face = hand[0] + 9
    return Drawing(
        slug="wall-push-up",
        title="Wall push-up",
        description=(
            "Seen from the side: a person stands leaning on a wall with straight arms, hands at "
            "shoulder height and the body in a straight line. They bend the elbows to bring the "
            "chest toward the wall, then push back."
        ),
        start=Pose(head=head, head_r=SHEAD_R, strokes=[legs, torso, [shoulder, hand]]),
        end_head=near_head,
        end_strokes=[near_legs, near_torso, arm(near_shoulder, hand, bend=-1)],
        arrows=[
            (
                (head[0] - 2, head[1] - 26),
                (head[0] + 22, head[1] - 38),
                (near_head[0] + 4, near_head[1] - 24),
            )
        ],
        scene="floor",
        props=[wall(face)],
    )


def doorway_chest_stretch() -> Drawing:
    x = 192
    post_x = 166
    head, torso, shoulder = side_torso(x)
    hip = torso[0]
    step_hip = (x + 16, hip[1])
    lean_head, lean_torso, lean_shoulder = side_torso(step_hip[0], lean=12)
    elbow = (post_x + 4, shoulder[1] + 8)
    hand = (post_x + 4, elbow[1] - SFORE - 4)
    return Drawing(
        slug="doorway-chest-stretch",
        title="Doorway chest stretch",
        description=(
            "Seen from the side: a person stands in a doorway with the forearm resting upright "
            "on the door frame, the elbow a little below shoulder height. They step one foot "
            "forward and lean gently through the doorway, so the arm stays back on the frame "
            "and the chest stretches."
        ),
        start=Pose(
            head=head,
            head_r=SHEAD_R,
            strokes=[
                leg(hip, (x - 8, ANKLE_Y)),
                leg(hip, (x + 6, ANKLE_Y)),
                torso,
                [shoulder, elbow, hand],
            ],
        ),
        end_head=lean_head,
        end_strokes=[
            leg(step_hip, (x + 46, ANKLE_Y)),
            lean_torso,
            [lean_shoulder, elbow],
        ],
        arrows=[
            (
                (lean_shoulder[0] + 22, 118),
                (lean_shoulder[0] + 40, 110),
                (lean_shoulder[0] + 60, 118),
            )
        ],
        scene="floor",
        props=[_post(post_x)],
    )


DRAWINGS: list[Drawing] = [
    pendulum(),
    table_slide(),
    wall_walk(),
    stick_flexion(),
    stick_external_rotation(),
    cross_body_stretch(),
    isometric_external_rotation(),
    isometric_internal_rotation(),
    band_external_rotation(),
    band_internal_rotation(),
    band_row(),
    scaption(),
    scaption_weight(),
    side_lying_external_rotation(),
    wall_push_up(),
    doorway_chest_stretch(),
]
