"""The audit trail: who read or changed which patient's health data, when and from where.

Every entry is written by `record`. Views that show health data record a read (one insert);
the functions that change it record the write inside their own transaction, so a change and
its entry are saved together or not at all. Sign-ins, sign-outs and failed sign-ins are
recorded from Django's signals.

The actor comes from the request being served: `AuditMiddleware` puts it in a context
variable, so a domain function deep in a call never needs the request passed down. Outside a
request (a management command, a test) the actor is "the app" unless a user is given. The
actor's role and clinic are kept in the session at sign-in, so recording costs no query but
the insert.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from clinic.access import carer_accesses_for, clinician_for, patient_profile_for
from clinic.models import AuditAction, AuditEntry, AuditRole, AuditSubject, User, normalize_email
from clinic.network import client_address

ROLE_KEY = "audit_role"
CLINIC_KEY = "audit_clinic"

Action = AuditAction
Subject = AuditSubject


@dataclass
class Actor:
    user: Any  # a User, or None when nobody has signed in
    role: str
    clinic_id: int | None
    address: str | None


_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def role_of(user: Any) -> tuple[str, int | None]:
    """A signed-in user's role and clinic, as the trail names them."""
    if user is None or not user.is_authenticated:
        return AuditRole.ANONYMOUS, None
    if clinician := clinician_for(user):
        role = AuditRole.ADMIN if clinician.is_admin else AuditRole.CLINICIAN
        return role, clinician.clinic_id
    if patient := patient_profile_for(user):
        return AuditRole.PATIENT, patient.clinic_id
    if access := carer_accesses_for(user).first():
        return AuditRole.CARER, access.patient.clinic_id
    if user.is_staff:
        return AuditRole.OPERATOR, None
    return AuditRole.ANONYMOUS, None


def actor_of(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    address = client_address(request)
    if user is None or not user.is_authenticated:
        return Actor(None, AuditRole.ANONYMOUS, None, address)
    if (carer := getattr(request, "carer", None)) is not None:
        # A carer serving a patient's portal (set by patient_required): whatever the account's
        # role at sign-in, what they do there they do as that patient's carer.
        return Actor(user, AuditRole.CARER, carer.patient.clinic_id, address)
    session = request.session
    if ROLE_KEY not in session:  # a session from before the trail: look the role up once
        session[ROLE_KEY], session[CLINIC_KEY] = role_of(user)
    return Actor(user, session[ROLE_KEY], session.get(CLINIC_KEY), address)


def current_actor() -> Actor:
    request = _request.get()
    if request is None:
        return Actor(None, AuditRole.SYSTEM, None, None)
    return actor_of(request)


def _id(value: models.Model | int | None) -> int | None:
    return value.pk if isinstance(value, models.Model) else value


def record(
    action: str,
    subject: str,
    *,
    clinic: models.Model | int | None = None,
    patient: Any = None,
    object_id: object = "",
    detail: str = "",
    user: Any = None,
) -> AuditEntry:
    """Write one entry. `patient` may be a Patient (its clinic is then the entry's clinic) or
    an id; `detail` says which part or what kind of change, never the health data itself."""
    actor = current_actor()
    if user is not None and actor.user is None:
        actor = Actor(user, role_of(user)[0], None, actor.address)
    clinic_id = _id(clinic)
    if clinic_id is None and patient is not None and not isinstance(patient, int):
        clinic_id = patient.clinic_id
    return AuditEntry.objects.create(
        user=actor.user,
        role=actor.role,
        clinic_id=clinic_id if clinic_id is not None else actor.clinic_id,
        patient_id=_id(patient),
        action=action,
        subject=subject,
        object_id=str(object_id or "")[:40],
        detail=detail[:200],
        address=actor.address,
    )


def patient_event(action: str, patient: Any, detail: str = "") -> AuditEntry:
    """A read or change of the patient's own details (name, contact, status)."""
    return record(
        action, AuditSubject.PATIENT, patient=patient, object_id=patient.pk, detail=detail
    )


@contextmanager
def acting_as(request: HttpRequest) -> Iterator[None]:
    """Entries recorded inside the block name the request's user and address."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


class AuditMiddleware:
    """Makes the request's user the actor of every entry recorded while serving it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(request):
            return self.get_response(request)


# --- sign-in events -------------------------------------------------------------------------


@receiver(user_logged_in)
def _signed_in(*, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    request.session[ROLE_KEY], request.session[CLINIC_KEY] = role_of(user)
    with acting_as(request):
        record(AuditAction.SIGN_IN, AuditSubject.ACCOUNT)


@receiver(user_logged_out)
def _signed_out(*, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Sent before the session is flushed: the request still names the user and their role.
    if request is None or user is None:
        return
    with acting_as(request):
        record(AuditAction.SIGN_OUT, AuditSubject.ACCOUNT)


def tried_account(email: str) -> tuple[User | None, int | None]:
    """The account a failed sign-in named, and its clinic, if there is one."""
    user = User.objects.filter(email__iexact=normalize_email(email)).first()
    return user, (role_of(user)[1] if user else None)


def record_failure(request: HttpRequest | None, email: str, action: str, detail: str) -> None:
    """A failed or refused sign-in. The entry names the account tried (so its clinic's admin
    sees it) but the actor is nobody: whoever typed the password has not proved who they are."""
    account, clinic_id = tried_account(email)
    AuditEntry.objects.create(
        user=account,
        role=AuditRole.ANONYMOUS,
        clinic_id=clinic_id,
        action=action,
        subject=AuditSubject.ACCOUNT,
        detail=detail,
        address=client_address(request) if request is not None else None,
    )


@receiver(user_login_failed)
def _sign_in_failed(
    *, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    record_failure(
        request,
        str(credentials.get("username") or ""),
        AuditAction.SIGN_IN_FAILED,
        "wrong email or password",
    )
