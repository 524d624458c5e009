import copy
import xml.etree.ElementTree as ET

import pytest

from exercises.content import read_library
from exercises.illustrations import DRAWINGS, OUT, render
from exercises.ladder import ladder_for
from exercises.loader import load_library
from exercises.models import Exercise, ExerciseLink
from exercises.readability import flesch_kincaid_grade

SEEDED = {
    "clamshell": "Clamshell",
    "clamshell-loop-band": "Clamshell with loop band",
    "reverse-clamshell": "Reverse clamshell",
    "reverse-clamshell-mini-band": "Reverse clamshell with mini band",
    "reverse-clamshell-abduction-extension": "Reverse clamshell with hip abduction and extension",
    "side-lying-leg-raise": "Side-lying leg raise",
    "windshield-wiper-stretch": "Single-leg windshield-wiper stretch",
}
MAX_GRADE = 8


@pytest.fixture
def library(db):
    load_library()
    return {exercise.slug: exercise for exercise in Exercise.objects.filter(clinic=None)}


def names(rungs):
    return {rung.exercise.slug for rung in rungs}


def test_every_seeded_exercise_is_in_the_library(library):
    assert {slug: library[slug].name for slug in SEEDED} == SEEDED
    for exercise in library.values():
        assert exercise.steps and exercise.cues and exercise.mistakes and exercise.purpose
        assert exercise.equipment.exists() and exercise.target_muscles.exists()
        assert exercise.movements


def test_the_ladder_follows_the_articles(library):
    reverse = ladder_for(library["reverse-clamshell"], None)
    assert names(reverse.regressions) == {"windshield-wiper-stretch"}
    assert names(reverse.progressions) == {
        "reverse-clamshell-mini-band",
        "reverse-clamshell-abduction-extension",
    }
    assert names(reverse.alternatives) == {"side-lying-leg-raise"}

    assert names(ladder_for(library["clamshell"], None).progressions) == {"clamshell-loop-band"}
    banded = ladder_for(library["clamshell-loop-band"], None)
    assert names(banded.regressions) == {"clamshell"}  # the reverse reads consistently
    stretch = ladder_for(library["windshield-wiper-stretch"], None)
    assert names(stretch.progressions) == {"reverse-clamshell"}
    assert names(ladder_for(library["side-lying-leg-raise"], None).alternatives) == {
        "reverse-clamshell"
    }


def test_a_regression_note_reads_from_the_harder_exercise(library):
    reverse = ladder_for(library["reverse-clamshell"], None)
    assert "too hard" in reverse.regressions[0].note


def test_the_illustrated_dose_reads_plainly(library):
    assert library["clamshell"].dose_text == "3 sets of 10–12 reps, each side"
    assert library["reverse-clamshell"].dose_text == (
        "3 sets of 10–12 reps, each side, hold 1 second"
    )
    assert library["windshield-wiper-stretch"].dose_text == (
        "3 reps, each side, hold 20–30 seconds"
    )


@pytest.mark.parametrize("entry", read_library().exercises, ids=lambda entry: entry["slug"])
def test_patient_facing_text_is_plain(entry):
    texts = [*entry["steps"], *entry["cues"], *entry["mistakes"], *entry["precautions"]]
    texts += [entry["summary"], entry["purpose"]]
    too_hard = {
        text: flesch_kincaid_grade(text) for text in texts if flesch_kincaid_grade(text) > MAX_GRADE
    }
    assert too_hard == {}


def test_loading_twice_changes_nothing(library):
    before = {e.slug: (e.pk, e.updated_at) for e in Exercise.objects.all()}
    links_before = set(ExerciseLink.objects.values_list("pk", "source_id", "target_id", "kind"))
    report = load_library()
    assert report["unchanged"] == len(library)
    assert report["created"] == report["updated"] == report["links changed"] == 0
    assert {e.slug: (e.pk, e.updated_at) for e in Exercise.objects.all()} == before
    assert set(ExerciseLink.objects.values_list("pk", "source_id", "target_id", "kind")) == (
        links_before
    )


def edited_content(change):
    content = copy.deepcopy(read_library())
    change(content)
    return content


def test_editing_the_content_updates_the_rows(library):
    def change(content):
        clamshell = content.exercise("clamshell")
        clamshell["steps"][0] = "Lie on your side on a soft mat."
        clamshell["dose"]["sets"] = 2
        clamshell["equipment"] = ["mat", "towel"]
        content.links = [
            link
            for link in content.links
            if {link.first, link.second} != {"reverse-clamshell", "side-lying-leg-raise"}
        ]

    report = load_library(edited_content(change))
    clamshell = Exercise.objects.get(slug="clamshell", clinic=None)
    assert report["updated"] == 1
    assert clamshell.pk == library["clamshell"].pk
    assert clamshell.steps[0] == "Lie on your side on a soft mat."
    assert clamshell.sets == 2
    assert set(clamshell.equipment.values_list("slug", flat=True)) == {"mat", "towel"}
    assert ladder_for(library["reverse-clamshell"], None).alternatives == []


def test_loader_leaves_clinic_exercises_and_their_links_alone(library, clinic_a):
    custom = Exercise.objects.create(
        clinic=clinic_a,
        name="Clamshell",
        slug="clamshell",
        summary="s",
        purpose="p",
        position="side_lying",
        region="lower_body",
        body_part="hip_glutes",
        activity_type="body_weight",
        steps=["Lie down."],
        reps_min=10,
    )
    ExerciseLink.objects.create(source=library["clamshell"], target=custom, kind="alternative")
    load_library()
    custom.refresh_from_db()
    assert custom.summary == "s"
    assert ExerciseLink.objects.filter(target=custom).exists()


@pytest.mark.parametrize("drawing", DRAWINGS, ids=lambda drawing: drawing.slug)
def test_drawings_are_committed_and_current(drawing):
    path = OUT / f"{drawing.slug}.svg"
    assert path.read_text(encoding="utf-8") == render(drawing), (
        "run `python -m exercises.illustrations` and commit the result"
    )
    svg = ET.fromstring(path.read_text(encoding="utf-8"))
    assert svg.find("{http://www.w3.org/2000/svg}title").text == drawing.title


def test_every_seeded_exercise_has_its_drawing(library):
    for exercise in library.values():
        assert (OUT / f"{exercise.slug}.svg").exists()
        assert exercise.illustration_url.endswith(f"{exercise.slug}.svg")


def test_database_refuses_self_links_and_second_links_between_a_pair(library):
    from django.db import IntegrityError, transaction

    clamshell, banded = library["clamshell"], library["clamshell-loop-band"]
    for source, target, kind in [
        (clamshell, clamshell, "alternative"),  # to itself
        (banded, clamshell, "progression"),  # the reverse of an existing link
        (clamshell, banded, "alternative"),  # a second link, other kind
        (clamshell, banded, "regression"),  # regressions are stored as reversed progressions
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            ExerciseLink.objects.create(source=source, target=target, kind=kind)


def test_linking_as_a_regression_stores_the_reverse_progression(library):
    from exercises.ladder import link_exercises

    link = link_exercises(
        library["clamshell"],
        library["side-lying-leg-raise"],
        "regression",
        note="Easier",
        reverse_note="Harder",
    )
    assert (link.source, link.target, link.kind) == (
        library["side-lying-leg-raise"],
        library["clamshell"],
        "progression",
    )
    ladder = ladder_for(library["clamshell"], None)
    assert [(r.exercise.slug, r.note) for r in ladder.regressions] == [
        ("side-lying-leg-raise", "Easier")
    ]
