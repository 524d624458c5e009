"""Drawings of the library's exercises, one module per region, all in one style (core.py).

Run `python -m exercises.illustrations` to rewrite the SVG files after a change; a test checks
that the committed files match these modules.
"""

from __future__ import annotations

from pathlib import Path

from exercises.illustrations import (
    ankle_foot,
    arm_hand,
    back_core,
    balance,
    hip,
    knee,
    neck_upper_back,
    shoulder,
)
from exercises.illustrations.core import OUT, Drawing, render

REGIONS = [hip, knee, ankle_foot, back_core, neck_upper_back, shoulder, arm_hand, balance]
DRAWINGS: list[Drawing] = [drawing for region in REGIONS for drawing in region.DRAWINGS]

__all__ = ["DRAWINGS", "OUT", "Drawing", "render", "write_all"]


def write_all() -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for drawing in DRAWINGS:
        path = OUT / f"{drawing.slug}.svg"
        path.write_text(render(drawing), encoding="utf-8")
        written.append(path)
    return written
