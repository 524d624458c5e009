"""The program builder. Changes are small POSTs; with htmx each answers with the refreshed
builder, without it each redirects back to the builder page."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic.access import ClinicianRequest, clinician_required, patient_for, patients_for
from clinic.forms import search_text
from clinic.models import AuditAction, Patient
from exercises.access import exercises_for
from exercises.ladder import Ladder, Rung, ladders_for
from exercises.models import BodyPart, Exercise, LinkKind
from programs import prescribing
from programs.access import item_for, program_for, programs_for
from programs.audit import program_event
from programs.documents import discharge_with_summary, portal_link
from programs.forms import (
    CopyForm,
    DischargeForm,
    ItemForm,
    NewProgramForm,
    ProgramForm,
    TemplateForm,
)
from programs.models import Program, ProgramItem
from programs.prescribing import ProgramChangeError
from programs.translated import document_languages, untranslated

SEARCH_RESULTS = 12
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Swap:
    """A one-click change of an item's exercise along the ladder, as its button shows it."""

    kind: str
    label: str
    style: str
    exercise: Exercise


@dataclass
class Row:
    item: ProgramItem
    form: ItemForm
    ladder: Ladder

    @property
    def swaps(self) -> list[Swap]:
        """Easier first, then harder, then alternatives beside it."""
        steps = [
            (LinkKind.REGRESSION, _("Easier"), "primary", self.ladder.regressions),
            (LinkKind.PROGRESSION, _("Harder"), "primary", self.ladder.progressions),
            (LinkKind.ALTERNATIVE, _("Instead"), "secondary", self.ladder.alternatives),
        ]
        return [
            Swap(kind, label, style, rung.exercise)
            for kind, label, style, rungs in steps
            for rung in rungs
        ]


