"""Every URL pattern against every persona.

The test walks the whole URLconf. Each pattern must be classified here, with the outcome each
persona gets for GET (and for POST where the view accepts it); an unclassified pattern fails
`test_every_url_is_classified`, so no view ships without its access rules stated and checked.

Outcomes: 200 page, 302 redirect (to sign-in for visitors), 404 outside your reach, 405 wrong
method, 403 refused by the physio admin for its own reasons.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.carers import invite_carer
from clinic.invitations import send_invitation
from clinic.models import (
    AuditEntry,
    CarerAccess,
    Clinician,
    Invitation,
    LoginFailure,
    Patient,
    StaffInvitation,
    hash_token,
)
from exercises.loader import load_library
from exercises.models import Equipment, Exercise, ExerciseLink, Muscle
from programs import as_needed, messaging, prescribing, rtm
from programs.calendar_feed import new_feed
from programs.loader import load_templates
from programs.models import (
    AlertHandled,
    AsNeededLog,
    DocumentDownload,
    Message,
    Program,
    ProgramItem,
    RtmTime,
    SessionLog,
)
from programs.sessions import log_session
from tests.conftest import all_personas, client_for
from tests.factories import (
    ClinicianFactory,
    ExerciseFactory,
    PatientFactory,
    UserFactory,
)

PERSONAS = [
    "anon",
    "patient_a",
    "patient_b",
    "clinician_a",
    "admin_a",
    "clinician_b",
    "operator",
    # Carers: of patient A, of patient B, and one whose access to patient A was ended.
    "carer_a",
    "carer_b",
    "carer_ended",
]
ADMIN_PREFIX = "physio-admin/"


def outcome(default: int, **overrides: int) -> dict[str, int]:
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


ALL_405 = outcome(405)
CLINIC_A_STAFF = {"clinician_a": 200, "admin_a": 200}
ANY_CLINICIAN = {**CLINIC_A_STAFF, "clinician_b": 200}
CLINIC_A_STAFF_REDIRECT = {"clinician_a": 302, "admin_a": 302}


@dataclass
class Case:
    url: Callable[[World], str]
    get: dict[str, int]
    post: dict[str, int] = field(default_factory=lambda: ALL_405)
    data: Callable[[World], dict[str, Any]] = lambda w: {}  # what the POST sends


@dataclass
class World:
    users: dict[str, Any]
    patient_a: Patient
    invitation_token: str
    global_exercise: Exercise
    clinic_a_exercise: Exercise
    program: Program  # patient_a's active program, with items
    session: SessionLog  # a session patient_a logged
    colleague: Clinician  # a third clinician of clinic A, for the team pages
    staff_invitation: StaffInvitation  # clinic A's waiting invitation to join the team
    staff_token: str
    discharged: Program  # patient_a's discharged program, with its summary
    draft: Program  # a draft for patient_a
    carer_a: CarerAccess  # carer_a's access to patient_a
    carer_token: str  # patient_a's waiting invitation to another carer
    as_needed_item: ProgramItem  # a stretch patient_a does as needed, in `program`
    as_needed_use: AsNeededLog  # one use of it, logged by patient_a
    patient_message: Message  # patient_a's message to the clinic
    clinic_message: Message  # clinician_a's answer
    rtm_time: RtmTime  # time clinician_a recorded in patient_a's RTM episode (RTM on in clinic A)
    admin_objects: dict[str, Any]


def named(name: str, **kwargs: Callable[[World], Any]) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={key: make(w) for key, make in kwargs.items()})


def patient_a_pk(w: World) -> int:
    return w.patient_a.pk


def clinic_a_exercise_pk(w: World) -> int:
    return w.clinic_a_exercise.pk


def program_pk(w: World) -> int:
    return w.program.pk


def item_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.program.pk, w.program.items.first().pk])


CLINIC_A_ONLY = outcome(404, anon=302, **CLINIC_A_STAFF)
PATIENTS_ONLY = outcome(404, anon=302, patient_a=200, patient_b=200)  # never their carers
# The portal pages a carer uses for the patient they help: Today, history, logging, handouts.
PORTAL = outcome(404, anon=302, patient_a=200, patient_b=200, carer_a=200, carer_b=200)
PATIENT_A_PORTAL = outcome(404, anon=302, patient_a=200, carer_a=200)
PATIENT_A_PORTAL_CHANGES = outcome(404, anon=302, patient_a=302, carer_a=302)
PATIENTS_CHANGE = outcome(404, anon=302, patient_a=302, patient_b=302)  # never their carers
CARERS_ONLY = outcome(404, anon=302, carer_a=200, carer_b=200)
ADMIN_A_ONLY = outcome(404, anon=302, admin_a=200)  # clinic administration
ADMIN_A_CHANGES = outcome(404, anon=302, admin_a=302)
CLINIC_A_CHANGES = outcome(404, anon=302, **CLINIC_A_STAFF_REDIRECT)
# Builder changes sent without the page's revision are refused as stale (302 back to the
# builder) and change nothing, so every persona sees the same program.

MATRIX: dict[str, Case] = {
    # A carer whose access ended has no role left: the page says the account has no clinic.
    "home": Case(named("home"), outcome(302, carer_ended=403)),
    "healthz": Case(named("healthz"), outcome(200)),
    # Public pictures are anyone's by their random name (tests/test_private_documents.py); the
    # world has none, and nothing but a picture is ever served there.
    "public_media": Case(
        lambda w: reverse("public_media", args=["exercises/none.png"]), outcome(404)
    ),
    "login": Case(named("login"), outcome(302, anon=200), outcome(302, anon=200)),
    "logout": Case(named("logout"), ALL_405, outcome(302)),
    "password_change": Case(
        named("password_change"), outcome(200, anon=302), outcome(200, anon=302)
    ),
    # Django checks sign-in before the method on this one.
    "password_change_done": Case(
        named("password_change_done"), outcome(200, anon=302), outcome(405, anon=302)
    ),
    "password_reset": Case(named("password_reset"), outcome(200), outcome(200)),
    "password_reset_done": Case(named("password_reset_done"), outcome(200)),
    "password_reset_confirm": Case(
        named("password_reset_confirm", uidb64=lambda w: "MQ", token=lambda w: "not-a-token"),
        outcome(200),
        outcome(200),
    ),
    "password_reset_complete": Case(named("password_reset_complete"), outcome(200)),
    "accept_invitation": Case(
        named("accept_invitation", token=lambda w: w.invitation_token), outcome(200), outcome(200)
    ),
    "patient_list": Case(named("patient_list"), outcome(404, anon=302, **ANY_CLINICIAN)),
    "patient_create": Case(
        named("patient_create"),
        outcome(404, anon=302, **ANY_CLINICIAN),
        outcome(404, anon=302, **ANY_CLINICIAN),
    ),
    "patient_detail": Case(
        named("patient_detail", pk=patient_a_pk), outcome(404, anon=302, **CLINIC_A_STAFF)
    ),
    "patient_edit": Case(
        named("patient_edit", pk=patient_a_pk),
        outcome(404, anon=302, **CLINIC_A_STAFF),
        outcome(404, anon=302, **CLINIC_A_STAFF),
    ),
    "patient_archive": Case(
        named("patient_archive", pk=patient_a_pk),
        outcome(404, anon=302, **CLINIC_A_STAFF),
        outcome(404, anon=302, **CLINIC_A_STAFF_REDIRECT),
    ),
    "patient_restore": Case(
        named("patient_restore", pk=patient_a_pk),
        ALL_405,
        outcome(404, anon=302, **CLINIC_A_STAFF_REDIRECT),
    ),
    "patient_invite": Case(
        named("patient_invite", pk=patient_a_pk),
        ALL_405,
        outcome(404, anon=302, **CLINIC_A_STAFF_REDIRECT),
    ),
    # A patient's data requests: clinic admins only. Patient A is active, so the erasure form is
    # refused (shown again with the reason) and nothing is erased.
    "patient_export_json": Case(named("patient_export_json", pk=patient_a_pk), ADMIN_A_ONLY),
    "patient_export_pdf": Case(named("patient_export_pdf", pk=patient_a_pk), ADMIN_A_ONLY),
    "patient_erase": Case(
        named("patient_erase", pk=patient_a_pk),
        ADMIN_A_ONLY,
        ADMIN_A_ONLY,
        data=lambda w: {"full_name": w.patient_a.full_name},
    ),
    "portal_home": Case(named("portal_home"), PORTAL),
    "program_create": Case(named("program_create", pk=patient_a_pk), CLINIC_A_ONLY, CLINIC_A_ONLY),
    "program_builder": Case(named("program_builder", pk=program_pk), CLINIC_A_ONLY),
    "program_search": Case(named("program_search", pk=program_pk), CLINIC_A_CHANGES),
    "program_preview": Case(named("program_preview", pk=program_pk), CLINIC_A_ONLY),
    "program_settings": Case(named("program_settings", pk=program_pk), ALL_405, CLINIC_A_ONLY),
    "program_item_add": Case(
        named("program_item_add", pk=program_pk),
        ALL_405,
        CLINIC_A_CHANGES,
        data=lambda w: {"exercise": w.global_exercise.pk},
    ),
    "program_item_update": Case(item_url("program_item_update"), ALL_405, CLINIC_A_ONLY),
    "program_item_move": Case(
        item_url("program_item_move"), ALL_405, CLINIC_A_CHANGES, data=lambda w: {"direction": "up"}
    ),
    "program_item_remove": Case(item_url("program_item_remove"), ALL_405, CLINIC_A_CHANGES),
    "program_item_swap": Case(
        item_url("program_item_swap"),
        ALL_405,
        CLINIC_A_CHANGES,
        data=lambda w: {"swap": f"regression:{w.admin_objects['stretch'].pk}"},
    ),
    "program_activate": Case(named("program_activate", pk=program_pk), ALL_405, CLINIC_A_CHANGES),
    "program_discharge": Case(
        named("program_discharge", pk=program_pk), CLINIC_A_ONLY, CLINIC_A_CHANGES
    ),
    # Without confirm=yes the POST shows the confirmation again and deletes nothing.
    "program_delete": Case(
        named("program_delete", pk=lambda w: w.draft.pk), CLINIC_A_ONLY, CLINIC_A_ONLY
    ),
    "program_copy": Case(named("program_copy", pk=program_pk), CLINIC_A_ONLY, CLINIC_A_ONLY),
    "program_save_template": Case(
        named("program_save_template", pk=program_pk), CLINIC_A_ONLY, CLINIC_A_ONLY
    ),
    "template_list": Case(named("template_list"), outcome(404, anon=302, **ANY_CLINICIAN)),
    "template_create": Case(
        named("template_create"),
        outcome(404, anon=302, **ANY_CLINICIAN),
        outcome(404, anon=302, **ANY_CLINICIAN),
    ),
    "portal_history": Case(named("portal_history"), PORTAL),
    # The patient's own settings and export, never a carer's (clinic/access.py).
    "portal_settings": Case(named("portal_settings"), PATIENTS_ONLY, PATIENTS_ONLY),
    "portal_log": Case(named("portal_log", pk=program_pk), PATIENT_A_PORTAL, PATIENT_A_PORTAL),
    "portal_changes_seen": Case(
        named("portal_changes_seen", pk=program_pk), ALL_405, PATIENT_A_PORTAL_CHANGES
    ),
    "portal_session_done": Case(
        named("portal_session_done", pk=lambda w: w.session.pk), PATIENT_A_PORTAL
    ),
    "program_handout": Case(named("program_handout", pk=program_pk), CLINIC_A_ONLY),
    "questionnaire_send": Case(
        named("questionnaire_send", pk=program_pk), ALL_405, CLINIC_A_CHANGES
    ),
    # An empty POST names none of the activities shown: refused as stale, back to the page.
    "psfs_activities": Case(
        named("psfs_activities", pk=program_pk), CLINIC_A_ONLY, CLINIC_A_CHANGES
    ),
    "program_discharge_summary": Case(
        named("program_discharge_summary", pk=lambda w: w.discharged.pk), CLINIC_A_ONLY
    ),
    "program_regenerate_summary": Case(
        named("program_regenerate_summary", pk=lambda w: w.discharged.pk),
        ALL_405,
        CLINIC_A_CHANGES,
    ),
    "portal_handout": Case(named("portal_handout", pk=program_pk), PATIENT_A_PORTAL),
    # A POST with no answers is sent back to the form (stale: it names no occasion).
    "portal_questionnaire": Case(
        named("portal_questionnaire", pk=program_pk), PATIENT_A_PORTAL, PATIENT_A_PORTAL_CHANGES
    ),
    "portal_discharge_summary": Case(
        named("portal_discharge_summary", pk=lambda w: w.discharged.pk), PATIENT_A_PORTAL
    ),
    "portal_export_json": Case(named("portal_export_json"), PATIENTS_ONLY),
    "portal_export_pdf": Case(named("portal_export_pdf"), PATIENTS_ONLY),
    # Carers (clinic/carer_urls.py). The patient's own page of carers: an empty invitation is
    # shown again with its errors. Ending asks first (GET), then ends (POST).
    "portal_carers": Case(named("portal_carers"), PATIENTS_ONLY, PATIENTS_ONLY),
    "portal_carer_end": Case(
        named("portal_carer_end", pk=lambda w: w.carer_a.pk),
        outcome(404, anon=302, patient_a=200),
        outcome(404, anon=302, patient_a=302),
    ),
    # Whom a carer helps: a choice naming nobody is shown again with a message.
    "carer_choose": Case(named("carer_choose"), CARERS_ONLY, CARERS_ONLY),
    "patient_carers": Case(named("patient_carers", pk=patient_a_pk), CLINIC_A_ONLY, CLINIC_A_ONLY),
    "patient_carer_end": Case(
        named("patient_carer_end", pk=patient_a_pk, carer_pk=lambda w: w.carer_a.pk),
        CLINIC_A_ONLY,
        CLINIC_A_CHANGES,
    ),
    # Anyone with the link sees the page: a visitor the password form, a signed-in account
    # (none of them the invited address) why it cannot accept. Nothing is accepted here.
    "carer_accept": Case(
        named("carer_accept", token=lambda w: w.carer_token), outcome(200), outcome(200)
    ),
    # The calendar feed needs no sign-in: its long token is the key (an unknown one is a 404).
    "calendar_feed": Case(
        named("calendar_feed", token=lambda w: new_feed(w.patient_a)), outcome(200)
    ),
    "portal_calendar_reset": Case(named("portal_calendar_reset"), ALL_405, PATIENTS_CHANGE),
    "portal_calendar_off": Case(named("portal_calendar_off"), ALL_405, PATIENTS_CHANGE),
    # RTM records (programs/rtm_urls.py), clinic A having turned them on. Empty forms are shown
    # again with their errors; deleting time asks first (GET), then deletes (POST).
    "patient_rtm": Case(named("patient_rtm", pk=patient_a_pk), CLINIC_A_ONLY),
    "rtm_start": Case(named("rtm_start", pk=patient_a_pk), ALL_405, CLINIC_A_ONLY),
    "rtm_end": Case(named("rtm_end", pk=patient_a_pk), CLINIC_A_ONLY, CLINIC_A_ONLY),
    "rtm_time_add": Case(named("rtm_time_add", pk=patient_a_pk), ALL_405, CLINIC_A_ONLY),
    # The first to POST deletes the entry; the admin after them finds it gone.
    "rtm_time_delete": Case(
        named("rtm_time_delete", pk=patient_a_pk, time_pk=lambda w: w.rtm_time.pk),
        CLINIC_A_ONLY,
        outcome(404, anon=302, clinician_a=302),
    ),
    "patient_rtm_pdf": Case(
        named("patient_rtm_pdf", pk=patient_a_pk, month=lambda w: "2026-02"), CLINIC_A_ONLY
    ),
    "rtm_report": Case(named("rtm_report"), ADMIN_A_ONLY),
    "rtm_report_csv": Case(named("rtm_report_csv", month=lambda w: "2026-02"), ADMIN_A_ONLY),
    # As-needed exercises (programs/as_needed.py): logged by the patient or their carer; a POST
    # with a fresh token records a use and shows it.
    "portal_as_needed": Case(
        lambda w: reverse("portal_as_needed", args=[w.program.pk, w.as_needed_item.pk]),
        PATIENT_A_PORTAL,
        PATIENT_A_PORTAL_CHANGES,
        data=lambda w: {"token": str(uuid.uuid4())},
    ),
    "portal_as_needed_done": Case(
        named("portal_as_needed_done", pk=lambda w: w.as_needed_use.pk), PATIENT_A_PORTAL
    ),
    # Messages (programs/message_urls.py). An empty message is shown again with its error; only
    # a message's own writer may change it, while it is unread.
    "portal_messages": Case(named("portal_messages"), PORTAL, PORTAL),
    "portal_message_edit": Case(
        named("portal_message_edit", pk=lambda w: w.patient_message.pk),
        outcome(404, anon=302, patient_a=200),
        outcome(404, anon=302, patient_a=302),
        data=lambda w: {"body": "Changed"},
    ),
    "patient_messages": Case(
        named("patient_messages", pk=patient_a_pk), CLINIC_A_ONLY, CLINIC_A_ONLY
    ),
    "patient_message_edit": Case(
        named("patient_message_edit", pk=patient_a_pk, message_pk=lambda w: w.clinic_message.pk),
        outcome(404, anon=302, clinician_a=200),
        outcome(404, anon=302, clinician_a=302),
        data=lambda w: {"body": "Changed"},
    ),
    "message_hand_over": Case(
        named("message_hand_over", pk=patient_a_pk), ALL_405, CLINIC_A_CHANGES
    ),
    "dashboard": Case(named("dashboard"), outcome(404, anon=302, **ANY_CLINICIAN)),
    "alert_handled": Case(
        named("alert_handled", pk=patient_a_pk),
        ALL_405,
        CLINIC_A_CHANGES,
        data=lambda w: {"kind": "silent", "key": "since-2026-01-01"},
    ),
    "note_read": Case(
        named("note_read", pk=patient_a_pk, session_pk=lambda w: w.session.pk),
        ALL_405,
        CLINIC_A_CHANGES,
    ),
    "staff_list": Case(named("staff_list"), ADMIN_A_ONLY),
    "staff_invite": Case(named("staff_invite"), ADMIN_A_ONLY, ADMIN_A_ONLY),
    "staff_invitation_resend": Case(
        named("staff_invitation_resend", pk=lambda w: w.staff_invitation.pk),
        ALL_405,
        ADMIN_A_CHANGES,
    ),
    "staff_invitation_withdraw": Case(
        named("staff_invitation_withdraw", pk=lambda w: w.staff_invitation.pk),
        ALL_405,
        ADMIN_A_CHANGES,
    ),
    # Anyone with the link sees the page; a POST without passwords is a form with errors.
    "join_team": Case(
        named("join_team", token=lambda w: w.staff_token), outcome(200), outcome(200)
    ),
    "staff_deactivate": Case(
        named("staff_deactivate", pk=lambda w: w.colleague.pk), ALL_405, ADMIN_A_CHANGES
    ),
    "staff_reactivate": Case(
        named("staff_reactivate", pk=lambda w: w.colleague.pk), ALL_405, ADMIN_A_CHANGES
    ),
    "clinic_settings": Case(named("clinic_settings"), ADMIN_A_ONLY, ADMIN_A_ONLY),
    "audit_trail": Case(named("audit_trail"), ADMIN_A_ONLY),
    "audit_trail_csv": Case(named("audit_trail_csv"), ADMIN_A_ONLY),
    # The clinic's exercises and templates as a file: the export downloads on GET; an import
    # posted without a file is shown again with the form's error, and imports nothing.
    "clinic_library_export": Case(named("clinic_library_export"), ADMIN_A_ONLY),
    "clinic_library_import": Case(named("clinic_library_import"), ADMIN_A_ONLY, ADMIN_A_ONLY),
    "library": Case(named("library"), outcome(404, anon=302, **ANY_CLINICIAN)),
    "exercise_create": Case(
        named("exercise_create"),
        outcome(404, anon=302, **ANY_CLINICIAN),
        outcome(404, anon=302, **ANY_CLINICIAN),
    ),
    # A clinic's own exercise; the global library is checked in test_library_views.
    "exercise_detail": Case(
        named("exercise_detail", pk=clinic_a_exercise_pk), outcome(404, anon=302, **CLINIC_A_STAFF)
    ),
    "exercise_edit": Case(
        named("exercise_edit", pk=clinic_a_exercise_pk),
        outcome(404, anon=302, **CLINIC_A_STAFF),
        outcome(404, anon=302, **CLINIC_A_STAFF),
    ),
    # A clinic's own exercise in Spanish; an empty form saves no text and goes back.
    "exercise_text": Case(
        named("exercise_text", pk=clinic_a_exercise_pk, language=lambda w: "es"),
        outcome(404, anon=302, **CLINIC_A_STAFF),
        outcome(404, anon=302, **CLINIC_A_STAFF_REDIRECT),
    ),
    "exercise_archive": Case(
        named("exercise_archive", pk=clinic_a_exercise_pk),
        outcome(404, anon=302, **CLINIC_A_STAFF),
        outcome(404, anon=302, **CLINIC_A_STAFF_REDIRECT),
    ),
    "exercise_restore": Case(
        named("exercise_restore", pk=clinic_a_exercise_pk),
        ALL_405,
        outcome(404, anon=302, **CLINIC_A_STAFF_REDIRECT),
    ),
    # Two-step sign-in, for every signed-in person; the personas have not set it up, so the
    # code page sends them on, and the changes say there is nothing to change (302).
    "two_step_verify": Case(named("two_step_verify"), outcome(302), outcome(302)),
    "two_step_setup": Case(named("two_step_setup"), outcome(200, anon=302), outcome(200, anon=302)),
    "account_security": Case(named("account_security"), outcome(200, anon=302)),
    "two_step_off": Case(named("two_step_off"), ALL_405, outcome(302)),
    "recovery_codes_renew": Case(named("recovery_codes_renew"), ALL_405, outcome(302)),
}


# --- the physio admin: operators only -------------------------------------------------------
# Everyone but an operator is sent to the admin sign-in page (302). Checked by GET: its forms
# are Django's own.

ADMIN_ONLY = outcome(302, operator=200)


def admin_case(route: str) -> Case | None:
    url = "/" + route
    special = {
        "": ADMIN_ONLY,
        "login/": outcome(200, operator=302),
        "logout/": outcome(302, operator=405),
        "password_change/": ADMIN_ONLY,
        "password_change/done/": ADMIN_ONLY,
        "autocomplete/": outcome(302, operator=403),  # needs its query parameters
        "jsi18n/": ADMIN_ONLY,
        "r/<path:content_type_id>/<path:object_id>/": outcome(302),
        "(?P<url>.*)$": outcome(302, operator=404),
    }
    tail = route.removeprefix(ADMIN_PREFIX)
    if tail.startswith("^(?P<app_label>"):
        return Case(lambda w: admin_url(w, "/" + ADMIN_PREFIX + "clinic/"), ADMIN_ONLY)
    if tail in special:
        return Case(lambda w: admin_url(w, url), special[tail])
    model_route = re.fullmatch(r"(\w+)/(\w+)/(.*)", tail)
    if not model_route:
        return None
    model_key, rest = f"{model_route[1]}.{model_route[2]}", model_route[3]
    expected = {
        "": ADMIN_ONLY,
        "add/": ADMIN_ONLY,
        "<path:object_id>/change/": ADMIN_ONLY,
        "<path:object_id>/history/": ADMIN_ONLY,
        "<path:object_id>/delete/": ADMIN_ONLY,
        "<path:object_id>/": outcome(302),  # old-style object URL redirects to change
        "<id>/password/": ADMIN_ONLY,
        # django-otp's key and QR code pages: refused, as OTP_ADMIN_HIDE_SENSITIVE_DATA is on.
        "<int:pk>/config/": outcome(302, operator=403),
        "<int:pk>/qrcode/": outcome(302, operator=403),
    }
    if rest not in expected:
        return None
    refused_by_admin = {
        ("clinic.invitation", "add/"),  # invitations are sent from patient pages
        ("clinic.staffinvitation", "add/"),  # and from the clinic's team page
        ("clinic.loginfailure", "add/"),  # recorded by sign-in only
        ("clinic.auditentry", "add/"),  # the trail is written by the app alone, never edited
        ("clinic.auditentry", "<path:object_id>/delete/"),
        # history: versions, session logs and handled alerts are read-only
        *(
            (model, action)
            for model in [
                "programs.programversion",
                "programs.sessionlog",
                "programs.alerthandled",
                "programs.documentdownload",
            ]
            for action in ["add/", "<path:object_id>/delete/"]
        ),
    }
    if (model_key, rest) in refused_by_admin:
        expected[rest] = outcome(302, operator=403)
    return Case(lambda w: admin_url(w, url, model_key), expected[rest])


def admin_url(w: World, url: str, model_key: str | None = None) -> str:
    replacements = {
        "(?P<url>.*)$": "no-such-admin-page/",
        "<path:content_type_id>": str(ContentType.objects.get_for_model(Patient).pk),
    }
    for old, new in replacements.items():
        url = url.replace(old, new)
    obj = w.admin_objects.get(model_key or "clinic.patient")
    for placeholder in ["<path:object_id>", "<id>", "<int:pk>"]:
        url = url.replace(placeholder, str(obj.pk))
    return url


# --- walking the URLconf -------------------------------------------------------------------


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(key, full route) for every pattern: key is the qualified name, or the route if unnamed."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in [namespace, pattern.namespace or ""] if part)
            yield from walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield (name or route), route


def classify(key: str, route: str) -> Case | None:
    if route.startswith(ADMIN_PREFIX):
        return admin_case(route)
    return MATRIX.get(key)


ALL_ROUTES = sorted(set(walk(get_resolver().url_patterns)), key=lambda item: item[1])


def test_every_url_is_classified():
    unclassified = [route for key, route in ALL_ROUTES if classify(key, route) is None]
    assert unclassified == [], f"add these URL patterns to the access matrix: {unclassified}"


def test_matrix_names_only_existing_urls():
    keys = {key for key, _ in ALL_ROUTES}
    assert set(MATRIX) <= keys, f"stale entries: {set(MATRIX) - keys}"


def discharged_program(patient, clinician, exercise) -> Program:
    program = prescribing.create_program(patient, by=clinician.user, title="Earlier")
    prescribing.add_item(program, exercise, revision=None, by=clinician.user)
    prescribing.activate(program, revision=None, by=clinician.user)
    prescribing.discharge(program, revision=None, by=clinician.user)
    # Access is what is checked here, so a stand-in file replaces a rendered summary.
    program.discharge_summary.save("summary.pdf", ContentFile(b"%PDF-1.4 stand-in"))
    return program


def build_world(
    admin_a,
    clinician_a,
    clinician_b,
    patient_a,
    patient_a2,
    patient_b,
    operator,
    carer_a,
    carer_b,
    carer_ended,
) -> World:
    sent = send_invitation(patient_a2, sent_by=clinician_a.user, base_url="http://testserver/")
    token = sent.link.rstrip("/").rsplit("/", 1)[-1]
    carer_link = invite_carer(
        patient_a,
        name="Gina Gran",
        email="gina@family.example",
        invited_by=patient_a.user,
        base_url="http://testserver/",
    ).link
    clinic_a = clinician_a.clinic
    clinic_a.rtm_enabled = True
    clinic_a.save(update_fields=["rtm_enabled"])
    setup_on = clinic_a.today() - timedelta(days=40)
    rtm.start_episode(patient_a, clinician=clinician_a, setup_on=setup_on, by=clinician_a.user)
    rtm_time = rtm.add_time(
        patient_a,
        clinician=clinician_a,
        by=clinician_a.user,
        date=setup_on + timedelta(days=1),
        minutes=15,
        activity="Reviewed the logs",
    )
    staff_token = Invitation.new_token()
    staff_invitation = StaffInvitation.objects.create(
        clinic=admin_a.clinic,
        email="newcomer@northside.example",
        full_name="Nia Newcomer",
        role=Clinician.Role.CLINICIAN,
        token_hash=hash_token(staff_token),
        expires_at=Invitation.expiry_for(timezone.now()),
    )
    group = Group.objects.create(name="Reviewers")
    load_library()
    load_templates()
    global_exercise = Exercise.objects.get(clinic=None, slug="reverse-clamshell")
    program = prescribing.create_program(patient_a, by=clinician_a.user, title="Hip")
    prescribing.add_item(program, global_exercise, revision=None, by=clinician_a.user)
    stretch = prescribing.add_item(
        program,
        Exercise.objects.get(clinic=None, slug="windshield-wiper-stretch"),
        revision=None,
        by=clinician_a.user,
    )
    prescribing.update_item(
        stretch, {"as_needed": True, "max_per_day": 3}, revision=None, by=clinician_a.user
    )
    prescribing.activate(program, revision=None, by=clinician_a.user)
    stretch.refresh_from_db()
    patient_message = messaging.send_from_portal(
        patient_a, patient_a.user, None, "Hello", uuid.uuid4()
    )[0]
    clinic_message = messaging.send_from_clinic(patient_a, clinician_a.user, "Hi", uuid.uuid4())[0]
    use, _ = as_needed.log_use(
        program, stretch, day=clinic_a.today(), token=uuid.uuid4(), pain=None
    )
    return World(
        users={
            "anon": None,
            "patient_a": patient_a.user,
            "patient_b": patient_b.user,
            "clinician_a": clinician_a.user,
            "admin_a": admin_a.user,
            "clinician_b": clinician_b.user,
            "operator": operator,
            "carer_a": carer_a.user,
            "carer_b": carer_b.user,
            "carer_ended": carer_ended.user,
        },
        patient_a=patient_a,
        invitation_token=token,
        global_exercise=global_exercise,
        clinic_a_exercise=ExerciseFactory(clinic=clinician_a.clinic),
        program=program,
        colleague=ClinicianFactory(clinic=clinician_a.clinic),
        staff_invitation=staff_invitation,
        staff_token=staff_token,
        discharged=discharged_program(patient_a, clinician_a, global_exercise),
        session=log_session(
            program, day=program.start_date, slot=1, token=uuid.uuid4(), entries=[]
        )[0],
        draft=prescribing.create_program(patient_a, by=clinician_a.user, title="Draft"),
        carer_a=carer_a,
        carer_token=carer_link.rstrip("/").rsplit("/", 1)[-1],
        rtm_time=rtm_time,
        as_needed_item=stretch,
        as_needed_use=use,
        patient_message=patient_message,
        clinic_message=clinic_message,
        admin_objects={
            "clinic.user": patient_a.user,
            "clinic.clinic": clinician_a.clinic,
            "clinic.clinician": clinician_a,
            "clinic.patient": patient_a,
            "clinic.invitation": Invitation.objects.get(patient=patient_a2),
            "clinic.staffinvitation": staff_invitation,
            "auth.group": group,
            "exercises.exercise": global_exercise,
            "exercises.exerciselink": ExerciseLink.objects.first(),
            "exercises.equipment": Equipment.objects.first(),
            "exercises.muscle": Muscle.objects.first(),
            "programs.program": Program.objects.filter(scope="library").first(),
            "programs.programversion": program.versions.first(),
            "stretch": Exercise.objects.get(clinic=None, slug="windshield-wiper-stretch"),
            "programs.sessionlog": SessionLog.objects.first(),
            "clinic.loginfailure": LoginFailure.objects.create(email="x@example.com"),
            "clinic.auditentry": AuditEntry.objects.first(),
            "programs.documentdownload": DocumentDownload.objects.create(
                program=program, kind="handout", user=clinician_a.user
            ),
            "programs.alerthandled": AlertHandled.objects.create(
                patient=patient_a, kind="silent", key="since-2026-01-01"
            ),
            # Devices of someone who is not a persona, so the personas sign in with no code.
            "otp_totp.totpdevice": TOTPDevice.objects.create(user=UserFactory(), confirmed=True),
            "otp_static.staticdevice": StaticDevice.objects.create(
                user=UserFactory(), confirmed=True
            ),
        },
    )


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def documents_root(tmp_path_factory):
    return tmp_path_factory.mktemp("documents")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, media_root, documents_root):
    """The module's tests share one world, and so one media and one documents folder: the
    discharge summary the world stores must still be there for the tests that download it."""
    settings.MEDIA_ROOT = media_root
    settings.DOCUMENTS_ROOT = documents_root


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, media_root, documents_root):
    """The world, built once for the module inside a transaction that is rolled back when the
    module is done. Each test runs in a savepoint of its own inside it (the `db` fixture), so
    what one test's requests change, the next test never sees."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root, DOCUMENTS_ROOT=documents_root),
        transaction.atomic(),
    ):
        yield build_world(**all_personas())
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, db):
    return shared_world


