"""Inviting a patient to the portal and accepting the invitation."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.audit import record
from clinic.email import send_clinic_email
from clinic.limits import HOUR, Quota, QuotaSpent, take_all
from clinic.models import (
    AuditAction,
    AuditSubject,
    Clinic,
    Invitation,
    Patient,
    User,
    hash_token,
    normalize_email,
)

logger = logging.getLogger(__name__)

EMAIL_FAILED = gettext_lazy("The email could not be sent, so nothing was changed. Try again later.")


class InvitationError(Exception):
    """The invitation cannot be sent or accepted; the message is fit to show the user."""


class TooManyInvitations(InvitationError):
    """Invitations to this address, or from this account, have reached their hourly limit.
    The message is for the clinician; `detail` is what the audit trail says."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.detail = detail


def to_the_minute(moment: datetime, clinic: Clinic) -> str:
    """HH:MM in the clinic's time, rounded up: "after 14:06" is never too early."""
    local = timezone.localtime(moment, clinic.tz)
    if local.second or local.microsecond:
        local += timedelta(minutes=1)
    return f"{local:%H:%M}"


def invitation_turn(recipient: str, *, sender: User, clinic: Clinic) -> None:
    """Count one invitation (a patient's or a clinician's) against the recipient's address and
    the sending account (settings INVITATIONS_PER_RECIPIENT_HOUR, INVITATIONS_PER_SENDER_HOUR),
    or raise TooManyInvitations saying when the next one may go. Called inside the sending
    transaction, so an email that fails gives its turn back with everything else."""
    to_address = Quota("invitations-to", settings.INVITATIONS_PER_RECIPIENT_HOUR, HOUR)
    by_sender = Quota("invitations-by", settings.INVITATIONS_PER_SENDER_HOUR, HOUR)
    try:
        take_all([(to_address, normalize_email(recipient)), (by_sender, sender.pk)])
    except QuotaSpent as spent:
        after = to_the_minute(spent.until, clinic)
        logger.warning("Invitations throttled: %s quota of user %s spent.", spent.name, sender.pk)
        if spent.name == to_address.name:
            raise TooManyInvitations(
                _(
                    "An invitation was sent to this address a short while ago; "
                    "you can send another after %(after)s."
                )
                % {"after": after},
                "too many invitations to one address",
            ) from None
        raise TooManyInvitations(
            _(
                "You have sent many invitations in the last hour; "
                "you can send another after %(after)s."
            )
            % {"after": after},
            "too many invitations from one account",
        ) from None


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    link: str


def invitation_blocker(patient: Patient) -> str | None:
    """Why this patient cannot be invited now, in words for the clinician; None if they can."""
    if patient.is_minor:
        return _(
            "This patient is a minor: their portal is used through carers only. "
            "Invite a carer instead."
        )
    if patient.is_activated:
        return _("This patient already has a portal account.")
    if patient.status != Patient.Status.ACTIVE:
        return _("Only active patients can be invited.")
    if not patient.email:
        return _("Add the patient's email address before sending an invitation.")
    return None


def send_invitation(patient: Patient, *, sent_by: User, base_url: str) -> SentInvitation:
    """Email the patient a fresh single-use link. Any earlier link stops working, but only once
    the new one was sent: if the email fails, InvitationError is raised and nothing changed (an
    earlier link still works; a first invitation leaves no open invitation behind).

    The email goes out inside the transaction, so a failed send rolls back the new invitation
    and the revocation together. Sends are limited per address and per sender
    (invitation_turn); each send and each refusal is on the audit trail."""
    token = Invitation.new_token()
    link = base_url.rstrip("/") + reverse("accept_invitation", args=[token])
    try:
        invitation = _send_invitation(patient, token, link, sent_by)
    except TooManyInvitations as refused:
        # Outside the rolled-back transaction, so the refusal stays on the trail.
        record(
            AuditAction.LOCKED_OUT, AuditSubject.INVITATION, patient=patient, detail=refused.detail
        )
        raise
    return SentInvitation(invitation=invitation, link=link)


def _send_invitation(patient: Patient, token: str, link: str, sent_by: User) -> Invitation:
    with transaction.atomic():
        # The patient row is the lock for every change to their invitations (accepting takes it
        # first too), so two clinicians re-sending at once take turns instead of both creating
        # an open invitation. Checked on the locked row: the patient may have accepted meanwhile.
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        blocker = invitation_blocker(patient)
        if blocker:
            raise InvitationError(blocker)
        invitation_turn(patient.email, sender=sent_by, clinic=patient.clinic)
        now = timezone.now()
        Invitation.objects.filter(patient=patient).open().update(revoked_at=now)
        invitation = Invitation.objects.create(
            patient=patient,
            email=patient.email,
            token_hash=hash_token(token),
            created_by=sent_by,
            created_at=now,
            expires_at=Invitation.expiry_for(now),
        )
        context = {
            "patient": patient,
            "clinic": patient.clinic,
            "link": link,
            "valid_days": settings.INVITATION_VALID_DAYS,
            "clinician": sent_by,
        }
        sent = send_clinic_email(
            patient.clinic,
            patient.email,
            "clinic/email/invitation",
            context,
            about={"patient": patient.pk},
            log=logger,
            language=patient.preferred_language,
        )
        if not sent:
            # Raised inside the transaction: the new invitation and the revocation roll back.
            raise InvitationError(EMAIL_FAILED)
        record(AuditAction.SEND, AuditSubject.INVITATION, patient=patient, object_id=invitation.pk)
    return invitation


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
        # The patient first, then the invitation: the same order as send_invitation, so an
        # accept and a re-send at the same moment cannot deadlock.
        patient = Patient.objects.select_for_update().get(pk=invitation.patient_id)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.state != Invitation.State.OPEN:
            raise InvitationError(_("This invitation link can no longer be used."))
        if patient.is_activated:
            raise InvitationError(_("This patient already has a portal account."))
        email = normalize_email(invitation.email)
        if User.objects.filter(email__iexact=email).exists():
            raise InvitationError(
                _(
                    "An account with this email address already exists. "
                    "Please ask your clinic for help."
                )
            )
        try:
            with transaction.atomic():
                user = User.objects.create_user(email, password, full_name=patient.full_name)
        except IntegrityError:
            raise InvitationError(
                _(
                    "An account with this email address already exists. "
                    "Please ask your clinic for help."
                )
            ) from None
        patient.user = user
        patient.save(update_fields=["user", "updated_at"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
    return user
