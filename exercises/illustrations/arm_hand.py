"""Elbow, wrist and hand, drawn close up: the arm and hand at about twice the body scale (one
arm held out, or a forearm resting on a table), so the wrist and finger positions read at card
size. Limbs here are drawn with `_limb` at a wider stroke; the figure's head is left out
(`NO_HEAD`) unless the drawing shows the body."""

from __future__ import annotations

from itertools import pairwise

from exercises.illustrations.core import (
    BAND,
    BODY,
    PROP,
    SKIN_FADED,
    WEIGHT,
    Drawing,
    Point,
    Pose,
    Stroke,
    ball,
    chain,
)

ARM = 34  # forearm and upper arm, close up
PALM = 30
FINGER = 15
NO_HEAD = Pose(head=(0, 0), head_r=0)


def _limb(points: Stroke, width: float = ARM, opacity: float = 1.0) -> str:
    """A thick stroke in the body colour; a solid one gets a white rim like core's limbs."""
    path = " ".join(f"{x:g},{y:g}" for x, y in points)
    line = (
        f'<polyline points="{path}" fill="none" stroke="{{color}}" stroke-width="{{width}}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )
    if opacity < 1:
        body = line.format(color=BODY, width=f"{width:g}")
        return f'<g opacity="{opacity:g}">{body}</g>'
    return line.format(color="#ffffff", width=f"{width + 5:g}") + line.format(
        color=BODY, width=f"{width:g}"
    )


def _faded(*parts: str) -> str:
    return f'<g opacity="{SKIN_FADED:g}">{"".join(parts)}</g>'


def _hand(wrist: Point, degrees: float, opacity: float = 1.0, fingers: float = 0) -> str:
    """A hand seen from the side: the palm and then the fingers, straight in line with the palm
    (`fingers` = 0) or curled toward the palm side by that many degrees at each finger joint."""
    palm = chain(wrist, (30, degrees))
    finger = chain(palm[-1], (24, degrees + fingers), (20, degrees + 2 * fingers))
    if opacity < 1:
        return _faded(_limb(palm, PALM), _limb(finger, FINGER))
    return _limb(palm, PALM) + _limb(finger, FINGER)


def _table_top(right: float, top: float) -> str:
    """A table top, close up: its edge at `right`."""
    return (
        f'<g fill="{PROP}"><rect x="-10" y="{top:g}" width="{right + 10:g}" height="16" rx="3"/>'
        f'<rect x="{right - 40:g}" y="{top:g}" width="12" height="{260 - top:g}"/></g>'
    )


def _weight_end(center: Point, opacity: float = 1.0) -> str:
    """A hand weight held palm down, seen end on: a round plate."""
    x, y = center
    fade = f' opacity="{opacity:g}"' if opacity < 1 else ""
    return (
        f'<g{fade}><circle cx="{x:g}" cy="{y:g}" r="20" fill="{WEIGHT}"/>'
        f'<circle cx="{x:g}" cy="{y:g}" r="8" fill="none" stroke="#94a3b8" stroke-width="3"/></g>'
    )


def _ring(center: Point, rx: float, ry: float, opacity: float = 1.0) -> str:
    """A rubber band around the fingers."""
    x, y = center
    fade = f' opacity="{opacity:g}"' if opacity < 1 else ""
    return (
        f'<ellipse cx="{x:g}" cy="{y:g}" rx="{rx:g}" ry="{ry:g}" fill="none" stroke="{BAND}" '
        f'stroke-width="5"{fade}/>'
    )


# --- an arm held straight out in front, seen from the side, body on the left ----------------
SHOULDER: Point = (70, 120)
WRIST: Point = (246, 120)
HEAD = Pose(head=(58, 44), head_r=38)
BODY_AND_ARM = [
    _limb([SHOULDER, (70, 250)], 60),  # the trunk, cut off by the edge of the picture
    _limb([SHOULDER, WRIST]),  # shoulder, elbow and wrist in a straight line
]


def _bent_fist(knuckles: Point, degrees: float, opacity: float = 1.0) -> str:
    """Fingers closed round a weight's handle: a short thick stroke past the knuckles."""
    return _limb(chain(knuckles, (14, degrees)), 24, opacity)


# --- tendon glides: five hand shapes in a row, fingers up, palm facing right ------------------
# (degrees each finger segment bends from the palm's line, at the big knuckle, middle and top
# finger joint)
GLIDES = {
    "straight": (0, 0, 0),
    "hook": (0, 100, 170),
    "full fist": (90, 190, 260),
    "tabletop": (90, 90, 90),
    "straight fist": (90, 190, 190),
}


def _glide(x: float, bends: tuple[int, int, int]) -> str:
    wrist = (x, 170)
    knuckle = (x, 124)
    first, middle, top = bends
    finger = chain(knuckle, (26, 270 + first), (18, 270 + middle), (14, 270 + top))
    return _limb([(x, 240), wrist], 30) + _limb([wrist, knuckle], PALM) + _limb(finger, FINGER)


BALL: Point = (272, 156)


def _around(center: Point, radius: float, degrees: list[float]) -> Stroke:
    """Points on a circle round `center`, for fingers wrapped round a ball."""
    return [chain(center, (radius, angle))[-1] for angle in degrees]


GLIDE_X = [30, 100, 170, 240, 330]

DRAWINGS = [
    Drawing(
        slug="wrist-flexor-stretch",
        title="Wrist flexor stretch",
        description=(
            "Close up from the side: a person holds one arm straight out in front at shoulder "
            "height. The hand bends back so the fingers point up, palm facing away, like a stop "
            "sign. The other hand gently pulls the fingers back toward the body."
        ),
        start=HEAD,
        scene="floor",
        props=[
            _hand(WRIST, 272, SKIN_FADED),
            _faded(_limb([(110, 270), (190, 196), (262, 150)]), _limb([(262, 150), (272, 70)], 26)),
        ],
        front=[*BODY_AND_ARM, _hand(WRIST, 0)],
        arrows=[((330, 106), (334, 42), (280, 34))],
    ),
    Drawing(
        slug="wrist-extensor-stretch",
        title="Wrist extensor stretch",
        description=(
            "Close up from the side: a person holds one arm straight out in front at shoulder "
            "height, palm down. The hand bends down so the fingers point to the floor. The other "
            "hand gently presses the back of the hand toward the body."
        ),
        start=HEAD,
        scene="floor",
        props=[
            _hand(WRIST, 92, SKIN_FADED),
            _faded(
                _limb([(150, 276), (224, 244), (272, 218)]), _limb([(272, 218), (270, 142)], 26)
            ),
        ],
        front=[*BODY_AND_ARM, _hand(WRIST, 0)],
        arrows=[((330, 136), (334, 206), (292, 214))],
    ),
    Drawing(
        slug="eccentric-wrist-extension",
        title="Slow wrist lowering with a weight",
        description=(
            "Close up from the side: a forearm rests on a table, palm down, with the wrist and "
            "hand over the edge holding a light weight. The hand starts bent up, lifted there with "
            "help from the other hand. The wrist then lowers the weight slowly until the hand "
            "points down."
        ),
        start=NO_HEAD,
        scene="floor",
        props=[
            _table_top(236, 146),
            _faded(_limb(chain((236, 128), (30, 70)), PALM)),
            _bent_fist(chain((236, 128), (30, 70))[-1], 100, SKIN_FADED),
            _weight_end(chain((236, 128), (52, 72))[-1], SKIN_FADED),
        ],
        front=[
            _limb([(30, -20), (70, 128), (236, 128)]),  # upper arm down to the elbow on the table
            _limb(chain((236, 128), (30, 320)), PALM),
            _bent_fist(chain((236, 128), (30, 320))[-1], 350),
            _weight_end(chain((236, 128), (50, 322))[-1]),
        ],
        arrows=[((312, 66), (344, 126), (304, 196))],
    ),
    Drawing(
        slug="tendon-glides",
        title="Tendon glides",
        description=(
            "Five hand shapes in a row, fingers pointing up, seen from the side: a straight hand, "
            "a hook with the top finger joints bent, a full fist, a tabletop bent only at the big "
            "knuckles, and a straight fist with the fingertips at the base of the palm. The hand "
            "goes back to straight between shapes."
        ),
        start=NO_HEAD,
        scene="floor",
        front=[_glide(x, bends) for x, bends in zip(GLIDE_X, GLIDES.values(), strict=True)],
        arrows=[
            ((x + 20, 214), ((x + nx) / 2, 206), (nx - 20, 214)) for x, nx in pairwise(GLIDE_X)
        ],
    ),
    Drawing(
        slug="grip-squeeze",
        title="Grip squeeze",
        description=(
            "Close up from the side: a forearm rests on a table with a soft ball in the hand. "
            "The fingers and thumb squeeze the ball firmly, hold, then let go."
        ),
        start=NO_HEAD,
        scene="floor",
        props=[_table_top(400, 196)],
        front=[
            _limb([(-20, 178), (222, 178)]),  # forearm on the table
            _limb([(222, 178), (240, 136)], PALM),
            ball(BALL, 30),
            _limb(_around(BALL, 40, list(range(230, 415, 15))), FINGER),  # fingers round the ball
            _limb(_around(BALL, 40, [175, 155, 135, 115, 100]), FINGER),  # thumb
        ],
        arrows=[((346, 116), (336, 128), (326, 140)), ((198, 110), (212, 118), (222, 128))],
    ),
    Drawing(
        slug="finger-extension-band",
        title="Finger opening with a rubber band",
        description=(
            "Close up of a hand, palm facing us, with the fingertips and thumb together and a "
            "rubber band around them near the top joints. The fingers and thumb spread wide "
            "apart against the band, then slowly close again."
        ),
        start=NO_HEAD,
        scene="floor",
        props=[
            _faded(
                _limb([(174, 150), (128, 64)], FINGER),
                _limb([(192, 146), (176, 40)], FINGER),
                _limb([(210, 146), (226, 40)], FINGER),
                _limb([(228, 150), (272, 64)], FINGER),
                _limb([(172, 196), (108, 150)], FINGER),
            ),
            _ring((200, 58), 82, 24, SKIN_FADED),
        ],
        front=[
            _limb([(200, 270), (200, 200)], 46),
            f'<rect x="163" y="136" width="74" height="78" rx="22" fill="{BODY}"/>',
            _limb([(174, 150), (194, 62)], FINGER),
            _limb([(192, 146), (198, 54)], FINGER),
            _limb([(210, 146), (204, 54)], FINGER),
            _limb([(228, 150), (208, 62)], FINGER),
            _limb([(170, 194), (150, 150), (190, 70)], FINGER),  # thumb
            _ring((199, 80), 20, 8),
        ],
        arrows=[((168, 96), (148, 80), (130, 94)), ((232, 96), (252, 80), (270, 94))],
    ),
]
