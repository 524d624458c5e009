"""The documents a program gives: the handout and the discharge summary, to download, and the
discharge that stores its summary. The rendering itself is in handouts.py."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST, require_safe

from clinic.access import ClinicianRequest, SignedInRequest, clinician_required
from clinic.models import User
from programs import handouts, prescribing
from programs.access import program_for
from programs.models import DocumentDownload, DocumentKind, Program


def discharge_with_summary(
    program: Program, *, revision: int | None, by: User, notes: str, portal_url: str
) -> None:
    """Discharge and store the summary together: if the summary cannot be made, the program
    stays active and nothing is stored."""
    with transaction.atomic():
        prescribing.discharge(program, revision=revision, by=by, notes=notes)
        handouts.store_discharge_summary(program, portal_url)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A document with health data: downloaded, never shown inline, and never kept in a cache
    (a shared computer's browser, a proxy)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)  # Cache-Control: ... no-store, private
    return response


def portal_link(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("login"))


def send_handout(request: SignedInRequest, program: Program) -> HttpResponse:
    if program.patient is None or not program.items.exists():
        raise Http404("Only a patient's program with exercises has a handout.")
    pdf = handouts.handout(program, portal_link(request)).pdf
    DocumentDownload.objects.create(program=program, kind=DocumentKind.HANDOUT, user=request.user)
    return pdf_response(pdf, handouts.handout_filename(program, "handout"))


def send_discharge_summary(request: SignedInRequest, program: Program) -> HttpResponse:
    if not program.discharge_summary:
        raise Http404("This program has no discharge summary.")
    try:
        with program.discharge_summary.open("rb") as stored:
            pdf = stored.read()
    except FileNotFoundError:
        raise Http404("The stored summary is missing; a clinician can make a new one.") from None
    DocumentDownload.objects.create(program=program, kind=DocumentKind.DISCHARGE, user=request.user)
    return pdf_response(pdf, handouts.handout_filename(program, "discharge-summary"))


@require_safe
@clinician_required
def program_handout(request: ClinicianRequest, pk: int) -> HttpResponse:
    return send_handout(request, program_for(request.user, pk))


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
    handouts.store_discharge_summary(program, portal_link(request))
    messages.success(request, "A new discharge summary was made. The earlier one is kept on file.")
    return redirect(program.require_patient())
