from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from clinic.admin import AuditedAdmin, HistoryAdmin
from clinic.models import AuditSubject, Patient
from programs.models import (
    AlertHandled,
    DocumentDownload,
    Program,
    ProgramItem,
    ProgramVersion,
    SessionEntry,
    SessionLog,
)


class ProgramRecordAdmin(AuditedAdmin):
    """An object that belongs to a patient through its program: opening it in the physio admin
    is on the audit trail under that patient."""

    audit_subject = AuditSubject.PROGRAM

    def audit_patient(self, obj: Any) -> Patient | None:
        program = obj if isinstance(obj, Program) else getattr(obj, "program", None)
        if program is None:
            return getattr(obj, "patient", None)
        return program.patient


class ReadOnlyAdmin(HistoryAdmin, ProgramRecordAdmin):
    """What patients logged and what clinicians acknowledged is history: viewable, never
    edited or deleted here."""


class ItemInline(admin.TabularInline):
    model = ProgramItem
    extra = 0
    autocomplete_fields = ["exercise"]
    fields = [
        "position",
        "exercise",
        "sets",
        "reps_min",
        "reps_max",
        "to_fatigue",
        "hold_min",
        "hold_max",
        "side",
        "band",
        "load_kg",
        "note",
    ]


@admin.register(Program)
class ProgramAdmin(ProgramRecordAdmin):
    """Library templates are edited here; patient programs are edited in the builder, which
    keeps their version history."""

    list_display = [
        "title",
        "scope",
        "status",
        "clinic",
        "patient",
        "start_date",
        "end_date",
        "revision",
    ]
    list_filter = ["scope", "status", "clinic"]
    search_fields = ["title", "patient__first_name", "patient__last_name", "clinic__name"]
    list_select_related = ["clinic", "patient"]
    autocomplete_fields = ["clinic", "patient"]
    # The summary is in the private documents' storage, which has no URL: the file field would
    # show empty. A read-only line says whether one is stored and links the download view.
    exclude = ["discharge_summary"]
    readonly_fields = [
        "revision",
        "created_at",
        "updated_at",
        "activated_at",
        "discharged_at",
        "created_by",
        "discharge_summary_on_file",
    ]
    inlines = [ItemInline]

    def has_change_permission(self, request: HttpRequest, obj: Program | None = None) -> bool:
        return obj is None or obj.is_template

    @admin.display(description="Discharge summary")
    def discharge_summary_on_file(self, obj: Program) -> str | SafeString:
        stored = obj.discharge_summary
        if not obj.pk or not stored.name:
            return "Not stored"
        try:
            when = timezone.localtime(stored.storage.get_modified_time(stored.name))
        except FileNotFoundError:
            return "On record, but the file is missing from storage"
        except OSError:  # the storage could not be reached: say it is stored, without a time
            when = None
        return format_html(
            'Stored{}. <a href="{}">Download</a> (for the clinic\'s clinicians: the download '
            "checks access and is on the audit trail)",
            f" on {when:%d %b %Y at %H:%M}" if when else "",
            reverse("program_discharge_summary", args=[obj.pk]),
        )


@admin.register(ProgramVersion)
class ProgramVersionAdmin(ReadOnlyAdmin):
    list_display = ["program", "number", "created_at", "created_by", "notified_at"]
    list_filter = ["created_at"]
    search_fields = ["program__title", "program__patient__last_name"]
    list_select_related = ["program", "created_by"]


ENTRY_FIELDS = (
    "exercise_name",
    "prescription",
    "done",
    "skip_reason",
    "sets_done",
    "reps_done",
    "pain",
)


class EntryInline(admin.TabularInline):
    model = SessionEntry
    extra = 0
    can_delete = False
    fields = ENTRY_FIELDS
    readonly_fields = ENTRY_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SessionLog)
class SessionLogAdmin(ReadOnlyAdmin):
    audit_subject = AuditSubject.SESSION
    list_display = ["program", "date", "slot", "difficulty", "logged_at", "note_read_at"]
    list_filter = ["date", "difficulty"]
    search_fields = ["program__title", "program__patient__last_name", "note"]
    list_select_related = ["program"]
    inlines = [EntryInline]


@admin.register(AlertHandled)
class AlertHandledAdmin(ReadOnlyAdmin):
    audit_subject = AuditSubject.PATIENT
    list_display = ["patient", "kind", "key", "handled_by", "handled_at"]
    list_filter = ["kind", "handled_at"]
    search_fields = ["patient__last_name", "patient__first_name"]
    list_select_related = ["patient", "handled_by"]


@admin.register(DocumentDownload)
class DocumentDownloadAdmin(ReadOnlyAdmin):
    audit_subject = AuditSubject.DOCUMENT
    list_display = ["program", "kind", "user", "at"]
    list_filter = ["kind", "at"]
    search_fields = ["program__title", "user__email"]
    list_select_related = ["program", "user"]
