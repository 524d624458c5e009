"""Neck and upper back: chin tuck, neck turns and stretches seen sitting on a chair, the upper
back arched over a low chair back, and the open book lying on a mat."""

from __future__ import annotations

from exercises.illustrations.core import (
    BODY,
    FLOOR_Y,
    PROP,
    SKIN_FADED,
    Drawing,
    Point,
    Pose,
    Stroke,
    chain,
    chair,
    toward,
)


def _eye(head: Point, facing: float = 1, opacity: float = 1.0) -> str:
    """A small white eye so a side-view head shows which way it faces."""
    x, y = head
    fade = f' opacity="{opacity:g}"' if opacity < 1 else ""
    return f'<circle cx="{x + 9 * facing:g}" cy="{y - 4:g}" r="3.5" fill="#ffffff"{fade}/>'


def _nose(towards: Point, opacity: float = 1.0) -> str:
    """A nose sticking out of a head seen from above or the front: a small round bump on the
    side of the head it faces."""
    fade = f' opacity="{opacity:g}"' if opacity < 1 else ""
    return f'<circle cx="{towards[0]:g}" cy="{towards[1]:g}" r="7" fill="{BODY}"{fade}/>'


def _nose_big(head: Point, degrees: float) -> str:
    """A large head seen from above: the nose, a round bump on the side it faces."""
    x, y = toward(head, chain(head, (1, degrees))[1], 36)
    return f'<circle cx="{x:g}" cy="{y:g}" r="11" fill="{BODY}"/>'


def _front_chair(seat_y: float = 170) -> str:
    """A chair seen from the front: the back's posts and top rail behind the body, the seat and
    the legs."""
    return (
        f'<g fill="{PROP}">'
        f'<rect x="148" y="{seat_y - 78:g}" width="9" height="78" rx="3"/>'
        f'<rect x="243" y="{seat_y - 78:g}" width="9" height="78" rx="3"/>'
        f'<rect x="148" y="{seat_y - 80:g}" width="104" height="10" rx="3"/>'
        f'<rect x="138" y="{seat_y:g}" width="124" height="10" rx="3"/>'
        f'<rect x="142" y="{seat_y:g}" width="8" height="{FLOOR_Y - seat_y:g}" rx="3"/>'
        f'<rect x="250" y="{seat_y:g}" width="8" height="{FLOOR_Y - seat_y:g}" rx="3"/>'
        "</g>"
    )


def _low_chair(back_x: float, seat_y: float = 178) -> str:
    """A side-view chair facing right whose back only reaches the middle of the sitter's back."""
    return (
        f'<g fill="{PROP}">'
        f'<rect x="{back_x:g}" y="{seat_y:g}" width="62" height="9" rx="3"/>'
        f'<rect x="{back_x - 4:g}" y="{seat_y - 44:g}" width="8" '
        f'height="{FLOOR_Y - seat_y + 44:g}" rx="3"/>'
        f'<rect x="{back_x + 58:g}" y="{seat_y:g}" width="7" height="{FLOOR_Y - seat_y:g}" rx="3"/>'
        "</g>"
    )


def _fade(svg: str) -> str:
    return f'<g opacity="{SKIN_FADED:g}">{svg}</g>'


# --- sitting, seen from the side (facing right) -----------------------------------------------
HIP: Point = (186, 168)
SHOULDER: Point = (186, 90)
HEAD: Point = (190, 59)
SIDE_CHAIR = chair(226, "right", seat_y=178)
SIDE_LEGS: Stroke = [(186, 168), (244, 168), (244, 224), (264, 226)]
HANDS_ON_THIGHS: Stroke = [(186, 94), (194, 137), (228, 158)]


def seated_side(head: Point = HEAD, *arms: Stroke) -> Pose:
    torso = [HIP, SHOULDER, toward(SHOULDER, head, 8)]  # stops short: no white rim on the head
    return Pose(head=head, strokes=[SIDE_LEGS, torso, *(arms or [HANDS_ON_THIGHS])])


# --- sitting, seen from the front -------------------------------------------------------------
FRONT_HEAD: Point = (200, 56)
FRONT_NECK: Point = (200, 90)
FRONT_TORSO: Stroke = [(200, 162), (200, 88)]
FRONT_LEGS: list[Stroke] = [
    [(190, 162), (174, 186), (174, 224), (160, 228)],
    [(210, 162), (226, 186), (226, 224), (240, 228)],
]
# One hand holds the edge of the seat, the other rests on the thigh; one stroke across the
# shoulders from hand to hand.
ARMS_FRONT: Stroke = [(152, 172), (168, 138), (176, 96), (224, 96), (240, 136), (232, 170)]


def seated_front() -> Pose:
    return Pose(head=FRONT_HEAD, strokes=[*FRONT_LEGS, ARMS_FRONT, FRONT_TORSO])


# --- side-lying on a mat, seen from the front (head on the left) ------------------------------
LYING_HEAD: Point = (62, 136)
LYING_TORSO: Stroke = [(92, 150), (202, 160)]
LYING_LEGS: list[Stroke] = [
    [(202, 168), (292, 204), (222, 214)],
    [(202, 154), (292, 190), (222, 200)],
]
PILLOW = '<rect x="26" y="148" width="72" height="18" rx="9" fill="#e2e8f0"/>'

