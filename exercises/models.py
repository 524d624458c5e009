"""The exercise library: exercises, the equipment and muscles they use, and the links between
them (progression, regression, alternative)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest, Least
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from clinic.models import Clinic, random_name
from exercises.dose import DOSE_FIELDS, Band, Dose, Side, describe_dose


class Position(models.TextChoices):
    SIDE_LYING = "side_lying", "Side-lying"
    SUPINE = "supine", "Lying on your back"
    PRONE = "prone", "Lying on your front"
    SITTING = "sitting", "Sitting"
    STANDING = "standing", "Standing"
    KNEELING = "kneeling", "Kneeling"
    HALF_KNEELING = "half_kneeling", "Half-kneeling"
    HANDS_AND_KNEES = "hands_and_knees", "On hands and knees"
    STANDING_SUPPORTED = "standing_supported", "Standing, holding a support"


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
    UPPER_BACK = "upper_back", "Upper back"
    SHOULDER = "shoulder", "Shoulder"
    NECK = "neck", "Neck"
    ARM_HAND = "arm_hand", "Elbow, wrist and hand"
    BALANCE = "balance", "Balance and walking"


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
    ANKLE_INVERSION = "ankle_inversion", "Ankle inversion"
    ANKLE_EVERSION = "ankle_eversion", "Ankle eversion"
    TOE_FLEXION = "toe_flexion", "Toe flexion"
    TOE_EXTENSION = "toe_extension", "Toe extension"
    TRUNK_STABILITY = "trunk_stability", "Trunk stability"
    PELVIC_TILT = "pelvic_tilt", "Pelvic tilt"
    SPINE_FLEXION = "spine_flexion", "Spine flexion"
    SPINE_EXTENSION = "spine_extension", "Spine extension"
    SPINE_ROTATION = "spine_rotation", "Spine rotation"
    NECK_RETRACTION = "neck_retraction", "Neck retraction"
    NECK_ROTATION = "neck_rotation", "Neck rotation"
    NECK_SIDE_BEND = "neck_side_bend", "Neck side bend"
    SCAPULAR_RETRACTION = "scapular_retraction", "Shoulder blade retraction"
    THORACIC_EXTENSION = "thoracic_extension", "Upper back extension"
    THORACIC_ROTATION = "thoracic_rotation", "Upper back rotation"
    SHOULDER_FLEXION = "shoulder_flexion", "Shoulder flexion"
    SHOULDER_EXTENSION = "shoulder_extension", "Shoulder extension"
    SHOULDER_ABDUCTION = "shoulder_abduction", "Shoulder abduction"
    SHOULDER_SCAPTION = "shoulder_scaption", "Shoulder raise in the scapular plane"
    SHOULDER_EXTERNAL_ROTATION = "shoulder_external_rotation", "Shoulder external rotation"
    SHOULDER_INTERNAL_ROTATION = "shoulder_internal_rotation", "Shoulder internal rotation"
    SHOULDER_HORIZONTAL_ADDUCTION = (
        "shoulder_horizontal_adduction",
        "Shoulder horizontal adduction",
    )
    SHOULDER_HORIZONTAL_ABDUCTION = (
        "shoulder_horizontal_abduction",
        "Shoulder horizontal abduction",
    )
    PUSH = "push", "Pushing"
    ELBOW_FLEXION = "elbow_flexion", "Elbow flexion"
    ELBOW_EXTENSION = "elbow_extension", "Elbow extension"
    WRIST_FLEXION = "wrist_flexion", "Wrist flexion"
    WRIST_EXTENSION = "wrist_extension", "Wrist extension"
    GRIP = "grip", "Grip"
    FINGER_FLEXION = "finger_flexion", "Finger flexion"
    FINGER_EXTENSION = "finger_extension", "Finger extension"
    STATIC_BALANCE = "static_balance", "Standing balance"
    DYNAMIC_BALANCE = "dynamic_balance", "Balance while moving"


LABELLED_CHOICES = {
    "body_part": BodyPart.choices,
    "region": Region.choices,
    "position": Position.choices,
}


def labelled(word: str, fields: tuple[str, ...] = tuple(LABELLED_CHOICES)) -> Q:
    """Exercises whose body part, region or position is named by the word ("knee",
    "shoulder", "sitting")."""
    matches = Q(pk__in=[])
    for field in fields:
        choices = LABELLED_CHOICES[field]
        codes = [code for code, label in choices if word.lower() in str(label).lower()]
        if codes:
            matches |= Q(**{f"{field}__in": codes})
    return matches


def search_rank(text: str) -> Case:
    """Best matches first: exercises for the body part named, then the words in the name,
    then in the conditions, then anywhere else."""
    for_part, in_name, in_conditions = Q(), Q(), Q()
    for word in text.split():
        for_part &= labelled(word, ("body_part",))
        in_name &= Q(name__icontains=word)
        in_conditions &= Q(conditions__icontains=word)
    return Case(
        When(for_part, then=Value(0)),
        When(in_name, then=Value(1)),
        When(in_conditions, then=Value(2)),
        default=Value(3),
    )


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
        """Every word must appear somewhere a clinician would look: the name, summary, purpose,
        conditions, steps or cues, a muscle's anatomical or plain name, an equipment name, or
        the name of the body part, region or position ("knee", "shoulder", "sitting").

        Muscles and equipment are matched in subqueries, not joins, so an exercise is found
        once without DISTINCT over every column (which also made the page count costly)."""
        muscles = Exercise.target_muscles.through.objects
        equipment = Exercise.equipment.through.objects
        matches = self
        for word in text.split():
            muscle_hits = muscles.filter(
                Q(muscle__name__icontains=word) | Q(muscle__plain_name__icontains=word)
            ).values("exercise_id")
            equipment_hits = equipment.filter(equipment__name__icontains=word).values("exercise_id")
            matches = matches.filter(
                Q(name__icontains=word)
                | Q(summary__icontains=word)
                | Q(purpose__icontains=word)
                | Q(conditions__icontains=word)
                | Q(steps__icontains=word)
                | Q(cues__icontains=word)
                | Q(pk__in=muscle_hits)
                | Q(pk__in=equipment_hits)
                | labelled(word)
            )
        return matches.annotate(search_rank=search_rank(text)).order_by("search_rank", "name", "pk")


def exercise_picture_name(instance: Any, filename: str) -> str:  # noqa: ARG001 (upload_to's signature)
    return random_name("exercises", filename)


def list_of_text(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ValidationError("Enter a list of non-empty lines of text.")


class DoseFields(models.Model):
    """The fields that store a dose, with the rules every stored dose keeps. An exercise's dose
    fields hold its usual starting dose; a program item's, the dose prescribed. `dose` and
    `set_dose` are the one mapping to and from the `Dose` value object."""

    sets = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    reps_min = models.PositiveSmallIntegerField(
        "reps", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    reps_max = models.PositiveSmallIntegerField(
        "reps up to",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    to_fatigue = models.BooleanField("until tired", default=False)
    hold_min = models.PositiveSmallIntegerField(
        "hold (seconds)", default=0, validators=[MaxValueValidator(600)]
    )
    hold_max = models.PositiveSmallIntegerField(
        "hold up to (seconds)", null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    side = models.CharField(max_length=8, choices=Side.choices, default=Side.EACH)
    rest_seconds = models.PositiveSmallIntegerField(
        "rest between sets (seconds)", default=0, validators=[MaxValueValidator(600)]
    )
    band = models.CharField("band", max_length=10, choices=Band.choices, blank=True)
    load_kg = models.DecimalField(
        "load (kg)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("200"))],
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(sets__gte=1, sets__lte=10), name="%(class)s_sets_1_to_10"
            ),
            models.CheckConstraint(
                condition=Q(to_fatigue=True)
                | Q(reps_min__isnull=False, reps_min__gte=1, reps_min__lte=100),
                name="%(class)s_reps_or_fatigue",
            ),
            models.CheckConstraint(
                condition=Q(reps_max__isnull=True)
                | Q(reps_min__isnull=False, reps_max__gte=F("reps_min"), reps_max__lte=100),
                name="%(class)s_rep_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(hold_min__lte=600)
                & (Q(hold_max__isnull=True) | Q(hold_max__gte=F("hold_min"), hold_max__lte=600)),
                name="%(class)s_hold_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(rest_seconds__lte=600), name="%(class)s_rest_in_range"
            ),
            models.CheckConstraint(
                condition=Q(band="") | Q(load_kg__isnull=True), name="%(class)s_band_or_load"
            ),
        ]

    @property
    def dose(self) -> Dose:
        return Dose(**{name: getattr(self, name) for name in DOSE_FIELDS})

    def set_dose(self, dose: Dose) -> None:
        for name, value in asdict(dose).items():
            setattr(self, name, value)

    def dose_values(self) -> dict[str, Any]:
        """The dose as field values, for creating or updating another dose's owner."""
        return asdict(self.dose)

    @property
    def dose_text(self) -> str:
        return describe_dose(self.dose)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if not self.to_fatigue and not self.reps_min:
            errors["reps_min"] = "Give a number of reps, or tick 'until tired'."
        if self.reps_max is not None and self.reps_min and self.reps_max < self.reps_min:
            errors["reps_max"] = "The top of the range must be at least the bottom."
        if self.hold_max is not None and self.hold_max < self.hold_min:
            errors["hold_max"] = "The longest hold must be at least the shortest."
        if self.band and self.load_kg is not None:
            errors["load_kg"] = "Choose a band or a load, not both."
        if errors:
            raise ValidationError(errors)


