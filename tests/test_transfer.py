"""A clinic admin exports the clinic's own exercises and templates to one file and imports such
a file into another clinic (programs/transfer.py): the round trip keeps every field, a second
import updates rather than duplicates, and a bad file is refused whole, naming row and field."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse

from clinic.models import AuditEntry, Clinician
from exercises.dose import DOSE_FIELDS
from exercises.ladder import ladder_for, link_exercises
from exercises.models import Equipment, Exercise, ExerciseLink, LinkKind, Muscle
from programs import prescribing
from programs.models import Program, ProgramItem
from programs.transfer import EXERCISE_FIELDS, FORMAT, ITEM_FIELDS, TEMPLATE_FIELDS
from tests.conftest import client_for
from tests.factories import ClinicianFactory, ExerciseFactory

EXPORT = reverse("clinic_library_export")
IMPORT = reverse("clinic_library_import")


@pytest.fixture
def admin_b(clinic_b):
    return ClinicianFactory(
        clinic=clinic_b, role=Clinician.Role.ADMIN, user__email="bob@southside.example"
    )


@pytest.fixture
def library(db):
    """Two library exercises (made here, not loaded: the files are the library's own tests')."""
    return {
        slug: ExerciseFactory(clinic=None, slug=slug, name=slug.replace("-", " ").capitalize())
        for slug in ("clamshell", "side-plank")
    }


@pytest.fixture
def clinic_a_content(library, admin_a, clinician_a, patient_a):
    """Clinic A's own exercises, linked to each other and to the library, and its templates."""
    band = Equipment.objects.create(slug="mini-band", name="Mini band")
    glute = Muscle.objects.create(slug="gluteus-medius", name="Gluteus medius")
    wall = ExerciseFactory(
        clinic=admin_a.clinic,
        slug="wall-slide",
        name="Wall slide",
        summary="Slide down a wall.",
        purpose="Stronger thighs.",
        conditions="knee pain, patellofemoral",
        position="standing_supported",
        body_part="thigh",
        skill_level="beginner",
        movements=["knee_flexion", "knee_extension"],
        steps=["Stand with your back to a wall.", "Slide down a little."],
        cues=["Knees over toes."],
        mistakes=["Going too low."],
        precautions=["Stop if your knee hurts."],
        sets=2,
        reps_min=8,
        reps_max=12,
        hold_min=5,
        hold_max=10,
        side="both",
        rest_seconds=30,
        load_kg=Decimal("2.5"),
        image_alt="A man with his back to a wall, knees bent.",
        media_credit="Riverside Physiotherapy",
        media_licence="CC BY 4.0",
        video_url="https://video.example/wall-slide",
    )
    wall.equipment.set([band])
    wall.target_muscles.set([glute])
    band_walk = ExerciseFactory(
        clinic=admin_a.clinic,
        slug="band-walk",
        name="Band walk",
        band="red",
        to_fatigue=True,
        reps_min=None,
        is_archived=True,
    )
    link_exercises(wall, band_walk, LinkKind.PROGRESSION, "When it is easy.", "When it hurts.")
    link_exercises(wall, library["clamshell"], LinkKind.ALTERNATIVE, "Lying down instead.")
    link_exercises(library["side-plank"], band_walk, LinkKind.PROGRESSION)
    template = prescribing.create_template(
        admin_a,
        scope=Program.Scope.CLINIC,
        by=admin_a.user,
        title="Knee start",
        note="Do these slowly.",
        times_per_day=2,
        days_per_week=5,
        pain_threshold=6,
        stop_if="Stop if pain goes above 6/10",
    )
    ProgramItem.objects.create(
        program=template,
        exercise=wall,
        position=0,
        note="Lean on the wall.",
        has_own_frequency=True,
        times_per_day=3,
        weekdays=0b0010101,
        **wall.dose_values(),
    )
    ProgramItem.objects.create(
        program=template, exercise=library["clamshell"], position=1, sets=1, reps_min=15
    )
    prescribing.create_template(
        clinician_a, scope=Program.Scope.PERSONAL, by=clinician_a.user, title="Carl's own"
    )
    prescribing.create_program(patient_a, by=clinician_a.user, title="Pat's program")
    return {"wall": wall, "band_walk": band_walk, "template": template}


