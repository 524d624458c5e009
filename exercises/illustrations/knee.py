"""Drawings for the knee exercises: lying on a mat, sitting on a chair, standing, on a step."""

from __future__ import annotations

import math

from exercises.illustrations.core import (
    FLOOR_Y,
    FOOT,
    FOREARM,
    HEAD_R,
    NECK,
    PROP,
    SHIN,
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
    step,
    strap,
    toward,
    towel_roll,
    wall,
)

# --- lying on the back, seen from the side: head on the left, feet on the right -------------
HIP: Point = (160, 200)
SUPINE_HEAD: Point = (54, 188)
SUPINE_TORSO: Stroke = [(82, 196), HIP]
SUPINE_ARM: Stroke = [(90, 202), (130, 208), (164, 210)]  # along the side, behind the body


def supine(*legs: Stroke, arm: Stroke = SUPINE_ARM) -> Pose:
    return Pose(head=SUPINE_HEAD, strokes=[arm, SUPINE_TORSO, *legs])


def flat_leg(hip: Point = HIP) -> Stroke:
    """A straight leg resting on the mat, toes up."""
    return chain(hip, (THIGH, 2), (SHIN, 2), (FOOT, 290))


def bent_leg(hip: Point = HIP) -> Stroke:
    """The other leg, knee bent and foot flat on the mat."""
    return chain(hip, (THIGH, 310), (SHIN, 65), (FOOT, 2))


# --- sitting and standing on the floor ----------------------------------------------------------
# Upright figures are drawn at 4/5 of the mat size so a person standing on a step still fits.
S = 0.8
STHIGH, SSHIN, SFOOT, STORSO = THIGH * S, SHIN * S, FOOT * S, TORSO * S
SUPPER, SFORE = UPPER_ARM * S, FOREARM * S
SHEAD_R = round(HEAD_R * S + 1)
ANKLE_Y = FLOOR_Y - 10  # the ankle of a foot flat on the floor


def knee_between(hip: Point, ankle: Point, forward: int = 1) -> Point:
    """Where the knee is for a hip and an ankle: it bends toward `forward` (+1 right, -1 left)."""
    (hx, hy), (ax, ay) = hip, ankle
    dx, dy = ax - hx, ay - hy
    reach = math.hypot(dx, dy)
    if reach >= STHIGH + SSHIN:
        return toward(hip, ankle, STHIGH)
    along = (STHIGH**2 - SSHIN**2 + reach**2) / (2 * reach)
    out = math.sqrt(max(STHIGH**2 - along**2, 0))
    mx, my = hx + dx * along / reach, hy + dy * along / reach
    # the two perpendiculars; keep the one on the forward side
    px, py = -dy / reach, dx / reach
    if px * forward < 0:
        px, py = -px, -py
    return (round(mx + px * out, 1), round(my + py * out, 1))


def leg(hip: Point, ankle: Point, foot_angle: float = 0, forward: int = 1) -> Stroke:
    """Hip, knee, ankle and toes."""
    toes = chain(ankle, (SFOOT, foot_angle))[1]
    return [hip, knee_between(hip, ankle, forward), ankle, toes]


def upright(hip: Point, lean: float = 0) -> tuple[Point, Stroke]:
    """Head centre and torso from the hip, leaning forward (to the right) by `lean` degrees."""
    shoulder = chain(hip, (STORSO, 270 + lean))[1]
    head = chain(shoulder, (NECK * S + SHEAD_R, 270 + lean))[1]
    return head, [hip, shoulder]


def arm_to(shoulder: Point, hand: Point) -> Stroke:
    """An arm reaching from the shoulder to the hand, the elbow bending down and back."""
    (sx, sy), (hx, hy) = shoulder, hand
    dx, dy = hx - sx, hy - sy
    reach = math.hypot(dx, dy)
    if reach >= SUPPER + SFORE:
        return [shoulder, toward(shoulder, hand, SUPPER), hand]
    along = (SUPPER**2 - SFORE**2 + reach**2) / (2 * reach)
    out = math.sqrt(max(SUPPER**2 - along**2, 0))
    mx, my = sx + dx * along / reach, sy + dy * along / reach
    px, py = -dy / reach, dx / reach
    if py < 0:  # elbow below the line from shoulder to hand
        px, py = -px, -py
    return [shoulder, (round(mx + px * out, 1), round(my + py * out, 1)), hand]


