"""The library covers a whole outpatient caseload: every exercise the clinic expects, each with
its drawing and its place on the progression graph, the usual clinical ladders, the condition
templates, and files that name any mistake before anything is loaded."""

import copy
import itertools
import shutil

import pytest
from django.urls import reverse

from exercises.content import FOLDER, ContentError, read_library
from exercises.illustrations import DRAWINGS, OUT
from exercises.ladder import ladder_for
from exercises.loader import load_library
from exercises.models import Exercise, ExerciseLink
from programs.loader import TemplateError, load_templates, read_templates
from programs.models import Program
from tests.conftest import client_for
from tests.factories import ExerciseFactory

EXPECTED = {
    "hip": [
        "clamshell",
        "clamshell-loop-band",
        "reverse-clamshell",
        "reverse-clamshell-mini-band",
        "reverse-clamshell-abduction-extension",
        "side-lying-leg-raise",
        "windshield-wiper-stretch",
        "glute-bridge",
        "single-leg-bridge",
        "standing-hip-abduction-band",
        "lateral-band-walk",
        "half-kneeling-hip-flexor-stretch",
        "figure-four-stretch",
        "hip-hinge",
    ],
    "knee": [
        "quad-setting",
        "straight-leg-raise",
        "short-arc-quad",
        "seated-knee-extension",
        "heel-slide",
        "terminal-knee-extension-band",
        "mini-squat",
        "wall-sit",
        "sit-to-stand",
        "step-up",
        "forward-step-down",
        "standing-hamstring-curl",
        "supine-hamstring-stretch",
    ],
    "ankle_foot": [
        "ankle-pumps",
        "ankle-alphabet",
        "towel-scrunches",
        "double-leg-heel-raise",
        "single-leg-heel-raise",
        "eccentric-heel-drop",
        "eccentric-heel-drop-bent-knee",
        "standing-calf-stretch",
        "soleus-stretch",
        "plantar-fascia-stretch",
        "band-ankle-eversion",
        "band-ankle-inversion",
        "band-ankle-dorsiflexion",
    ],
    "back_core": [
        "pelvic-tilt",
        "single-knee-to-chest",
        "double-knee-to-chest",
        "lower-trunk-rotation",
        "cat-camel",
        "bird-dog",
        "dead-bug",
        "prone-press-up",
        "abdominal-bracing",
        "front-plank-knees",
        "front-plank",
        "side-plank-knees",
        "side-plank",
    ],
    "neck_upper_back": [
        "chin-tuck",
        "neck-rotation",
        "upper-trapezius-stretch",
        "levator-scapulae-stretch",
        "shoulder-blade-squeeze",
        "thoracic-extension",
        "open-book",
    ],
    "shoulder": [
        "pendulum",
        "table-slide",
        "wall-walk",
        "stick-flexion",
        "stick-external-rotation",
        "cross-body-stretch",
        "isometric-external-rotation",
        "isometric-internal-rotation",
        "band-external-rotation",
        "band-internal-rotation",
        "band-row",
        "scaption",
        "scaption-weight",
        "side-lying-external-rotation",
        "wall-push-up",
        "doorway-chest-stretch",
    ],
    "arm_hand": [
        "wrist-flexor-stretch",
        "wrist-extensor-stretch",
        "eccentric-wrist-extension",
        "tendon-glides",
        "grip-squeeze",
        "finger-extension-band",
    ],
    "balance": [
        "feet-together-stance",
        "tandem-stance",
        "single-leg-stance-supported",
        "single-leg-stance",
        "tandem-walk",
        "backward-heel-toe-walk",
        "sideways-walk",
    ],
}
EVERY_SLUG = [slug for slugs in EXPECTED.values() for slug in slugs]

