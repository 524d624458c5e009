"""Drawings for the shoulder exercises."""

from __future__ import annotations

from exercises.illustrations.core import Drawing

DRAWINGS: list[Drawing] = []
