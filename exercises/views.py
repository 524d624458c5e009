from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic.access import ClinicianRequest, clinician_required
from clinic.languages import LANGUAGE_NAMES
from exercises.access import exercise_for, exercises_for
from exercises.forms import ExerciseForm, ExerciseTextForm, LibrarySearchForm
from exercises.ladder import ladder_for
from exercises.models import ENGLISH, ExerciseText

EXERCISES_PER_PAGE = 24


@require_safe
@clinician_required
def library(request: ClinicianRequest) -> HttpResponse:
    form = LibrarySearchForm(request.GET or None)
    exercises = form.filter(exercises_for(request.user).active()).prefetch_related("equipment")
    if not form.is_searched:
        exercises = exercises.order_by("name", "pk")
    page = Paginator(exercises, EXERCISES_PER_PAGE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "exercises/library.html",
        {"form": form, "page": page, "querystring": querystring.urlencode()},
    )


@require_safe
@clinician_required
def exercise_detail(request: ClinicianRequest, pk: int) -> HttpResponse:
    exercise = exercise_for(request.user, pk)
    return render(
        request,
        "exercises/exercise_detail.html",
        {
            "exercise": exercise,
            "ladder": ladder_for(exercise, request.clinician.clinic),
            "equipment": list(exercise.equipment.all()),
            "muscles": list(exercise.target_muscles.all()),
            "other_languages": [
                (code, name) for code, name in LANGUAGE_NAMES.items() if code != ENGLISH
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@clinician_required
def exercise_create(request: ClinicianRequest) -> HttpResponse:
    form = ExerciseForm(
        request.POST or None, request.FILES or None, clinic=request.clinician.clinic
    )
    if request.method == "POST" and form.is_valid():
        exercise = form.save()
        messages.success(
            request, _("%(name)s was added to your clinic's exercises.") % {"name": exercise.name}
        )
        return redirect(exercise)
    return render(request, "exercises/exercise_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@clinician_required
def exercise_edit(request: ClinicianRequest, pk: int) -> HttpResponse:
    exercise = exercise_for(request.user, pk, editable=True)
    form = ExerciseForm(
        request.POST or None,
        request.FILES or None,
        instance=exercise,
        clinic=request.clinician.clinic,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The exercise was saved."))
        return redirect(exercise)
    return render(request, "exercises/exercise_form.html", {"form": form, "exercise": exercise})


@require_http_methods(["GET", "POST"])
@clinician_required
def exercise_archive(request: ClinicianRequest, pk: int) -> HttpResponse:
    exercise = exercise_for(request.user, pk, editable=True)
    if request.method == "POST":
        exercise.is_archived = True
        exercise.save(update_fields=["is_archived", "updated_at"])
        messages.success(
            request,
            _(
                "%(name)s was archived. It no longer shows in the library; programs that "
                "use it keep it."
            )
            % {"name": exercise.name},
        )
        return redirect("library")
    return render(request, "exercises/exercise_archive.html", {"exercise": exercise})


@require_POST
@clinician_required
def exercise_restore(request: ClinicianRequest, pk: int) -> HttpResponse:
    exercise = exercise_for(request.user, pk, editable=True)
    exercise.is_archived = False
    exercise.save(update_fields=["is_archived", "updated_at"])
    messages.success(request, _("%(name)s is back in the library.") % {"name": exercise.name})
    return redirect(exercise)


@require_http_methods(["GET", "POST"])
@clinician_required
def exercise_text(request: ClinicianRequest, pk: int, language: str) -> HttpResponse:
    """A clinic's own exercise in another language than English (the library's own come from
    its files). Saved whole; an empty form removes the translation."""
    exercise = exercise_for(request.user, pk, editable=True)
    if language not in LANGUAGE_NAMES or language == ENGLISH:
        raise Http404("No such language to translate into.")
    text = exercise.texts.filter(language=language).first() or ExerciseText(
        exercise=exercise, language=language
    )
    posted = request.POST if request.method == "POST" else None  # an empty form is a choice
    form = ExerciseTextForm(posted, instance=text, exercise=exercise)
    if request.method == "POST" and form.is_valid():
        if any(form.cleaned_data.values()):
            form.save()
        elif text.pk:
            text.delete()
        messages.success(
            request,
            _("The %(language)s text of %(name)s was saved.")
            % {"language": LANGUAGE_NAMES[language], "name": exercise.name},
        )
        return redirect(exercise)
    return render(
        request,
        "exercises/exercise_text.html",
        {"form": form, "exercise": exercise, "language_name": LANGUAGE_NAMES[language]},
    )
