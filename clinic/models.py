"""The clinic and its people: users, clinics, clinicians, patients, and invitations."""

from __future__ import annotations

import hashlib
import secrets
import uuid
import zoneinfo
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy

DEFAULT_PAIN_THRESHOLD = 6
# What a patient who logs pain at or above the threshold reads first, unless the clinic wrote
# its own words. Filled from the clinic's settings.
# In the language being spoken: a patient reads it in theirs (a clinic's own advice is shown as
# the clinic wrote it).
STANDARD_PAIN_ADVICE = gettext_lazy(
    "Stop the exercise that hurts. Do not push through sharp pain. "
    "Rest, and call {clinic} on {phone} to tell your physio. "
    "In an emergency, call {emergency}."
)
STANDARD_PAIN_ADVICE_NO_PHONE = gettext_lazy(
    "Stop the exercise that hurts. Do not push through sharp pain. "
    "Rest, and contact {clinic} to tell your physio. "
    "In an emergency, call {emergency}."
)
TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


def random_name(folder: str, filename: str) -> str:
    """A stored picture's name: its folder, a random stem and the original extension, so
    nobody can guess another clinic's file and a patient's name in a filename is not kept."""
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def clinic_logo_name(instance: Any, filename: str) -> str:  # noqa: ARG001 (upload_to's signature)
    return random_name("clinics", filename)


def normalize_email(email: str) -> str:
    """Emails are matched case-insensitively everywhere, so they are stored lower-cased."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=normalize_email(username or ""))

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. Signs in by email; whether it is a clinician or a patient is decided by the
    Clinician or Patient row that points at it."""

    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        "operator", default=False, help_text="May sign in to the physio admin."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    session_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Raised to end every session the account has."
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django checks this hash on every request: a session made before the password changed
        # ends. Folding in session_version ends them also when the account is deactivated, so
        # reactivating it later does not revive an old session on some shared computer.
        key_salt = "clinic.models.User.session_auth_hash"
        value = f"{self.password}:{self.session_version}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def end_sessions(self) -> None:
        """End every session of this account, on every device, at its next request."""
        User.objects.filter(pk=self.pk).update(session_version=F("session_version") + 1)
        self.refresh_from_db(fields=["session_version"])

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class PaperSize(models.TextChoices):
    A4 = "a4", "A4"
    LETTER = "letter", "US Letter"


