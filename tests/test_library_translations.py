"""The library in the patient's language: every exercise's Spanish text, its checks, how it is
loaded, and the fallback to English for a text nobody translated."""

from pathlib import Path

import pytest
from django.utils import translation

from exercises.content import (
    TRANSLATED,
    ContentError,
    read_library,
    read_translations,
    translation_problems,
)
from exercises.loader import load_library
from exercises.models import TEXT_FIELDS, Exercise, ExerciseText
from exercises.readability import fernandez_huerta, spanish_syllables
from programs import prescribing
from programs.loader import TemplateError, load_templates, read_templates
from programs.models import Program
from tests.factories import ExerciseFactory, PatientFactory

LIBRARY = read_library()
SPANISH = read_translations(LIBRARY)["es"]


@pytest.mark.parametrize("entry", LIBRARY.exercises, ids=lambda entry: entry["slug"])
def test_every_library_exercise_has_every_patient_text_in_spanish(entry):
    spanish = SPANISH.get(entry["slug"])
    assert spanish is not None, f"{entry['slug']} has no Spanish text"
    for key in TRANSLATED:
        if entry.get(key):
            assert spanish.get(key), f"{entry['slug']}: {key} is not in Spanish"
    # a translated step stands for the same step
    for key in ["steps", "cues", "mistakes", "precautions"]:
        assert len(spanish.get(key, [])) == len(entry.get(key, []))


def test_spanish_library_text_reads_fairly_easy_for_every_exercise():
    """Fernández-Huerta 70 or more ("fairly easy") for the whole of each exercise."""
    scores = {
        slug: fernandez_huerta(
            " ".join(
                line
                for key in ["summary", "purpose", "steps", "cues", "mistakes", "precautions"]
                for line in (
                    [fields[key]] if isinstance(fields.get(key), str) else fields.get(key, [])
                )
            )
        )
        for slug, fields in SPANISH.items()
    }
    hard = {slug: round(score) for slug, score in scores.items() if score < 70}
    assert not hard
    assert min(scores.values()) >= 70


# --- Fernández-Huerta, worked by hand --------------------------------------------------------


@pytest.mark.parametrize(
    "word,count",
    [
        ("rodilla", 3),  # ro-di-lla
        ("cadera", 3),  # ca-de-ra
        ("pierna", 2),  # pier-na: a diphthong
        ("día", 2),  # dí-a: a stressed í breaks it
        ("leer", 2),  # le-er: two strong vowels
        ("guía", 2),  # guí-a: the u after g is silent
        ("que", 1),
        ("hoy", 1),
        ("respiración", 4),  # res-pi-ra-ción
        ("ejercicio", 4),  # e-jer-ci-cio
        ("10", 1),
    ],
)
def test_spanish_syllables(word, count):
    assert spanish_syllables(word) == count


def test_fernandez_huerta_by_hand():
    # "Baje la pierna despacio." 4 words, 1 sentence; syllables ba-je la pier-na des-pa-cio:
    # 2 + 1 + 2 + 3 = 8, so 200 per 100 words: 206.84 - 0.60 * 200 - 1.02 * 4 = 82.76
    assert fernandez_huerta("Baje la pierna despacio.") == pytest.approx(82.76)


def test_long_words_and_long_sentences_read_harder_in_spanish():
    easy = "Levante la rodilla. Baje despacio."
    hard = (
        "Realice progresivamente una abducción coxofemoral manteniendo la estabilización "
        "lumbopélvica durante toda la amplitud articular disponible."
    )
    assert fernandez_huerta(easy) > 60 > 20 > fernandez_huerta(hard)


# --- the checks on a translation file --------------------------------------------------------


def test_a_translation_with_a_missing_line_or_hard_text_is_named():
    english = LIBRARY.exercise("clamshell")
    entry = dict(SPANISH["clamshell"], slug="clamshell")
    assert translation_problems("es", entry, english) == []
    short = dict(entry, steps=entry["steps"][:-1])
    assert any("steps:" in problem for problem in translation_problems("es", short, english))
    hard = dict(
        entry,
        purpose="Potencia extraordinariamente la musculatura abductora coxofemoral "
        "proporcionando estabilización pélvica durante la bipedestación monopodal prolongada.",
    )
    assert any("purpose: reading ease" in p for p in translation_problems("es", hard, english))
    assert translation_problems("es", entry, None) == ["no such exercise in the library"]


