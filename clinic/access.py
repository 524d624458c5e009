"""Who may reach what: the sign-in decorators, and the helpers for the clinic's own objects
(patients, staff). Every view finds tenant-scoped objects through such helpers, so the clinic
boundary is written once per object type and never re-filtered by hand; the library's are in
exercises/access.py, the programs' in programs/access.py.

Anything outside a user's reach is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from clinic.models import Clinic, Clinician, Patient

View = TypeVar("View", bound=Callable[..., HttpResponse])


def clinician_for(user: Any) -> Clinician | None:
    """The active clinician record (with its clinic) of a signed-in user, or None.

    Remembered on the user object, so a request asks the database once."""
    if not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_clinician_for"):
        user._clinician_for = (
            Clinician.objects.select_related("clinic").filter(user=user, is_active=True).first()
        )
    return user._clinician_for


def clinic_for(user: Any) -> Clinic | None:
    clinician = clinician_for(user)
    return clinician.clinic if clinician else None


def patient_profile_for(user: Any) -> Patient | None:
    """The patient record behind a patient's own account, or None. Archived patients have
    lost portal access."""
    if not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_patient_for"):
        user._patient_for = (
            Patient.objects.select_related("clinic")
            .filter(user=user)
            .exclude(status=Patient.Status.ARCHIVED)
            .first()
        )
    return user._patient_for


def patients_for(user: Any) -> QuerySet[Patient]:
    """The patients a user may manage: all patients of a clinician's clinic, else none."""
    clinician = clinician_for(user)
    if clinician is None:
        return Patient.objects.none()
    return Patient.objects.filter(clinic_id=clinician.clinic_id)


def patient_for(user: Any, pk: int) -> Patient:
    """One patient the user may manage, or 404."""
    return get_object_or_404(
        patients_for(user).select_related("primary_clinician__user", "user"), pk=pk
    )


def clinician_required(view: View) -> View:
    """Signed-out visitors go to the sign-in page; signed-in users who are not an active
    clinician get a 404, as if the page did not exist."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        clinician = clinician_for(request.user)
        if clinician is None:
            raise Http404
        request.clinician = clinician  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def patient_required(view: View) -> View:
    """The patient-portal counterpart of clinician_required."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        patient = patient_profile_for(request.user)
        if patient is None:
            raise Http404
        request.patient = patient  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def clinic_admin_required(view: View) -> View:
    """Like clinician_required, for clinic admins only; other clinicians get a 404."""

    @wraps(view)
    @clinician_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.clinician.is_admin:  # type: ignore[attr-defined]
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def staff_member_for(user: Any, pk: int) -> Clinician:
    """A clinician of the admin's own clinic, or 404."""
    clinic = clinic_for(user)
    return get_object_or_404(Clinician.objects.filter(clinic=clinic).select_related("user"), pk=pk)
