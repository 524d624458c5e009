"""What is said about an exercise's picture wherever it is shown (the exercise page, the
handout): its description for people who cannot see it, and who made it under which licence."""

from __future__ import annotations

from functools import cache

from exercises.illustrations import DRAWINGS
from exercises.illustrations.core import static_path
from exercises.models import Exercise

NO_PICTURE = "No picture yet"  # what the placeholder drawing says


@cache
def drawing_descriptions() -> dict[str, str]:
    """Each library drawing's own description, by the drawing's static path."""
    return {static_path(drawing.slug): drawing.description for drawing in DRAWINGS}


def picture_alt(exercise: Exercise) -> str:
    """The description of the picture shown for the exercise: the clinic's own words for an
    uploaded picture (or, without them, the exercise's name); for a library drawing, the
    drawing's own description, or else the wording every drawing shares."""
    if exercise.image:
        return exercise.image_alt or exercise.name
    if not exercise.illustration:
        return NO_PICTURE
    if exercise.illustration in drawing_descriptions():
        return drawing_descriptions()[exercise.illustration]
    return (
        f"Drawing of the {exercise.name.lower()}: start position, with the movement shown by an "
        "arrow and the end position faded."
    )


def media_credit(exercise: Exercise) -> str:
    """ "Picture: Riverside Physiotherapy, CC BY 4.0", or "" when nobody is credited. The
    credit is for the picture shown (uploaded, or the library's drawing); for the video when
    there is only a video."""
    credit = ", ".join(part for part in (exercise.media_credit, exercise.media_licence) if part)
    if not credit:
        return ""
    if exercise.image or exercise.illustration:
        return f"Picture: {credit}"
    return f"Video: {credit}" if exercise.video_url else ""