def test_a_translation_file_with_an_unknown_slug_is_refused(tmp_path: Path):
    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "hip.toml").write_text(
        '[[exercise]]\nslug = "no-such-exercise"\nname = "Nada"\n', encoding="utf-8"
    )
    with pytest.raises(ContentError, match="no-such-exercise: no such exercise"):
        read_translations(LIBRARY, tmp_path)


# --- loading and falling back ----------------------------------------------------------------


@pytest.fixture
def library(db):
    load_library()
    load_templates()


def test_load_library_stores_the_spanish_text_and_is_idempotent(library):
    clamshell = Exercise.objects.get(slug="clamshell", clinic=None)
    text = clamshell.texts.get(language="es")
    assert text.name == SPANISH["clamshell"]["name"]
    assert text.steps == SPANISH["clamshell"]["steps"]
    assert ExerciseText.objects.filter(language="es").count() == len(LIBRARY.exercises)
    assert load_library()["translations changed"] == 0


def test_load_library_removes_a_translation_the_files_no_longer_have(library):
    translations = read_translations(LIBRARY)
    del translations["es"]["clamshell"]
    assert load_library(translations=translations)["translations changed"] == 1
    assert not ExerciseText.objects.filter(exercise__slug="clamshell").exists()


def test_words_follow_the_language_being_spoken(library):
    clamshell = Exercise.objects.get(slug="clamshell", clinic=None)
    assert clamshell.words.name == "Clamshell"
    with translation.override("es"):
        words = clamshell.words
    assert words.language == "es"
    assert words.name == SPANISH["clamshell"]["name"]
    assert words.steps == SPANISH["clamshell"]["steps"]
    assert words.complete


def test_a_text_nobody_translated_falls_back_to_english_for_that_text_only(library):
    clamshell = Exercise.objects.get(slug="clamshell", clinic=None)
    clamshell.texts.filter(language="es").update(cues=[], purpose="")
    words = Exercise.objects.get(pk=clamshell.pk).words_in("es")
    assert words.cues == clamshell.cues  # English
    assert words.purpose == clamshell.purpose
    assert words.name == SPANISH["clamshell"]["name"]  # still Spanish
    assert set(words.missing) == {"cues", "purpose"}
    assert not words.complete


def test_a_clinic_exercise_without_spanish_reads_in_english(clinic_a):
    exercise = ExerciseFactory(clinic=clinic_a, name="Towel squeeze")
    words = exercise.words_in("es")
    assert words.name == "Towel squeeze"
    assert set(words.missing) == set(TEXT_FIELDS) - {
        key for key in TEXT_FIELDS if not getattr(exercise, key)
    }


# --- template notes --------------------------------------------------------------------------


def test_every_library_template_note_has_spanish():
    for entry in read_templates():
        assert entry["note_translations"].get("es"), entry["title"]
        assert fernandez_huerta(entry["note_translations"]["es"]) >= 60


def test_a_translated_note_for_an_unknown_template_is_refused(tmp_path: Path):
    (tmp_path / "templates.toml").write_text(
        '[[template]]\ntitle = "Hip"\nbody_part = "hip_glutes"\nnote = "Go slowly."\n'
        "times_per_day = 1\ndays_per_week = 7\n",
        encoding="utf-8",
    )
    (tmp_path / "templates.es.toml").write_text(
        '[[template]]\ntitle = "Cadera"\nnote = "Vaya despacio."\n', encoding="utf-8"
    )
    with pytest.raises(TemplateError, match="no template titled 'Cadera'"):
        read_templates(tmp_path / "templates.toml")


def test_a_program_from_a_library_template_gets_the_note_in_the_patients_language(
    library, clinician_a
):
    template = Program.objects.filter(scope=Program.Scope.LIBRARY).order_by("title").first()
    spanish = PatientFactory(primary_clinician=clinician_a, preferred_language="es")
    english = PatientFactory(primary_clinician=clinician_a, preferred_language="en")
    values = {"title": "Hip", "note": template.note}
    for_spanish = prescribing.create_program(
        spanish, by=clinician_a.user, template=template, **values
    )
    for_english = prescribing.create_program(
        english, by=clinician_a.user, template=template, **values
    )
    assert for_spanish.note == template.note_translations["es"]
    assert for_english.note == template.note
    # a note the clinician rewrote is kept as written
    own = prescribing.create_program(
        spanish, by=clinician_a.user, template=template, title="Hip", note="Mi nota."
    )
    assert own.note == "Mi nota."