class Clinic(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    website = models.URLField(blank=True)
    timezone = models.CharField(max_length=64, choices=TIMEZONE_CHOICES, default="Europe/London")
    logo = models.ImageField(upload_to=clinic_logo_name, blank=True)
    brand_colour = models.CharField(
        "brand colour",
        max_length=7,
        default="#0b5e6b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour such as #0b5e6b.")],
    )
    handout_footer = models.CharField(
        max_length=300, blank=True, help_text="Printed at the foot of every handout page."
    )
    paper_size = models.CharField(max_length=10, choices=PaperSize.choices, default=PaperSize.A4)
    silence_days = models.PositiveSmallIntegerField(
        "days without a session before an alert",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    pain_threshold = models.PositiveSmallIntegerField(
        "pain that stops an exercise (0–10)",
        default=DEFAULT_PAIN_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="A patient who logs pain at or above this is told to stop and whom to "
        "contact, and you are alerted.",
    )
    pain_advice = models.TextField(
        "what to tell a patient in pain",
        blank=True,
        max_length=1000,
        help_text="Leave empty for the standard advice, which names the clinic's phone number "
        "and the emergency number.",
    )
    emergency_number = models.CharField(
        "emergency phone number",
        max_length=20,
        default="999",
        validators=[RegexValidator(r"^[0-9 +]{2,20}$", "Use digits only, such as 999 or 112.")],
    )
    two_step_required = models.BooleanField(
        "require two-step sign-in",
        default=False,
        help_text="Staff must confirm each sign-in with a code from an authenticator app.",
    )
    messaging_enabled = models.BooleanField(
        "secure messages",
        default=True,
        help_text="Patients and their carers can write to the clinic from the portal.",
    )
    message_auto_reply = models.TextField(
        "automatic reply",
        blank=True,
        max_length=500,
        validators=[MaxLengthValidator(500)],
        help_text="Shown to a patient above their messages, for example "
        '"We answer within 2 working days. In an emergency call 999."',
    )
    rtm_enabled = models.BooleanField(
        "remote therapeutic monitoring (RTM) records",
        default=False,
        help_text="US billing records: RTM episodes, data days and treatment-management time.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(silence_days__gte=1, silence_days__lte=60),
                name="clinic_silence_days_1_to_60",
            ),
            models.CheckConstraint(
                condition=Q(pain_threshold__gte=1, pain_threshold__lte=10),
                name="clinic_pain_threshold_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def today(self) -> date:
        """Today where the clinic is: the one answer to "what day is it" for everything the
        clinic and its patients do (prescribing, logging, adherence, reminders, handouts)."""
        return self.local_date(timezone.now())

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_date(self, moment: datetime) -> date:
        """The clinic's date at a moment (an aware datetime)."""
        return moment.astimezone(self.tz).date()

    @property
    def standard_pain_advice(self) -> str:
        template = STANDARD_PAIN_ADVICE if self.phone.strip() else STANDARD_PAIN_ADVICE_NO_PHONE
        return str(template).format(
            clinic=self.name, phone=self.phone.strip(), emergency=self.emergency_number
        )

    @property
    def pain_advice_text(self) -> str:
        """What a patient who logged high pain reads first: the clinic's own words, or the
        standard advice naming its phone number and the emergency number."""
        return self.pain_advice.strip() or self.standard_pain_advice


class ClinicianRole(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    ADMIN = "admin", "Clinic admin"


class Clinician(models.Model):
    """A staff member of one clinic. An admin does everything a clinician does and runs the
    clinic's settings and staff."""

    Role = ClinicianRole

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="clinicians")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CLINICIAN)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=ClinicianRole.values), name="clinician_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


OLDEST_BIRTH_YEAR = 1900
OLDEST_AGE = 120


def earliest_date_of_birth(today: date) -> date:
    """The first date of birth accepted on `today`: from 1900, and nobody over 120."""
    try:
        over_age = today.replace(year=today.year - OLDEST_AGE - 1)
    except ValueError:  # 29 February; the year 121 years back has none
        over_age = today.replace(year=today.year - OLDEST_AGE - 1, day=28)
    return max(date(OLDEST_BIRTH_YEAR, 1, 1), over_age + timedelta(days=1))


def date_of_birth_problem(born: date, today: date) -> str | None:
    """What is wrong with this date of birth on the clinic's `today`, in words for the
    clinician; None if nothing is."""
    if born > today:
        return "The date of birth cannot be in the future."
    if born.year < OLDEST_BIRTH_YEAR:
        return f"The date of birth cannot be before {OLDEST_BIRTH_YEAR}. Check the year."
    if born < earliest_date_of_birth(today):
        return f"This date of birth would make the patient over {OLDEST_AGE}. Check the year."
    return None


class PatientStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISCHARGED = "discharged", "Discharged"
    ARCHIVED = "archived", "Archived"


