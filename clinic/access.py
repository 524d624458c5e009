"""Who may reach what: the sign-in decorators, and the helpers for the clinic's own objects
(patients, staff). Every view finds tenant-scoped objects through such helpers, so the clinic
boundary is written once per object type and never re-filtered by hand; the library's are in
exercises/access.py, the programs' in programs/access.py.

Anything outside a user's reach is a 404, never a 403 that would confirm it exists.

The patient portal serves two kinds of people: the patient themself, and a carer the patient
(or their clinician, with the patient's consent) invited (clinic/carers.py). A carer signs in with
their own account and sees the portal of the patient they help; a carer of several patients
chooses one at a time (the choice is kept in the session), so their records never mix. Most
portal pages serve both (`patient_required`); the patient's own settings, export and carers
are theirs alone (`patient_self_required`). A minor's portal is used through carers only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.middleware import HtmxDetails

from clinic.languages import remember
from clinic.models import CarerAccess, Clinic, Clinician, Patient, User

P = ParamSpec("P")

HELPING_KEY = "carer_helping"  # the session's chosen CarerAccess, for a carer
CHOICES_KEY = "carer_choices"  # how many portals the carer can choose from (base.html: "Switch")


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
    """A request that passed patient_required: `patient` is the patient whose portal it is,
    the user's own record or, for a carer, the patient they help; `carer` is that carer's
    access (None when the patient is signed in themself)."""

    patient: Patient
    carer: CarerAccess | None
    # Who to record as having entered data on the patient's behalf: the carer, or None when
    # the patient entered it. An attribute set by patient_required (the request is a
    # WSGIRequest at run time, so a property here would never be seen).
    entered_by: User | None


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


def carer_accesses_for(user: Any) -> QuerySet[CarerAccess]:
    """A signed-in carer's access in force, to patients whose portal is open (an archived or
    erased patient's portal is closed to their carers as to themself)."""
    if not user.is_authenticated or not user.is_active:
        return CarerAccess.objects.none()
    return (
        CarerAccess.objects.current()
        .filter(user=user, patient__erased_at__isnull=True)
        .exclude(patient__status=Patient.Status.ARCHIVED)
        .select_related("patient__clinic")
        .order_by("patient__first_name", "patient__last_name", "pk")
    )


def is_carer(user: Any) -> bool:
    return carer_accesses_for(user).exists()


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
    """The patient-portal counterpart of clinician_required. The view gets a PatientRequest
    whose `patient` is the user's own record or, for a carer, the patient they chose to help
    (`carer` is then that access). A carer whose access has ended gets a 404 at once; a carer
    of several patients who has not chosen one yet is sent to choose."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        patient_request = cast(PatientRequest, request)
        carer: CarerAccess | None = None
        if HELPING_KEY in request.session:
            carer = _chosen_access(request)
            patient = carer.patient
        elif (own := patient_profile_for(request.user)) is not None and not own.is_minor:
            patient = own
        else:
            accesses = list(carer_accesses_for(request.user)[:2])
            if not accesses:
                if own is not None:  # a minor signed in with their own account
                    return render(request, "clinic/portal_minor.html", {"patient": own}, status=404)
                raise Http404
            if len(accesses) > 1:
                return redirect(f"{reverse('carer_choose')}?{urlencode({'next': request.path})}")
            carer = accesses[0]
            request.session[HELPING_KEY] = carer.pk
            request.session[CHOICES_KEY] = 1
            patient = carer.patient
        # A patient, or a carer of one, has signed in, so the request is now a PatientRequest.
        patient_request.patient = patient
        patient_request.carer = carer
        patient_request.entered_by = patient_request.user if carer is not None else None
        remember(patient_request, patient.preferred_language)
        return view(patient_request, *args, **kwargs)

    return wrapped


def _chosen_access(request: HttpRequest) -> CarerAccess:
    """The access the session's carer chose, still in force, or 404. An access that has ended
    is forgotten, so the carer's next visit finds the patients they still help."""
    access = carer_accesses_for(request.user).filter(pk=request.session[HELPING_KEY]).first()
    if access is None:
        del request.session[HELPING_KEY]
        raise Http404
    return access


def patient_self_required(
    view: Callable[Concatenate[PatientRequest, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Like patient_required, for the pages that are the patient's alone (their settings, their
    export, their carers): a carer gets a 404."""

    @wraps(view)
    @patient_required
    def wrapped(request: PatientRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if request.carer is not None:
            raise Http404
        return view(request, *args, **kwargs)

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
