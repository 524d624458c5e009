from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from clinic.images import clean_uploaded_image
from clinic.models import (
    Clinic,
    Clinician,
    LoginFailure,
    Patient,
    User,
    date_of_birth_problem,
    earliest_date_of_birth,
    normalize_email,
)


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in by email. Matching is case-insensitive (see UserManager.get_by_natural_key).

    Throttled: after 5 failures for an email, or 30 from one address, within 15 minutes,
    sign-in is refused until the window has passed. A success clears the email's failures."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    WINDOW = timedelta(minutes=15)
    PER_EMAIL, PER_ADDRESS = 5, 30

    def clean(self) -> dict[str, Any]:
        email = normalize_email(self.cleaned_data.get("username") or "")
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        since = timezone.now() - self.WINDOW
        recent = LoginFailure.objects.filter(at__gte=since)
        if recent.filter(email=email).count() >= self.PER_EMAIL or (
            address and recent.filter(ip=address).count() >= self.PER_ADDRESS
        ):
            raise forms.ValidationError(
                "Too many failed sign-in attempts. Please wait 15 minutes, or reset your password.",
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
            LoginFailure.objects.create(email=email[:254], ip=address)
            raise
        LoginFailure.objects.filter(email=email).delete()
        return cleaned


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
        ]
        widgets = {"date_of_birth": DateInput(format="%Y-%m-%d")}
        labels = {"date_of_birth": "Date of birth"}

    def __init__(self, *args: Any, clinician: Clinician, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.clinic = clinician.clinic
        if not self.instance.pk:
            self.initial.setdefault("primary_clinician", clinician.pk)
        field = self.fields["primary_clinician"]
        field.queryset = Clinician.objects.filter(  # type: ignore[attr-defined]
            clinic=clinician.clinic, is_active=True
        ).select_related("user")
        field.empty_label = None  # type: ignore[attr-defined]
        self.today = clinician.clinic.today()
        self.fields["date_of_birth"].widget.attrs.update(
            min=earliest_date_of_birth(self.today).isoformat(), max=self.today.isoformat()
        )
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_first_name(self) -> str:
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self) -> str:
        return self.cleaned_data["last_name"].strip()

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


class PatientSearchForm(forms.Form):
    STATUS_CHOICES = [("", "All statuses"), *Patient.Status.choices]

    q = forms.CharField(label="Search by name or email", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. Avoid common words and only numbers.",
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, patient: Patient, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match.")
        elif first:
            candidate = User(email=self.email, full_name=self.patient.full_name)
            try:
                validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InviteClinicianForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Clinician.Role.choices, initial=Clinician.Role.CLINICIAN)

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone already has an account with this email address.")
        return email


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
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "brand_colour": forms.TextInput(attrs={"type": "color"}),
            "pain_advice": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        return clean_uploaded_image(upload) if upload else None

    def save(self, commit: bool = True) -> Clinic:
        clinic = super().save(commit=False)
        if self.cleaned_data.get("upload"):
            clinic.logo.save(
                self.cleaned_data["upload"].name, self.cleaned_data["upload"], save=False
            )
        clinic.save()
        return clinic
