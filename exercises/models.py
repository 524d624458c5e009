"""The exercise library: exercises, the equipment and muscles they use, and the links between
them (progression, regression, alternative)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.templatetags.static import static
from django.urls import reverse

from clinic.models import Clinic
from exercises.dose import Dose, Side, describe_dose


class Position(models.TextChoices):
    SIDE_LYING = "side_lying", "Side-lying"
    SUPINE = "supine", "Lying on your back"
    PRONE = "prone", "Lying on your front"
    SITTING = "sitting", "Sitting"
    STANDING = "standing", "Standing"
    KNEELING = "kneeling", "Kneeling"
    HANDS_AND_KNEES = "hands_and_knees", "On hands and knees"


class Region(models.TextChoices):
    LOWER_BODY = "lower_body", "Lower body"
    UPPER_BODY = "upper_body", "Upper body"
    TRUNK = "trunk", "Trunk and core"
    WHOLE_BODY = "whole_body", "Whole body"


class BodyPart(models.TextChoices):
    HIP_AND_GLUTES = "hip_glutes", "Hips and glutes"
    THIGH = "thigh", "Thigh"
    KNEE = "knee", "Knee"
    ANKLE_FOOT = "ankle_foot", "Ankle and foot"
    LOWER_BACK = "lower_back", "Lower back"
    ABDOMEN = "abdomen", "Abdomen"
    SHOULDER = "shoulder", "Shoulder"
    NECK = "neck", "Neck"
    ARM_HAND = "arm_hand", "Arm and hand"


class ActivityType(models.TextChoices):
    BODY_WEIGHT = "body_weight", "Body-weight strength"
    RESISTANCE_BAND = "resistance_band", "Resistance band"
    WEIGHTS = "weights", "Weights"
    MOBILITY = "mobility", "Mobility and stretching"
    BALANCE = "balance", "Balance"


class SkillLevel(models.TextChoices):
    ALL = "all", "All levels"
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class Movement(models.TextChoices):
    HIP_INTERNAL_ROTATION = "hip_internal_rotation", "Hip internal rotation"
    HIP_EXTERNAL_ROTATION = "hip_external_rotation", "Hip external rotation"
    HIP_ABDUCTION = "hip_abduction", "Hip abduction"
    HIP_ADDUCTION = "hip_adduction", "Hip adduction"
    HIP_EXTENSION = "hip_extension", "Hip extension"
    HIP_FLEXION = "hip_flexion", "Hip flexion"
    KNEE_EXTENSION = "knee_extension", "Knee extension"
    KNEE_FLEXION = "knee_flexion", "Knee flexion"
    ANKLE_PLANTARFLEXION = "ankle_plantarflexion", "Ankle plantarflexion"
    ANKLE_DORSIFLEXION = "ankle_dorsiflexion", "Ankle dorsiflexion"
    TRUNK_STABILITY = "trunk_stability", "Trunk stability"
    SHOULDER_EXTERNAL_ROTATION = "shoulder_external_rotation", "Shoulder external rotation"


class Equipment(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "equipment"

    def __str__(self) -> str:
        return self.name


class Muscle(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    plain_name = models.CharField(
        max_length=80, blank=True, help_text="What a patient would call it, e.g. 'side of the hip'."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExerciseQuerySet(models.QuerySet["Exercise"]):
    def visible_to_clinic(self, clinic: Clinic | None) -> ExerciseQuerySet:
        """The global library plus the clinic's own exercises."""
        if clinic is None:
            return self.filter(clinic__isnull=True)
        return self.filter(Q(clinic__isnull=True) | Q(clinic=clinic))

    def active(self) -> ExerciseQuerySet:
        return self.filter(is_archived=False)

    def search(self, text: str) -> ExerciseQuerySet:
        """Every word must appear in the name, summary, muscles, steps or cues."""
        matches = self
        for word in text.split():
            muscle_hits = Muscle.objects.filter(
                Q(name__icontains=word) | Q(plain_name__icontains=word)
            )
            matches = matches.filter(
                Q(name__icontains=word)
                | Q(summary__icontains=word)
                | Q(steps__icontains=word)
                | Q(cues__icontains=word)
                | Q(target_muscles__in=muscle_hits)
            )
        return matches.distinct()


