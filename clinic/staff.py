"""Clinic administration (clinic admins only): the team, its invitations and the clinic's
settings; and the page where an invited clinician joins."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic.access import ClinicianRequest, clinic_admin_required, staff_member_for
from clinic.audit import record
from clinic.email import send_clinic_email
from clinic.forms import AcceptInvitationForm, ClinicSettingsForm, InviteClinicianForm
from clinic.invitations import EMAIL_FAILED, TooManyInvitations, invitation_turn
from clinic.models import (
    AuditAction,
    AuditSubject,
    Clinic,
    Clinician,
    Invitation,
    StaffInvitation,
    User,
    hash_token,
    normalize_email,
)

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
                raise StaffError(_("You can't deactivate yourself. Ask another admin."))
            if member.is_admin and [a.pk for a in admins] == [member.pk]:
                raise StaffError(_("The clinic must keep at least one active admin."))
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
) -> StaffInvitation:
    """Email an invitation to join the clinic's team, and keep it waiting until its link is used.

    Nothing else is made now: the account and the membership are created when the invitee
    chooses a password (join_team). An address that already has an account (a patient, another
    clinic's clinician, an operator) gets an email saying so instead of a link, and its
    invitation waits and expires like any other: the admin sees the same answer and the same
    team list either way, so nothing tells whether someone has an account somewhere. Only a
    member of the admin's own team is named as such.

    Inviting an address that is already waiting sends a new link in place of the old one. The
    email goes out inside the transaction: if it fails, StaffError is raised and nothing changed.

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


def _invite_clinician(
    clinic: Clinic, email: str, full_name: str, role: str, base_url: str, sent_by: User
) -> StaffInvitation:
    email = normalize_email(email)
    with transaction.atomic():
        if Clinician.objects.filter(clinic=clinic, user__email__iexact=email).exists():
            raise StaffError(_("This person is already on your team."))
        invitation_turn(email, sender=sent_by, clinic=clinic)
        token = Invitation.new_token()
        now = timezone.now()
        # Locked, so two admins inviting one address at once leave one waiting invitation.
        invitation, _created = StaffInvitation.objects.select_for_update().update_or_create(
            clinic=clinic,
            email=email,
            accepted_at=None,
            defaults={
                "full_name": full_name,
                "role": role,
                "token_hash": hash_token(token),
                "sent_by": sent_by,
                "sent_at": now,
                "expires_at": Invitation.expiry_for(now),
            },
        )
        if User.objects.filter(email__iexact=email).exists():
            template, context = "clinic/email/account_exists", {}
        else:
            link = base_url.rstrip("/") + reverse("join_team", args=[token])
            template = "clinic/email/clinician_invitation"
            context = {
                "invitation": invitation,
                "link": link,
                "valid_days": settings.INVITATION_VALID_DAYS,
            }
        sent = send_clinic_email(
            clinic,
            email,
            template,
            context,
            about={"staff invitation": invitation.pk},
            log=logger,
        )
        if not sent:
            # Raised inside the transaction: the invitation and its new link roll back.
            raise StaffError(EMAIL_FAILED)
        record(
            AuditAction.SEND,
            AuditSubject.INVITATION,
            clinic=clinic,
            object_id=invitation.pk,
            detail="clinician invitation",
        )
    return invitation


def find_staff_invitation(token: str) -> StaffInvitation | None:
    return (
        StaffInvitation.objects.select_related("clinic")
        .filter(token_hash=hash_token(token))
        .first()
    )


def join_team(invitation: StaffInvitation, password: str) -> User:
    """Create the invitee's account with the chosen password and add them to the team."""
    with transaction.atomic():
        # Locked, so two tabs submitting the same link cannot both create an account.
        locked = StaffInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if locked is None or locked.state != StaffInvitation.State.WAITING:
            raise StaffError(_("This invitation link can no longer be used."))
        if User.objects.filter(email__iexact=locked.email).exists():
            raise StaffError(ACCOUNT_EXISTS)
        try:
            with transaction.atomic():
                user = User.objects.create_user(locked.email, password, full_name=locked.full_name)
        except IntegrityError:  # the address was taken a moment ago
            raise StaffError(ACCOUNT_EXISTS) from None
        member = Clinician.objects.create(user=user, clinic=locked.clinic, role=locked.role)
        locked.accepted_at = timezone.now()
        locked.member = member
        locked.save(update_fields=["accepted_at", "member"])
        record(
            AuditAction.CREATE,
            AuditSubject.STAFF,
            clinic=locked.clinic,
            object_id=member.pk,
            detail="joined the team from an invitation",
            user=user,
        )
    return user


ACCOUNT_EXISTS = gettext_lazy(
    "An account with this email address already exists. "
    "Ask the clinic to invite another address of yours."
)


def withdraw_invitation(invitation: StaffInvitation) -> None:
    """Withdraw a waiting invitation: its link stops working at once."""
    with transaction.atomic():
        pk = invitation.pk
        invitation.delete()
        record(
            AuditAction.DELETE,
            AuditSubject.INVITATION,
            clinic=invitation.clinic_id,
            object_id=pk,
            detail="clinician invitation withdrawn",
        )


@require_safe
@clinic_admin_required
def staff_list(request: ClinicianRequest) -> HttpResponse:
    clinic = request.clinician.clinic
    members = Clinician.objects.filter(clinic=clinic).select_related("user")
    waiting = StaffInvitation.objects.filter(clinic=clinic, accepted_at__isnull=True)
    return render(request, "clinic/staff.html", {"members": members, "waiting": waiting})


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
            messages.success(
                request,
                _("An invitation was emailed to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("staff_list")
    return render(request, "clinic/staff_invite.html", {"form": form})


def waiting_invitation_for(request: ClinicianRequest, pk: int) -> StaffInvitation:
    """A waiting invitation of the admin's own clinic, or 404."""
    return get_object_or_404(
        StaffInvitation,
        pk=pk,
        clinic=request.clinician.clinic,
        accepted_at__isnull=True,
    )


@require_POST
@clinic_admin_required
def staff_invitation_resend(request: ClinicianRequest, pk: int) -> HttpResponse:
    invitation = waiting_invitation_for(request, pk)
    try:
        invite_clinician(
            invitation.clinic,
            email=invitation.email,
            full_name=invitation.full_name,
            role=invitation.role,
            base_url=request.build_absolute_uri("/"),
            sent_by=request.user,
        )
    except StaffError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("A new invitation was emailed to %(email)s; the earlier link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("staff_list")


@require_POST
@clinic_admin_required
def staff_invitation_withdraw(request: ClinicianRequest, pk: int) -> HttpResponse:
    invitation = waiting_invitation_for(request, pk)
    withdraw_invitation(invitation)
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("staff_list")


@require_http_methods(["GET", "POST"])
def staff_join(request: HttpRequest, token: str) -> HttpResponse:
    """Where an invited clinician chooses a password and joins the team."""
    invitation = find_staff_invitation(token)
    if invitation is None or invitation.state != StaffInvitation.State.WAITING:
        # A link replaced by a newer one or withdrawn is simply unknown.
        return render(
            request,
            "clinic/staff_join_unusable.html",
            {"invitation": invitation, "valid_days": settings.INVITATION_VALID_DAYS},
            status=404 if invitation is None else 410,
        )
    form = AcceptInvitationForm(
        request.POST or None, full_name=invitation.full_name, email=invitation.email
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = join_team(invitation, form.cleaned_data["password1"])
        except StaffError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome to %(clinic)s!") % {"clinic": invitation.clinic.name}
            )
            return redirect("home")
    return render(request, "clinic/staff_join.html", {"form": form, "invitation": invitation})


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
        done = (
            _("%(name)s was reactivated.")
            if active
            else _("%(name)s was deactivated and signed out.")
        )
        messages.success(request, done % {"name": member.user.full_name or member.user.email})
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
        messages.success(request, _("The clinic settings were saved."))
        return redirect("clinic_settings")
    return render(request, "clinic/settings.html", {"form": form, "clinic": clinic})
