"""Home programs and templates, their items (exercise + dose), and their version history."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from clinic.models import Clinic, Clinician, Patient
from clinic.storage import documents_storage
from exercises.dose import DOSE_FIELDS, Frequency, describe_frequency, describe_prescription
from exercises.models import BodyPart, DoseFields, Exercise


class FrequencyFields(models.Model):
    """Times a day, and either named weekdays (a bit mask, Monday = 1) or days a week."""

    times_per_day = models.PositiveSmallIntegerField(
        "times a day", default=1, validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    days_per_week = models.PositiveSmallIntegerField(
        "days a week", default=7, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    weekdays = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(127)], help_text="Named days; 0 for none."
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(times_per_day__gte=1, times_per_day__lte=6)
                & Q(days_per_week__gte=1, days_per_week__lte=7)
                & Q(weekdays__gte=0, weekdays__lte=127),
                name="%(class)s_frequency_in_range",
            ),
        ]

    @property
    def frequency(self) -> Frequency:
        return Frequency(self.times_per_day, self.days_per_week, self.weekdays)

    @property
    def frequency_text(self) -> str:
        return describe_frequency(self.frequency)


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    DISCHARGED = "discharged", "Discharged"


class ProgramScope(models.TextChoices):
    PATIENT = "patient", "Patient program"
    PERSONAL = "personal", "My template"
    CLINIC = "clinic", "Clinic template"
    LIBRARY = "library", "Library template"


class ProgramScopeError(ValueError):
    """A program was asked for what its scope does not have: the patient of a template, or the
    clinic of a library template. Callers ask only where the scope is already known (an active
    program is a patient's), so this is a mistake in the code, never something to tell the user."""


def discharge_summary_path(_instance: Program, _filename: str) -> str:
    """A random name in the private documents' storage: nothing in it to guess, not even which
    program it belongs to (the row says that)."""
    return f"discharge-summaries/{uuid.uuid4().hex}.pdf"


class Program(FrequencyFields):
    """A home program for one patient, or a template (no patient) to start programs from."""

    Status = ProgramStatus
    Scope = ProgramScope

    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.PATIENT)
    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="programs",
        help_text="Empty only for library templates, which every clinic can start from.",
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, null=True, blank=True, related_name="programs"
    )
    owner = models.ForeignKey(
        Clinician,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who a personal template belongs to.",
    )
    title = models.CharField(max_length=120)
    body_part = models.CharField(
        max_length=20,
        choices=BodyPart.choices,
        blank=True,
        help_text="For templates: the body part it is for, to group templates by.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    note = models.TextField(
        "note to the patient",
        blank=True,
        max_length=2000,
        validators=[MaxLengthValidator(2000)],  # a TextField's max_length binds only forms
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(
        default=0, help_text="Goes up with every change; a form from an older revision is stale."
    )
    seen_version = models.PositiveIntegerField(
        default=0, help_text="The latest version the patient has acknowledged in the portal."
    )
    pain_threshold = models.PositiveSmallIntegerField(
        "pain that stops an exercise (0–10)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Leave empty to use the clinic's.",
    )
    stop_if = models.CharField(
        "stop if",
        max_length=200,
        blank=True,
        help_text="Shown beside the pain question, e.g. 'Stop if pain goes above 5/10'.",
    )
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    discharge_notes = models.TextField(blank=True, max_length=3000)
    discharge_summary = models.FileField(
        upload_to=discharge_summary_path,
        storage=documents_storage,
        blank=True,
        help_text="The PDF given at discharge, kept as it was.",
    )
    discharge_summary_made_at = models.DateTimeField(null=True, blank=True)
    note_translations = models.JSONField(
        default=dict,
        blank=True,
        help_text="Library templates: the note in other languages, as {language: note}.",
    )
    outcome_every_weeks = models.PositiveSmallIntegerField(
        "outcome questionnaire every (weeks)",
        default=2,
        validators=[MaxValueValidator(12)],
        help_text="The patient answers at the start, then this often, and at discharge; 0 for "
        "only at the start and at discharge.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope=ProgramScope.PATIENT)
                    & Q(patient__isnull=False)
                    & Q(clinic__isnull=False)
                )
                | (
                    Q(scope__in=[ProgramScope.PERSONAL, ProgramScope.CLINIC])
                    & Q(patient__isnull=True)
                    & Q(clinic__isnull=False)
                )
                | (
                    Q(scope=ProgramScope.LIBRARY) & Q(patient__isnull=True) & Q(clinic__isnull=True)
                ),
                name="program_scope_matches_owner",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProgramStatus.values),
                name="program_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="program_ends_after_it_starts",
            ),
            *FrequencyFields.Meta.constraints,
            models.CheckConstraint(
                condition=Q(pain_threshold__isnull=True)
                | Q(pain_threshold__gte=1, pain_threshold__lte=10),
                name="program_pain_threshold_1_to_10",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "status"]),
            models.Index(fields=["clinic", "scope"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("program_builder", args=[self.pk])

    @property
    def is_template(self) -> bool:
        return self.scope != self.Scope.PATIENT

    @property
    def is_editable(self) -> bool:
        return self.scope != self.Scope.LIBRARY and self.status != self.Status.DISCHARGED

    def require_patient(self) -> Patient:
        """The patient of a patient program, which the database guarantees it has."""
        if self.patient is None:
            raise ProgramScopeError(f"{self.get_scope_display()} {self.pk} has no patient.")
        return self.patient

    def require_clinic(self) -> Clinic:
        """The clinic of a patient program or a clinic's template; library templates have none."""
        if self.clinic is None:
            raise ProgramScopeError(f"{self.get_scope_display()} {self.pk} has no clinic.")
        return self.clinic

    def today(self) -> date:
        """Today where the program's clinic is (see Clinic.today)."""
        return self.require_clinic().today()

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})