@pytest.mark.parametrize("key,route", ALL_ROUTES, ids=[key for key, _ in ALL_ROUTES])
def test_access(world, key, route):
    case = classify(key, route)
    assert case is not None, f"{route} is not in the access matrix"
    url = case.url(world)
    wrong = []
    for method, expected in (("get", case.get), ("post", case.post)):
        for persona in PERSONAS:
            if method == "post" and route.startswith(ADMIN_PREFIX):
                continue
            data = case.data(world) if method == "post" else {}
            response = getattr(client_for(world.users[persona]), method)(url, data)
            if response.status_code != expected[persona]:
                wrong.append(
                    f"{method.upper()} as {persona}: {response.status_code}, "
                    f"expected {expected[persona]}"
                )
            elif response.status_code == 302 and persona == "anon" and expected[persona] == 302:
                target = response.url
                if not (route.startswith(ADMIN_PREFIX) or key in {"logout"}):
                    assert target.startswith(reverse("login")), f"{url}: anon sent to {target}"
    assert wrong == [], f"{url}: " + "; ".join(wrong)


def test_state_changes_need_a_csrf_token(world):
    # The world is still in the database here, so this test brings a patient of its own.
    newcomer = PatientFactory(primary_clinician=world.patient_a.primary_clinician)
    client = client_for(world.users["clinician_a"])
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("patient_invite", args=[newcomer.pk]))
    assert response.status_code == 403
    assert not Invitation.objects.filter(patient=newcomer).exists()