class Patient(models.Model):
    Status = PatientStatus

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    primary_clinician = models.ForeignKey(
        Clinician, on_delete=models.PROTECT, related_name="patients"
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True, help_text="Needed to invite the patient to the portal.")
    phone = models.CharField(max_length=40, blank=True)
    preferred_language = models.CharField(
        max_length=16, choices=settings.LANGUAGES, default="en", blank=True
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient",
        help_text="The patient's portal account, set when the invitation is accepted.",
    )
    reminders_enabled = models.BooleanField(
        "email reminders",
        default=True,
        help_text="An email on days with exercises, if nothing is logged by the chosen hour.",
    )
    reminder_hour = models.PositiveSmallIntegerField(
        default=18, validators=[MaxValueValidator(23)], help_text="Hour of the day, 0–23."
    )
    last_reminded_on = models.DateField(null=True, blank=True)
    message_emails = models.BooleanField(
        "email when a message is waiting",
        default=True,
        help_text="An email saying a message is waiting in the portal; never what it says.",
    )
    is_minor = models.BooleanField(
        "minor",
        default=False,
        help_text="The portal is used through the patient's carers only.",
    )
    calendar_key = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="Random; the calendar feed's token is derived from it. Empty: no feed yet.",
    )
    calendar_token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the patient's identity was erased; their logs stay for statistics.",
    )

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "clinic",
                Lower("email"),
                condition=~Q(email=""),
                name="patient_email_unique_in_clinic",
                violation_error_message="Another patient of this clinic already uses this email.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PatientStatus.values),
                name="patient_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(reminder_hour__lte=23), name="patient_reminder_hour_0_to_23"
            ),
        ]
        indexes = [models.Index(fields=["clinic", "status", "last_name"])]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("patient_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        super().clean()
        if self.date_of_birth:
            today = self.clinic.today() if self.clinic_id else timezone.localdate()
            if problem := date_of_birth_problem(self.date_of_birth, today):
                raise ValidationError({"date_of_birth": problem})
        if (
            self.primary_clinician_id
            and self.clinic_id
            and self.primary_clinician.clinic_id != self.clinic_id
        ):
            raise ValidationError(
                {"primary_clinician": "The clinician must work at the patient's clinic."}
            )

    @property
    def is_activated(self) -> bool:
        return self.user_id is not None

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.clinic.timezone)

    def today(self) -> date:
        """Today where the patient's clinic is."""
        return self.clinic.today()

    def archive(self) -> None:
        """Archived patients lose portal access; their sessions end, and restoring the patient
        later does not bring an old session back."""
        self.status = self.Status.ARCHIVED
        self.save(update_fields=["status", "updated_at"])
        if self.user is not None:
            self.user.end_sessions()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        return self.filter(used_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """A single-use link that lets a patient create their portal account.

    Only a hash of the token is stored, so the table alone cannot be used to sign up as a patient.
    """

    class State(models.TextChoices):
        OPEN = "open", "Waiting"
        USED = "used", "Accepted"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Replaced by a newer invitation"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="The address the invitation was sent to.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "patient",
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.patient} ({self.get_state_display()})"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def expiry_for(sent_at: datetime) -> datetime:
        return sent_at + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def state(self) -> Invitation.State:
        if self.used_at:
            return self.State.USED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.OPEN

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)


class CarerAccessQuerySet(models.QuerySet["CarerAccess"]):
    def current(self) -> CarerAccessQuerySet:
        """Access in force: accepted and not ended."""
        return self.filter(accepted_at__isnull=False, ended_at__isnull=True)

    def waiting(self) -> CarerAccessQuerySet:
        """Invitations sent and not yet accepted, ended or expired."""
        return self.filter(
            accepted_at__isnull=True, ended_at__isnull=True, expires_at__gt=timezone.now()
        )


class CarerAccess(models.Model):
    """A carer's access to one patient's portal: first an invitation (only a hash of its token
    is stored), then, once accepted, the link between the carer's own account and the patient.

    A carer helping two patients has two rows and one account; each patient is kept apart.
    Ending access is immediate and final: a new invitation makes a new row."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="carers")
    name = models.CharField(max_length=150)
    email = models.EmailField(help_text="The address invited, lower-cased.")
    relationship = models.CharField(max_length=60, blank=True, help_text="For example: mother.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="carer_of",
        help_text="The carer's own account, set when the invitation is accepted.",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    consent_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="When a clinician invites: how the patient's consent was given.",
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CarerAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "carer access"
        constraints = [
            models.UniqueConstraint(
                "patient",
                "email",
                condition=Q(ended_at__isnull=True),
                name="one_open_carer_access_per_address",
            ),
            models.UniqueConstraint(
                "patient",
                "user",
                condition=Q(ended_at__isnull=True, user__isnull=False),
                name="one_current_carer_access_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, carer of {self.patient}"

    @property
    def is_current(self) -> bool:
        return self.accepted_at is not None and self.ended_at is None


class StaffInvitation(models.Model):
    """An invitation to join a clinic's team, waiting until its link is used.

    The account and the membership are made only when the invitee chooses a password, so the
    team list shows a waiting invitation the same way whether or not the address already has an
    account somewhere (such an address is told by email instead, gets no link, and its invitation
    simply expires): the list never reveals who has an account. Only a hash of the token is
    stored."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        EXPIRED = "expired", "Expired"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="staff_invitations")
    email = models.EmailField(help_text="The address invited, lower-cased.")
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=16, choices=ClinicianRole.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    member = models.OneToOneField(
        Clinician,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
        help_text="The team member the invitation became, once accepted.",
    )

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                "clinic",
                "email",
                condition=Q(accepted_at__isnull=True),
                name="one_waiting_staff_invitation_per_address",
            ),
            models.CheckConstraint(
                condition=Q(role__in=ClinicianRole.values), name="staff_invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.clinic} ({self.get_state_display()})"

    @property
    def state(self) -> StaffInvitation.State:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.WAITING

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)