class Exercise(DoseFields):
    """One exercise, in words a patient understands. `clinic` empty: the global library,
    edited by operators only; otherwise a clinic's own exercise, seen only in that clinic."""

    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, null=True, blank=True, related_name="exercises"
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    summary = models.CharField(max_length=200, help_text="One line: what the exercise is.")
    purpose = models.TextField(help_text="Why it helps, in plain words.")
    conditions = models.CharField(
        "conditions and search words",
        max_length=300,
        blank=True,
        help_text="Conditions it is often used for, and other words a clinician may search "
        "for, separated by commas.",
    )
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

    illustration = models.CharField(
        max_length=200, blank=True, help_text="Static path of the library's drawing."
    )
    image = models.ImageField(upload_to=exercise_picture_name, blank=True)
    image_alt = models.CharField(
        "picture description",
        max_length=250,
        blank=True,
        help_text="What the picture shows, for people who cannot see it.",
    )
    video_url = models.URLField("video link", blank=True)
    media_credit = models.CharField(
        "made by",
        max_length=150,
        blank=True,
        help_text="Who made the picture or video, e.g. 'Riverside Physiotherapy' or a name.",
    )
    media_licence = models.CharField(
        "licence",
        max_length=100,
        blank=True,
        help_text="Under which licence it may be used, e.g. 'All rights reserved' or 'CC BY 4.0'.",
    )
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            *DoseFields.Meta.constraints,
            models.UniqueConstraint(
                "slug", condition=Q(clinic__isnull=True), name="exercise_slug_unique_in_library"
            ),
            models.UniqueConstraint(
                "clinic",
                "slug",
                condition=Q(clinic__isnull=False),
                name="exercise_slug_unique_in_clinic",
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
    def movement_labels(self) -> list[str]:
        labels = dict(Movement.choices)
        return [str(labels.get(code, code)) for code in self.movements]

    @property
    def words(self) -> ExerciseWords:
        """The exercise's text in the language being spoken (see words_in)."""
        return self.words_in(translation.get_language() or ENGLISH)

    def words_in(self, language: str) -> ExerciseWords:
        """What a patient reads of this exercise, in `language` where it has been translated
        and in English for each text that has not. Reads `texts`, so prefetch it for a list."""
        english = ExerciseWords(ENGLISH, *(getattr(self, key) for key in TEXT_FIELDS))
        code = language.split("-")[0]
        if code == ENGLISH:
            return english
        text = next((text for text in self.texts.all() if text.language == code), None)
        if text is None:
            return replace(english, missing=tuple(key for key in TEXT_FIELDS if getattr(self, key)))
        values = {key: getattr(text, key) or getattr(self, key) for key in TEXT_FIELDS}
        missing = tuple(key for key in TEXT_FIELDS if not getattr(text, key) and getattr(self, key))
        return ExerciseWords(code, **values, missing=missing)

    def clean(self) -> None:
        super().clean()
        unknown = set(self.movements or []) - set(Movement.values)
        if unknown:
            raise ValidationError({"movements": f"Unknown movements: {', '.join(sorted(unknown))}"})


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
                condition=Q(kind__in=[LinkKind.PROGRESSION, LinkKind.ALTERNATIVE]),
                name="link_kind_stored",
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


ENGLISH = "en"
TEXT_FIELDS = ["name", "summary", "purpose", "steps", "cues", "mistakes", "precautions"]


@dataclass(frozen=True)
class ExerciseWords:
    """An exercise's patient-facing text in one language; `missing` names the texts that fell
    back to English because no translation was given."""

    language: str
    name: str
    summary: str
    purpose: str
    steps: list[str]
    cues: list[str]
    mistakes: list[str]
    precautions: list[str]
    missing: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing


class ExerciseText(models.Model):
    """An exercise's patient-facing text in a language other than English. The library's come
    from exercises/library/<language>/ (manage.py load_library); a clinic writes its own for
    its own exercises. A text left empty falls back to the English."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=16, choices=settings.LANGUAGES)
    name = models.CharField(max_length=100, blank=True)
    summary = models.CharField(max_length=200, blank=True)
    purpose = models.TextField(blank=True)
    steps = models.JSONField(default=list, blank=True, validators=[list_of_text])
    cues = models.JSONField(default=list, blank=True, validators=[list_of_text])
    mistakes = models.JSONField(default=list, blank=True, validators=[list_of_text])
    precautions = models.JSONField(default=list, blank=True, validators=[list_of_text])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint("exercise", "language", name="exercise_text_once_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.language})"
