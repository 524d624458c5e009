from typing import Any

from django.http import HttpRequest

from clinic.access import clinician_for, patient_profile_for

NAV_SECTIONS = {
    "patient": "patients",
    "library": "library",
    "exercise": "library",
    "program": "patients",
    "template": "templates",
    "portal": "today",
}


def roles(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's role, and which navigation section the page belongs to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    prefix = (match.url_name or "").split("_")[0] if match else ""
    clinician = clinician_for(user)
    return {
        "current_clinician": clinician,
        "current_patient": None if clinician else patient_profile_for(user),
        "nav": NAV_SECTIONS.get(prefix, ""),
    }
