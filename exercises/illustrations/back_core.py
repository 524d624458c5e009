"""Lower back and core: lying on the back and front, on hands and knees, and planks.

Arms are drawn a little thinner than legs (`arm()`), so a limb reads as an arm or a leg even
when the figure is small: legs end in a foot, arms in a round hand.
"""

from __future__ import annotations

import math

from exercises.illustrations.core import (
    FOOT,
    FOREARM,
    SHIN,
    SKIN_FADED,
    THIGH,
    TORSO,
    UPPER_ARM,
    Drawing,
    Point,
    Pose,
    Stroke,
    chain,
    polyline,
    toward,
)

ARM = 14  # arms a little thinner than legs and body


def arm(points: Stroke, faded: bool = False) -> str:
    """An arm: thinner than a leg, with a white rim like the other limbs."""
    if faded:
        return polyline(points, SKIN_FADED, width=ARM)
    return polyline(points, color="#ffffff", width=ARM + 5) + polyline(points, width=ARM)


def shifted(stroke: Stroke, dx: float, dy: float) -> Stroke:
    """The same limb moved a little: the far-side arm or leg, seen behind the near one."""
    return [(round(x + dx, 1), round(y + dy, 1)) for x, y in stroke]


def head_beyond(shoulder: Point, below: Point) -> Point:
    """The head in line with the trunk (from `below` to the shoulder), past the shoulder."""
    (sx, sy), (bx, by) = shoulder, below
    return toward(below, shoulder, math.hypot(sx - bx, sy - by) + 12 + 19)


# --- lying on the back, seen from the side: head on the left --------------------------------
SUPINE_HEAD = (64, 188)
SHOULDER: Point = (96, 198)
HIP: Point = (174, 198)
SUPINE_TORSO: Stroke = [SHOULDER, HIP]
CROOK_LEG: Stroke = chain(HIP, (THIGH, -52), (SHIN, 58), (FOOT, 0))  # knee bent, foot flat
FAR = (6, -5)  # how far the far-side limb sits behind the near one
ARM_BY_SIDE: Stroke = chain((98, 200), (UPPER_ARM, 8), (FOREARM, 0))


def supine(*, torso: Stroke = SUPINE_TORSO, legs: list[Stroke] | None = None) -> Pose:
    near = CROOK_LEG
    strokes = [shifted(near, *FAR), torso, near] if legs is None else [torso, *legs]
    return Pose(head=SUPINE_HEAD, strokes=strokes)


# Knee hugged to the chest, hands behind the thigh.
HUG_LEG: Stroke = chain(HIP, (THIGH, 236), (SHIN, 12), (FOOT, -20))
HUG_ARM: Stroke = chain(SHOULDER, (UPPER_ARM, -62), (FOREARM, 8))

# Dead bug: hips and knees at right angles, arms to the ceiling.
TABLE_LEG: Stroke = chain(HIP, (THIGH, -88), (SHIN, 0), (FOOT, -50))
ARM_UP: Stroke = chain(SHOULDER, (UPPER_ARM, -90), (FOREARM, -90))
LEG_LOWERED: Stroke = chain(HIP, (THIGH, -10), (SHIN, -10), (FOOT, -70))
ARM_OVERHEAD: Stroke = chain(SHOULDER, (UPPER_ARM, 200), (FOREARM, 200))

# --- on hands and knees, seen from the side: head on the left -------------------------------
Q_SHOULDER: Point = (112, 132)
Q_HIP: Point = (190, 148)
Q_HAND: Point = (112, 214)
Q_ARM: Stroke = [Q_SHOULDER, (110, 174), Q_HAND]
Q_LEG: Stroke = chain(Q_HIP, (THIGH, 92), (SHIN, 0), (FOOT, 20))  # knee on the mat
Q_HEAD: Point = (80, 128)


def quadruped(torso: Stroke, head: Point = Q_HEAD) -> Pose:
    return Pose(head=head, strokes=[shifted(Q_LEG, *FAR), torso, Q_LEG])


