"""Who may reach which exercises: the global library and the clinic's own. Anything outside a
user's reach is a 404."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from clinic.access import clinician_for
from exercises.models import Exercise, ExerciseQuerySet


def exercises_for(user: Any) -> ExerciseQuerySet:
    """Exercises a clinician may see: the global library and their clinic's own exercises."""
    clinician = clinician_for(user)
    if clinician is None:
        return Exercise.objects.none()
    return Exercise.objects.visible_to_clinic(clinician.clinic)


def exercise_for(user: Any, pk: int, *, editable: bool = False) -> Exercise:
    """One exercise the user may see, or 404. With editable=True, only the clinic's own
    exercises qualify: the global library is edited in the physio admin."""
    exercises = exercises_for(user)
    if editable:
        exercises = exercises.filter(clinic__isnull=False)
    return get_object_or_404(exercises, pk=pk)
