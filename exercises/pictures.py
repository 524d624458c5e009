"""What is said about an exercise's picture wherever it is shown (the exercise page, the
handout): its description for people who cannot see it, and who made it under which licence."""

from __future__ import annotations

from exercises.models import Exercise


def picture_alt(exercise: Exercise) -> str:
    """The description of the picture shown for the exercise: the clinic's own words for an
    uploaded picture (or, without them, the exercise's name); for the library's drawing, its
    description, or the wording every drawing shares."""
    if exercise.image_alt:
        return exercise.image_alt
    if exercise.image:
        return exercise.name
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
    only_video = exercise.video_url and not (exercise.image or exercise.illustration)
    what = "Video" if only_video else "Picture"
    return f"{what}: {credit}"
