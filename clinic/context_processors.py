from typing import Any

from django.http import HttpRequest

from clinic.access import clinician_for, patient_profile_for
from clinic.models import Patient

NAV_SECTIONS = {
    "dashboard": "dashboard",
    "clinic": "clinic",
    "staff": "clinic",
    "audit": "clinic",
    "patient": "patients",
    "program": "patients",
    "template": "templates",
    "library": "library",
    "exercise": "library",
}
PORTAL_SECTIONS = {
    "portal_history": "history",
    "portal_settings": "settings",
    "portal_messages": "messages",
    "portal_message_edit": "messages",
    "portal_carers": "carers",
    "portal_carer_end": "carers",
}


def roles(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's role, and which navigation section the page belongs to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    name = (match.url_name or "") if match else ""
    if name.startswith("portal_"):
        section = PORTAL_SECTIONS.get(name, "today")
    else:
        section = NAV_SECTIONS.get(name.split("_")[0], "")
    patient: Patient | None = getattr(request, "patient", None)  # set by patient_required
    if patient is not None:
        return {"current_clinician": None, "current_patient": patient, "nav": section}
    clinician = clinician_for(user)
    return {
        "current_clinician": clinician,
        "current_patient": None if clinician else patient_profile_for(user),
        "nav": section,
    }