QUALIFIER_LENGTH = 60


class ProgramItem(DoseFields, FrequencyFields):
    """One exercise in a program, with its dose. Its own frequency, when set, overrides the
    program's (for example a stretch twice a day in a once-a-day program)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    note = models.CharField("note to the patient", max_length=300, blank=True)
    has_own_frequency = models.BooleanField(
        "own frequency", default=False, help_text="Use this item's frequency, not the program's."
    )
    qualifier = models.CharField(
        max_length=QUALIFIER_LENGTH,
        blank=True,
        help_text="Tells apart two items of the same exercise, e.g. 'left'. Set by prescribing.",
    )
    as_needed = models.BooleanField(
        "as needed",
        default=False,
        help_text="Done when needed (for example a stretch when stiff), not on a schedule: "
        "counted, but outside adherence.",
    )
    max_per_day = models.PositiveSmallIntegerField(
        "up to (times a day)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="For an as-needed exercise: the most times a day. Empty for no limit.",
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            *DoseFields.Meta.constraints,
            *FrequencyFields.Meta.constraints,
            models.CheckConstraint(
                condition=Q(max_per_day__isnull=True) | Q(max_per_day__gte=1, max_per_day__lte=12),
                name="item_max_per_day_1_to_12",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} in {self.program}"

    @property
    def display_name(self) -> str:
        """The exercise's name in the language being spoken, told apart from a twin of the same
        exercise: "Glute bridge (left)"."""
        name = self.exercise.words.name
        return f"{name} ({self.qualifier})" if self.qualifier else name

    @property
    def effective_frequency(self) -> Frequency:
        return self.frequency if self.has_own_frequency else self.program.frequency

    @property
    def prescription_text(self) -> str:
        """What the patient reads: "3 sets of 10 reps, each side, hold 1 second, once a day,
        every day", or for an exercise done as needed "..., as needed, up to 3 times a day"."""
        return describe_prescription(
            self.dose,
            self.effective_frequency,
            as_needed=self.as_needed,
            max_per_day=self.max_per_day,
        )


ITEM_FIELDS = [
    *DOSE_FIELDS,
    "note",
    "has_own_frequency",
    "times_per_day",
    "days_per_week",
    "weekdays",
]
"""What a clinician sets on an item: its dose, note and own frequency."""