# The usual clinical order, easiest first: each step is a progression on the graph.
LADDERS = [
    ["quad-setting", "straight-leg-raise"],
    ["quad-setting", "short-arc-quad", "seated-knee-extension"],
    ["mini-squat", "sit-to-stand", "step-up", "forward-step-down"],
    ["glute-bridge", "single-leg-bridge"],
    ["double-leg-heel-raise", "single-leg-heel-raise", "eccentric-heel-drop"],
    ["pendulum", "table-slide", "stick-flexion", "wall-walk"],
    ["isometric-external-rotation", "band-external-rotation"],
    ["isometric-internal-rotation", "band-internal-rotation"],
    ["scaption", "scaption-weight"],
    ["front-plank-knees", "front-plank"],
    ["side-plank-knees", "side-plank"],
    ["single-knee-to-chest", "double-knee-to-chest"],
    ["single-leg-stance-supported", "single-leg-stance", "tandem-walk"],
    ["feet-together-stance", "tandem-stance", "tandem-walk"],
    ["wrist-extensor-stretch", "eccentric-wrist-extension"],
    ["clamshell", "clamshell-loop-band"],
]
ALTERNATIVES = [
    ("standing-calf-stretch", "soleus-stretch"),
    ("eccentric-heel-drop", "eccentric-heel-drop-bent-knee"),
    ("upper-trapezius-stretch", "levator-scapulae-stretch"),
    ("mini-squat", "wall-sit"),
]

TEMPLATE_TITLES = [
    "Knee osteoarthritis",
    "Patellofemoral pain",
    "Knee: early rehabilitation after injury or surgery (range and quadriceps)",
    "Ankle sprain: early phase",
    "Ankle sprain: later phase",
    "Achilles tendinopathy: heel-drop programme",
    "Plantar heel pain",
    "Low back pain: early mobility",
    "Low back pain: building strength",
    "Neck pain and posture",
    "Shoulder pain (rotator cuff): early phase",
    "Shoulder pain (rotator cuff): strengthening",
    "Stiff shoulder: range of motion",
    "Lateral elbow pain",
    "Hip: gluteus medius, phase 1 (getting started)",
    "Hip: gluteus medius, phase 2 (building strength)",
    "Falls prevention: level 1 (holding on)",
    "Falls prevention: level 2",
]


@pytest.fixture
def library(db):
    load_library()
    return {exercise.slug: exercise for exercise in Exercise.objects.filter(clinic=None)}


def slugs(rungs):
    return {rung.exercise.slug for rung in rungs}


def test_every_region_has_its_exercises_with_everything_a_patient_needs(library):
    assert len(EVERY_SLUG) >= 80
    missing = [slug for slug in EVERY_SLUG if slug not in library]
    assert missing == []
    for slug in EVERY_SLUG:
        exercise = library[slug]
        assert exercise.steps and exercise.cues and exercise.mistakes and exercise.precautions
        assert exercise.purpose and exercise.summary and exercise.movements, slug
        assert exercise.conditions, f"{slug}: no condition words to search by"
        assert exercise.equipment.exists() and exercise.target_muscles.exists(), slug
        assert exercise.dose_text, slug


def test_every_exercise_has_its_own_drawing(library):
    drawn = {drawing.slug for drawing in DRAWINGS}
    assert set(library) <= drawn
    for slug, exercise in library.items():
        assert (OUT / f"{slug}.svg").exists()
        assert exercise.illustration_url.endswith(f"/{slug}.svg")
    titles = {drawing.slug: drawing.title for drawing in DRAWINGS}
    assert all(titles[slug] == exercise.name for slug, exercise in library.items())


def test_the_progression_graph_covers_the_whole_library(library):
    linked = set(
        ExerciseLink.objects.filter(source__clinic=None).values_list("source__slug", flat=True)
    ) | set(ExerciseLink.objects.filter(target__clinic=None).values_list("target__slug", flat=True))
    assert sorted(set(library) - linked) == []
    assert not ExerciseLink.objects.filter(note="").exists()


