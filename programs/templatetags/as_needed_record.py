"""The patient record's "Done as needed" section, drawn where it is included
(templates/programs/_patient_record.html) from the patient alone, so the record's view needs
no change to show it."""

from __future__ import annotations

from typing import Any

from django import template

from clinic.models import Patient
from programs.as_needed import patient_uses

register = template.Library()


@register.inclusion_tag("programs/_as_needed_record.html")
def as_needed_record(patient: Patient) -> dict[str, Any]:
    """Each as-needed exercise's uses per week, as a chart and a table."""
    uses = patient_uses(patient, patient.clinic.today())
    return {"uses": uses, "weeks": uses[0][0].weeks if uses else []}