class ProgramVersion(models.Model):
    """What an active program looked like after a change, who made it, and what changed.
    Read-only history: it is never edited."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changes = models.JSONField(default=list, help_text="What changed, in readable lines.")
    patient_changes = models.JSONField(
        default=list, help_text="What changed, in words for the patient."
    )
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the patient was emailed about this change."
    )
    snapshot = models.JSONField(help_text="The whole program as it was after this change.")

    class Meta:
        ordering = ["program", "-number"]
        constraints = [
            models.UniqueConstraint("program", "number", name="one_version_number_per_program"),
        ]

    def __str__(self) -> str:
        return f"{self.program} v{self.number}"


class Difficulty(models.TextChoices):
    TOO_EASY = "too_easy", gettext_lazy("Too easy")
    ABOUT_RIGHT = "about_right", gettext_lazy("About right")
    TOO_HARD = "too_hard", gettext_lazy("Too hard")


class SessionLog(models.Model):
    """One session a patient did (or logged) for one program on one day.

    Tied to the program version in force when it was logged, so what it refers to stays
    readable after the program changes. Never deleted and never duplicated: a day and slot have
    one log (editing updates it), and the form's token makes a resubmitted form a no-op."""

    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        related_name="sessions",
        db_index=False,  # the unique constraint on (program, date, slot) serves it
    )
    version = models.ForeignKey(ProgramVersion, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField(help_text="The day the session was done.")
    slot = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text="Which session of the day, for programs done more than once a day.",
    )
    difficulty = models.CharField(max_length=12, choices=Difficulty.choices, blank=True)
    note = models.TextField("note to your physio", blank=True, max_length=1000)
    token = models.UUIDField(unique=True, help_text="Sent by the form: one submission, one log.")
    revision = models.PositiveIntegerField(
        default=1, help_text="Goes up with every edit; a form showing an older one is stale."
    )
    logged_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    note_read_at = models.DateTimeField(null=True, blank=True)
    note_read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A carer who entered it on the patient's behalf; empty when the patient did.",
    )

    class Meta:
        ordering = ["-date", "-slot"]
        constraints = [
            # Also the index of a program's sessions by day: its leading columns serve every
            # "this program's sessions" and "... between these days" query.
            models.UniqueConstraint("program", "date", "slot", name="one_log_per_program_day_slot"),
            models.CheckConstraint(condition=Q(slot__gte=1, slot__lte=6), name="log_slot_1_to_6"),
        ]

    def __str__(self) -> str:
        return f"{self.program} on {self.date}"

    @property
    def is_backdated(self) -> bool:
        """Logged on a later day than it was done, by the clinic's calendar."""
        if self.logged_at is None:
            return False
        return self.program.require_clinic().local_date(self.logged_at) > self.date

    @property
    def max_pain(self) -> int | None:
        pains = [entry.pain for entry in self.entries.all() if entry.pain is not None]
        return max(pains) if pains else None


class EntryStatus(models.TextChoices):
    """What the patient answers for each exercise of a session."""

    DONE = "done", gettext_lazy("Done")
    SKIPPED = "skipped", gettext_lazy("Skipped")


