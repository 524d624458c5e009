"""Inviting a patient to the portal and accepting the invitation."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clinic.models import Invitation, Patient, User, hash_token, normalize_email


class InvitationError(Exception):
    """The invitation cannot be sent or accepted; the message is fit to show the user."""


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    link: str


def invitation_blocker(patient: Patient) -> str | None:
    """Why this patient cannot be invited now, in words for the clinician; None if they can."""
    if patient.is_activated:
        return "This patient already has a portal account."
    if patient.status != Patient.Status.ACTIVE:
        return "Only active patients can be invited."
    if not patient.email:
        return "Add the patient's email address before sending an invitation."
    return None


def send_invitation(patient: Patient, *, sent_by: User, base_url: str) -> SentInvitation:
    """Email the patient a fresh single-use link. Any earlier link stops working."""
    blocker = invitation_blocker(patient)
    if blocker:
        raise InvitationError(blocker)
    token = Invitation.new_token()
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(patient=patient).open().update(revoked_at=now)
        invitation = Invitation.objects.create(
            patient=patient,
            email=patient.email,
            token_hash=hash_token(token),
            created_by=sent_by,
            created_at=now,
            expires_at=Invitation.expiry_for(now),
        )
    link = base_url.rstrip("/") + reverse("accept_invitation", args=[token])
    context = {
        "patient": patient,
        "clinic": patient.clinic,
        "link": link,
        "valid_days": settings.INVITATION_VALID_DAYS,
        "clinician": sent_by,
    }
    send_mail(
        subject=f"{patient.clinic.name}: your home exercise program",
        message=render_to_string("clinic/email/invitation.txt", context),
        from_email=None,
        recipient_list=[patient.email],
    )
    return SentInvitation(invitation=invitation, link=link)


def find_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("patient__clinic")
        .filter(token_hash=hash_token(token))
        .first()
    )


def accept_invitation(invitation: Invitation, password: str) -> User:
    """Create the patient's account with the chosen password and use up the link."""
    with transaction.atomic():
        # Lock the row so two tabs submitting the same link cannot both create an account.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        patient = Patient.objects.select_for_update().get(pk=invitation.patient_id)
        if invitation.state != Invitation.State.OPEN:
            raise InvitationError("This invitation link can no longer be used.")
        if patient.is_activated:
            raise InvitationError("This patient already has a portal account.")
        email = normalize_email(invitation.email)
        if User.objects.filter(email__iexact=email).exists():
            raise InvitationError(
                "An account with this email address already exists. "
                "Please ask your clinic for help."
            )
        try:
            with transaction.atomic():
                user = User.objects.create_user(email, password, full_name=patient.full_name)
        except IntegrityError:
            raise InvitationError(
                "An account with this email address already exists. "
                "Please ask your clinic for help."
            ) from None
        patient.user = user
        patient.save(update_fields=["user", "updated_at"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
    return user