def posted_revision(request: HttpRequest) -> int:
    """The revision the page was showing. A missing or garbled one counts as stale."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


def builder_context(
    request: ClinicianRequest,
    program: Program,
    *,
    item_forms: dict[int, ItemForm] | None = None,
    settings_form: ProgramForm | None = None,
    error: str = "",
    notice: str = "",
    query: str | None = None,
) -> dict[str, Any]:
    """The builder's context. With `query` (an add from the search results), the results are
    refreshed too, so an exercise just added shows as in the program. The version history is
    shown, and read, only once the program is in use."""
    items = list(program.items.select_related("exercise"))
    ladders = ladders_for([item.exercise for item in items], request.clinician.clinic)
    item_forms = item_forms or {}
    rows = [
        Row(
            item,
            item_forms.get(item.pk) or ItemForm(instance=item, prefix=f"item-{item.pk}"),
            ladders[item.exercise_id],
        )
        for item in items
    ]
    languages = document_languages(program.patient)
    return {
        "program": program,
        "rows": rows,
        "languages": languages,
        "untranslated": untranslated(items, languages[0][0]) if program.patient else [],
        "settings_form": settings_form or ProgramForm(instance=program, prefix="program"),
        "shows_history": shows_history(program),
        "versions": (
            list(program.versions.select_related("created_by")[:20])
            if shows_history(program)
            else []
        ),
        "error": error,
        "notice": notice,
        "in_program": {item.exercise_id for item in items},
        **(
            {"search": library_results(request, query), "search_oob": bool(request.htmx)}
            if query is not None
            else {}
        ),
    }


def shows_history(program: Program) -> bool:
    return not program.is_template and program.status != Program.Status.DRAFT


def builder_response(request: ClinicianRequest, program: Program, **context: Any) -> HttpResponse:
    """After a change: the refreshed builder for htmx, else back to the builder page (or the
    page with its error messages when the change was refused)."""
    has_errors = bool(
        context.get("error") or context.get("item_forms") or context.get("settings_form")
    )
    if request.htmx:
        return render(
            request, "programs/_builder.html", builder_context(request, program, **context)
        )
    if context.get("notice"):
        messages.success(request, context["notice"])
    if has_errors:
        return render(
            request, "programs/builder.html", builder_context(request, program, **context)
        )
    return redirect(program)


def refused(
    request: ClinicianRequest, program: Program, error: ProgramChangeError, **context: Any
) -> HttpResponse:
    program.refresh_from_db()
    if request.htmx:
        return builder_response(request, program, error=str(error), **context)
    messages.error(request, str(error))
    return redirect(program)


# --- pages ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@clinician_required
def program_create(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    templates = programs_for(request.user).exclude(scope=Program.Scope.PATIENT).order_by("title")
    form = NewProgramForm(
        request.POST or None, templates=templates, today=patient.clinic.today(), prefix="program"
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in prescribing.PROGRAM_FIELDS}
        program = prescribing.create_program(
            patient, by=request.user, template=form.cleaned_data["template"], **values
        )
        messages.success(request, _("Draft program created. Add exercises, then activate it."))
        return redirect(program)
    groups = template_groups(
        templates.prefetch_related(
            Prefetch("items", ProgramItem.objects.select_related("exercise").order_by("position"))
        ),
        chosen=str(form["template"].value() or ""),
    )
    return render(
        request,
        "programs/program_new.html",
        {"form": form, "patient": patient, "template_groups": groups},
    )


@dataclass
class TemplateGroup:
    label: str
    templates: list[Program]
    chosen: str = ""  # the id of the template picked before a form error, if in this group

    @property
    def is_open(self) -> bool:
        return any(str(template.pk) == self.chosen for template in self.templates)


def template_groups(templates: QuerySet[Program], chosen: str = "") -> list[TemplateGroup]:
    """The templates a clinician may start from: their own and their clinic's first, then the
    library's by body part, in the body's order (hips, knee, ankle... as in BodyPart). The
    group holding `chosen` is shown open, so a form sent back with an error keeps the choice
    in sight."""
    by_scope: dict[str, list[Program]] = defaultdict(list)
    by_part: dict[str, list[Program]] = defaultdict(list)
    for template in templates:
        if template.scope == Program.Scope.LIBRARY:
            by_part[template.body_part].append(template)
        else:
            by_scope[template.scope].append(template)
    groups = [
        TemplateGroup(label, by_scope[scope], chosen)
        for scope, label in [
            (Program.Scope.PERSONAL, _("Your templates")),
            (Program.Scope.CLINIC, _("Your clinic's templates")),
        ]
        if by_scope[scope]
    ]
    parts = [*BodyPart.choices, ("", _("Other"))]
    groups += [
        TemplateGroup(str(label), by_part[code], chosen) for code, label in parts if by_part[code]
    ]
    return groups


@require_safe
@clinician_required
def program_builder(request: ClinicianRequest, pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    program_event(AuditAction.VIEW, program, "builder")
    context = builder_context(request, program)
    context["search"] = library_results(request, request.GET.get("q", ""))
    return render(request, "programs/builder.html", context)


def library_results(request: ClinicianRequest, query: str) -> dict[str, Any]:
    query = search_text(query)[:100]
    results = []
    if query:
        results = list(exercises_for(request.user).active().search(query)[:SEARCH_RESULTS])
    return {"query": query, "results": results}


@require_safe
@clinician_required
def program_search(request: ClinicianRequest, pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    if not request.htmx:
        return redirect(
            f"{program.get_absolute_url()}?{urlencode({'q': request.GET.get('q', '')})}"
        )
    return render(
        request,
        "programs/_search_results.html",
        {
            "program": program,
            "search": library_results(request, request.GET.get("q", "")),
            "in_program": set(program.items.values_list("exercise_id", flat=True)),
        },
    )


@require_safe
@clinician_required
def program_preview(request: ClinicianRequest, pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    items = list(program.items.select_related("exercise"))
    program_event(AuditAction.VIEW, program, "patient's view")
    return render(request, "programs/preview.html", {"program": program, "items": items})


# --- changes ----------------------------------------------------------------------------------


@require_POST
@clinician_required
def item_add(request: ClinicianRequest, pk: int) -> HttpResponse:
    """Add an exercise from the search results; with `side`, a second item of an exercise
    already in the program ("Add again for one side")."""
    program = program_for(request.user, pk)
    exercise_pk = request.POST.get("exercise", "")
    if not exercise_pk.isascii() or not exercise_pk.isdigit():
        raise Http404("No such exercise.")
    exercise = get_object_or_404(exercises_for(request.user).active(), pk=int(exercise_pk))
    query = request.POST.get("q", "")
    try:
        prescribing.add_item(
            program,
            exercise,
            revision=posted_revision(request),
            by=request.user,
            side=request.POST.get("side") or None,
        )
    except ProgramChangeError as error:
        if request.htmx:
            return refused(request, program, error, query=query)
        messages.error(request, str(error))
    if request.htmx:
        return builder_response(request, program, query=query)
    return redirect(f"{program.get_absolute_url()}?{urlencode({'q': query})}" if query else program)


@require_POST
@clinician_required
def item_update(request: ClinicianRequest, pk: int, item_pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    item = item_for(program, item_pk)
    form = ItemForm(request.POST, instance=item, prefix=f"item-{item.pk}")
    if not form.is_valid():
        item.refresh_from_db()
        return builder_response(request, program, item_forms={item.pk: form})
    try:
        prescribing.update_item(
            item, form.cleaned_data, revision=posted_revision(request), by=request.user
        )
    except ProgramChangeError as error:
        return refused(request, program, error)
    return builder_response(request, program)


@require_POST
@clinician_required
def item_move(request: ClinicianRequest, pk: int, item_pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    item = item_for(program, item_pk)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        return refused(request, program, ProgramChangeError(_("Move the exercise up or down.")))
    try:
        prescribing.move_item(item, step, revision=posted_revision(request), by=request.user)
    except ProgramChangeError as error:
        return refused(request, program, error)
    return builder_response(request, program)


@require_POST
@clinician_required
def item_remove(request: ClinicianRequest, pk: int, item_pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    item = item_for(program, item_pk)
    try:
        prescribing.remove_item(item, revision=posted_revision(request), by=request.user)
    except ProgramChangeError as error:
        return refused(request, program, error)
    return builder_response(request, program)


@require_POST
@clinician_required
def item_swap(request: ClinicianRequest, pk: int, item_pk: int) -> HttpResponse:
    """One-click progress, regress or alternative along the library's links."""
    program = program_for(request.user, pk)
    item = item_for(program, item_pk)
    ladder = ladders_for([item.exercise], request.clinician.clinic)[item.exercise_id]
    kind, _colon, exercise_pk = request.POST.get("swap", "").partition(":")
    by_kind: dict[str, list[Rung]] = {
        LinkKind.PROGRESSION: ladder.progressions,
        LinkKind.REGRESSION: ladder.regressions,
        LinkKind.ALTERNATIVE: ladder.alternatives,
    }
    rungs = by_kind.get(kind, [])
    target = next((rung.exercise for rung in rungs if str(rung.exercise.pk) == exercise_pk), None)
    if target is None:
        raise Http404("That exercise is not on this exercise's ladder.")
    try:
        notice = prescribing.swap_item(
            item,
            target,
            keep_dose=request.POST.get("keep_dose") == "on",
            revision=posted_revision(request),
            by=request.user,
        )
    except ProgramChangeError as error:
        return refused(request, program, error)
    return builder_response(request, program, notice=notice)


