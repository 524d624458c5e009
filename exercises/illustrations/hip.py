"""Hips and glutes: the seed exercises and the rest of the hip family."""

from __future__ import annotations

from exercises.illustrations.core import Drawing, Point, Pose, Stroke

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
        scene="above",
    ),
]
