from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.db import transaction
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.forms import RowsField, SearchField, one_line
from clinic.images import clean_uploaded_image
from clinic.models import Clinic
from exercises.dose import DOSE_FIELDS, Band
from exercises.ladder import ladder_for, link_exercises, unlink
from exercises.models import (
    ActivityType,
    BodyPart,
    Equipment,
    Exercise,
    ExerciseQuerySet,
    ExerciseText,
    LinkKind,
    Movement,
    Position,
    Region,
    SkillLevel,
)


def with_any(
    label: str | Promise, choices: Sequence[tuple[str, str | Promise]]
) -> list[tuple[str, str | Promise]]:
    return [("", label), *choices]


class LibrarySearchForm(forms.Form):
    q = SearchField(label=gettext_lazy("Search"), required=False, max_length=100)
    region = forms.ChoiceField(
        label=gettext_lazy("Region"),
        required=False,
        choices=with_any(gettext_lazy("Any region"), Region.choices),
    )
    body_part = forms.ChoiceField(
        label=gettext_lazy("Body part"),
        required=False,
        choices=with_any(gettext_lazy("Any body part"), BodyPart.choices),
    )
    activity_type = forms.ChoiceField(
        label=gettext_lazy("Activity"),
        required=False,
        choices=with_any(gettext_lazy("Any activity"), ActivityType.choices),
    )
    equipment = forms.ChoiceField(label=gettext_lazy("Equipment"), required=False)
    skill_level = forms.ChoiceField(
        label=gettext_lazy("Level"),
        required=False,
        choices=with_any(gettext_lazy("Any level"), SkillLevel.choices),
    )
    position = forms.ChoiceField(
        label=gettext_lazy("Position"),
        required=False,
        choices=with_any(gettext_lazy("Any position"), Position.choices),
    )

    FILTERS = ["region", "body_part", "activity_type", "skill_level", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        equipment = cast(forms.ChoiceField, self.fields["equipment"])
        equipment.choices = with_any(
            _("Any equipment"), list(Equipment.objects.values_list("slug", "name"))
        )

    def filter(self, exercises: ExerciseQuerySet) -> ExerciseQuerySet:
        if not self.is_valid():
            return exercises
        data = self.cleaned_data
        if data["q"].strip():
            exercises = exercises.search(data["q"])
        for name in self.FILTERS:
            if data[name]:
                exercises = exercises.filter(**{name: data[name]})
        if data["equipment"]:
            exercises = exercises.filter(equipment__slug=data["equipment"])
        return exercises

    @property
    def is_searched(self) -> bool:
        """Words were searched for: the results come best match first, not by name."""
        return self.is_valid() and bool(self.cleaned_data["q"].strip())

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


NUMERIC_DOSE_FIELDS = ["sets", "reps_min", "reps_max", "hold_min", "hold_max", "rest_seconds"]


def dress_dose_fields(form: forms.BaseForm) -> None:
    """The dose inputs as the exercise form and the program item form both show them: number
    keypads on phones, and "No band" rather than a row of dashes."""
    for name in NUMERIC_DOSE_FIELDS:
        form.fields[name].widget.attrs.update(inputmode="numeric")
    form.fields["load_kg"].widget.attrs.update(inputmode="decimal", step="0.5")
    cast(forms.ChoiceField, form.fields["band"]).choices = [("", _("No band")), *Band.choices]


class LinesField(forms.Field):
    """A textarea where each non-empty line is one item of a list."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        text = "" if value in self.empty_values else str(value)
        if "\x00" in text:
            raise forms.ValidationError(_("This text holds a null character. Retype it by hand."))
        return [line.strip() for line in text.splitlines() if line.strip()]


LINK_FIELDS = {
    "progressions": LinkKind.PROGRESSION,
    "regressions": LinkKind.REGRESSION,
    "alternatives": LinkKind.ALTERNATIVE,
}


class ExerciseForm(forms.ModelForm):
    """A clinic's own exercise, with its pictures and its place on the ladder."""

    steps = LinesField(
        label=gettext_lazy("Steps"),
        help_text=gettext_lazy("One step per line, in order. Short, plain sentences."),
    )
    cues = LinesField(
        label=gettext_lazy("Form cues"), required=False, help_text=gettext_lazy("One cue per line.")
    )
    mistakes = LinesField(
        label=gettext_lazy("Common mistakes"),
        required=False,
        help_text=gettext_lazy("One per line."),
    )
    precautions = LinesField(
        label=gettext_lazy("Precautions"), required=False, help_text=gettext_lazy("One per line.")
    )
    movements = forms.MultipleChoiceField(
        label=gettext_lazy("Movements trained"),
        choices=Movement.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    upload = forms.FileField(
        label=gettext_lazy("Picture"),
        required=False,
        help_text=gettext_lazy("JPEG or PNG, at most 5 MB and 20 megapixels."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    video_url = forms.URLField(
        label=gettext_lazy("Video link"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Shown as a link; the video is not embedded."),
    )
    progressions = RowsField(
        queryset=Exercise.objects.none(),
        required=False,
        label=gettext_lazy("Harder versions (progressions)"),
    )
    regressions = RowsField(
        queryset=Exercise.objects.none(),
        required=False,
        label=gettext_lazy("Easier versions (regressions)"),
    )
    alternatives = RowsField(
        queryset=Exercise.objects.none(), required=False, label=gettext_lazy("Alternatives")
    )

    class Meta:
        model = Exercise
        fields = [
            "name",
            "summary",
            "purpose",
            "position",
            "region",
            "body_part",
            "activity_type",
            "skill_level",
            "equipment",
            "target_muscles",
            "movements",
            "steps",
            "cues",
            "mistakes",
            "precautions",
            *DOSE_FIELDS,
            "image_alt",
            "media_credit",
            "media_licence",
            "video_url",
        ]
        field_classes = {"equipment": RowsField, "target_muscles": RowsField}
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "equipment": forms.CheckboxSelectMultiple,
            "target_muscles": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.instance.clinic = clinic
        dress_dose_fields(self)
        choices = Exercise.objects.visible_to_clinic(clinic).active()
        if self.instance.pk:
            choices = choices.exclude(pk=self.instance.pk)
            ladder = ladder_for(self.instance, clinic)
            self.initial.update(
                progressions=[rung.exercise.pk for rung in ladder.progressions],
                regressions=[rung.exercise.pk for rung in ladder.regressions],
                alternatives=[rung.exercise.pk for rung in ladder.alternatives],
            )
        for name in LINK_FIELDS:
            cast("forms.ModelMultipleChoiceField[Exercise]", self.fields[name]).queryset = choices

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        return clean_uploaded_image(upload)

    def clean_image_alt(self) -> str:
        return one_line(self.cleaned_data["image_alt"], _("The picture description"))

    def clean_media_credit(self) -> str:
        return one_line(self.cleaned_data["media_credit"], _("Who made it"))

    def clean_media_licence(self) -> str:
        return one_line(self.cleaned_data["media_licence"], _("The licence"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("upload") and not cleaned.get("image_alt") and "image_alt" in cleaned:
            self.add_error(
                "image_alt",
                _(
                    "Describe the picture for people who cannot see it, e.g. 'A woman lying on "
                    "her side, knees bent, lifting her top knee'."
                ),
            )
        seen: dict[int, str] = {}
        for name in LINK_FIELDS:
            for exercise in cleaned.get(name) or []:
                if exercise.pk in seen:
                    self.add_error(
                        name,
                        _("%(name)s is already listed under %(other)s. Choose one kind of link.")
                        % {"name": exercise.name, "other": self.fields[seen[exercise.pk]].label},
                    )
                seen[exercise.pk] = name
        return cleaned

    def _unique_slug(self) -> str:
        base = slugify(self.cleaned_data["name"])[:90] or "exercise"
        slug, n = base, 2
        taken = Exercise.objects.filter(clinic=self.clinic).exclude(pk=self.instance.pk)
        while taken.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def save(self, commit: bool = True) -> Exercise:
        if not commit:
            raise ValueError("ExerciseForm saves its links too; call save() with commit=True.")
        with transaction.atomic():
            exercise = super().save(commit=False)
            if not exercise.slug:
                exercise.slug = self._unique_slug()
            if self.cleaned_data.get("upload"):
                exercise.image.save(
                    self.cleaned_data["upload"].name, self.cleaned_data["upload"], save=False
                )
            exercise.save()
            self.save_m2m()
            self._save_links(exercise)
        return exercise

    def _save_links(self, exercise: Exercise) -> None:
        current = ladder_for(exercise, self.clinic)
        had = {rung.exercise.pk: LinkKind.PROGRESSION for rung in current.progressions}
        had |= {rung.exercise.pk: LinkKind.REGRESSION for rung in current.regressions}
        had |= {rung.exercise.pk: LinkKind.ALTERNATIVE for rung in current.alternatives}
        wanted = {
            other.pk: (other, kind)
            for name, kind in LINK_FIELDS.items()
            for other in self.cleaned_data.get(name) or []
        }
        for pk, (other, kind) in wanted.items():
            if had.get(pk) != kind:
                link_exercises(exercise, other, kind)
        for pk in set(had) - set(wanted):
            unlink(exercise, Exercise(pk=pk))


class ExerciseTextForm(forms.ModelForm):
    """A clinic's own exercise in another language: each text the patient reads. A text left
    empty is printed in English; each list keeps the English number of lines, so step 3 is
    step 3 in both languages."""

    steps = LinesField(label=gettext_lazy("Steps"), required=False)
    cues = LinesField(label=gettext_lazy("Form cues"), required=False)
    mistakes = LinesField(label=gettext_lazy("Common mistakes"), required=False)
    precautions = LinesField(label=gettext_lazy("Precautions"), required=False)

    class Meta:
        model = ExerciseText
        fields = ["name", "summary", "purpose", "steps", "cues", "mistakes", "precautions"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, exercise: Exercise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exercise = exercise
        for name, field in self.fields.items():
            english = getattr(exercise, name)
            shown = "\n".join(english) if isinstance(english, list) else english
            field.help_text = _("English: %(text)s") % {"text": shown} if shown else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ["steps", "cues", "mistakes", "precautions"]:
            lines, english = cleaned.get(name) or [], getattr(self.exercise, name)
            if lines and len(lines) != len(english):
                self.add_error(
                    name,
                    _("Give %(count)s lines, one for each line of the English, or none.")
                    % {"count": len(english)},
                )
        return cleaned