DRAWINGS = [
    Drawing(
        slug="chin-tuck",
        title="Chin tuck",
        description=(
            "Seen from the side: a person sits tall on a chair, looking straight ahead, hands on "
            "the thighs. The head slides straight back over the shoulders, making a double chin, "
            "while the eyes stay level."
        ),
        start=seated_side((202, 60)),
        end_head=(182, 59),
        end_strokes=[[SHOULDER, (182, 59)]],
        arrows=[((214, 26), (196, 18), (178, 26))],
        scene="floor",
        props=[SIDE_CHAIR, _fade(_eye((182, 59)))],
        front=[_eye((202, 60))],
    ),
    Drawing(
        slug="neck-rotation",
        title="Neck rotation",
        description=(
            "Seen from above: a person sits tall with the nose pointing straight ahead. The head "
            "turns slowly to look over one shoulder, back to the middle, then over the other "
            "shoulder. The shoulders stay facing forward."
        ),
        start=Pose(head=(200, 118), head_r=34, strokes=[]),
        scene="above",
        props=[
            f'<rect x="140" y="58" width="120" height="14" rx="5" fill="{PROP}"/>',
            f'<line x1="120" y1="108" x2="280" y2="108" stroke="{BODY}" stroke-width="34" '
            'stroke-linecap="round"/>',
            _fade(_nose_big((200, 118), 40)),
            _fade(_nose_big((200, 118), 140)),
        ],
        front=[_nose_big((200, 118), 90)],
        arrows=[((216, 176), (254, 176), (256, 154)), ((184, 176), (146, 176), (144, 154))],
    ),
    Drawing(
        slug="upper-trapezius-stretch",
        title="Upper trapezius stretch",
        description=(
            "Seen from the front: a person sits on a chair, one hand holding the edge of the seat. "
            "The other hand rests on top of the head and the head tips sideways, ear toward the "
            "shoulder, away from the hand on the seat."
        ),
        start=seated_front(),
        end_head=(224, 64),
        end_strokes=[[FRONT_NECK, (224, 64)], [(224, 96), (266, 72), (228, 40)]],
        arrows=[((196, 20), (236, 10), (258, 38))],
        scene="floor",
        props=[_front_chair()],
    ),
    Drawing(
        slug="levator-scapulae-stretch",
        title="Levator scapulae stretch",
        description=(
            "Seen from the front: a person sits on a chair, one hand holding the edge of the seat. "
            "The head turns halfway to the other side and tips down, nose toward that armpit, "
            "with the other hand resting on the back of the head."
        ),
        start=seated_front(),
        end_head=(218, 84),
        end_strokes=[[FRONT_NECK, (218, 84)], [(224, 96), (268, 80), (230, 66)]],
        arrows=[((196, 20), (244, 16), (252, 70))],
        scene="floor",
        props=[_front_chair(), _nose((230, 100), SKIN_FADED)],
    ),
    Drawing(
        slug="shoulder-blade-squeeze",
        title="Shoulder blade squeeze",
        description=(
            "Seen from the side: a person sits tall on a chair with elbows bent at the sides. "
            "The shoulder blades squeeze back and down, so the elbows move back and the chest "
            "opens."
        ),
        start=seated_side(HEAD, [(186, 94), (186, 138), (226, 138)]),
        end_strokes=[[(182, 96), (154, 130), (194, 138)]],
        arrows=[((176, 150), (156, 154), (138, 138))],
        scene="floor",
        props=[SIDE_CHAIR],
        front=[_eye(HEAD)],
    ),
    Drawing(
        slug="thoracic-extension",
        title="Upper back extension over a chair",
        description=(
            "Seen from the side: a person sits on a chair with a low back, hands behind the head "
            "and elbows pointing forward. The upper back arches slowly back over the top of the "
            "chair, then comes back up."
        ),
        start=seated_side(HEAD, [(186, 94), (222, 70), (182, 58)]),
        end_head=(132, 78),
        end_strokes=[
            [(186, 168), (182, 132), (155, 100), (132, 78)],
            [(157, 104), (198, 92), (150, 74)],
        ],
        arrows=[((222, 36), (196, 12), (160, 30))],
        scene="floor",
        props=[_low_chair(172)],
        front=[_eye(HEAD)],
    ),
    Drawing(
        slug="open-book",
        title="Open book",
        description=(
            "A person lies on their side on a mat, head on a pillow, hips and knees bent, both "
            "arms straight out in front with palms together. The top arm lifts up and over to the "
            "other side, and the chest and head turn with it, like a book opening."
        ),
        start=Pose(
            head=LYING_HEAD,
            strokes=[LYING_TORSO, *LYING_LEGS, [(100, 152), (118, 234)], [(104, 146), (126, 228)]],
        ),
        end_head=(60, 124),
        end_strokes=[[(104, 146), (118, 62)]],
        arrows=[((150, 224), (220, 144), (146, 68))],
        scene="mat",
        props=[PILLOW],
    ),
]