@pytest.mark.parametrize("ladder", LADDERS, ids=lambda ladder: " → ".join(ladder))
def test_each_ladder_runs_in_the_usual_clinical_order(library, ladder):
    for easier, harder in itertools.pairwise(ladder):
        assert harder in slugs(ladder_for(library[easier], None).progressions), (easier, harder)
        back = ladder_for(library[harder], None).regressions
        assert easier in slugs(back), (harder, easier)
        assert all(rung.note for rung in back)


@pytest.mark.parametrize("pair", ALTERNATIVES, ids=lambda pair: " ~ ".join(pair))
def test_alternatives_read_both_ways(library, pair):
    first, second = pair
    assert second in slugs(ladder_for(library[first], None).alternatives)
    assert first in slugs(ladder_for(library[second], None).alternatives)


# --- the files ------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    for path in FOLDER.glob("*.toml"):
        shutil.copy(path, tmp_path)
    return tmp_path


BAD_ENTRY = """
[[exercise]]
slug = "wall-slide"
name = "Wall slide"
summary = "Slide your arms up a wall."
purpose = "Helps your shoulder move."
conditions = "shoulder pain"
position = "upside_down"
region = "upper_body"
body_part = "shoulder"
activity_type = "mobility"
skill_level = "all"
equipment = ["wall", "trampoline"]
target_muscles = ["deltoid"]
movements = ["shoulder_flexion", "levitation"]
dose = { sets = 2, reps_min = 12, reps_max = 8 }
steps = []
cues = ["Notwithstanding considerable circumstantial interdisciplinary considerations, proceed."]
mistakes = []
precautions = []

[[link]]
from = "wall-slide"
to = "no-such-exercise"
kind = "progression"
note = "When it is easy."
"""


def test_a_bad_entry_is_refused_with_its_file_and_field_named(folder):
    (folder / "zz_bad.toml").write_text(BAD_ENTRY, encoding="utf-8")
    with pytest.raises(ContentError) as refused:
        read_library(folder)
    problems = "\n".join(refused.value.problems)
    for expected in [
        "zz_bad.toml: wall-slide: position: 'upside_down' is not one of",
        "zz_bad.toml: wall-slide: equipment: unknown 'trampoline'",
        "zz_bad.toml: wall-slide: movements: unknown 'levitation'",
        "zz_bad.toml: wall-slide: steps: missing",
        "zz_bad.toml: wall-slide: dose: reps_max:",
        "zz_bad.toml: wall-slide: cues[1]: reading grade",
        "link wall-slide -> no-such-exercise: unknown exercise 'no-such-exercise'",
    ]:
        assert expected in problems


