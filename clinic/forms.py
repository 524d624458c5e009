from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from clinic.audit import record_failure
from clinic.images import clean_uploaded_image
from clinic.limits import HOUR, Quota, QuotaSpent, take_all
from clinic.models import (
    AuditAction,
    Clinic,
    Clinician,
    LoginFailure,
    Patient,
    User,
    date_of_birth_problem,
    earliest_date_of_birth,
    normalize_email,
)
from clinic.network import client_address

logger = logging.getLogger(__name__)


def one_line(value: str, what: str) -> str:
    """`value` if it holds no line break. Names and addresses go into email headers (From,
    Reply-To), where a line break could add a header of its own."""
    if any(mark in value for mark in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise forms.ValidationError(
            f"{what} must be on one line. Remove the line break.", code="line_break"
        )
    return value


class SignInThrottle(AuthenticationForm):
    """Throttling for every sign-in door (the app's and the physio admin's).

    After 5 failures for one account from one address, or 30 from one address whatever the
    account, within 15 minutes, that address's sign-in is refused until the window has passed.
    Locking by account and address together means a flood of failures from one address never
    locks the account's owner out from their own. A success clears that pair's failures."""

    WINDOW = timedelta(minutes=15)
    PER_ACCOUNT_AND_ADDRESS, PER_ADDRESS = 5, 30

    def clean(self) -> dict[str, Any]:
        email = normalize_email(self.cleaned_data.get("username") or "")
        address = client_address(self.request) if self.request else None
        recent = LoginFailure.objects.filter(at__gte=timezone.now() - self.WINDOW, ip=address)
        if recent.filter(email=email).count() >= self.PER_ACCOUNT_AND_ADDRESS:
            limit = "one account from one address"
        elif address and recent.count() >= self.PER_ADDRESS:
            limit = "one address"
        else:
            limit = None
        if limit:
            # Never the email tried: that someone has an account here can be health data.
            logger.warning(
                "Sign-in throttled: too many failures for %s (client %s).", limit, address
            )
            record_failure(
                self.request, email, AuditAction.LOCKED_OUT, f"too many failures for {limit}"
            )
            raise forms.ValidationError(
                gettext(
                    "Too many failed sign-in attempts. Please wait 15 minutes, or reset your "
                    "password."
                ),
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
            LoginFailure.objects.create(email=email[:254], ip=address)
            raise
        LoginFailure.objects.filter(email=email, ip=address).delete()
        return cleaned


class EmailAuthenticationForm(SignInThrottle):
    """Sign in by email. Matching is case-insensitive (see UserManager.get_by_natural_key)."""

    username = forms.EmailField(
        label=gettext_lazy("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    # Django's wording names the User field ("email address"), which would stay in English.
    error_messages = {
        **SignInThrottle.error_messages,
        "invalid_login": gettext_lazy(
            "Please enter a correct email address and password. Note that both fields may be "
            "case-sensitive."
        ),
    }


class AdminSignInForm(SignInThrottle, AdminAuthenticationForm):
    """The physio admin's sign-in, throttled like every other door."""


class ThrottledPasswordResetForm(PasswordResetForm):
    """Password reset, limited per account email and per client address (settings
    PASSWORD_RESETS_PER_EMAIL_HOUR and PASSWORD_RESETS_PER_ADDRESS_HOUR), so the form cannot
    fill someone's inbox or try address after address. A limited request sends nothing but gets
    the same answer as every other, so the page never tells whether an account exists; the
    lockout goes on the audit trail."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        request = kwargs.get("request")
        email = normalize_email(self.cleaned_data["email"])
        address = client_address(request) if request is not None else None
        quotas: list[tuple[Quota, object]] = [
            (Quota("reset-email", settings.PASSWORD_RESETS_PER_EMAIL_HOUR, HOUR), email)
        ]
        if address:
            quotas.append(
                (Quota("reset-address", settings.PASSWORD_RESETS_PER_ADDRESS_HOUR, HOUR), address)
            )
        try:
            take_all(quotas)
        except QuotaSpent as spent:
            limit = "one address" if spent.name == "reset-address" else "one account"
            # Never the email asked for: that someone has an account here can be health data.
            logger.warning(
                "Password reset throttled: too many requests for %s (client %s).", limit, address
            )
            record_failure(request, email, AuditAction.LOCKED_OUT, "too many password resets")
            return
        super().save(*args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "preferred_language",
            "primary_clinician",
            "is_minor",
        ]
        widgets = {"date_of_birth": DateInput(format="%Y-%m-%d")}
        labels = {"date_of_birth": "Date of birth"}

    def __init__(self, *args: Any, clinician: Clinician, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.clinic = clinician.clinic
        if not self.instance.pk:
            self.initial.setdefault("primary_clinician", clinician.pk)
        field = cast("forms.ModelChoiceField[Clinician]", self.fields["primary_clinician"])
        field.queryset = Clinician.objects.filter(
            clinic=clinician.clinic, is_active=True
        ).select_related("user")
        field.empty_label = None
        self.today = clinician.clinic.today()
        self.fields["date_of_birth"].widget.attrs.update(
            min=earliest_date_of_birth(self.today).isoformat(), max=self.today.isoformat()
        )
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_first_name(self) -> str:
        return one_line(self.cleaned_data["first_name"], "The first name").strip()

    def clean_last_name(self) -> str:
        return one_line(self.cleaned_data["last_name"], "The last name").strip()

    def clean_date_of_birth(self) -> Any:
        born = self.cleaned_data.get("date_of_birth")
        if born and (problem := date_of_birth_problem(born, self.today)):
            raise forms.ValidationError(problem)
        return born

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data.get("email") or "")
        if email:
            clash = Patient.objects.filter(clinic=self.instance.clinic, email__iexact=email)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(
                    "Another patient of this clinic already uses this email address."
                )
        return email


def search_text(value: str) -> str:
    """Typed search text made safe to query with: a null character can match no stored text,
    and PostgreSQL refuses one in a query, so it is dropped rather than failing the search."""
    return value.replace("\x00", "").strip()


class SearchField(forms.CharField):
    """A search box: null characters are dropped (see `search_text`), never an error."""

    def to_python(self, value: Any) -> str:
        return search_text(super().to_python(value) or "")


ROW_ID_LIMIT = 2**63  # a database integer column holds ids in -2**63 .. 2**63 - 1


class RowsField(forms.ModelMultipleChoiceField):
    """A choice of several rows by id that refuses an id no integer column can hold. The stock
    field passes such a number to an `IN (...)` query, where SQLite overflows (a server error)
    instead of finding nothing."""

    def clean(self, value: Any) -> Any:
        for key in value if isinstance(value, list | tuple) else ():
            try:
                too_big = abs(int(str(key))) >= ROW_ID_LIMIT
            except ValueError:
                continue  # not a number at all: the stock field names it as an invalid choice
            if too_big:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": key},
                )
        return super().clean(value)


class PatientSearchForm(forms.Form):
    STATUS_CHOICES = [("", "All statuses"), *Patient.Status.choices]

    q = SearchField(label="Search by name or email", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=gettext_lazy("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("At least 10 characters. Avoid common words and only numbers."),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, full_name: str, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.full_name = full_name
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", gettext("The two passwords do not match."))
        elif first:
            candidate = User(email=self.email, full_name=self.full_name)
            try:
                validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InviteClinicianForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Clinician.Role.choices, initial=Clinician.Role.CLINICIAN)

    def clean_full_name(self) -> str:
        return one_line(self.cleaned_data["full_name"], "The name")

    def clean_email(self) -> str:
        # Whether the address has an account elsewhere is never said here: invite_clinician
        # answers the same either way and tells the address's owner instead.
        return normalize_email(self.cleaned_data["email"])


class ClinicSettingsForm(forms.ModelForm):
    upload = forms.FileField(
        label="Logo",
        required=False,
        help_text="JPEG or PNG, at most 5 MB and 20 megapixels.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Clinic
        fields = [
            "name",
            "email",
            "phone",
            "address",
            "website",
            "timezone",
            "brand_colour",
            "handout_footer",
            "paper_size",
            "silence_days",
            "pain_threshold",
            "emergency_number",
            "pain_advice",
            "two_step_required",
            "messaging_enabled",
            "message_auto_reply",
            "rtm_enabled",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "brand_colour": forms.TextInput(attrs={"type": "color"}),
            "pain_advice": forms.Textarea(attrs={"rows": 3}),
            "message_auto_reply": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_name(self) -> str:
        return one_line(self.cleaned_data["name"], "The clinic's name")

    def clean_email(self) -> str:
        return one_line(self.cleaned_data["email"], "The clinic's email address")

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        return clean_uploaded_image(upload) if upload else None

    def save(self, commit: bool = True) -> Clinic:
        clinic = super().save(commit=False)
        if self.cleaned_data.get("upload"):
            clinic.logo.save(
                self.cleaned_data["upload"].name, self.cleaned_data["upload"], save=False
            )
        if commit:
            clinic.save()
        return clinic