def shoulder_of(torso: Stroke) -> Point:
    """Where the arm hangs from: a little below the top of the torso."""
    return toward(torso[1], torso[0], 6)


def chair_back(x: float, top_y: float = 118) -> str:
    """The back of a chair seen from the side, held as a support: a post and a seat edge."""
    return chair(x + 62, facing="right", seat_y=top_y + 70)


# --- poses used by several drawings --------------------------------------------------------------
# Lying: the straight leg over a small roll under the knee (quad setting).
QUAD_ROLL: Point = (219, 212)


def standing_pose(x: float, *, lean: float = 0, hands: list[Point] | None = None) -> Pose:
    hip = (x, ANKLE_Y - SSHIN - STHIGH)
    head, torso = upright(hip, lean)
    strokes = [torso, leg(hip, (x, ANKLE_Y))]
    shoulder = shoulder_of(torso)
    for hand in hands or [(x + 4, hip[1] + 10)]:
        strokes.append(arm_to(shoulder, hand))
    return Pose(head=head, head_r=SHEAD_R, strokes=strokes)


# --- the drawings ---------------------------------------------------------------------------------


def quad_setting() -> Drawing:
    knee_up = [HIP, (QUAD_ROLL[0], QUAD_ROLL[1] - 24), (276, 204), (280, 183)]
    return Drawing(
        slug="quad-setting",
        title="Quadriceps setting",
        description=(
            "A person lies on their back with the legs straight and a small rolled towel under "
            "one knee. They tighten the front of the thigh and press the back of the knee down "
            "into the towel."
        ),
        start=supine(knee_up),
        end_strokes=[[HIP, (QUAD_ROLL[0], QUAD_ROLL[1] - 14), (276, 206), (280, 185)]],
        arrows=[((219, 140), (224, 158), (219, 176))],
        props=[towel_roll(QUAD_ROLL, 13)],
    )


def straight_leg_raise() -> Drawing:
    lifted = chain(HIP, (THIGH, 330), (SHIN, 330), (FOOT, 250))
    return Drawing(
        slug="straight-leg-raise",
        title="Straight leg raise",
        description=(
            "A person lies on their back with one knee bent and the foot flat. The other leg is "
            "straight on the mat. They keep that knee straight and lift the whole leg up to the "
            "height of the bent knee."
        ),
        start=supine(bent_leg(), flat_leg()),
        end_strokes=[lifted],
        arrows=[((300, 196), (322, 168), (292, 128))],
    )


def short_arc_quad() -> Drawing:
    roll = (212, 193)
    knee = (212, 166)
    thigh_angle = math.degrees(math.atan2(knee[1] - HIP[1], knee[0] - HIP[0]))
    heel_down = (256, 204)
    start_leg = [HIP, knee, heel_down, chain(heel_down, (FOOT, 290))[1]]
    straight = chain(knee, (SHIN, thigh_angle), (FOOT, thigh_angle - 90))
    return Drawing(
        slug="short-arc-quad",
        title="Short-arc quad",
        description=(
            "A person lies on their back with a large rolled towel under one knee, so the knee "
            "is a little bent and the heel rests on the mat. They lift the heel until the knee "
            "is straight, keeping the thigh on the roll."
        ),
        start=supine(start_leg),
        end_strokes=[[knee, *straight[1:]]],
        arrows=[((282, 200), (300, 172), (282, 142))],
        props=[towel_roll(roll, 19)],
    )


def heel_slide() -> Drawing:
    bent = chain(HIP, (THIGH, 303), (SHIN, 68), (FOOT, 290))
    return Drawing(
        slug="heel-slide",
        title="Heel slides",
        description=(
            "A person lies on their back with both legs straight. They slide one heel along the "
            "mat toward the buttock, bending the knee, then slide it back down."
        ),
        start=supine(flat_leg()),
        end_strokes=[bent],
        arrows=[((282, 228), (250, 234), (224, 228))],
    )