@require_POST
@clinician_required
def program_settings(request: ClinicianRequest, pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    form = ProgramForm(request.POST, instance=program, prefix="program")
    if not form.is_valid():
        program.refresh_from_db()
        return builder_response(request, program, settings_form=form)
    try:
        prescribing.update_program(
            program, form.cleaned_data, revision=posted_revision(request), by=request.user
        )
    except ProgramChangeError as error:
        return refused(request, program, error)
    return builder_response(request, program)


@require_POST
@clinician_required
def program_activate(request: ClinicianRequest, pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    try:
        prescribing.activate(program, revision=posted_revision(request), by=request.user)
    except ProgramChangeError as error:
        return refused(request, program, error)
    messages.success(
        request,
        _("%(title)s is active: %(name)s can see it now.")
        % {"title": program.title, "name": program.require_patient().first_name},
    )
    return redirect(program)


@require_http_methods(["GET", "POST"])
@clinician_required
def program_discharge(request: ClinicianRequest, pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    if program.status != Program.Status.ACTIVE:
        raise Http404("Only active programs are discharged.")
    form = DischargeForm(
        request.POST if request.method == "POST" else None,
        patient_language=program.require_patient().preferred_language,
    )
    if request.method == "POST" and form.is_valid():
        try:
            discharge_with_summary(
                program,
                revision=posted_revision(request),
                by=request.user,
                notes=form.cleaned_data["notes"],
                portal_url=portal_link(request),
                language=form.cleaned_data["language"] or None,
            )
        except ProgramChangeError as error:
            return refused(request, program, error)
        except Exception:
            logger.exception("Discharge summary of program %s could not be made", program.pk)
            form.add_error(
                None,
                _(
                    "The discharge summary could not be made, so the program was not "
                    "discharged. Nothing was changed: please try again in a moment."
                ),
            )
        else:
            messages.success(
                request,
                _(
                    "%(title)s was discharged. Everything is kept, and the discharge summary "
                    "is ready to download."
                )
                % {"title": program.title},
            )
            return redirect(program.require_patient())
    return render(request, "programs/discharge.html", {"program": program, "form": form})


@require_http_methods(["GET", "POST"])
@clinician_required
def program_delete(request: ClinicianRequest, pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    if not (program.is_template and program.is_editable) and program.status != Program.Status.DRAFT:
        raise Http404("Only drafts and your templates can be deleted.")
    if program.scope == Program.Scope.LIBRARY:
        raise Http404("Library templates cannot be deleted.")
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        prescribing.delete_program(program)
        messages.success(request, _("%(title)s was deleted.") % {"title": program.title})
        return redirect(program.patient if program.patient else "template_list")
    return render(request, "programs/delete.html", {"program": program})


@require_http_methods(["GET", "POST"])
@clinician_required
def program_copy(request: ClinicianRequest, pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    patients = patients_for(request.user).filter(status=Patient.Status.ACTIVE)
    if program.patient_id:
        patients = patients.exclude(pk=program.patient_id)
    form = CopyForm(request.POST or None, patients=patients)
    if request.method == "POST" and form.is_valid():
        patient = form.cleaned_data["patient"]
        try:
            copy = prescribing.copy_program(program, patient, by=request.user)
        except ProgramChangeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("A draft copy was made for %(name)s.") % {"name": patient.full_name}
            )
            return redirect(copy)
    return render(request, "programs/copy.html", {"form": form, "program": program})


@require_http_methods(["GET", "POST"])
@clinician_required
def program_save_template(request: ClinicianRequest, pk: int) -> HttpResponse:
    program = program_for(request.user, pk)
    form = TemplateForm(request.POST or None, initial={"title": program.title})
    if request.method == "POST" and form.is_valid():
        template = prescribing.create_template(
            request.clinician,
            scope=form.cleaned_data["scope"],
            by=request.user,
            source=program,
            title=form.cleaned_data["title"],
            **{
                name: getattr(program, name)
                for name in ["times_per_day", "days_per_week", "weekdays", "note"]
            },
        )
        messages.success(request, _("Saved as the template %(title)s.") % {"title": template.title})
        return redirect(template)
    return render(request, "programs/save_template.html", {"form": form, "program": program})


# --- templates --------------------------------------------------------------------------------


@require_safe
@clinician_required
def template_list(request: ClinicianRequest) -> HttpResponse:
    templates = (
        programs_for(request.user)
        .exclude(scope=Program.Scope.PATIENT)
        .select_related("owner__user")
        .order_by("scope", "title")
    )
    return render(request, "programs/template_list.html", {"templates": templates})


@require_http_methods(["GET", "POST"])
@clinician_required
def template_create(request: ClinicianRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        template = prescribing.create_template(
            request.clinician,
            scope=form.cleaned_data["scope"],
            by=request.user,
            title=form.cleaned_data["title"],
        )
        return redirect(template)
    return render(request, "programs/save_template.html", {"form": form})
