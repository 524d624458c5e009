"""Who may reach what: the sign-in decorators, and the helpers for the clinic's own objects
(patients, staff). Every view finds tenant-scoped objects through such helpers, so the clinic
boundary is written once per object type and never re-filtered by hand; the library's are in
exercises/access.py, the programs' in programs/access.py.

Anything outside a user's reach is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django_htmx.middleware import HtmxDetails

from clinic.languages import remember
from clinic.models import Clinic, Clinician, Patient, User

P = ParamSpec("P")


class HtmxRequest(HttpRequest):
    """A request as the app's views see it: django-htmx's middleware adds `htmx`."""

    htmx: HtmxDetails


class SignedInRequest(HtmxRequest):
    """A request behind clinician_required or patient_required: the user has signed in."""

    user: User


class ClinicianRequest(SignedInRequest):
    """A request that passed clinician_required: `clinician` is the user's active record."""

    clinician: Clinician


class PatientRequest(SignedInRequest):
    """A request that passed patient_required: `patient` is the user's own record."""

    patient: Patient


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


def clinician_required(
    view: Callable[Concatenate[ClinicianRequest, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Signed-out visitors go to the sign-in page; signed-in users who are not an active
    clinician get a 404, as if the page did not exist. The view gets a ClinicianRequest."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        clinician = clinician_for(request.user)
        if clinician is None:
            raise Http404
        # An active clinician's user has signed in, so the request is now a ClinicianRequest.
        clinician_request = cast(ClinicianRequest, request)
        clinician_request.clinician = clinician
        return view(clinician_request, *args, **kwargs)

    return wrapped


def patient_required(
    view: Callable[Concatenate[PatientRequest, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """The patient-portal counterpart of clinician_required. The view gets a PatientRequest."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        patient = patient_profile_for(request.user)
        if patient is None:
            raise Http404
        # A patient with portal access has signed in, so the request is now a PatientRequest.
        patient_request = cast(PatientRequest, request)
        patient_request.patient = patient
        remember(patient_request, patient.preferred_language)
        return view(patient_request, *args, **kwargs)

    return wrapped


def clinic_admin_required(
    view: Callable[Concatenate[ClinicianRequest, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Like clinician_required, for clinic admins only; other clinicians get a 404."""

    @wraps(view)
    @clinician_required
    def wrapped(
        request: ClinicianRequest, /, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponseBase:
        if not request.clinician.is_admin:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def staff_member_for(user: Any, pk: int) -> Clinician:
    """A clinician of the admin's own clinic, or 404."""
    clinic = clinic_for(user)
    return get_object_or_404(Clinician.objects.filter(clinic=clinic).select_related("user"), pk=pk)