def supine_hamstring_stretch() -> Drawing:
    start_leg = chain(HIP, (THIGH, 300), (SHIN, 300), (FOOT, 215))
    end_leg = chain(HIP, (THIGH, 282), (SHIN, 282), (FOOT, 197))
    ankle, toes = start_leg[2], start_leg[3]
    ball = toward(ankle, toes, FOOT * 0.6)
    hands = (132, 142)
    arm: Stroke = [(88, 194), (100, 162), hands]
    return Drawing(
        slug="supine-hamstring-stretch",
        title="Hamstring stretch with a towel or strap",
        description=(
            "A person lies on their back with one leg flat on the mat. A towel loops around the "
            "other foot, held in both hands. They keep that knee straight and use the towel to "
            "lift the leg until they feel a stretch in the back of the thigh."
        ),
        start=supine(flat_leg(), start_leg, arm=arm),
        end_strokes=[end_leg],
        arrows=[((244, 104), (252, 62), (218, 44))],
        front=[strap(hands, (ball[0] - 4, ball[1] - 8), (ball[0] + 6, ball[1] - 6))],
    )


def seated_knee_extension() -> Drawing:
    seat_y = 186
    front = 176
    hip = (front - 40, seat_y - 10)
    knee = (front + 6, seat_y - 10)
    head, torso = upright(hip, 0)
    hand = (front - 24, seat_y - 4)
    shin_down = chain(knee, (SSHIN, 88), (SFOOT, 0))
    shin_out = chain(knee, (SSHIN, 0), (SFOOT, 280))
    return Drawing(
        slug="seated-knee-extension",
        title="Seated knee extension",
        description=(
            "A person sits tall on a chair with both feet on the floor and hands on the seat. "
            "They straighten one knee to lift the foot until the leg is straight out in front, "
            "then lower it."
        ),
        start=Pose(
            head=head,
            head_r=SHEAD_R,
            strokes=[torso, [hip, *shin_down], arm_to(shoulder_of(torso), hand)],
        ),
        end_strokes=[shin_out],
        arrows=[((front + 40, 228), (front + 82, 222), (front + 86, 188))],
        scene="floor",
        props=[chair(front, seat_y=seat_y)],
    )


def terminal_knee_extension() -> Drawing:
    x = 150
    tall = ANKLE_Y - SSHIN - STHIGH
    hip = (x, tall + 14)  # the knee is a little bent
    head, torso = upright(hip, 0)
    bent = leg(hip, (x, ANKLE_Y))
    kx, ky = bent[1]
    tie = (340, ky)
    post = f'<rect x="{tie[0]:g}" y="40" width="14" height="{FLOOR_Y - 40:g}" fill="{PROP}"/>'
    loop = [tie, (kx - 9, ky - 7), (kx - 9, ky + 7), tie]
    return Drawing(
        slug="terminal-knee-extension-band",
        title="Terminal knee extension with a band",
        description=(
            "A person stands facing a band tied at knee height in front of them. The other end "
            "loops behind one knee and pulls it a little bent. They push the knee back until "
            "the leg is straight, then let it bend slowly."
        ),
        start=Pose(
            head=head,
            head_r=SHEAD_R,
            strokes=[
                torso,
                bent,
                arm_to(shoulder_of(torso), (x + 4, hip[1] + 6)),
            ],
        ),
        end_strokes=[[(x, tall), (x, tall + STHIGH), (x, ANKLE_Y), (x + SFOOT, ANKLE_Y)]],
        arrows=[((kx + 50, ky - 26), (kx + 30, ky - 30), (kx + 8, ky - 26))],
        scene="floor",
        props=[post],
        front=[band_line(*loop), anchor(tie)],
    )


