from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.http import HttpRequest

from clinic.audit import record
from clinic.models import (
    AuditAction,
    AuditEntry,
    AuditSubject,
    Clinic,
    Clinician,
    Invitation,
    LoginFailure,
    Patient,
    StaffInvitation,
    User,
)

# Links typed without a scheme are taken as https (Django 6's default), in every admin form.
HTTPS_URL_FIELDS: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    filter_horizontal = ["groups"]


class ClinicianInline(admin.TabularInline):
    model = Clinician
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "email", "phone", "timezone", "created_at"]
    search_fields = ["name", "slug", "email"]
    list_filter = ["timezone"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = HTTPS_URL_FIELDS
    inlines = [ClinicianInline]


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ["user", "clinic", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "clinic"]
    search_fields = ["user__email", "user__full_name", "clinic__name"]
    list_select_related = ["user", "clinic"]
    autocomplete_fields = ["user", "clinic"]


class AuditedAdmin(admin.ModelAdmin):
    """An operator's reads and changes of health data in the physio admin go on the audit
    trail: opening an object, saving it, deleting it, and each page of the list. The admin runs
    each save in a transaction, so a change and its entry are saved together."""

    audit_subject: str = AuditSubject.PATIENT

    def audit_patient(self, obj: Any) -> Patient | None:
        return obj if isinstance(obj, Patient) else None

    def _record(self, action: str, obj: Any, detail: str) -> None:
        patient = self.audit_patient(obj)
        if patient is None:
            return  # a library template or another object that holds no patient's data
        record(
            action,
            self.audit_subject,
            patient=patient,
            clinic=patient.clinic_id if patient else None,
            object_id=obj.pk,
            detail=detail,
        )

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method in ("GET", "HEAD"):
            self._record(AuditAction.VIEW, obj, "physio admin")
        return obj

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = ", ".join(form.changed_data) if change else ""
        action = AuditAction.CHANGE if change else AuditAction.CREATE
        self._record(action, obj, f"physio admin {changed}".strip())

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._record(AuditAction.DELETE, obj, "physio admin")
        super().delete_model(request, obj)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        record(AuditAction.VIEW, self.audit_subject, detail="physio admin list")
        return super().changelist_view(request, extra_context)


@admin.register(Patient)
class PatientAdmin(AuditedAdmin):
    list_display = ["full_name", "clinic", "primary_clinician", "status", "email", "is_activated"]
    list_filter = ["status", "clinic", "preferred_language"]
    search_fields = ["first_name", "last_name", "email", "clinic__name"]
    list_select_related = ["clinic", "primary_clinician__user"]
    autocomplete_fields = ["clinic", "primary_clinician", "user"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(boolean=True, description="Portal account")
    def is_activated(self, patient: Patient) -> bool:
        return patient.is_activated


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are history. New ones are sent from the patient's page."""

    list_display = ["patient", "email", "created_at", "expires_at", "used_at", "revoked_at"]
    list_filter = ["created_at", "used_at"]
    search_fields = ["patient__first_name", "patient__last_name", "email"]
    list_select_related = ["patient"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(StaffInvitation)
class StaffInvitationAdmin(admin.ModelAdmin):
    """Read-only: clinic admins invite their team from the clinic's pages."""

    list_display = ["email", "clinic", "role", "sent_at", "expires_at", "accepted_at"]
    list_filter = ["sent_at", "accepted_at"]
    search_fields = ["email", "full_name", "clinic__name"]
    list_select_related = ["clinic"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["email", "ip", "at"]
    search_fields = ["email", "ip"]
    list_filter = ["at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class HistoryAdmin(admin.ModelAdmin):
    """Records of what happened: viewable, never added, edited or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(HistoryAdmin):
    """Every clinic's trail, for operators. Read-only: entries are never changed or deleted."""

    list_display = ["at", "user", "role", "clinic", "patient", "action", "subject", "detail"]
    list_filter = ["action", "subject", "role", "clinic"]
    search_fields = ["user__email", "patient__last_name", "object_id", "address"]
    list_select_related = ["user", "clinic", "patient"]
    date_hierarchy = "at"
    show_full_result_count = False  # a count of a long trail costs a full scan on every page