# --- lying on the front, seen from the side: head on the left -------------------------------
PRONE_HEAD = (62, 194)
P_SHOULDER: Point = (96, 200)
P_HIP: Point = (174, 202)
PRONE_LEG: Stroke = chain(P_HIP, (THIGH, 1), (SHIN, 0), (FOOT, 30))
PRONE_HAND: Point = (90, 214)
PRONE_ARM: Stroke = [(100, 198), (126, 176), PRONE_HAND]  # hands by the chest, elbows up
PRESS_SHOULDER: Point = (114, 148)
PRESS_TORSO: Stroke = [PRESS_SHOULDER, (142, 188), P_HIP]  # the low back bends most
PRESS_ARM: Stroke = [PRESS_SHOULDER, (112, 182), PRONE_HAND]

# --- planks, seen from the side: forearms on the mat, head on the left ----------------------
# The plank is the position you hold, so it is drawn solid; the faded body is where you lift
# from, lying on the mat.
PL_ELBOW: Point = (118, 210)
PL_SHOULDER: Point = (118, 164)
PL_ARM: Stroke = [PL_SHOULDER, PL_ELBOW, (78, 210)]
PL_HIP_DOWN: Point = (190, 206)

PL_KNEE_DOWN: Point = (252, 208)  # kneeling plank: the knee on the mat
PL_HIP_KNEES: Point = toward(PL_SHOULDER, PL_KNEE_DOWN, TORSO)
KNEE_PLANK_SHIN: Stroke = chain(PL_KNEE_DOWN, (SHIN, -36), (FOOT, -10))

PL_ANKLE: Point = (314, 196)
PL_TOES: Point = (320, 214)
PL_HIP_TOES: Point = toward(PL_SHOULDER, PL_ANKLE, TORSO)
PL_KNEE_TOES: Point = toward(PL_SHOULDER, PL_ANKLE, TORSO + THIGH)

# --- side planks, seen from the front: head on the left, propped on the lower forearm -------
SP_SHOULDER: Point = (116, 150)
SP_ELBOW: Point = (116, 200)
SP_FOREARM: Stroke = [SP_SHOULDER, SP_ELBOW, (86, 220)]  # forearm toward us
SP_KNEE: Point = (262, 206)
SP_FEET: Point = (336, 206)
SP_HIP_DOWN: Point = (184, 216)
SP_HIP_KNEES: Point = toward(SP_SHOULDER, SP_KNEE, TORSO)
SP_HIP_FEET: Point = toward(SP_SHOULDER, SP_FEET, TORSO)


def side_plank_top_arm(hip: Point) -> Stroke:
    """The top arm, hand resting on the hip, elbow pointing up."""
    sx, sy = SP_SHOULDER
    hx, hy = hip
    return [(sx + 4, sy - 4), ((sx + hx) / 2 - 2, min(sy, hy) - 30), (hx - 6, hy - 10)]


def kneeling_side_legs(hip: Point) -> list[Stroke]:
    """Thighs in line with the body to the knees; the shins go back, away from us."""
    kx, ky = SP_KNEE
    bottom = [hip, SP_KNEE, (kx + 16, ky - 26)]
    top = [(hip[0], hip[1] - 8), (kx, ky - 10), (kx + 18, ky - 36)]
    return [bottom, top]


def straight_side_legs(hip: Point) -> list[Stroke]:
    fx, fy = SP_FEET
    bottom = [hip, SP_FEET, (fx + 4, fy - FOOT)]
    top = [(hip[0], hip[1] - 9), (fx, fy - 11), (fx + 4, fy - 11 - FOOT)]
    return [bottom, top]


