"""exercises.pictures for templates: `{{ exercise|picture_alt }}`, `{{ exercise|media_credit }}`."""

from __future__ import annotations

from django import template

from exercises import pictures
from exercises.models import Exercise

register = template.Library()


@register.filter
def picture_alt(exercise: Exercise) -> str:
    return pictures.picture_alt(exercise)


@register.filter
def media_credit(exercise: Exercise) -> str:
    return pictures.media_credit(exercise)
