"""The carers' pages: the patient's own list of carers in the portal, the clinician's per patient,
the page a carer's emailed link opens, and the carer's choice of whom they are helping. The rules
are in clinic/carers.py; who may reach what in clinic/access.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from clinic.access import (
    CHOICES_KEY,
    HELPING_KEY,
    ClinicianRequest,
    PatientRequest,
    carer_accesses_for,
    clinician_required,
    patient_for,
    patient_profile_for,
    patient_self_required,
)
from clinic.audit import record
from clinic.carers import (
    CarerError,
    accept_as_new_account,
    accept_with_account,
    account_refusal,
    carer_of,
    carers_of,
    end_access,
    find_carer_invitation,
    invite_blocker,
    invite_carer,
    is_open,
    state_of,
)
from clinic.forms import AcceptInvitationForm
from clinic.invitations import InvitationError
from clinic.models import AuditAction, AuditSubject, CarerAccess, Patient, User

# --- forms ----------------------------------------------------------------------------------


class CarerInviteForm(forms.Form):
    """Who to invite: the patient's words (translated)."""

    name = forms.CharField(label=gettext_lazy("Their name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("Their email address"))
    relationship = forms.CharField(
        label=gettext_lazy("Who they are to you (optional)"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("For example: mother, partner, son."),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the carer's name."))
        return name

    def clean_relationship(self) -> str:
        return " ".join(self.cleaned_data["relationship"].split())


class ClinicianCarerInviteForm(CarerInviteForm):
    """The clinician's invitation also records how the patient consented."""

    consent_note = forms.CharField(
        label=gettext_lazy("How the patient gave consent"),
        max_length=200,
        help_text=gettext_lazy(
            "For example: agreed in clinic on 3 March; the parent of a minor asked in person."
        ),
        error_messages={"required": gettext_lazy("Record how the patient gave their consent.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relationship"].label = "Who they are to the patient (optional)"

    def clean_consent_note(self) -> str:
        note = " ".join(self.cleaned_data["consent_note"].split())
        if not note:
            raise forms.ValidationError("Record how the patient gave their consent.")
        return note


def _invite(request: HttpRequest, patient: Patient, form: CarerInviteForm, by: User) -> bool:
    """Send the invitation the valid form describes; True if it went, else the form says why."""
    try:
        sent = invite_carer(
            patient,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            relationship=form.cleaned_data["relationship"],
            consent_note=form.cleaned_data.get("consent_note", ""),
            invited_by=by,
            base_url=request.build_absolute_uri("/"),
        )
    except (CarerError, InvitationError) as error:
        form.add_error(None, str(error))
        return False
    messages.success(
        request, _("An invitation was emailed to %(email)s.") % {"email": sent.access.email}
    )
    return True


def _listed(patient: Patient) -> list[tuple[CarerAccess, str]]:
    return [(access, state_of(access)) for access in carers_of(patient)]


# --- the patient, in the portal ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@patient_self_required
def portal_carers(request: PatientRequest) -> HttpResponse:
    """The patient's carers: who helps, who is invited, and a form to invite someone."""
    patient = request.patient
    form = CarerInviteForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _invite(request, patient, form, request.user)
    ):
        return redirect("portal_carers")
    record(AuditAction.VIEW, AuditSubject.CARER, patient=patient, detail="portal: carers")
    return render(
        request,
        "clinic/portal_carers.html",
        {"form": form, "carers": _listed(patient), "blocker": invite_blocker(patient)},
    )


@require_http_methods(["GET", "POST"])
@patient_self_required
def portal_carer_end(request: PatientRequest, pk: int) -> HttpResponse:
    """Asks first; then ends the carer's access (or withdraws the invitation) at once."""
    access = carer_of(request.patient, pk)
    if request.method == "POST":
        if end_access(access, by=request.user):
            messages.success(
                request, _("%(name)s can no longer see your program.") % {"name": access.name}
            )
        return redirect("portal_carers")
    if access.ended_at is not None:
        return redirect("portal_carers")
    return render(request, "clinic/portal_carer_end.html", {"carer": access})


# --- the clinician, per patient ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@clinician_required
def patient_carers(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    if patient.erased_at is not None:
        raise Http404("This patient's details were erased.")
    form = ClinicianCarerInviteForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _invite(request, patient, form, request.user)
    ):
        return redirect("patient_carers", patient.pk)
    record(AuditAction.VIEW, AuditSubject.CARER, patient=patient, detail="carers")
    return render(
        request,
        "clinic/patient_carers.html",
        {
            "patient": patient,
            "form": form,
            "carers": _listed(patient),
            "blocker": invite_blocker(patient),
        },
    )


@require_http_methods(["GET", "POST"])
@clinician_required
def patient_carer_end(request: ClinicianRequest, pk: int, carer_pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    access = carer_of(patient, carer_pk)
    if request.method == "POST":
        if end_access(access, by=request.user):
            messages.success(request, f"{access.name} no longer has access to the portal.")
        return redirect("patient_carers", patient.pk)
    if access.ended_at is not None:
        return redirect("patient_carers", patient.pk)
    return render(request, "clinic/patient_carer_end.html", {"patient": patient, "carer": access})


# --- the carer --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def carer_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. Signed out: choose a password for a new account, or (if the address
    has an account) sign in first. Signed in: accept with this account."""
    access = find_carer_invitation(token)
    if access is None:
        raise Http404("No such invitation.")
    if not is_open(access):
        return render(
            request,
            "clinic/carer_invitation_unusable.html",
            {"carer": access, "state": state_of(access)},
            status=410,
        )
    if request.user.is_authenticated:
        return _accept_signed_in(request, access, request.user)
    context = _accept_context(access)
    if User.objects.filter(email__iexact=access.email).exists():
        sign_in = f"{reverse('login')}?{urlencode({'next': request.path})}"
        return render(request, "clinic/carer_accept.html", {**context, "sign_in": sign_in})
    form = AcceptInvitationForm(request.POST or None, full_name=access.name, email=access.email)
    if request.method == "POST" and form.is_valid():
        try:
            new_user = accept_as_new_account(access, password=form.cleaned_data["password1"])
        except CarerError as error:
            form.add_error(None, str(error))
        else:
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            return _now_helping(request, access)
    return render(request, "clinic/carer_accept.html", {**context, "form": form})


def _accept_context(access: CarerAccess) -> dict[str, Any]:
    return {"carer": access, "patient": access.patient, "invitation": access}


def _accept_signed_in(request: HttpRequest, access: CarerAccess, user: User) -> HttpResponse:
    """An account that is signed in accepts with a button, if it may be a carer."""
    refusal = account_refusal(user, access)
    if request.method == "POST" and refusal is None:
        try:
            accept_with_account(access, user)
        except CarerError as error:
            refusal = str(error)
        else:
            return _now_helping(request, access)
    return render(
        request,
        "clinic/carer_accept.html",
        {**_accept_context(access), "signed_in": True, "refusal": refusal},
    )


def _now_helping(request: HttpRequest, access: CarerAccess) -> HttpResponse:
    request.session[HELPING_KEY] = access.pk
    request.session[CHOICES_KEY] = _choices(request)
    messages.success(
        request,
        _("You can now help %(name)s with their exercises.") % {"name": access.patient.first_name},
    )
    return redirect("portal_home")


def _choices(request: HttpRequest) -> int:
    """How many portals the signed-in carer can choose from: each patient they help, and their
    own if they are a patient too."""
    own = patient_profile_for(request.user)
    return carer_accesses_for(request.user).count() + (own is not None and not own.is_minor)


@require_http_methods(["GET", "POST"])
@login_required
def carer_choose(request: HttpRequest) -> HttpResponse:
    """A carer of several patients (or a patient who is also a carer) chooses whose portal to
    use; each patient's records stay apart."""
    accesses = list(carer_accesses_for(request.user))
    if not accesses:
        raise Http404
    own = patient_profile_for(request.user)
    if own is not None and own.is_minor:
        own = None
    request.session[CHOICES_KEY] = len(accesses) + (own is not None)
    after = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(after, {request.get_host()}, request.is_secure()):
        after = ""
    if request.method == "POST":
        choice = request.POST.get("patient", "")
        chosen = next((a for a in accesses if str(a.pk) == choice), None)
        if chosen is not None:
            request.session[HELPING_KEY] = chosen.pk
            return redirect(after or "portal_home")
        if choice == "self" and own is not None:
            request.session.pop(HELPING_KEY, None)
            return redirect(after or "portal_home")
        messages.error(request, _("Choose whom you are helping from the list."))
    return render(
        request,
        "clinic/carer_choose.html",
        {
            "accesses": accesses,
            "own": own,
            "next": after,
            "helping": request.session.get(HELPING_KEY),
        },
    )