def mini_squat() -> Drawing:
    x = 120
    support = 196
    grip = (support, 122)
    stand = standing_pose(x, hands=[grip])
    ankle = (x, ANKLE_Y)
    knee = chain(ankle, (SSHIN, 292))[1]
    hip = chain(knee, (STHIGH, 236))[1]
    head, torso = upright(hip, 22)
    squat = [hip, knee, ankle, (x + SFOOT, ANKLE_Y)]
    return Drawing(
        slug="mini-squat",
        title="Mini squat",
        description=(
            "A person stands holding the back of a chair, feet hip-width apart. They push the "
            "hips back and bend the knees a little, about a quarter of a full squat, then stand "
            "up tall."
        ),
        # The bent-knee position is drawn solid so it shows; the standing start is faded.
        start=Pose(
            head=head,
            head_r=SHEAD_R,
            strokes=[torso, squat, arm_to(shoulder_of(torso), grip)],
        ),
        end_head=stand.head,
        end_strokes=stand.strokes,
        arrows=[((x - 36, 104), (x - 48, 128), (x - 40, 152))],
        scene="floor",
        props=[chair_back(support + 4)],
    )


def wall_sit() -> Drawing:
    face = 80
    back_x = face + 11
    lean = 25  # degrees the thigh slopes down from the hip: the hips stay above the knees
    knee = chain((back_x, 0), (STHIGH, lean))[1]
    ankle = (knee[0], ANKLE_Y)
    sit_hip = (back_x, ANKLE_Y - SSHIN - knee[1])
    sit_knee = (knee[0], ANKLE_Y - SSHIN)
    stand_hip = (back_x, ANKLE_Y - math.sqrt((STHIGH + SSHIN) ** 2 - (ankle[0] - back_x) ** 2))
    stand_head, stand_torso = upright(stand_hip)
    sit_head, sit_torso = upright(sit_hip)
    toes = (ankle[0] + SFOOT, ANKLE_Y)

    def arm(torso: Stroke) -> Stroke:
        shoulder = shoulder_of(torso)
        return arm_to(shoulder, (shoulder[0] + 14, shoulder[1] + 56))

    return Drawing(
        slug="wall-sit",
        title="Wall sit",
        description=(
            "A person leans their back against a wall with the feet out in front. They have slid "
            "down the wall from standing until the knees are bent and the hips are still above "
            "the knees, and they hold there."
        ),
        # The hold is the exercise, so it is drawn solid; the standing start is faded.
        start=Pose(
            head=sit_head,
            head_r=SHEAD_R,
            strokes=[sit_torso, [sit_hip, sit_knee, ankle, toes], arm(sit_torso)],
        ),
        end_head=stand_head,
        end_strokes=[stand_torso, leg(stand_hip, ankle), arm(stand_torso)],
        arrows=[((back_x + 40, 60), (back_x + 48, 84), (back_x + 42, 108))],
        scene="floor",
        props=[wall(face, side="left")],
    )


def sit_to_stand() -> Drawing:
    seat_y = 186
    front = 160
    ankle = (front + 4, ANKLE_Y)
    sit_hip = (front - 38, seat_y - 10)
    sit_head, sit_torso = upright(sit_hip, 4)
    stand_hip = (front + 4, ANKLE_Y - SSHIN - STHIGH)
    stand_head, stand_torso = upright(stand_hip)

    def crossed(torso: Stroke) -> Stroke:
        sx, sy = shoulder_of(torso)
        return [(sx, sy), (sx + 6, sy + 26), (sx + 18, sy + 8)]

    return Drawing(
        slug="sit-to-stand",
        title="Sit to stand",
        description=(
            "A person sits near the front of a chair with arms crossed over the chest and feet "
            "back under the knees. They lean forward and stand up tall without using their "
            "hands, then sit back down slowly."
        ),
        start=Pose(
            head=sit_head,
            head_r=SHEAD_R,
            strokes=[sit_torso, leg(sit_hip, ankle), crossed(sit_torso)],
        ),
        end_head=stand_head,
        end_strokes=[stand_torso, leg(stand_hip, ankle), crossed(stand_torso)],
        arrows=[
            (
                (front + 40, 168),
                (front + 56, 124),
                (front + 36, 84),
            )
        ],
        scene="floor",
        props=[chair(front, seat_y=seat_y)],
    )


