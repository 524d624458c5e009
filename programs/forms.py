from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext_lazy

from clinic.languages import supported
from clinic.models import Patient
from exercises.dose import WEEKDAYS, weekday_mask
from exercises.forms import dress_dose_fields
from programs.field_groups import FieldGroup
from programs.models import Difficulty, EntryStatus, Program, ProgramItem
from programs.prescribing import PRESCRIBED_FIELDS
from programs.sessions import EntryValues

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

WEEKDAY_CHOICES = [(str(day), name[:3]) for day, name in enumerate(WEEKDAYS)]


class DateInput(forms.DateInput):
    input_type = "date"


class FrequencyFormMixin(forms.ModelForm):
    """Shows the weekday bit mask as seven tick boxes. The builder shows these forms many at a
    time, so their fields draw themselves (`{{ form.field.as_field_group }}`)."""

    bound_field_class = FieldGroup

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


DATE_RANGE_YEARS = 5


def years_after(day: date, years: int) -> date:
    """The same day `years` later (earlier when negative); 28 February for a 29th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class ProgramForm(FrequencyFormMixin):
    """A program's settings. A start or end date that is changed must fall within five years
    of the clinic's today: a typo such as 9999 would otherwise stay in the program for good."""

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clinic = self.instance.clinic
        self.today = today or (clinic.today() if clinic else timezone.localdate())
        # Left out of a form (an older page, a script), the program keeps its schedule.
        self.fields["outcome_every_weeks"].required = False
        self.fields["outcome_every_weeks"].widget.attrs.update(inputmode="numeric")

    def _date_in_range(self, name: str, what: str) -> date | None:
        day: date | None = self.cleaned_data.get(name)
        if day is None or day == getattr(self.instance, name):
            return day  # an unchanged date stays, whenever it is
        earliest = years_after(self.today, -DATE_RANGE_YEARS)
        latest = years_after(self.today, DATE_RANGE_YEARS)
        if not earliest <= day <= latest:
            raise forms.ValidationError(
                f"Choose {what} between {format_date(earliest, 'j M Y')} and "
                f"{format_date(latest, 'j M Y')}. Check the year."
            )
        return day

    def clean_start_date(self) -> date | None:
        return self._date_in_range("start_date", "a start date")

    def clean_end_date(self) -> date | None:
        return self._date_in_range("end_date", "an end date")

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
            "stop_if",
            "pain_threshold",
            "outcome_every_weeks",
        ]
        widgets = {
            "start_date": DateInput(format="%Y-%m-%d"),
            "end_date": DateInput(format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"note": "Shown to the patient at the top of the program."}

    def clean_outcome_every_weeks(self) -> int:
        value = self.cleaned_data.get("outcome_every_weeks")
        return self.instance.outcome_every_weeks if value is None else value

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

    def __init__(
        self, *args: Any, templates: QuerySet[Program], today: date, **kwargs: Any
    ) -> None:
        super().__init__(*args, today=today, **kwargs)
        cast("forms.ModelChoiceField[Program]", self.fields["template"]).queryset = templates
        self.fields["start_date"].required = True
        self.initial.setdefault("start_date", today)
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
        fields = PRESCRIBED_FIELDS
        widgets = {"note": forms.TextInput()}
        labels = {
            "times_per_day": "Times a day",
            "days_per_week": "Days a week",
            "as_needed": "As needed",
            "max_per_day": "Up to (times a day)",
        }
        help_texts = {
            "as_needed": "Done when needed (for example a stretch when stiff), not on a "
            "schedule: shown apart on Today and left out of adherence.",
            "max_per_day": "The most times a day, from 1 to 12. Leave empty for no limit.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dress_dose_fields(self)
        for name in ["times_per_day", "days_per_week", "max_per_day"]:
            self.fields[name].widget.attrs.update(inputmode="numeric")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("max_per_day") is not None and not cleaned.get("as_needed"):
            self.add_error(
                "max_per_day",
                "A most-times-a-day is for an exercise done as needed: tick “As needed”, or "
                "leave this empty.",
            )
        return cleaned


class CopyForm(forms.Form):
    patient = forms.ModelChoiceField(
        queryset=Patient.objects.none(),
        label="Copy to which patient",
        empty_label="Choose a patient",
    )

    def __init__(self, *args: Any, patients: QuerySet[Patient], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Patient]", self.fields["patient"]).queryset = patients


PAIN_CHOICES = [
    ("", gettext_lazy("Not noted")),
    ("0", gettext_lazy("0 (no pain)")),
    *[(str(n), str(n)) for n in range(1, 10)],
    ("10", gettext_lazy("10 (worst pain)")),
]
ITEM_FIELD = re.compile(r"^(status|reason|sets|reps|pain)-(\d+)$")
STALE_FORM = gettext_lazy(
    "This page is out of date. Open the session again from Today and try once more."
)


@dataclass(frozen=True)
class CountWords:
    """What the patient reads about one count they type: its label and its messages, each a
    whole sentence so that a translation can word it freely."""

    label: StrPromise
    invalid: StrPromise
    below_zero: StrPromise
    too_many: StrPromise  # %(limit_value)s is the most allowed
    done_with_zero: StrPromise  # the exercise is marked Done with this count at 0


SETS = CountWords(
    label=gettext_lazy("Sets done"),
    invalid=gettext_lazy("Type sets done as a whole number, such as 3."),
    below_zero=gettext_lazy("Sets done can't be less than 0."),
    too_many=gettext_lazy("Sets done can't be more than %(limit_value)s."),
    done_with_zero=gettext_lazy(
        "You marked this Done with 0 sets. Type how many sets you did, or choose Skipped."
    ),
)
REPS = CountWords(
    label=gettext_lazy("Reps in each set"),
    invalid=gettext_lazy("Type reps in each set as a whole number, such as 3."),
    below_zero=gettext_lazy("Reps in each set can't be less than 0."),
    too_many=gettext_lazy("Reps in each set can't be more than %(limit_value)s."),
    done_with_zero=gettext_lazy(
        "You marked this Done with 0 reps. Type how many reps you did, or choose Skipped."
    ),
)


def _count_field(words: CountWords, most: int, initial: int | None) -> forms.IntegerField:
    """A count the patient types, with messages in plain words."""
    return forms.IntegerField(
        label=words.label,
        required=False,
        min_value=0,
        max_value=most,
        initial=initial,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": words.invalid,
            "min_value": words.below_zero,
            "max_value": words.too_many,
        },
    )


class SessionLogForm(forms.Form):
    """One session: done or skipped for each exercise, then how it went. Fields per exercise
    are named status-<item id>, reason-<id>, sets-<id>, reps-<id>, pain-<id>."""

    difficulty = forms.ChoiceField(
        label=gettext_lazy("How did the session feel?"),
        required=False,
        widget=forms.RadioSelect,
        choices=Difficulty.choices,
        error_messages={
            "invalid_choice": gettext_lazy("Choose how the session felt from the list.")
        },
    )
    note = forms.CharField(
        label=gettext_lazy("A note for your physio (optional)"),
        required=False,
        max_length=1000,
        error_messages={"max_length": gettext_lazy("Keep your note to 1,000 characters or fewer.")},
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": STALE_FORM,
            "invalid": STALE_FORM,
        },
    )
    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": STALE_FORM, "invalid": STALE_FORM, "min_value": STALE_FORM},
    )

    def __init__(
        self,
        *args: Any,
        items: list[ProgramItem],
        initial_entries: dict[int, dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            pk, start = item.pk, initial_entries.get(item.pk, {})
            self.fields[f"status-{pk}"] = forms.ChoiceField(
                label=item.display_name,
                choices=EntryStatus.choices,
                widget=forms.RadioSelect,
                initial=start.get("status"),
                error_messages={
                    "required": gettext_lazy("Choose Done or Skipped."),
                    "invalid_choice": gettext_lazy("Choose Done or Skipped."),
                },
            )
            self.fields[f"reason-{pk}"] = forms.CharField(
                label=gettext_lazy("Why skipped? (optional)"),
                required=False,
                max_length=200,
                initial=start.get("reason", ""),
                error_messages={
                    "max_length": gettext_lazy("Keep the reason to 200 characters or fewer.")
                },
            )
            self.fields[f"sets-{pk}"] = _count_field(SETS, 10, start.get("sets"))
            self.fields[f"reps-{pk}"] = _count_field(REPS, 100, start.get("reps"))
            self.fields[f"pain-{pk}"] = forms.TypedChoiceField(
                label=gettext_lazy("Pain during it (0–10)"),
                required=False,
                choices=PAIN_CHOICES,
                coerce=int,
                empty_value=None,
                initial="" if start.get("pain") is None else str(start["pain"]),
                error_messages={
                    "invalid_choice": gettext_lazy("Choose a pain level from 0 to 10.")
                },
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for item in self.items:
            if cleaned.get(f"status-{item.pk}") != EntryStatus.DONE:
                continue
            for name, words in [("sets", SETS), ("reps", REPS)]:
                if cleaned.get(f"{name}-{item.pk}") == 0:
                    self.add_error(f"{name}-{item.pk}", words.done_with_zero)
        return self._refuse_forged_items(cleaned)

    def _refuse_forged_items(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        offered = {item.pk for item in self.items}
        forged = {
            int(match[2])
            for key in self.data
            if (match := ITEM_FIELD.match(key)) and int(match[2]) not in offered
        }
        if forged:
            raise forms.ValidationError(
                gettext_lazy(
                    "This form lists an exercise that is not in your program. Reload the page "
                    "and try again."
                ),
                code="unknown_item",
            )
        return cleaned

    def rows(self) -> list[dict[str, Any]]:
        """The per-exercise fields, grouped for the template."""
        return [
            {
                name: self[f"{name}-{item.pk}"]
                for name in ["status", "reason", "sets", "reps", "pain"]
            }
            | {"item": item, "done": EntryStatus.DONE}
            for item in self.items
        ]

    def entry_values(self) -> list[EntryValues]:
        data = self.cleaned_data
        return [
            EntryValues(
                item=item,
                done=data[f"status-{item.pk}"] == EntryStatus.DONE,
                skip_reason=data[f"reason-{item.pk}"],
                sets_done=data[f"sets-{item.pk}"],
                reps_done=data[f"reps-{item.pk}"],
                pain=data[f"pain-{item.pk}"],
            )
            for item in self.items
        ]


class ReminderSettingsForm(forms.ModelForm):
    reminder_hour = forms.TypedChoiceField(
        label=gettext_lazy("Remind me at"),
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
    )

    class Meta:
        model = Patient
        fields = ["reminders_enabled", "reminder_hour", "message_emails"]
        labels = {
            "reminders_enabled": gettext_lazy("Email me a reminder on exercise days"),
            "message_emails": gettext_lazy("Email me when a message is waiting"),
        }
        help_texts = {
            # The model's help texts, in the patient's language.
            "reminders_enabled": gettext_lazy(
                "An email on days with exercises, if nothing is logged by the chosen hour."
            ),
            "message_emails": gettext_lazy(
                "The email only says that a message is waiting, never what it says."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.clinic.messaging_enabled:
            # Nothing to be told about when the clinic does not take messages.
            del self.fields["message_emails"]


class LanguageForm(forms.ModelForm):
    """The patient's own choice of language. Each language is named in itself ("Español"), so
    a patient who landed on the wrong one can still find theirs."""

    preferred_language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )

    class Meta:
        model = Patient
        fields = ["preferred_language"]


class DischargeForm(forms.Form):
    notes = forms.CharField(
        label="Discharge notes for the patient (optional)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Printed in the discharge summary: progress made, advice for the future.",
    )

    language = forms.ChoiceField(
        label="Language of the summary",
        choices=settings.LANGUAGES,
        required=False,
        help_text="The parts the patient reads are printed in this language; your notes are "
        "printed as you write them.",
    )

    def __init__(self, *args: Any, patient_language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = supported(patient_language)


class AsNeededForm(forms.Form):
    """Logging one use of an exercise done as needed: the pain now, if the patient wants to
    say, and the token that makes a resubmitted form log it once."""

    pain = forms.TypedChoiceField(
        label=gettext_lazy("Pain now (optional)"),
        choices=PAIN_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose your pain from the list.")},
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": STALE_FORM, "invalid": STALE_FORM},
    )