def exported(user) -> dict[str, Any]:
    response = client_for(user).get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def send(user, content: bytes | str, name: str = "export.json"):
    if isinstance(content, str):
        content = content.encode()
    upload = SimpleUploadedFile(name, content, content_type="application/json")
    return client_for(user).post(IMPORT, {"file": upload}, follow=True)


def send_data(user, data: Any):
    return send(user, json.dumps(data))


def errors(response) -> list[str]:
    assert response.status_code == 200
    return list(response.context["form"].errors.get("file", []))


def message(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def without_origin(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in ("exported_at", "clinic")}


# --- the file --------------------------------------------------------------------------------


def test_export_holds_the_clinics_own_exercises_links_and_clinic_templates(
    clinic_a_content, admin_a, library
):
    data = exported(admin_a.user)
    assert data["format"] == FORMAT and data["version"] == 1
    assert [row["slug"] for row in data["exercises"]] == ["band-walk", "wall-slide"]
    wall = data["exercises"][1]
    assert wall["equipment"] == ["mini-band"] and wall["target_muscles"] == ["gluteus-medius"]
    assert wall["dose"]["load_kg"] == "2.5"
    assert wall["media_credit"] == "Riverside Physiotherapy"
    assert data["exercises"][0]["is_archived"] is True
    assert {(link["from"]["slug"], link["to"]["slug"]) for link in data["links"]} == {
        ("wall-slide", "band-walk"),
        ("wall-slide", "clamshell"),
        ("side-plank", "band-walk"),
    }
    # Only clinic templates: not a clinician's personal one, never a patient's program.
    assert [template["title"] for template in data["templates"]] == ["Knee start"]
    items = data["templates"][0]["items"]
    assert [item["exercise"] for item in items] == [
        {"source": "clinic", "slug": "wall-slide"},
        {"source": "library", "slug": "clamshell"},
    ]
    assert items[0]["has_own_frequency"] is True and items[0]["weekdays"] == 0b0010101


def test_the_page_says_pictures_are_not_in_the_file(admin_a):
    response = client_for(admin_a.user).get(IMPORT)
    assert response.status_code == 200
    assert "Not included: the pictures you uploaded." in response.content.decode()


# --- round trip ------------------------------------------------------------------------------


def test_round_trip_into_another_clinic_keeps_every_field(
    clinic_a_content, admin_a, admin_b, library
):
    data = exported(admin_a.user)
    response = send_data(admin_b.user, data)
    assert errors(response) == []
    assert message(response) == "Imported: 2 exercises added, 1 template added."

    clinic_b = admin_b.clinic
    for name in ("wall", "band_walk"):
        original = clinic_a_content[name]
        copy_ = Exercise.objects.get(clinic=clinic_b, slug=original.slug)
        for field in [*EXERCISE_FIELDS, *DOSE_FIELDS]:
            assert getattr(copy_, field) == getattr(original, field), field
        assert set(copy_.equipment.all()) == set(original.equipment.all())
        assert set(copy_.target_muscles.all()) == set(original.target_muscles.all())

    wall_b = Exercise.objects.get(clinic=clinic_b, slug="wall-slide")
    band_walk_b = Exercise.objects.get(clinic=clinic_b, slug="band-walk")
    link = ExerciseLink.objects.get(source=wall_b, target=band_walk_b)  # archived: off the ladder
    assert (link.kind, link.note, link.reverse_note) == (
        LinkKind.PROGRESSION,
        "When it is easy.",
        "When it hurts.",
    )
    ladder = ladder_for(wall_b, clinic_b)
    assert [(r.exercise, r.note) for r in ladder.alternatives] == [
        (library["clamshell"], "Lying down instead.")
    ]
    assert ExerciseLink.objects.get(target=band_walk_b, source=library["side-plank"])

    original = clinic_a_content["template"]
    template = Program.objects.get(clinic=clinic_b, scope=Program.Scope.CLINIC)
    assert template.owner is None and template.patient is None
    assert template.created_by == admin_b.user
    for field in ["title", *TEMPLATE_FIELDS]:
        assert getattr(template, field) == getattr(original, field), field
    pairs = zip(template.items.all(), original.items.all(), strict=True)
    for copied, item in pairs:
        assert copied.exercise.slug == item.exercise.slug
        assert copied.exercise.clinic_id == (clinic_b.pk if item.exercise.clinic_id else None)
        assert copied.position == item.position
        for field in [*DOSE_FIELDS, *ITEM_FIELDS]:
            assert getattr(copied, field) == getattr(item, field), field

    # Exported again from clinic B, the file says the same as clinic A's.
    assert without_origin(exported(admin_b.user)) == without_origin(data)


def test_importing_the_same_file_again_updates_and_never_duplicates(
    clinic_a_content, admin_a, admin_b
):
    data = exported(admin_a.user)
    send_data(admin_b.user, data)
    template = Program.objects.get(clinic=admin_b.clinic, scope=Program.Scope.CLINIC)

    data["exercises"][1]["name"] = "Wall slide, deeper"
    data["templates"][0]["items"].pop()
    response = send_data(admin_b.user, data)
    assert errors(response) == []
    assert message(response) == (
        "Imported: 0 exercises added, 2 updated, 0 templates added, 1 updated."
    )
    assert Exercise.objects.filter(clinic=admin_b.clinic).count() == 2
    assert Exercise.objects.get(clinic=admin_b.clinic, slug="wall-slide").name == (
        "Wall slide, deeper"
    )
    touching_b = Q(source__clinic=admin_b.clinic) | Q(target__clinic=admin_b.clinic)
    assert ExerciseLink.objects.filter(touching_b).count() == 3
    assert Program.objects.filter(clinic=admin_b.clinic, scope=Program.Scope.CLINIC).count() == 1
    old_revision = template.revision
    template.refresh_from_db()
    assert template.items.count() == 1
    assert template.revision == old_revision + 1  # an open builder page is now stale


def test_an_exercise_in_the_file_updates_the_clinics_own_of_that_slug(
    clinic_a_content, admin_a, admin_b
):
    ExerciseFactory(clinic=admin_b.clinic, slug="wall-slide", name="Our wall slide")
    response = send_data(admin_b.user, exported(admin_a.user))
    assert message(response) == "Imported: 1 exercise added, 1 updated, 1 template added."
    assert Exercise.objects.get(clinic=admin_b.clinic, slug="wall-slide").name == "Wall slide"


def test_a_template_item_may_name_an_exercise_already_in_the_clinic(
    clinic_a_content, admin_a, admin_b
):
    ExerciseFactory(clinic=admin_b.clinic, slug="their-own")
    data = exported(admin_a.user)
    data["exercises"] = []
    data["links"] = []
    data["templates"][0]["items"][0]["exercise"] = {"source": "clinic", "slug": "their-own"}
    assert errors(send_data(admin_b.user, data)) == []
    template = Program.objects.get(clinic=admin_b.clinic, scope=Program.Scope.CLINIC)
    assert [item.exercise.slug for item in template.items.all()] == ["their-own", "clamshell"]


# --- bad files -------------------------------------------------------------------------------


def _set(path: str, value: Any):
    """A change to the exported data: path such as "exercises.1.position"."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return change


BAD_ROWS = [
    (
        _set("exercises.1.position", "upside_down"),
        "exercises[1] (Wall slide): position: 'upside_down' is not a valid choice",
    ),
    (
        _set("exercises.1.dose.sets", 11),
        "exercises[1] (Wall slide): dose.sets: Ensure this value is less than or equal to 10.",
    ),
    (
        _set("exercises.1.dose.sets", 10**40),
        "exercises[1] (Wall slide): dose.sets: Ensure this value is less than or equal to 10.",
    ),
    (_set("exercises.1.dose.sets", True), "dose.sets: must be a whole number, not true"),
    (_set("exercises.1.dose.load_kg", 1e300), "dose.load_kg: Ensure this value is less than"),
    (
        _set("exercises.1.dose.reps_max", 2),
        "dose.reps_max: The top of the range must be at least the bottom.",
    ),
    (_set("exercises.1.steps", "Stand up."), "steps: must be a list of texts"),
    (_set("exercises.1.steps", []), "exercises[1] (Wall slide): steps: This field cannot be"),
    (_set("exercises.1.name", ["Wall slide"]), "exercises[1]: name: must be a text"),
    (_set("exercises.1.name", "x" * 101), "name: Ensure this value has at most 100 characters"),
    (_set("exercises.1.slug", "Wall slide!"), "slug: Enter a valid “slug”"),
    (_set("exercises.1.slug", "band-walk"), "slug: 'band-walk' is already used by another"),
    (_set("exercises.1.movements", ["cartwheel"]), "movements: Unknown movements: cartwheel"),
    (_set("exercises.1.video_url", "javascript:alert(1)"), "video_url: Enter a valid URL."),
    (_set("exercises.1.equipment", ["jetpack"]), 'equipment: unknown here: "jetpack"'),
    (_set("exercises.1.media_credit", "Riverside\nPhysio"), "media_credit: Who made it must be"),
    (_set("exercises.1.colour", "red"), 'exercises[1] (Wall slide): unknown keys: "colour"'),
    (_set("exercises.1", "Wall slide"), "exercises[1]: must be an object"),
    (_set("links.0.kind", "regression"), "links[0]: kind: Store a regression as a progression"),
    (
        _set("links.0.to", {"source": "clinic", "slug": "nowhere"}),
        'links[0]: to: no exercise "nowhere" in the file or the clinic',
    ),
    (
        _set(
            "links.0",
            {
                "from": {"source": "library", "slug": "clamshell"},
                "to": {"source": "library", "slug": "side-plank"},
                "kind": "progression",
            },
        ),
        "links[0]: links between two library exercises belong to the library",
    ),
    (
        _set("templates.0.items.1.exercise", {"source": "library", "slug": "moonwalk"}),
        'templates[0] (Knee start): items[1]: exercise: no exercise "moonwalk" in the library',
    ),
    (
        _set("templates.0.items.1.exercise", {"source": "elsewhere", "slug": "clamshell"}),
        'items[1]: exercise: source: "elsewhere" is not a valid choice',
    ),
    (
        _set("templates.0.items.0.times_per_day", 7),
        "templates[0] (Knee start): items[0]: times_per_day: Ensure this value is less than",
    ),
    (_set("templates.0.pain_threshold", 0), "pain_threshold: Ensure this value is greater"),
    (_set("templates.0.title", ""), "templates[0]: title: This field cannot be blank."),
    (_set("templates.0.items", {}), "templates[0] (Knee start): items: must be a list"),
    (_set("templates.0.note", "x" * 2001), "note: Ensure this value has at most 2000 characters"),
    (
        lambda data: data["templates"][0]["items"].append(
            copy.deepcopy(data["templates"][0]["items"][0])
        ),
        "templates (Knee start): The two",
    ),
]


def test_a_row_with_unknown_keys_is_named_once(clinic_a_content, admin_a, admin_b):
    """The rows that name it are not refused as well: the one mistake is the one message."""
    data = copy.deepcopy(exported(admin_a.user))
    _set("exercises.1.colour", "red")(data)
    problems = errors(send_data(admin_b.user, data))
    assert [p for p in problems if "wall-slide" in p or "Wall slide" in p] == [
        'exercises[1] (Wall slide): unknown keys: "colour"'
    ]


@pytest.mark.parametrize(("change", "expected"), BAD_ROWS)
def test_a_bad_row_is_named_and_nothing_is_imported(
    clinic_a_content, admin_a, admin_b, change, expected
):
    data = copy.deepcopy(exported(admin_a.user))
    change(data)
    response = send_data(admin_b.user, data)
    problems = errors(response)
    assert any(expected in problem for problem in problems), problems
    assert "Nothing was imported." in response.content.decode()
    assert not Exercise.objects.filter(clinic=admin_b.clinic).exists()
    assert not Program.objects.filter(clinic=admin_b.clinic).exists()
    assert not AuditEntry.objects.filter(
        clinic=admin_b.clinic, action=AuditEntry.Action.CREATE
    ).exists()


def test_every_problem_is_listed_at_once(clinic_a_content, admin_a, admin_b):
    data = exported(admin_a.user)
    data["exercises"][0]["region"] = "moon"
    data["exercises"][1]["skill_level"] = "wizard"
    problems = errors(send_data(admin_b.user, data))
    assert problems == [
        "exercises[0] (Band walk): region: 'moon' is not a valid choice",
        "exercises[1] (Wall slide): skill_level: 'wizard' is not a valid choice",
    ]


def test_a_bad_update_leaves_the_clinics_exercise_as_it_was(clinic_a_content, admin_a):
    data = exported(admin_a.user)
    data["exercises"][1]["name"] = "Renamed"
    data["exercises"][0]["position"] = "upside_down"
    assert errors(send_data(admin_a.user, data))
    assert Exercise.objects.get(clinic=admin_a.clinic, slug="wall-slide").name == "Wall slide"


EMPTY = {"format": FORMAT, "version": 1}
BAD_FILES = [
    (b"", "The submitted file is empty."),
    (b"name,slug\nWall slide,wall-slide\n", "This is not a JSON file, or it is damaged"),
    (b"\xff\xfe\x00\x01binary", "This is not a JSON file: it is not text (UTF-8)."),
    (b"[" * 100_000 + b"]" * 100_000, "This is not a JSON file, or it is damaged"),
    (b'{"a":' + b"[" * 50 + b"]" * 50 + b"}", "nests deeper than an export"),
    (b'{"format": "physio-hep.clinic-library", "version": NaN}', "NaN is not a number"),
    (b'{"version": ' + b"9" * 5000 + b"}", "This is not a JSON file, or it is damaged"),
    (json.dumps({**EMPTY, "clinic": "a\x00b"}).encode(), "holds a NUL character"),
    (json.dumps({"format": "other", "version": 1}).encode(), "This is not an export"),
    (json.dumps([1, 2]).encode(), "This is not an export"),
    (json.dumps({**EMPTY, "version": 2}).encode(), "from a newer version of the app (version 2)"),
    (json.dumps({**EMPTY, "version": "1"}).encode(), 'version: must be 1, not "1"'),
    (json.dumps({**EMPTY, "exercises": {}}).encode(), "exercises: must be a list"),
    (json.dumps({**EMPTY, "patients": []}).encode(), 'keys this format does not: "patients"'),
    (json.dumps({**EMPTY, "exercises": [{}] * 2001}).encode(), "at most 2000 in one file"),
]


@pytest.mark.parametrize(("content", "expected"), BAD_FILES)
def test_a_file_that_is_not_an_export_is_refused_with_a_message(admin_b, content, expected):
    problems = errors(send(admin_b.user, content))
    assert len(problems) == 1 and expected in problems[0], problems
    assert not Exercise.objects.filter(clinic=admin_b.clinic).exists()


def test_a_file_over_5_mb_is_refused(admin_b):
    problems = errors(send(admin_b.user, b" " * (5 * 1024 * 1024 + 1)))
    assert problems == ["The file is larger than 5 MB. Export files are smaller."]


def test_posting_without_a_file_shows_the_form_error(admin_a):
    response = client_for(admin_a.user).post(IMPORT)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["This field is required."]


def test_an_empty_export_imports_nothing_and_says_so(admin_b):
    response = send_data(admin_b.user, EMPTY)
    assert message(response) == "Imported: 0 exercises added, 0 templates added."


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["clinician_a", "clinician_b", "patient_a"])
def test_only_a_clinic_admin_exports_or_imports(request, persona, clinic_a_content):
    user = request.getfixturevalue(persona).user
    client = client_for(user)
    assert client.get(EXPORT).status_code == 404
    assert client.get(IMPORT).status_code == 404
    assert client.post(IMPORT, {"file": SimpleUploadedFile("x.json", b"{}")}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(db):
    assert client_for(None).get(EXPORT).status_code == 302
    assert client_for(None).post(IMPORT).status_code == 302


def test_an_admin_exports_only_their_own_clinics_exercises(clinic_a_content, admin_b):
    assert exported(admin_b.user)["exercises"] == []


# --- the audit trail ---------------------------------------------------------------------


def test_export_and_import_are_on_the_audit_trail(clinic_a_content, admin_a, admin_b):
    data = exported(admin_a.user)
    entry = AuditEntry.objects.get(clinic=admin_a.clinic, action=AuditEntry.Action.EXPORT)
    assert entry.subject == AuditEntry.Subject.SETTINGS
    assert entry.user == admin_a.user
    assert entry.detail == "exercises and templates: 2 exercises, 1 template"

    send_data(admin_b.user, data)
    entry = AuditEntry.objects.get(clinic=admin_b.clinic, action=AuditEntry.Action.CREATE)
    assert entry.subject == AuditEntry.Subject.SETTINGS
    assert entry.user == admin_b.user
    assert entry.detail == ("exercises and templates imported: 2 exercises added, 1 template added")
