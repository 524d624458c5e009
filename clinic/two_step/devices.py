"""The rules of two-step sign-in, on top of django-otp's devices.

A person has two-step sign-in on when they have a confirmed TOTP device (their authenticator
app). Their recovery codes are the tokens of a StaticDevice made with it: each works once,
for the day the phone is lost. Who must use it: operators when TWO_STEP_REQUIRED_FOR_OPERATORS
is on (the default when DEBUG is off), and the staff of a clinic that requires it. Patients may
turn it on for themselves.

Every code is checked against one device inside a transaction that locks it, and each device
refuses codes for a while after wrong ones (django-otp's throttling: 1, 2, 4, 8... seconds after
1, 2, 3, 4... wrong codes in a row), so six digits cannot be guessed in the time a code lives.
No code is ever logged or written to the audit trail.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import segno
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django_otp import login as otp_login  # type: ignore[import-untyped, unused-ignore]
from django_otp.oath import TOTP  # type: ignore[import-untyped, unused-ignore]
from django_otp.plugins.otp_static.models import (  # type: ignore[import-untyped, unused-ignore]
    StaticDevice,
    StaticToken,
)
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped, unused-ignore]
from django_otp.util import random_hex  # type: ignore[import-untyped, unused-ignore]

from clinic.access import clinician_for
from clinic.audit import record
from clinic.models import AuditAction, AuditSubject

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_CODE_LENGTH = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# The session remembers the person's status for a minute, so pages cost no query for it; a
# clinic that starts requiring two-step reaches its signed-in staff within that minute.
STATUS_KEY = "two_step_status"
RECHECK_SECONDS = 60
PENDING_KEY = "two_step_pending_key"


class Status(models.TextChoices):
    OFF = "off", "Off"
    ON = "on", "On"
    REQUIRED = "required", "Required but not set up yet"


def required_because(user: Any) -> str:
    """Why this person must use two-step sign-in, in their words; empty if they need not."""
    if user.is_staff and settings.TWO_STEP_REQUIRED_FOR_OPERATORS:
        return gettext("Operators must use two-step sign-in.")
    clinician = clinician_for(user)
    if clinician is not None and clinician.clinic.two_step_required:
        return gettext("%(clinic)s requires two-step sign-in for its staff.") % {
            "clinic": clinician.clinic.name
        }
    return ""


def is_required(user: Any) -> bool:
    return bool(required_because(user))


def has_two_step(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def status_of(user: Any) -> Status:
    if has_two_step(user):
        return Status.ON
    return Status.REQUIRED if is_required(user) else Status.OFF


def refresh_status(request: HttpRequest) -> Status:
    """The signed-in person's status, looked up now and remembered in the session."""
    status = status_of(request.user)
    request.session[STATUS_KEY] = [status.value, int(time.time())]
    return status


def session_status(request: HttpRequest) -> Status:
    """The signed-in person's status as the session remembers it, looked up again when older
    than RECHECK_SECONDS."""
    remembered = request.session.get(STATUS_KEY)
    if remembered and int(time.time()) - remembered[1] < RECHECK_SECONDS:
        return Status(remembered[0])
    return refresh_status(request)


def is_verified(user: Any) -> bool:
    """Whether this session's sign-in was confirmed with a code. django-otp's middleware sets
    `otp_device` on the user from the session, and only to a confirmed device of theirs."""
    return getattr(user, "otp_device", None) is not None


# --- checking a code --------------------------------------------------------------------------


def normalise(code: str) -> str:
    """Codes are typed with spaces or dashes, and recovery codes in either case."""
    return "".join(code.split()).replace("-", "").lower()


