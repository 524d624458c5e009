from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from clinic.models import Patient
from exercises.dose import WEEKDAYS, weekday_mask
from programs.models import DOSE_FIELDS, Program, ProgramItem

WEEKDAY_CHOICES = [(str(day), name[:3]) for day, name in enumerate(WEEKDAYS)]


class DateInput(forms.DateInput):
    input_type = "date"


class FrequencyFormMixin(forms.ModelForm):
    """Shows the weekday bit mask as seven tick boxes."""

    weekdays = forms.MultipleChoiceField(
        label="Or on these days",
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ticked days win over 'days a week'.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mask = self.instance.weekdays or 0
        self.initial["weekdays"] = [str(day) for day in range(7) if mask & (1 << day)]

    def clean_weekdays(self) -> int:
        return weekday_mask([int(day) for day in self.cleaned_data["weekdays"]])


class ProgramForm(FrequencyFormMixin):
    class Meta:
        model = Program
        fields = [
            "title",
            "start_date",
            "end_date",
            "times_per_day",
            "days_per_week",
            "weekdays",
            "note",
        ]
        widgets = {
            "start_date": DateInput(format="%Y-%m-%d"),
            "end_date": DateInput(format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"note": "Shown to the patient at the top of the program."}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        return cleaned


class NewProgramForm(ProgramForm):
    template = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        required=False,
        label="Start from a template",
        empty_label="An empty program",
    )

    class Meta(ProgramForm.Meta):
        fields = ["template", *ProgramForm.Meta.fields]

    def __init__(self, *args: Any, templates: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        self.fields["start_date"].required = True
        self.initial.setdefault("start_date", timezone.localdate())
        self.initial.setdefault("title", "Home exercise program")


class TemplateForm(forms.ModelForm):
    scope = forms.ChoiceField(
        label="Who can use it",
        choices=[
            (Program.Scope.PERSONAL, "Only me"),
            (Program.Scope.CLINIC, "Everyone in my clinic"),
        ],
        initial=Program.Scope.PERSONAL,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Program
        fields = ["title"]
        labels = {"title": "Template name"}


class ItemForm(FrequencyFormMixin):
    class Meta:
        model = ProgramItem
        fields = DOSE_FIELDS
        widgets = {"note": forms.TextInput()}
        labels = {"times_per_day": "Times a day", "days_per_week": "Days a week"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in [
            "sets",
            "reps_min",
            "reps_max",
            "hold_min",
            "hold_max",
            "rest_seconds",
            "times_per_day",
            "days_per_week",
        ]:
            self.fields[name].widget.attrs.update(inputmode="numeric")
        self.fields["load_kg"].widget.attrs.update(inputmode="decimal", step="0.5")


class CopyForm(forms.Form):
    patient = forms.ModelChoiceField(
        queryset=Patient.objects.none(),
        label="Copy to which patient",
        empty_label="Choose a patient",
    )

    def __init__(self, *args: Any, patients: QuerySet[Patient], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients  # type: ignore[attr-defined]
