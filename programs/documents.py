"""The documents a program gives: the handout and the discharge summary, to download, and the
discharge that stores its summary. The rendering itself is in handouts.py; a handout's stored
copy, read back while nothing it prints has changed, in stored_handouts.py; how many renders
one person and one machine may have going, in render_limits.py. Every download and every
stored summary is on the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST, require_safe

from clinic.access import ClinicianRequest, SignedInRequest, clinician_required
from clinic.languages import LANGUAGE_NAMES, speaking
from clinic.models import AuditAction, Patient, User
from programs import handouts, prescribing, stored_handouts
from programs.access import program_for
from programs.audit import document_event
from programs.models import DocumentDownload, DocumentKind, Program
from programs.render_limits import TooManyRenders, render_turn


def discharge_with_summary(
    program: Program,
    *,
    revision: int | None,
    by: User,
    notes: str,
    portal_url: str,
    language: str | None = None,
) -> None:
    """Discharge and store the summary (in `language`, by default the patient's) together: if
    the summary cannot be made, the program stays active and nothing is stored."""
    with transaction.atomic():
        prescribing.discharge(program, revision=revision, by=by, notes=notes)
        handouts.store_discharge_summary(program, portal_url, language)
        document_event(AuditAction.CREATE, program, "discharge summary")


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A document with health data: downloaded, never shown inline, and never kept in a cache
    (a shared computer's browser, a proxy)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)  # Cache-Control: ... no-store, private
    return response


def portal_link(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("login"))


def try_again(request: HttpRequest, refused: TooManyRenders, back: str) -> HttpResponse:
    """The answer when the user has renders enough for now: 429, with when to come back."""
    response = render(
        request,
        "programs/try_again.html",
        {
            "seconds": refused.retry_after,
            "again": request.get_full_path() if request.method == "GET" else None,
            "back": back,
        },
        status=429,
    )
    response["Retry-After"] = str(refused.retry_after)
    return response


def send_handout(
    request: SignedInRequest, program: Program, *, back: str, language: str | None = None
) -> HttpResponse:
    """Send the handout, in `language` (by default the patient's): its stored copy while
    nothing it prints has changed, else a new render (which takes a render turn) that is stored
    for next time. `back` is where the "try again shortly" page leads."""
    items = list(program.items.select_related("exercise").prefetch_related("exercise__texts"))
    if program.patient_id is None or not items:
        raise Http404("Only a patient's program with exercises has a handout.")
    patient = Patient.objects.select_related("primary_clinician__user").get(pk=program.patient_id)
    program.patient = patient  # the same row, with what the handout prints of it
    portal_url = portal_link(request)
    language = language or patient.preferred_language
    with speaking(language):
        copy = stored_handouts.find_copy(program, patient, items, portal_url)
    pdf = copy.pdf
    if pdf is None:
        try:
            with render_turn(request.user):
                pdf = handouts.handout(program, portal_url, language).pdf
        except TooManyRenders as refused:
            return try_again(request, refused, back)
        stored_handouts.keep_copy(program, copy, pdf)
    DocumentDownload.objects.create(program=program, kind=DocumentKind.HANDOUT, user=request.user)
    document_event(AuditAction.DOWNLOAD, program, "handout")
    return pdf_response(pdf, handouts.handout_filename(program, "handout"))


def send_discharge_summary(request: SignedInRequest, program: Program) -> HttpResponse:
    """Send the summary stored at discharge, exactly as it was made: read from storage, never
    rendered again (so it takes no render turn)."""
    if not program.discharge_summary:
        raise Http404("This program has no discharge summary.")
    try:
        with program.discharge_summary.open("rb") as stored:
            pdf = stored.read()
    except FileNotFoundError:
        raise Http404("The stored summary is missing; a clinician can make a new one.") from None
    DocumentDownload.objects.create(program=program, kind=DocumentKind.DISCHARGE, user=request.user)
    document_event(AuditAction.DOWNLOAD, program, "discharge summary")
    return pdf_response(pdf, handouts.handout_filename(program, "discharge-summary"))


def chosen_language(request: HttpRequest) -> str | None:
    """The language the clinician chose for a document (?language=en), or None for the
    patient's own; a language the site does not have is refused."""
    language = request.GET.get("language") or request.POST.get("language") or None
    if language is not None and language not in LANGUAGE_NAMES:
        raise Http404("No such language.")
    return language


@require_safe
@clinician_required
def program_handout(request: ClinicianRequest, pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    back = program.patient.get_absolute_url() if program.patient else reverse("dashboard")
    return send_handout(request, program, back=back, language=chosen_language(request))


@require_safe
@clinician_required
def program_discharge_summary(request: ClinicianRequest, pk: int) -> HttpResponse:
    return send_discharge_summary(request, program_for(request.user, pk))


@require_POST
@clinician_required
def program_regenerate_summary(request: ClinicianRequest, pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    if program.status != Program.Status.DISCHARGED:
        raise Http404("Only discharged programs have a summary.")
    patient = program.require_patient()
    language = chosen_language(request)
    try:
        with render_turn(request.user), transaction.atomic():
            handouts.store_discharge_summary(program, portal_link(request), language)
            document_event(AuditAction.CREATE, program, "discharge summary, made again")
    except TooManyRenders as refused:
        return try_again(request, refused, patient.get_absolute_url())
    messages.success(request, "A new discharge summary was made; it replaces the earlier one.")
    return redirect(patient)