@dataclass(frozen=True)
class CodeCheck:
    """The answer to one code: the device that accepted it, or the time until which codes are
    refused, or neither (a wrong code)."""

    device: Any = None
    refused_until: datetime | None = None

    @property
    def accepted(self) -> bool:
        return self.device is not None

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)

    def wait_words(self) -> str:
        """How long to wait, in words: "10 seconds", "3 minutes"."""
        until = self.refused_until or timezone.now()
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
        if seconds < 90:
            return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
        minutes = math.ceil(seconds / 60)
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def check_code(user: Any, code: str) -> CodeCheck:
    """Check a code from the authenticator app (digits only) or a recovery code (letters and
    digits; used up once accepted). A wrong code is written to the audit trail, and so is a code
    refused while the device waits out its wrong ones."""
    code = normalise(code)
    model = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None:
            allowed, why = device.verify_is_allowed()
            if not allowed:
                until = why["locked_until"]
                logger.warning("Two-step code refused: too many wrong codes (user %s).", user.pk)
                record(
                    AuditAction.LOCKED_OUT,
                    AuditSubject.ACCOUNT,
                    detail="too many wrong two-step codes",
                )
                return CodeCheck(refused_until=until)
            if device.verify_token(code):
                return CodeCheck(device=device)
    logger.info("Wrong two-step code (user %s).", user.pk)
    record(AuditAction.SIGN_IN_FAILED, AuditSubject.ACCOUNT, detail="wrong two-step code")
    return CodeCheck()


def confirm_session(request: HttpRequest, device: Any) -> None:
    """Mark this session as confirmed by a device of the signed-in person. The session gets a
    new key, as at any change of what it may do."""
    request.session.cycle_key()
    otp_login(request, device)
    refresh_status(request)


def sign_in_with(request: HttpRequest, check: CodeCheck) -> None:
    """The second step of a sign-in, done with the code `check` accepted."""
    confirm_session(request, check.device)
    detail = "two-step recovery code" if check.used_recovery_code else "two-step code"
    record(AuditAction.SIGN_IN, AuditSubject.ACCOUNT, detail=detail)


# --- setting up, renewing, turning off ----------------------------------------------------


def pending_key(session: SessionBase) -> str:
    """The secret being set up. It stays in the (server-side) session until a code from it is
    confirmed, so opening the set-up page writes nothing to the database."""
    key: str | None = session.get(PENDING_KEY)
    if not key:
        key = session[PENDING_KEY] = random_hex(20)
    return key


def confirms_key(key: str, code: str) -> int | None:
    """The time step of `code` if the app set up with `key` shows it now (or one step either
    side, for a phone's clock that is a little off); None otherwise."""
    code = normalise(code)
    if not code.isdigit():
        return None
    totp = TOTP(unhexlify(key.encode()))
    totp.time = time.time()
    return int(totp.t()) if totp.verify(int(code), tolerance=1) else None


def manual_key(key: str) -> str:
    """The secret as an authenticator app takes it when typed: base32, in groups of four."""
    text = b32encode(unhexlify(key.encode())).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code(user: Any, key: str) -> str:
    """A data: URI of the QR code an authenticator app scans (an SVG, allowed by the
    Content-Security-Policy as an image)."""
    url = TOTPDevice(user=user, key=key).config_url
    return str(segno.make(url, error="m").svg_data_uri(scale=5, dark="#000", light="#fff"))


def new_recovery_code() -> str:
    # With no digit-only code possible (a letter is always in it), a code's kind is clear.
    while True:
        code = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        if not code.isdigit():
            return code


def show_code(code: str) -> str:
    """A recovery code as printed: two groups of five."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [show_code(code) for code in codes]


class TurnedOn(NamedTuple):
    device: Any  # the new TOTPDevice
    recovery_codes: list[str]


def turn_on(user: Any, key: str, *, time_step: int) -> TurnedOn:
    """Give the person an authenticator app (replacing an earlier one) and new recovery codes.
    The code that confirmed the key cannot be used again (`time_step`)."""
    with transaction.atomic():
        replacing = has_two_step(user)
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, key=key, confirmed=True, last_t=time_step
        )
        codes = _new_recovery_codes(user)
        detail = "authenticator app replaced" if replacing else "two-step sign-in turned on"
        record(AuditAction.CHANGE, AuditSubject.ACCOUNT, detail=detail, user=user)
    logger.info("Two-step sign-in set up (user %s).", user.pk)
    return TurnedOn(device, codes)


def renew_recovery_codes(user: Any) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record(AuditAction.CHANGE, AuditSubject.ACCOUNT, detail="recovery codes renewed", user=user)
    return codes


def recovery_codes_left(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def turn_off(user: Any) -> None:
    """Remove the person's authenticator app and recovery codes. Callers check first that two-
    step sign-in is not required of them."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record(
            AuditAction.CHANGE,
            AuditSubject.ACCOUNT,
            detail="two-step sign-in turned off",
            user=user,
        )
    logger.info("Two-step sign-in turned off (user %s).", user.pk)