class LoginFailure(models.Model):
    """A failed sign-in, kept for 15 minutes' throttling. In the database, not a process cache,
    so every app server sees the same count."""

    email = models.CharField(max_length=254, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip} at {self.at:%Y-%m-%d %H:%M}"


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    DOWNLOAD = "download", "Downloaded"
    EXPORT = "export", "Exported"
    ERASE = "erase", "Erased"
    SEND = "send", "Sent"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out"


class AuditSubject(models.TextChoices):
    """What an entry is about. Never the health data itself: the entry says that a session log
    was read, not what it holds."""

    PATIENT = "patient", "Patient record"
    PROGRAM = "program", "Program"
    SESSION = "session", "Session log"
    NOTE = "note", "Note"
    DOCUMENT = "document", "PDF"
    QUESTIONNAIRE = "questionnaire", "Outcome questionnaire"
    MESSAGE = "message", "Message"
    RTM = "rtm", "RTM record"
    CARER = "carer", "Carer access"
    CALENDAR = "calendar", "Calendar feed"
    EXPORT = "export", "Patient export"
    SETTINGS = "settings", "Clinic settings"
    STAFF = "staff", "Staff"
    ACCOUNT = "account", "Account"
    INVITATION = "invitation", "Invitation"
    AUDIT = "audit", "Audit trail"


class AuditRole(models.TextChoices):
    OPERATOR = "operator", "Operator"
    ADMIN = "admin", "Clinic admin"
    CLINICIAN = "clinician", "Clinician"
    PATIENT = "patient", "Patient"
    CARER = "carer", "Carer"
    ANONYMOUS = "anonymous", "Not signed in"
    SYSTEM = "system", "The app"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Entries are written once and never changed: the trail has no update and no delete."""

    def update(self, **kwargs: Any) -> int:
        raise AuditTrailIsReadOnly("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsReadOnly("Audit entries cannot be deleted.")


class AuditTrailIsReadOnly(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditEntry(models.Model):
    """One read or write of health data, or one sign-in event: who (user and role), which
    clinic and patient, what, the action, when and from which address. Written by
    clinic.audit.record in the same transaction as the write it records."""

    Action = AuditAction
    Subject = AuditSubject
    Role = AuditRole

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # an erased patient's account goes; the entry stays
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(max_length=16, choices=AuditRole.choices)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    subject = models.CharField(max_length=16, choices=AuditSubject.choices)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["clinic", "-at"], name="audit_clinic_time"),
            models.Index(fields=["patient", "-at"], name="audit_patient_time"),
            models.Index(fields=["user", "-at"], name="audit_user_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values), name="audit_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(subject__in=AuditSubject.values), name="audit_subject_valid"
            ),
            models.CheckConstraint(condition=Q(role__in=AuditRole.values), name="audit_role_valid"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()} {self.get_subject_display()} at {self.at:%Y-%m-%d %H:%M}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditTrailIsReadOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsReadOnly("Audit entries cannot be deleted.")
