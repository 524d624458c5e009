"""The clinic admin's page for the clinic's own exercises and templates: download them as one
file, or import such a file from this or another clinic (the format and the rules are in
programs/transfer.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from clinic.access import ClinicianRequest, clinic_admin_required
from exercises.models import Exercise
from programs import transfer
from programs.export import json_response


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Export file"),
        help_text=gettext_lazy(
            "A .json file exported from this page, here or in another clinic. At most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > transfer.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB. Export files are smaller.")
            )
        return upload


@require_safe
@clinic_admin_required
def library_export(request: ClinicianRequest) -> HttpResponse:
    clinic = request.clinician.clinic
    filename = f"exercises-and-templates-{clinic.slug}-{clinic.today():%Y-%m-%d}.json"
    return json_response(transfer.export_json(clinic), filename)


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def library_import(request: ClinicianRequest) -> HttpResponse:
    clinic = request.clinician.clinic
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        try:
            data = transfer.read_upload(form.cleaned_data["file"])
            result = transfer.import_library(clinic, data, by=request.user)
        except transfer.ImportRefused as refused:
            form.add_error("file", refused.problems)
        else:
            messages.success(request, _("Imported: %(result)s.") % {"result": result})
            return redirect("clinic_library_import")
    exercises = Exercise.objects.filter(clinic=clinic)
    context = {
        "clinic": clinic,
        "form": form,
        "exercises": exercises.count(),
        "archived": exercises.filter(is_archived=True).count(),
        "templates": transfer.clinic_templates(clinic).count(),
    }
    return render(request, "programs/transfer/library.html", context)