DRAWINGS = [
    Drawing(
        slug="pelvic-tilt",
        title="Pelvic tilt",
        description=(
            "A person lies on their back on a mat with knees bent and feet flat. There is a "
            "small gap under the low back. The pelvis tips back so the low back presses flat "
            "into the mat."
        ),
        start=supine(torso=[SHOULDER, (122, 197), (138, 191), (152, 187), (164, 190), HIP]),
        end_strokes=[[SHOULDER, (150, 203), HIP]],
        arrows=[((150, 136), (152, 152), (150, 170))],
        front=[arm(ARM_BY_SIDE)],
    ),
    Drawing(
        slug="single-knee-to-chest",
        title="Single knee to chest",
        description=(
            "A person lies on their back on a mat with both knees bent and feet flat. They "
            "lift one knee and hug it toward the chest with both hands behind the thigh. The "
            "other foot stays flat on the mat."
        ),
        start=supine(),
        end_strokes=[HUG_LEG],
        arrows=[((226, 140), (200, 108), (160, 124))],
        props=[arm(HUG_ARM, faded=True)],
        front=[arm(ARM_BY_SIDE)],
    ),
    Drawing(
        slug="double-knee-to-chest",
        title="Double knee to chest",
        description=(
            "A person lies on their back on a mat with both knees bent and feet flat. They "
            "bring both knees up and hug them toward the chest with both hands behind the "
            "thighs."
        ),
        start=supine(),
        end_strokes=[shifted(HUG_LEG, 12, -9), HUG_LEG],
        arrows=[((226, 140), (200, 100), (164, 114)), ((250, 160), (250, 120), (218, 100))],
        props=[arm(HUG_ARM, faded=True)],
        front=[arm(ARM_BY_SIDE)],
    ),
    Drawing(
        slug="lower-trunk-rotation",
        title="Lower trunk rotation",
        description=(
            "Seen from above: a person lies on their back with arms out to the sides, knees "
            "bent and together, feet flat. Both knees roll slowly to one side and then to the "
            "other, while the shoulders stay on the mat."
        ),
        start=Pose(
            head=(200, 40),
            head_r=20,
            strokes=[
                [(200, 72), (200, 146)],  # torso
                [(193, 150), (192, 200), (193, 238)],  # legs: knees up, feet flat
                [(207, 150), (208, 200), (207, 238)],
            ],
        ),
        end_strokes=[
            [(193, 150), (262, 176), (196, 238)],  # both knees rolled to the right
            [(207, 150), (280, 192), (208, 240)],
        ],
        arrows=[((224, 170), (250, 156), (272, 168))],
        front=[
            arm([(190, 82), (150, 96), (110, 100)]),  # arms out to the sides
            arm([(210, 82), (250, 96), (290, 100)]),
        ],
        scene="above",
    ),
    Drawing(
        slug="cat-camel",
        title="Cat–camel",
        description=(
            "A person is on their hands and knees on a mat, hands under the shoulders and "
            "knees under the hips. The back rounds up toward the ceiling with the head down, "
            "then dips down toward the floor with the head up."
        ),
        start=quadruped([Q_SHOULDER, (132, 110), (156, 104), (178, 116), Q_HIP], head=(76, 158)),
        end_head=(76, 110),
        end_strokes=[[Q_SHOULDER, (132, 150), (156, 158), (178, 156), Q_HIP]],
        arrows=[((156, 86), (158, 76), (156, 62)), ((156, 122), (158, 136), (156, 150))],
        props=[arm(shifted(Q_ARM, *FAR))],
        front=[arm(Q_ARM)],
    ),
    Drawing(
        slug="bird-dog",
        title="Bird dog",
        description=(
            "A person is on their hands and knees on a mat with a flat back. They reach one "
            "arm straight forward and the opposite leg straight back, level with the body, "
            "then return to hands and knees."
        ),
        start=quadruped([Q_SHOULDER, Q_HIP]),
        end_strokes=[chain(Q_HIP, (THIGH + SHIN, -4), (FOOT, 80))],
        arrows=[((100, 196), (58, 190), (40, 150)), ((262, 196), (300, 190), (306, 160))],
        props=[arm(shifted(Q_ARM, *FAR)), arm(chain(Q_SHOULDER, (84, 184)), faded=True)],
        front=[arm(Q_ARM)],
    ),
    Drawing(
        slug="dead-bug",
        title="Dead bug",
        description=(
            "A person lies on their back on a mat with arms pointing to the ceiling, and hips "
            "and knees bent to right angles. One arm lowers back over the head while the "
            "opposite leg straightens toward the floor. The low back stays still."
        ),
        start=supine(legs=[shifted(TABLE_LEG, *FAR), TABLE_LEG]),
        end_strokes=[LEG_LOWERED],
        arrows=[((244, 130), (290, 138), (300, 168)), ((84, 104), (38, 112), (22, 150))],
        props=[arm(ARM_OVERHEAD, faded=True), arm(shifted(ARM_UP, *FAR))],
        front=[arm(ARM_UP)],
    ),
    Drawing(
        slug="prone-press-up",
        title="Press-up lying on your front",
        description=(
            "A person lies on their front on a mat with hands flat under the shoulders. They "
            "push with the arms to lift the head and chest, while the hips stay on the mat "
            "and the low back relaxes."
        ),
        start=Pose(head=PRONE_HEAD, strokes=[[P_SHOULDER, P_HIP], PRONE_LEG]),
        end_head=head_beyond(PRESS_SHOULDER, (142, 188)),
        end_strokes=[PRESS_TORSO],
        arrows=[((46, 170), (44, 130), (74, 106))],
        props=[arm(PRESS_ARM, faded=True)],
        front=[arm(PRONE_ARM)],
    ),
    Drawing(
        slug="abdominal-bracing",
        title="Abdominal bracing",
        description=(
            "A person lies on their back on a mat with knees bent and feet flat, fingertips "
            "on the sides of the belly. The belly muscles tighten gently all around, while "
            "the back and pelvis stay still."
        ),
        start=supine(),
        arrows=[((118, 150), (124, 166), (132, 180)), ((172, 150), (166, 166), (158, 180))],
        front=[arm(chain((98, 200), (UPPER_ARM, -4), (FOREARM, -30)))],
    ),
    Drawing(
        slug="front-plank-knees",
        title="Front plank on your knees",
        description=(
            "A person holds a plank on the forearms and knees, elbows under the shoulders, with "
            "a straight line from the head to the knees. Faded: lying on the front with the "
            "hips on the mat, where they lift from."
        ),
        start=Pose(
            head=head_beyond(PL_SHOULDER, PL_HIP_KNEES),
            strokes=[[PL_SHOULDER, PL_HIP_KNEES, PL_KNEE_DOWN], KNEE_PLANK_SHIN],
        ),
        end_strokes=[[PL_SHOULDER, PL_HIP_DOWN, PL_KNEE_DOWN]],
        arrows=[((206, 232), (222, 214), (208, 196))],
        front=[arm(PL_ARM)],
    ),
    Drawing(
        slug="front-plank",
        title="Front plank",
        description=(
            "A person holds a plank on the forearms and toes, elbows under the shoulders, with "
            "a straight line from the head to the heels. Faded: lying on the front with the "
            "hips and knees on the mat, where they lift from."
        ),
        start=Pose(
            head=head_beyond(PL_SHOULDER, PL_HIP_TOES),
            strokes=[[PL_SHOULDER, PL_HIP_TOES, PL_KNEE_TOES, PL_ANKLE, PL_TOES]],
        ),
        end_strokes=[[PL_SHOULDER, PL_HIP_DOWN, (248, 210), (306, 208), (318, 216)]],
        arrows=[((206, 232), (222, 212), (210, 192))],
        front=[arm(PL_ARM)],
    ),
    Drawing(
        slug="side-plank-knees",
        title="Side plank on your knees",
        description=(
            "Seen from the front: a person holds a side plank on the lower forearm, elbow under "
            "the shoulder, knees bent and top hand on the hip. The body is in a straight line "
            "from the head to the knees. Faded: the hips down on the mat, where they lift from."
        ),
        start=Pose(
            head=head_beyond(SP_SHOULDER, SP_HIP_KNEES),
            strokes=[[SP_SHOULDER, SP_HIP_KNEES], *kneeling_side_legs(SP_HIP_KNEES)],
        ),
        end_strokes=[[SP_SHOULDER, SP_HIP_DOWN, SP_KNEE]],
        arrows=[((196, 236), (214, 218), (200, 198))],
        props=[arm(SP_FOREARM)],
        front=[arm(side_plank_top_arm(SP_HIP_KNEES))],
    ),
    Drawing(
        slug="side-plank",
        title="Side plank",
        description=(
            "Seen from the front: a person holds a side plank on the lower forearm, elbow under "
            "the shoulder, legs straight with feet stacked and top hand on the hip. The body is "
            "in a straight line from the head to the feet. Faded: the hips down on the mat, "
            "where they lift from."
        ),
        start=Pose(
            head=head_beyond(SP_SHOULDER, SP_HIP_FEET),
            strokes=[[SP_SHOULDER, SP_HIP_FEET], *straight_side_legs(SP_HIP_FEET)],
        ),
        end_strokes=[[SP_SHOULDER, SP_HIP_DOWN, SP_FEET]],
        arrows=[((196, 236), (214, 216), (200, 194))],
        props=[arm(SP_FOREARM)],
        front=[arm(side_plank_top_arm(SP_HIP_FEET))],
    ),
]
