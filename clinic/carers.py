"""Carers: people a patient trusts to help with their home program (a parent, a partner).

A carer is invited by email, by the patient from the portal or by a clinician who records how the
patient consented. The email carries a single-use link (only a hash of its token is stored, as
for a patient's invitation). Accepting it makes the carer's own account, or adds the access to
the account they already have: a parent of two children has one account and two accesses, and
chooses whom they are helping (clinic/access.py `patient_required`). The patient or a clinician
can end an access; the carer's very next request is refused. Every step is on the audit trail.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.access import clinician_for
from clinic.audit import record
from clinic.email import send_clinic_email
from clinic.invitations import EMAIL_FAILED, TooManyInvitations, invitation_turn
from clinic.models import (
    AuditAction,
    AuditSubject,
    CarerAccess,
    Patient,
    User,
    hash_token,
    normalize_email,
)

logger = logging.getLogger(__name__)


class CarerError(Exception):
    """The invitation cannot be sent or accepted; the message is fit to show the user."""


@dataclass(frozen=True)
class SentCarerInvitation:
    access: CarerAccess
    link: str


def new_token() -> str:
    return secrets.token_urlsafe(32)


def carers_of(patient: Patient) -> QuerySet[CarerAccess]:
    """A patient's carers as their pages list them: in force and invited first, then ended."""
    return (
        CarerAccess.objects.filter(patient=patient)
        .select_related("user", "invited_by", "consent_recorded_by", "ended_by")
        .order_by("ended_at", "-created_at", "-pk")
    )


def carer_of(patient: Patient, pk: int) -> CarerAccess:
    """One of this patient's carer accesses, or 404 (another patient's is refused)."""
    return get_object_or_404(CarerAccess.objects.filter(patient=patient), pk=pk)


def state_of(access: CarerAccess) -> str:
    """ "current", "invited", "expired" or "ended": what the patient's carers page says."""
    if access.ended_at is not None:
        return "ended"
    if access.accepted_at is not None:
        return "current"
    if access.expires_at <= timezone.now():
        return "expired"
    return "invited"


def invite_blocker(patient: Patient) -> str | None:
    """Why this patient's carers cannot be invited now, in words for whoever asked; None if
    they can."""
    if patient.erased_at is not None or patient.status != Patient.Status.ACTIVE:
        return _("Only an active patient's carers can be invited.")
    return None


def invite_carer(
    patient: Patient,
    *,
    name: str,
    email: str,
    relationship: str = "",
    invited_by: User,
    consent_note: str = "",
    base_url: str,
) -> SentCarerInvitation:
    """Email a carer a fresh single-use link to help this patient, in the patient's language.

    The patient invites from their portal; anyone else (a clinician) must say how the patient
    consented (`consent_note`), which is kept with who recorded it. An earlier unused invitation
    to the same address stops working once the new one was sent. If the email fails,
    CarerError is raised and nothing changed; sends share the invitation limits per address and
    per sender (clinic/invitations.py `invitation_turn`)."""
    token = new_token()
    link = base_url.rstrip("/") + reverse("carer_accept", args=[token])
    try:
        access = _invite(
            patient,
            token=token,
            link=link,
            name=" ".join(name.split()),
            email=normalize_email(email),
            relationship=" ".join(relationship.split()),
            invited_by=invited_by,
            consent_note=" ".join(consent_note.split()),
        )
    except TooManyInvitations as refused:
        # Outside the rolled-back transaction, so the refusal stays on the trail.
        record(AuditAction.LOCKED_OUT, AuditSubject.CARER, patient=patient, detail=refused.detail)
        raise
    return SentCarerInvitation(access=access, link=link)