def step_up() -> Drawing:
    height = 28
    left = 190
    top = FLOOR_Y - height
    back_ankle = (120, ANKLE_Y)
    lead_ankle = (left + 30, top - 10)
    hip = (150, 140)
    head, torso = upright(hip, 8)
    up_hip = (lead_ankle[0], lead_ankle[1] - SSHIN - STHIGH)
    up_head, up_torso = upright(up_hip)
    return Drawing(
        slug="step-up",
        title="Step-up",
        description=(
            "A person stands facing a low step with one whole foot on it. They push through "
            "that foot to step up and stand tall on the step, then step back down."
        ),
        start=Pose(
            head=head,
            head_r=SHEAD_R,
            strokes=[
                leg(hip, back_ankle),
                torso,
                leg(hip, lead_ankle),
                arm_to(shoulder_of(torso), (hip[0] + 8, hip[1] + 8)),
            ],
        ),
        end_head=up_head,
        end_strokes=[up_torso, leg(up_hip, (lead_ankle[0] - 6, lead_ankle[1]))],
        arrows=[
            (
                (head[0] + 20, head[1] + 4),
                (head[0] + 30, up_head[1]),
                (up_head[0] - 22, up_head[1] + 2),
            )
        ],
        scene="floor",
        props=[step(left, width=150, height=height)],
    )


def forward_step_down() -> Drawing:
    height = 26
    edge = 210
    top = FLOOR_Y - height
    stance = (edge - 24, top - 10)
    hip = (stance[0], stance[1] - SSHIN - STHIGH)
    head, torso = upright(hip)
    hover = chain(hip, (STHIGH + SSHIN, 68), (SFOOT, 330))
    hover = [hip, toward(hip, hover[1], STHIGH), hover[1], hover[2]]
    low_hip = (stance[0] - 8, stance[1] - 60)
    low_head, low_torso = upright(low_hip, 16)
    reach = leg(low_hip, (edge + 16, ANKLE_Y), foot_angle=330)
    return Drawing(
        slug="forward-step-down",
        title="Forward step-down",
        description=(
            "A person stands on one leg on a low step, the other leg held straight off the front "
            "edge. They slowly bend the standing knee until the front heel just touches the "
            "floor, then straighten up again."
        ),
        # The low position is the hard part, so it is drawn solid; the tall start is faded.
        start=Pose(
            head=low_head,
            head_r=SHEAD_R,
            strokes=[
                reach,  # the free leg, behind the working leg
                low_torso,
                leg(low_hip, stance),
                arm_to(shoulder_of(low_torso), (low_hip[0] + 20, low_hip[1] - 2)),
            ],
        ),
        end_head=head,
        end_strokes=[torso, leg(hip, stance), hover],
        arrows=[((edge + 56, 170), (edge + 64, 196), (edge + 50, 222))],
        scene="floor",
        props=[step(edge - 150, width=150, height=height)],
    )


def standing_hamstring_curl() -> Drawing:
    x = 130
    support = 196
    grip = (support, 122)
    start = standing_pose(x, hands=[grip])
    hip = start.strokes[1][0]
    knee = (x, hip[1] + STHIGH)
    curled = chain(knee, (SSHIN, 200), (SFOOT, 110))
    return Drawing(
        slug="standing-hamstring-curl",
        title="Standing hamstring curl",
        description=(
            "A person stands tall holding the back of a chair. They bend one knee to lift the "
            "heel up behind them toward the buttock, keeping the thigh still, then lower it."
        ),
        start=Pose(
            head=start.head,
            head_r=SHEAD_R,
            strokes=[leg(hip, (x - 4, ANKLE_Y)), *start.strokes],
        ),
        end_strokes=[[hip, *curled]],
        arrows=[((x - 16, ANKLE_Y - 6), (x - 64, ANKLE_Y - 26), (x - 58, knee[1] - 8))],
        scene="floor",
        props=[chair_back(support + 4)],
    )


DRAWINGS: list[Drawing] = [
    quad_setting(),
    straight_leg_raise(),
    short_arc_quad(),
    seated_knee_extension(),
    heel_slide(),
    terminal_knee_extension(),
    mini_squat(),
    wall_sit(),
    sit_to_stand(),
    step_up(),
    forward_step_down(),
    standing_hamstring_curl(),
    supine_hamstring_stretch(),
]
