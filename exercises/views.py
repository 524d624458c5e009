from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic.access import ClinicianRequest, clinician_required
from exercises.access import exercise_for, exercises_for
from exercises.forms import ExerciseForm, LibrarySearchForm
from exercises.ladder import ladder_for

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
        messages.success(request, f"{exercise.name} was added to your clinic's exercises.")
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
        messages.success(request, "The exercise was saved.")
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
            f"{exercise.name} was archived. It no longer shows in the library; programs that "
            "use it keep it.",
        )
        return redirect("library")
    return render(request, "exercises/exercise_archive.html", {"exercise": exercise})


@require_POST
@clinician_required
def exercise_restore(request: ClinicianRequest, pk: int) -> HttpResponse:
    exercise = exercise_for(request.user, pk, editable=True)
    exercise.is_archived = False
    exercise.save(update_fields=["is_archived", "updated_at"])
    messages.success(request, f"{exercise.name} is back in the library.")
    return redirect(exercise)