def list_of_text(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ValidationError("Enter a list of non-empty lines of text.")


class Exercise(models.Model):
    """One exercise, in words a patient understands. `clinic` empty: the global library,
    edited by operators only; otherwise a clinic's own exercise, seen only in that clinic."""

    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, null=True, blank=True, related_name="exercises"
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    summary = models.CharField(max_length=200, help_text="One line: what the exercise is.")
    purpose = models.TextField(help_text="Why it helps, in plain words.")
    position = models.CharField(max_length=20, choices=Position.choices)
    region = models.CharField(max_length=20, choices=Region.choices)
    body_part = models.CharField(max_length=20, choices=BodyPart.choices)
    activity_type = models.CharField(max_length=20, choices=ActivityType.choices)
    skill_level = models.CharField(max_length=20, choices=SkillLevel.choices, default="all")
    equipment = models.ManyToManyField(Equipment, blank=True, related_name="exercises")
    target_muscles = models.ManyToManyField(Muscle, blank=True, related_name="exercises")
    movements = models.JSONField(default=list, blank=True, help_text="Movement codes trained.")
    steps = models.JSONField(default=list, validators=[list_of_text])
    cues = models.JSONField("form cues", default=list, blank=True, validators=[list_of_text])
    mistakes = models.JSONField(
        "common mistakes", default=list, blank=True, validators=[list_of_text]
    )
    precautions = models.JSONField(default=list, blank=True, validators=[list_of_text])

    default_sets = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    default_reps_min = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    default_reps_max = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    default_to_fatigue = models.BooleanField(default=False)
    default_hold_min = models.PositiveSmallIntegerField(
        "default hold (seconds)", default=0, validators=[MaxValueValidator(600)]
    )
    default_hold_max = models.PositiveSmallIntegerField(
        "default hold up to (seconds)", null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    default_side = models.CharField(max_length=8, choices=Side.choices, default=Side.EACH)

    illustration = models.CharField(
        max_length=200, blank=True, help_text="Static path of the library's drawing."
    )
    image = models.ImageField(upload_to="exercises/", blank=True)
    video_url = models.URLField("video link", blank=True)
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "slug", condition=Q(clinic__isnull=True), name="exercise_slug_unique_in_library"
            ),
            models.UniqueConstraint(
                "clinic",
                "slug",
                condition=Q(clinic__isnull=False),
                name="exercise_slug_unique_in_clinic",
            ),
            models.CheckConstraint(
                condition=Q(default_sets__gte=1, default_sets__lte=10),
                name="exercise_default_sets_1_to_10",
            ),
            models.CheckConstraint(
                condition=Q(default_reps_min__isnull=True)
                | Q(default_reps_min__gte=1, default_reps_min__lte=100),
                name="exercise_default_reps_1_to_100",
            ),
            models.CheckConstraint(
                condition=Q(default_reps_max__isnull=True)
                | Q(
                    default_reps_min__isnull=False,
                    default_reps_max__gte=F("default_reps_min"),
                    default_reps_max__lte=100,
                ),
                name="exercise_default_rep_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(default_to_fatigue=True) | Q(default_reps_min__isnull=False),
                name="exercise_default_reps_or_fatigue",
            ),
            models.CheckConstraint(
                condition=Q(default_hold_min__lte=600)
                & (
                    Q(default_hold_max__isnull=True)
                    | Q(default_hold_max__gte=F("default_hold_min"), default_hold_max__lte=600)
                ),
                name="exercise_default_hold_range_ordered",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "is_archived", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("exercise_detail", args=[self.pk])

    @property
    def is_custom(self) -> bool:
        return self.clinic_id is not None

    @property
    def illustration_url(self) -> str:
        if self.image:
            return self.image.url
        if self.illustration:
            return static(self.illustration)
        return static("exercises/illustrations/placeholder.svg")

    @property
    def default_dose(self) -> Dose:
        return Dose(
            sets=self.default_sets,
            reps_min=self.default_reps_min,
            reps_max=self.default_reps_max,
            to_fatigue=self.default_to_fatigue,
            hold_min=self.default_hold_min,
            hold_max=self.default_hold_max,
            side=self.default_side,
        )

    def default_dose_values(self) -> dict[str, Any]:
        """The default dose as the field values of a program item that starts from it."""
        return {
            "sets": self.default_sets,
            "reps_min": self.default_reps_min,
            "reps_max": self.default_reps_max,
            "to_fatigue": self.default_to_fatigue,
            "hold_min": self.default_hold_min,
            "hold_max": self.default_hold_max,
            "side": self.default_side,
            "band": "",
            "load_kg": None,
        }

    @property
    def default_dose_text(self) -> str:
        return describe_dose(self.default_dose)

    @property
    def movement_labels(self) -> list[str]:
        labels = dict(Movement.choices)
        return [str(labels.get(code, code)) for code in self.movements]

    def clean(self) -> None:
        super().clean()
        unknown = set(self.movements or []) - set(Movement.values)
        if unknown:
            raise ValidationError({"movements": f"Unknown movements: {', '.join(sorted(unknown))}"})
        if not self.default_to_fatigue and not self.default_reps_min:
            raise ValidationError({"default_reps_min": "Give a number of reps, or 'until tired'."})
        if self.default_reps_max and (self.default_reps_min or 0) > self.default_reps_max:
            raise ValidationError({"default_reps_max": "The range must run from low to high."})
        if self.default_hold_max is not None and self.default_hold_max < self.default_hold_min:
            raise ValidationError({"default_hold_max": "The range must run from low to high."})


class LinkKind(models.TextChoices):
    PROGRESSION = "progression", "Progression"
    REGRESSION = "regression", "Regression"
    ALTERNATIVE = "alternative", "Alternative"


class ExerciseLink(models.Model):
    """A step on the ladder between two exercises.

    Stored one way only: `source → target` is either a progression (target is harder) or an
    alternative (works both ways). A regression is a progression read backwards, so a link and
    its reverse can never disagree, and the database allows one link per pair of exercises.
    """

    STORED_KINDS = [LinkKind.PROGRESSION, LinkKind.ALTERNATIVE]

    source = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=12, choices=LinkKind.choices)
    note = models.CharField(
        max_length=200, blank=True, help_text="When to move from the source to the target."
    )
    reverse_note = models.CharField(
        max_length=200, blank=True, help_text="When to move back from the target to the source."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(source=F("target")), name="link_not_to_itself"),
            models.CheckConstraint(
                condition=Q(kind__in=["progression", "alternative"]), name="link_kind_stored"
            ),
            models.UniqueConstraint(
                Least("source", "target"), Greatest("source", "target"), name="one_link_per_pair"
            ),
        ]

    def __str__(self) -> str:
        arrow = "→" if self.kind == LinkKind.PROGRESSION else "↔"
        return f"{self.source} {arrow} {self.target} ({self.kind})"

    def clean(self) -> None:
        super().clean()
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError("An exercise cannot link to itself.")
        if self.kind not in self.STORED_KINDS:
            raise ValidationError({"kind": "Store a regression as a progression the other way."})