class SessionEntry(models.Model):
    """What the patient did for one exercise in a session."""

    session = models.ForeignKey(
        SessionLog,
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,  # the unique constraint on (session, item_ref) serves it
    )
    item = models.ForeignKey(
        ProgramItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )
    item_ref = models.PositiveIntegerField(help_text="The item's id, kept if the item is removed.")
    exercise_name = models.CharField(max_length=170, help_text="As the patient saw it when logged.")
    prescription = models.CharField(max_length=300, help_text="The dose as it was when logged.")
    done = models.BooleanField()
    skip_reason = models.CharField(max_length=200, blank=True)
    sets_done = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    reps_done = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    pain = models.PositiveSmallIntegerField(
        "pain (0–10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint("session", "item_ref", name="one_entry_per_item_per_session"),
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | Q(pain__lte=10), name="entry_pain_0_to_10"
            ),
            models.CheckConstraint(
                condition=Q(sets_done__isnull=True) | Q(sets_done__lte=10),
                name="entry_sets_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(reps_done__isnull=True) | Q(reps_done__lte=100),
                name="entry_reps_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise_name}: {'done' if self.done else 'skipped'}"


class AlertKind(models.TextChoices):
    HIGH_PAIN = "high_pain", "High pain"
    PAIN_RISING = "pain_rising", "Pain rising"
    SILENT = "silent", "No sessions"
    LOW_ADHERENCE = "low_adherence", "Low adherence"
    NO_IMPROVEMENT = "no_improvement", "No improvement"


class AlertHandled(models.Model):
    """A clinician marked an alert handled. Alerts themselves are worked out from the logs each
    time (programs/insights.py); `key` names the occurrence (a session, a silent-since date, a
    week), so the same alert stays handled and a new occurrence alerts again."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="handled_alerts")
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    key = models.CharField(max_length=40)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    handled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-handled_at"]
        constraints = [
            models.UniqueConstraint("patient", "kind", "key", name="alert_handled_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient} handled"


class DocumentKind(models.TextChoices):
    HANDOUT = "handout", "Program handout"
    DISCHARGE = "discharge", "Discharge summary"


class DocumentDownload(models.Model):
    """Who downloaded which document, when: the audit trail of handouts and summaries."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="downloads")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.program} by {self.user}"


class OutcomeStatus(models.TextChoices):
    """A patient's outcome measures at a glance (programs/outcomes.py says what is important)."""

    IMPROVED = "improved", gettext_lazy("Important improvement")
    NO_CHANGE = "no_change", gettext_lazy("No important change")
    WORSE = "worse", gettext_lazy("Important worsening")


class PatientFigures(models.Model):
    """The dashboard's figures of one patient, as worked out for one day in their clinic, so
    the caseload is sorted, filtered and paged by the database (programs/figures.py keeps them).

    `dirty` is set, in the same transaction, by anything that changes them (a session logged,
    the program changed, an alert handled, a note read); rows whose day has passed are out of
    date too. Neither is ever shown: the dashboard works out again the rows it is about to
    sort before it sorts them."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )
    as_of = models.DateField(null=True, help_text="The clinic's day these figures are for.")
    dirty = models.BooleanField(default=True, help_text="Something changed since they were made.")
    active_programs = models.PositiveSmallIntegerField(default=0)
    adherence_7_done = models.PositiveIntegerField(default=0)
    adherence_7_scheduled = models.PositiveIntegerField(default=0)
    adherence_28_done = models.PositiveIntegerField(default=0)
    adherence_28_scheduled = models.PositiveIntegerField(default=0)
    adherence_7 = models.FloatField(null=True, help_text="Done / scheduled, to sort by.")
    adherence_28 = models.FloatField(null=True, help_text="Done / scheduled, to sort by.")
    last_session = models.DateField(null=True)
    latest_pain = models.PositiveSmallIntegerField(null=True)
    pain_trend = models.FloatField(null=True)
    unread_notes = models.PositiveIntegerField(default=0)
    open_alerts = models.PositiveSmallIntegerField(default=0)
    alert_kinds = models.CharField(
        max_length=100, blank=True, help_text='Open alerts\' kinds, as ",high_pain,silent,".'
    )
    alerts = models.JSONField(default=list, help_text="Open alerts: kind, key and reason.")
    outcome_change = models.FloatField(
        null=True,
        help_text="The best change of an outcome measure (NPRS, PSFS) of the active programs, "
        "in points towards better; to sort by.",
    )
    outcome_status = models.CharField(
        max_length=12,
        choices=OutcomeStatus.choices,
        blank=True,
        help_text="What the outcome measures say; empty before any measure can be compared.",
    )

    class Meta:
        verbose_name_plural = "patient figures"

    def __str__(self) -> str:
        return f"Figures of patient {self.patient_id} as of {self.as_of}"


class Occasion(models.TextChoices):
    """Why the patient is asked the outcome measures (programs/outcomes.py)."""

    START = "start", "Start of care"
    FOLLOW_UP = "follow_up", "Follow-up"
    REQUESTED = "requested", "Sent by the clinician"
    DISCHARGE = "discharge", "Discharge"


class Questionnaire(models.Model):
    """One occasion on which a patient answers a program's outcome measures.

    A row exists once the clinician sends one, a reminder goes out, or the patient answers;
    the schedule itself is worked out from the program (programs/outcomes.py). `completed_at`
    is set once, with the answers, in one transaction; `token` comes from the form, so a
    second submit of the same form is recognised and records nothing more."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questionnaires")
    occasion = models.CharField(max_length=10, choices=Occasion.choices)
    due_on = models.DateField(help_text="The clinic's day it was due from.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True, help_text="The clinic's day answered.")
    token = models.UUIDField(null=True, blank=True, unique=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A carer who entered it on the patient's behalf; empty when the patient did.",
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint("program", "occasion", "due_on", name="questionnaire_once"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True, completed_on__isnull=True)
                | Q(completed_at__isnull=False, completed_on__isnull=False),
                name="questionnaire_completed_with_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} questionnaire of {self.program} due {self.due_on}"


class PsfsActivity(models.Model):
    """An activity the patient finds hard, rated on the Patient-Specific Functional Scale at each
    questionnaire of the program. Named by the patient (or pre-filled by the clinician); one
    that has ratings is retired rather than deleted, so earlier scores keep their meaning."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="activities")
    text = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "PSFS activities"

    def __str__(self) -> str:
        return self.text


class Answer(models.Model):
    """One answer on a questionnaire: the value given for one instrument (NPRS, GROC) or for one
    activity of the PSFS. Kept on erasure: the scores stay, the activity's words go."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="answers"
    )
    instrument = models.CharField(max_length=8)
    activity = models.ForeignKey(
        PsfsActivity, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    value = models.SmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                "questionnaire",
                "instrument",
                condition=Q(activity__isnull=True),
                name="answer_once_per_instrument",
            ),
            models.UniqueConstraint("questionnaire", "activity", name="answer_once_per_activity"),
            models.CheckConstraint(
                condition=Q(value__gte=0, value__lte=10), name="answer_value_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.value}"


class AsNeededLog(models.Model):
    """One time a patient did an as-needed exercise. Counted and charted, never part of
    adherence. Like session logs, never deleted; the form's token records a resubmit once."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="as_needed_logs")
    item = models.ForeignKey(
        ProgramItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="uses"
    )
    item_ref = models.PositiveIntegerField(help_text="The item's id, kept if the item is removed.")
    exercise_name = models.CharField(max_length=170, help_text="As the patient saw it when logged.")
    date = models.DateField(help_text="The clinic's day it was done.")
    logged_at = models.DateTimeField(default=timezone.now)
    pain = models.PositiveSmallIntegerField(
        "pain (0–10)", null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    token = models.UUIDField(unique=True, help_text="Sent by the form: one submission, one log.")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A carer who entered it on the patient's behalf; empty when the patient did.",
    )

    class Meta:
        ordering = ["-logged_at", "-pk"]
        indexes = [models.Index(fields=["program", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | Q(pain__lte=10), name="as_needed_pain_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise_name} as needed on {self.date}"


MESSAGE_LENGTH = 2000


class MessageThread(models.Model):
    """A patient's conversation with their clinic: one per patient, kept with the record.
    `assigned_to` is the clinician who answers it; a thread can be handed to a colleague."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="thread")
    assigned_to = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="threads")
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Messages of {self.patient}"


class MessageAuthor(models.TextChoices):
    PATIENT = "patient", gettext_lazy("Patient")
    CARER = "carer", gettext_lazy("Carer")
    CLINIC = "clinic", gettext_lazy("Clinic")


class Message(models.Model):
    """One message between a patient (or their carer) and the clinic. Plain text, never edited
    once read; `token` makes a resubmitted form send it once. `notified_at` is when the other
    side was emailed that a message waits (the email never says what)."""

    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=8, choices=MessageAuthor.choices)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sender_name = models.CharField(max_length=150, help_text="As the reader saw it when sent.")
    body = models.TextField(
        max_length=MESSAGE_LENGTH, validators=[MaxLengthValidator(MESSAGE_LENGTH)]
    )
    sent_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    token = models.UUIDField(unique=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["thread", "read_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(author__in=MessageAuthor.values), name="message_author_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.thread}"

    @property
    def from_clinic(self) -> bool:
        return self.author == MessageAuthor.CLINIC


class RtmEpisode(models.Model):
    """A remote therapeutic monitoring episode of one patient (programs/rtm.py counts its
    periods). Started by a clinician on the day device set-up and education were done."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="rtm_episodes")
    clinician = models.ForeignKey(
        Clinician, on_delete=models.PROTECT, related_name="+", help_text="The treating clinician."
    )
    setup_on = models.DateField("set-up and education done on")
    ended_on = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-setup_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                "patient", condition=Q(ended_on__isnull=True), name="one_open_rtm_episode"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("setup_on")),
                name="rtm_episode_ends_after_setup",
            ),
        ]

    def __str__(self) -> str:
        return f"RTM episode of {self.patient} from {self.setup_on}"


class Interaction(models.TextChoices):
    NONE = "", "No"
    CALL = "call", "Phone call"
    VIDEO = "video", "Video visit"


class RtmTime(models.Model):
    """Treatment-management time a clinician spent on one patient on one day, and whether it
    was the month's real-time interaction (a call or video visit)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="rtm_time")
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    started_at = models.TimeField(null=True, blank=True)
    stopped_at = models.TimeField(null=True, blank=True)
    activity = models.CharField("what was done", max_length=200)
    interaction = models.CharField(
        "real-time interaction", max_length=8, choices=Interaction.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["patient", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=600), name="rtm_minutes_1_to_600"
            ),
            models.CheckConstraint(
                condition=Q(interaction__in=Interaction.values), name="rtm_interaction_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min for {self.patient} on {self.date}"
