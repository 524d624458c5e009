"""Clinic administration (clinic admins only): the team and the clinic's settings."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic.access import ClinicianRequest, clinic_admin_required, staff_member_for
from clinic.audit import record
from clinic.email import send_clinic_email
from clinic.forms import ClinicSettingsForm, InviteClinicianForm
from clinic.invitations import EMAIL_FAILED, TooManyInvitations, invitation_turn
from clinic.models import AuditAction, AuditSubject, Clinic, Clinician, User

logger = logging.getLogger(__name__)


class StaffError(Exception):
    """A team change that would break a rule; the message is fit to show the admin."""


def set_active(member: Clinician, active: bool, *, by: Clinician) -> None:
    """Deactivate or reactivate a clinician. Deactivating ends their sessions at once (an
    inactive account is signed out on its next request) and never leaves the clinic without an
    active admin."""
    with transaction.atomic():
        # Lock the clinic's admins so two admins cannot deactivate each other at once.
        admins = list(
            Clinician.objects.select_for_update().filter(
                clinic=member.clinic, role=Clinician.Role.ADMIN, is_active=True
            )
        )
        if not active:
            if member.pk == by.pk:
                raise StaffError("You can't deactivate yourself. Ask another admin.")
            if member.is_admin and [a.pk for a in admins] == [member.pk]:
                raise StaffError("The clinic must keep at least one active admin.")
        member.is_active = active
        member.save(update_fields=["is_active"])
        User.objects.filter(pk=member.user_id).update(is_active=active)
        if not active:
            member.user.end_sessions()
        record(
            AuditAction.CHANGE,
            AuditSubject.STAFF,
            clinic=member.clinic_id,
            object_id=member.pk,
            detail="reactivated" if active else "deactivated",
        )


def invite_clinician(
    clinic: Clinic, *, email: str, full_name: str, role: str, base_url: str, sent_by: User
) -> Clinician | None:
    """Create a clinician's account and email them a link to choose a password.

    An address that already has an account (a patient, another clinic's clinician, an operator)
    gets an email saying so, and no account is made; the admin sees the same answer as for a
    new invitation, so the form never tells whether someone has an account somewhere (None is
    returned). Only a member of the admin's own team is named as such.

    The email goes out inside the transaction: if it fails, StaffError is raised and no account
    is left behind, so the admin can simply try the same address again.

    Invitations are limited per address and per sender like patients' (invitation_turn); each
    email sent and each refusal is on the audit trail, in the same words for both kinds of
    address."""
    try:
        return _invite_clinician(clinic, email, full_name, role, base_url, sent_by)
    except TooManyInvitations as refused:
        # Outside the rolled-back transaction, so the refusal stays on the trail.
        record(
            AuditAction.LOCKED_OUT, AuditSubject.INVITATION, clinic=clinic, detail=refused.detail
        )
        raise StaffError(str(refused)) from None


def _invitation_sent(clinic: Clinic) -> None:
    record(AuditAction.SEND, AuditSubject.INVITATION, clinic=clinic, detail="clinician invitation")


def _invite_clinician(
    clinic: Clinic, email: str, full_name: str, role: str, base_url: str, sent_by: User
) -> Clinician | None:
    with transaction.atomic():
        invitation_turn(email, sender=sent_by, clinic=clinic)
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            _tell_existing_account(clinic, existing)
            _invitation_sent(clinic)
            return None
        try:
            with transaction.atomic():
                user = User.objects.create_user(email, None, full_name=full_name)
        except IntegrityError:  # the same address was invited a moment ago
            _tell_existing_account(clinic, User.objects.get(email__iexact=email))
            _invitation_sent(clinic)
            return None
        member = Clinician.objects.create(user=user, clinic=clinic, role=role)
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        sent = send_clinic_email(
            clinic,
            user.email,
            "clinic/email/clinician_invitation",
            {"member": member, "link": base_url.rstrip("/") + path},
            about={"clinician": member.pk},
            log=logger,
        )
        if not sent:
            # Raised inside the transaction: the new account rolls back.
            raise StaffError(EMAIL_FAILED)
        _invitation_sent(clinic)
    return member


def _tell_existing_account(clinic: Clinic, user: User) -> None:
    if Clinician.objects.filter(user=user, clinic=clinic).exists():
        raise StaffError("This person is already on your team.")
    if not send_clinic_email(
        clinic, user.email, "clinic/email/account_exists", {}, about={"user": user.pk}, log=logger
    ):
        raise StaffError(EMAIL_FAILED)


@require_safe
@clinic_admin_required
def staff_list(request: ClinicianRequest) -> HttpResponse:
    members = Clinician.objects.filter(clinic=request.clinician.clinic).select_related("user")
    return render(request, "clinic/staff.html", {"members": members})


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def staff_invite(request: ClinicianRequest) -> HttpResponse:
    form = InviteClinicianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invite_clinician(
                request.clinician.clinic,
                base_url=request.build_absolute_uri("/"),
                sent_by=request.user,
                **form.cleaned_data,
            )
        except StaffError as error:
            form.add_error(None, str(error))
        else:
            # The same words whether or not the address already had an account elsewhere.
            messages.success(request, f"An invitation was emailed to {form.cleaned_data['email']}.")
            return redirect("staff_list")
    return render(request, "clinic/staff_invite.html", {"form": form})


@require_POST
@clinic_admin_required
def staff_deactivate(request: ClinicianRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=False)


@require_POST
@clinic_admin_required
def staff_reactivate(request: ClinicianRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, active=True)


def _set_active(request: ClinicianRequest, pk: int, *, active: bool) -> HttpResponse:
    member = staff_member_for(request.user, pk)
    try:
        set_active(member, active, by=request.clinician)
    except StaffError as error:
        messages.error(request, str(error))
    else:
        word = "reactivated" if active else "deactivated and signed out"
        messages.success(request, f"{member.user.full_name or member.user.email} was {word}.")
    return redirect("staff_list")


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def clinic_settings(request: ClinicianRequest) -> HttpResponse:
    clinic = request.clinician.clinic
    form = ClinicSettingsForm(request.POST or None, request.FILES or None, instance=clinic)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(
                AuditAction.CHANGE,
                AuditSubject.SETTINGS,
                clinic=clinic,
                detail="changed " + ", ".join(form.changed_data),
            )
        messages.success(request, "The clinic settings were saved.")
        return redirect("clinic_settings")
    return render(request, "clinic/settings.html", {"form": form, "clinic": clinic})