def _invite(
    patient: Patient,
    *,
    token: str,
    link: str,
    name: str,
    email: str,
    relationship: str,
    invited_by: User,
    consent_note: str,
) -> CarerAccess:
    by_patient = patient.user_id is not None and patient.user_id == invited_by.pk
    if not by_patient and not consent_note:
        raise CarerError(_("Record how the patient gave their consent before inviting a carer."))
    if not name or not email:
        raise CarerError(_("Give the carer's name and email address."))
    with transaction.atomic():
        # The patient row is the lock for every change to their carers, so two invitations to
        # one address cannot both be left open.
        patient = Patient.objects.select_for_update().select_related("clinic").get(pk=patient.pk)
        if blocker := invite_blocker(patient):
            raise CarerError(blocker)
        own = {normalize_email(patient.email)}
        if patient.user is not None:
            own.add(normalize_email(patient.user.email))
        if email in own:
            raise CarerError(_("This is the patient's own email address: a carer needs their own."))
        open_rows = CarerAccess.objects.filter(patient=patient, email=email, ended_at__isnull=True)
        if open_rows.filter(accepted_at__isnull=False).exists():
            raise CarerError(_("This person is already a carer of this patient."))
        invitation_turn(email, sender=invited_by, clinic=patient.clinic)
        now = timezone.now()
        open_rows.update(ended_at=now, ended_by=invited_by)  # an earlier, unused invitation
        access = CarerAccess.objects.create(
            patient=patient,
            name=name,
            email=email,
            relationship=relationship,
            invited_by=invited_by,
            consent_note="" if by_patient else consent_note,
            consent_recorded_by=None if by_patient else invited_by,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        sent = send_clinic_email(
            patient.clinic,
            email,
            "clinic/email/carer_invitation",
            {
                "patient": patient,
                "carer": access,
                "link": link,
                "valid_days": settings.INVITATION_VALID_DAYS,
            },
            about={"patient": patient.pk, "carer": access.pk},
            log=logger,
            language=patient.preferred_language,
        )
        if not sent:
            # Raised inside the transaction: the new invitation and the replaced one roll back.
            raise CarerError(str(EMAIL_FAILED))
        record(
            AuditAction.SEND,
            AuditSubject.CARER,
            patient=patient,
            object_id=access.pk,
            detail="carer invited by the patient" if by_patient else "carer invited, consent noted",
        )
    return access


def find_carer_invitation(token: str) -> CarerAccess | None:
    return (
        CarerAccess.objects.select_related("patient__clinic")
        .filter(token_hash=hash_token(token))
        .first()
    )


def is_open(access: CarerAccess) -> bool:
    return state_of(access) == "invited"


def account_refusal(user: User, access: CarerAccess) -> str | None:
    """Why this signed-in account cannot accept the invitation, in the carer's words; None if
    it can. Clinic staff and the patient themself cannot be carers, and the link is for the
    address it was sent to."""
    if clinician_for(user) is not None or user.is_staff:
        return _("A clinic staff account cannot be a carer. Sign out and accept as the carer.")
    if access.patient.user_id == user.pk:
        return _("This is the patient's own account. The carer accepts with their own account.")
    if normalize_email(user.email) != access.email:
        return _(
            "This invitation was sent to %(email)s. Sign in with that address to accept it."
        ) % {"email": access.email}
    return None


def accept_as_new_account(access: CarerAccess, *, password: str) -> User:
    """Make the carer's account, with the invited address and the chosen password, and use up
    the link."""
    with transaction.atomic():
        access = _locked_open(access)
        if User.objects.filter(email__iexact=access.email).exists():
            raise CarerError(
                _("An account with this email address already exists. Sign in to accept.")
            )
        try:
            with transaction.atomic():
                user = User.objects.create_user(access.email, password, full_name=access.name)
        except IntegrityError:
            raise CarerError(
                _("An account with this email address already exists. Sign in to accept.")
            ) from None
        _accepted(access, user, "carer accepted with a new account")
    return user


def accept_with_account(access: CarerAccess, user: User) -> None:
    """Add the access to the carer's existing, signed-in account and use up the link."""
    with transaction.atomic():
        access = _locked_open(access)
        if refusal := account_refusal(user, access):
            raise CarerError(refusal)
        _accepted(access, user, "carer accepted with their account")


def _locked_open(access: CarerAccess) -> CarerAccess:
    # The patient first, then the access: the same order as inviting and ending, so they take
    # turns instead of deadlocking.
    Patient.objects.select_for_update().filter(pk=access.patient_id).first()
    access = CarerAccess.objects.select_for_update().select_related("patient").get(pk=access.pk)
    if not is_open(access):
        raise CarerError(_("This invitation link can no longer be used."))
    return access


def _accepted(access: CarerAccess, user: User, detail: str) -> None:
    access.user = user
    access.accepted_at = timezone.now()
    try:
        with transaction.atomic():
            access.save(update_fields=["user", "accepted_at"])
    except IntegrityError:  # the account already helps this patient
        raise CarerError(_("Your account already helps this patient.")) from None
    record(
        AuditAction.CHANGE,
        AuditSubject.CARER,
        patient=access.patient,
        object_id=access.pk,
        detail=detail,
        user=user,
    )


def end_access(access: CarerAccess, *, by: User) -> bool:
    """End a carer's access (or withdraw an invitation) at once: their next request is refused.
    False if it had already ended."""
    with transaction.atomic():
        Patient.objects.select_for_update().filter(pk=access.patient_id).first()
        locked = CarerAccess.objects.select_for_update().get(pk=access.pk)
        if locked.ended_at is not None:
            return False
        locked.ended_at = timezone.now()
        locked.ended_by = by
        locked.save(update_fields=["ended_at", "ended_by"])
        by_patient = locked.patient.user_id == by.pk
        record(
            AuditAction.CHANGE,
            AuditSubject.CARER,
            patient=locked.patient,
            object_id=locked.pk,
            detail="carer access ended by the patient"
            if by_patient
            else "carer access ended by the clinic",
        )
    access.ended_at, access.ended_by = locked.ended_at, by
    return True