def test_a_slug_used_twice_and_a_broken_file_are_named(folder):
    (folder / "zz_twice.toml").write_text(
        (folder / "knee.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (folder / "zz_broken.toml").write_text("[[exercise]\nslug = ", encoding="utf-8")
    with pytest.raises(ContentError) as refused:
        read_library(folder)
    problems = "\n".join(refused.value.problems)
    assert "zz_twice.toml: quad-setting: slug already used in knee.toml" in problems
    assert "zz_broken.toml: not valid TOML" in problems


def test_editing_a_file_updates_its_rows_and_loading_again_changes_nothing(library):
    content = copy.deepcopy(read_library())
    content.exercise("quad-setting")["summary"] = "Tighten the muscle on the front of your thigh."
    report = load_library(content)
    assert report["updated"] == 1 and report["created"] == 0
    assert Exercise.objects.get(slug="quad-setting").pk == library["quad-setting"].pk
    assert load_library(content)["updated"] == 0


# --- templates ------------------------------------------------------------------------------


@pytest.fixture
def templates(library):
    load_templates()
    return {t.title: t for t in Program.objects.filter(scope=Program.Scope.LIBRARY)}


def test_every_condition_template_is_there_with_valid_exercises_and_doses(templates):
    assert set(TEMPLATE_TITLES) <= set(templates)
    for title, template in templates.items():
        items = list(template.items.select_related("exercise"))
        assert 4 <= len(items) <= 7 or title.startswith("Hip:"), title
        assert template.note and template.body_part, title
        for item in items:
            assert item.exercise.clinic_id is None and not item.exercise.is_archived
            item.full_clean()


def test_the_achilles_programme_is_heel_drops_three_by_fifteen_twice_a_day(templates):
    achilles = templates["Achilles tendinopathy: heel-drop programme"]
    assert achilles.times_per_day == 2
    drops = {
        item.exercise.slug: (item.sets, item.reps_min)
        for item in achilles.items.select_related("exercise")
    }
    assert drops["eccentric-heel-drop"] == (3, 15)
    assert drops["eccentric-heel-drop-bent-knee"] == (3, 15)


def test_loading_the_templates_twice_changes_nothing(templates):
    assert load_templates()["templates unchanged"] == len(read_templates())


def test_a_bad_template_is_refused_with_its_title_and_field_named(library):
    entries = copy.deepcopy(read_templates())
    entries[0]["item"][0]["exercise"] = "moonwalk"
    entries[1]["body_part"] = "elbow"
    entries[2]["item"][0]["dose"] = {"sets": 3, "hold_min": 10, "hold_max": 5, "reps_min": 1}
    entries[3]["item"][0]["dose"] = {"sets": 0, "reps_min": 10}  # each field's range too
    with pytest.raises(TemplateError) as refused:
        load_templates(entries)
    problems = "\n".join(refused.value.problems)
    assert f"{entries[0]['title']}: item 1: exercise: 'moonwalk' is not in the library" in problems
    assert f"{entries[1]['title']}: body_part: 'elbow' is not a body part" in problems
    assert f"{entries[2]['title']}: item 1: dose: hold_max:" in problems
    assert f"{entries[3]['title']}: item 1: dose: sets:" in problems
    assert not Program.objects.filter(scope=Program.Scope.LIBRARY).exists()


def test_the_template_picker_groups_by_body_part_and_shows_the_exercises(
    templates, patient_a, clinician_a
):
    page = client_for(clinician_a.user).get(reverse("program_create", args=[patient_a.pk]))
    body = page.content.decode()
    knee = body.index("<summary")  # groups follow the body's order
    assert body.index(">Knee <", knee) < body.index(">Ankle and foot <") < body.index(">Shoulder <")
    oa = body.index("Knee osteoarthritis")
    assert body.index("Quadriceps setting", oa) < body.index("</div>", body.index("-items", oa))


# --- finding it -----------------------------------------------------------------------------


def test_the_library_page_costs_the_same_at_seven_ninety_and_with_three_hundred_more(
    db, clinician_a, django_assert_num_queries
):
    seeds = copy.deepcopy(read_library())
    seeds.exercises = [e for e in seeds.exercises if e["slug"] in EXPECTED["hip"][:7]]
    seeds.links = [
        link for link in seeds.links if {link.first, link.second} <= set(EXPECTED["hip"][:7])
    ]
    load_library(seeds)
    client = client_for(clinician_a.user)
    client.get(reverse("library"))

    def cost(**params):
        with django_assert_num_queries(10):
            response = client.get(reverse("library"), params)
        return response.context["page"].paginator.count

    assert cost() == 7
    load_library()
    assert cost() >= 80
    ExerciseFactory.create_batch(300, clinic=clinician_a.clinic)
    assert cost() >= 380
    assert cost(q="knee", equipment="resistance-band") >= 1


def test_a_refused_new_program_keeps_the_chosen_template_in_sight(
    templates, patient_a, clinician_a
):
    chosen = templates["Plantar heel pain"]
    page = client_for(clinician_a.user).post(
        reverse("program_create", args=[patient_a.pk]),
        {"program-template": chosen.pk, "program-title": "", "program-start_date": ""},
    )
    body = page.content.decode()
    assert page.status_code == 200 and "This field is required." in body
    radio = body[body.index(f'value="{chosen.pk}"') :][:80]
    assert "checked" in radio
    group = body[: body.index(f'value="{chosen.pk}"')].rsplit("<details", 1)[1]
    assert group.split(">", 1)[0].endswith(" open")
