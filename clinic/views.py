from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic.access import (
    ClinicianRequest,
    clinician_for,
    clinician_required,
    is_carer,
    patient_for,
    patient_profile_for,
    patients_for,
)
from clinic.audit import patient_event
from clinic.forms import AcceptInvitationForm, PatientForm, PatientSearchForm
from clinic.invitations import (
    InvitationError,
    accept_invitation,
    find_invitation,
    send_invitation,
)
from clinic.models import AuditAction, Invitation, Patient

PATIENTS_PER_PAGE = 25


def refused_if_erased(request: HttpRequest, patient: Patient) -> HttpResponse | None:
    """An erased patient's record keeps its logs without identity: nothing may give it a name,
    an address, a status or an account again."""
    if patient.erased_at is None:
        return None
    messages.error(request, _("This patient's details were erased, so they cannot be changed."))
    return redirect(patient)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to where their work starts."""
    if not request.user.is_authenticated:
        return redirect("login")
    if clinician_for(request.user):
        return redirect("dashboard")
    if is_carer(request.user):  # a patient who is also a carer chooses whose portal first
        return redirect("carer_choose" if patient_profile_for(request.user) else "portal_home")
    if patient_profile_for(request.user):
        return redirect("portal_home")
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "clinic/no_role.html", status=403)


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:  # noqa: ARG001  (every view takes one)
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@clinician_required
def patient_list(request: ClinicianRequest) -> HttpResponse:
    form = PatientSearchForm(request.GET or None)
    # The people are fetched for the page's patients only (prefetch, not a join): a join lets
    # the database read every account of the network to find a page's 25.
    patients = patients_for(request.user).prefetch_related("primary_clinician__user", "user")
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            for word in query.split():
                patients = patients.filter(
                    Q(first_name__icontains=word)
                    | Q(last_name__icontains=word)
                    | Q(email__icontains=word)
                )
        if status := form.cleaned_data["status"]:
            patients = patients.filter(status=status)
    page = Paginator(patients, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "clinic/patient_list.html",
        {"form": form, "page": page, "querystring": querystring.urlencode()},
    )


@require_http_methods(["GET", "POST"])
@clinician_required
def patient_create(request: ClinicianRequest) -> HttpResponse:
    form = PatientForm(request.POST or None, clinician=request.clinician)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            patient = form.save()
            patient_event(AuditAction.CREATE, patient)
        messages.success(request, _("%(name)s was added.") % {"name": patient.full_name})
        return redirect(patient)
    return render(request, "clinic/patient_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@clinician_required
def patient_edit(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    if refused := refused_if_erased(request, patient):
        return refused
    form = PatientForm(request.POST or None, instance=patient, clinician=request.clinician)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            # Which fields changed, never their values.
            patient_event(AuditAction.CHANGE, patient, "changed " + ", ".join(form.changed_data))
        messages.success(request, _("The patient's details were saved."))
        return redirect(patient)
    return render(request, "clinic/patient_form.html", {"form": form, "patient": patient})


@require_http_methods(["GET", "POST"])
@clinician_required
def patient_archive(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    if refused := refused_if_erased(request, patient):
        return refused
    if patient.status == Patient.Status.ARCHIVED:
        messages.info(request, _("%(name)s is already archived.") % {"name": patient.full_name})
        return redirect(patient)
    if request.method == "POST":
        with transaction.atomic():
            patient.archive()
            patient_event(AuditAction.CHANGE, patient, "archived")
        messages.success(
            request,
            _(
                "%(name)s was archived. Their records are kept; "
                "they can no longer sign in to the portal."
            )
            % {"name": patient.full_name},
        )
        return redirect("patient_list")
    return render(request, "clinic/patient_archive.html", {"patient": patient})


@require_POST
@clinician_required
def patient_restore(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    if refused := refused_if_erased(request, patient):
        return refused
    if patient.status == Patient.Status.ARCHIVED:
        with transaction.atomic():
            patient.status = Patient.Status.ACTIVE
            patient.save(update_fields=["status", "updated_at"])
            patient_event(AuditAction.CHANGE, patient, "restored")
        messages.success(request, _("%(name)s is active again.") % {"name": patient.full_name})
    return redirect(patient)


@require_POST
@clinician_required
def patient_invite(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    if refused := refused_if_erased(request, patient):
        return refused
    try:
        send_invitation(patient, sent_by=request.user, base_url=request.build_absolute_uri("/"))
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "An invitation was emailed to %(email)s. The link works once and expires "
                "in %(days)d day; any earlier link no longer works.",
                "An invitation was emailed to %(email)s. The link works once and expires "
                "in %(days)d days; any earlier link no longer works.",
                settings.INVITATION_VALID_DAYS,
            )
            % {"email": patient.email, "days": settings.INVITATION_VALID_DAYS},
        )
    return redirect(patient)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = find_invitation(token)
    if invitation is None:
        raise Http404("No such invitation.")
    if invitation.state != Invitation.State.OPEN:
        return render(
            request,
            "clinic/invitation_unusable.html",
            {"invitation": invitation, "valid_days": settings.INVITATION_VALID_DAYS},
            status=410,
        )
    patient = invitation.patient
    form = AcceptInvitationForm(
        request.POST or None, full_name=patient.full_name, email=invitation.email
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(invitation, form.cleaned_data["password1"])
        except InvitationError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("portal_home")
    return render(
        request,
        "clinic/invitation_accept.html",
        {"form": form, "invitation": invitation, "patient": patient},
    )
