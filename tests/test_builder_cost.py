"""What the program builder and the library search cost: the same number of queries for a
program of 3 exercises or 12, in a clinic of one patient or of many with weeks of sessions;
and the builder's dose forms, drawn in Python (programs/field_groups.py), still look and
behave as crispy-forms drew them, errors included."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.test.html import parse_html
from django.urls import reverse

from exercises.loader import load_library
from exercises.models import Equipment, Exercise, Muscle
from programs import prescribing
from programs.forms import ItemForm, ProgramForm
from tests.conftest import client_for
from tests.factories import ExerciseFactory, PatientFactory, active_program, logged_session
from tests.test_prescribing import dose_data

OTHER_PATIENTS = 15
DAYS_LOGGED = 14


@pytest.fixture
def library(db):
    load_library()
    return list(Exercise.objects.filter(clinic=None).order_by("name", "pk"))


def make_clinic_busy(clinician):
    """Other patients of the same clinician, each with an active program and two weeks of
    logged sessions."""
    for _ in range(OTHER_PATIENTS):
        patient = PatientFactory(primary_clinician=clinician)
        program = active_program(patient, clinician, start=patient.today() - timedelta(DAYS_LOGGED))
        for day in range(DAYS_LOGGED):
            logged_session(program, program.start_date + timedelta(day), pain=day % 5)


def program_of(patient, clinician, exercises, *, active=True):
    program = prescribing.create_program(patient, by=clinician.user, title="Knee and hip")
    for exercise in exercises:
        prescribing.add_item(program, exercise, revision=None, by=clinician.user)
    if active:
        prescribing.activate(program, revision=None, by=clinician.user)
    program.refresh_from_db()
    return program


def shown_items(body: str) -> int:
    return len(re.findall(r'<li class="card mb-3 builder-item"', body))


# --- the builder's queries -----------------------------------------------------------------


@pytest.mark.parametrize("busy", [False, True], ids=["one patient", "busy clinic"])
@pytest.mark.parametrize("count", [3, 12])
def test_the_builder_costs_the_same_queries_for_any_program_in_any_clinic(
    library, clinician_a, patient_a, django_assert_num_queries, count, busy
):
    if busy:
        make_clinic_busy(clinician_a)
    program = program_of(patient_a, clinician_a, library[:count])
    client = client_for(clinician_a.user)
    client.get(program.get_absolute_url())
    # session, user, clinician, program, the audit entry, items with their exercises, the
    # ladders' links, the version history, session save (3)
    with django_assert_num_queries(11):
        response = client.get(program.get_absolute_url())
    assert shown_items(response.content.decode()) == count


@pytest.mark.parametrize("count", [3, 12])
def test_a_drafts_builder_does_not_read_a_version_history_it_does_not_show(
    library, clinician_a, patient_a, django_assert_num_queries, count
):
    program = program_of(patient_a, clinician_a, library[:count], active=False)
    client = client_for(clinician_a.user)
    client.get(program.get_absolute_url())
    with django_assert_num_queries(10):
        response = client.get(program.get_absolute_url())
    body = response.content.decode()
    assert shown_items(body) == count
    assert "Version history" not in body


@pytest.mark.parametrize("busy", [False, True], ids=["one patient", "busy clinic"])
def test_the_builder_with_a_search_adds_one_query_whatever_the_library_holds(
    library, clinician_a, patient_a, django_assert_num_queries, busy
):
    if busy:
        make_clinic_busy(clinician_a)
        ExerciseFactory.create_batch(20, clinic=clinician_a.clinic, name="Knee bend")
    program = program_of(patient_a, clinician_a, library[:3])
    client = client_for(clinician_a.user)
    url = program.get_absolute_url() + "?q=knee"
    client.get(url)
    with django_assert_num_queries(12):
        response = client.get(url)
    found = response.content.decode().count('<li class="search-result')
    assert found == 12 if busy else 0 < found <= 12


# --- the library search --------------------------------------------------------------------


@pytest.mark.parametrize("busy", [False, True], ids=["the library", "busy clinic"])
def test_the_library_search_costs_the_same_queries_and_pages_its_results(
    library, clinician_a, django_assert_num_queries, busy
):
    matching = sum(1 for _ in Exercise.objects.active().search("knee"))
    if busy:
        make_clinic_busy(clinician_a)
        ExerciseFactory.create_batch(30, clinic=clinician_a.clinic, name="Knee bend")
        matching += 30
    client = client_for(clinician_a.user)
    client.get(reverse("library"), {"q": "knee"})
    # session, user, clinician, equipment choices, count, page, equipment prefetch, session
    # save (3)
    with django_assert_num_queries(10):
        first = client.get(reverse("library"), {"q": "knee"})
    page = first.context["page"]
    pages = page.paginator.num_pages
    assert page.paginator.count == matching
    assert len(page.object_list) == min(matching, 24)
    with django_assert_num_queries(10):
        last = client.get(reverse("library"), {"q": "knee", "page": pages})
    assert len(last.context["page"].object_list) == matching - 24 * (pages - 1)


def test_the_search_finds_an_exercise_once_by_its_muscles_and_equipment(library, clinician_a):
    wall_sit = ExerciseFactory(clinic=clinician_a.clinic, name="Wall sit")
    wall_sit.target_muscles.set(
        Muscle.objects.filter(slug__in=["gluteus-maximus", "gluteus-medius"])
    )
    wall_sit.equipment.set(Equipment.objects.filter(slug__in=["towel-roll", "wall"]))
    exercises = Exercise.objects.filter(clinic=clinician_a.clinic)

    def found(words):
        return [exercise.name for exercise in exercises.search(words)]

    assert found("gluteus") == ["Wall sit"]  # two of its muscles match: found once
    assert found("buttock") == ["Wall sit"]  # a muscle's plain name
    assert found("rolled towel") == ["Wall sit"]  # an equipment name
    assert found("rolled hamstrings") == []  # every word must match
    assert exercises.search("gluteus").count() == 1


# --- the dose forms ------------------------------------------------------------------------


class Elements(HTMLParser):
    """Each element with an id: its tag, attributes and the text inside it."""

    def __init__(self, body: str):
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self.open: list[dict] = []
        self.feed(body)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        if "id" in element["attrs"]:
            self.by_id[element["attrs"]["id"]] = element
        if tag not in {"input", "img", "br", "meta", "link"}:
            self.open.append(element)

    def handle_endtag(self, tag):
        if self.open:
            self.open.pop()

    def handle_data(self, data):
        for element in self.open:
            element["text"] += data


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_refused_dose_shows_each_error_beside_its_field_and_changes_nothing(
    library, clinician_a, patient_a, htmx
):
    program = program_of(patient_a, clinician_a, library[:3])
    item = program.items.first()
    before = item.prescription_text
    data = dose_data(item, sets="12", side="sideways", note="x" * 301)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client_for(clinician_a.user).post(
        reverse("program_item_update", args=[program.pk, item.pk]),
        {"revision": program.revision, **data},
        headers=headers,
    )
    assert response.status_code == 200
    body = response.content.decode()
    found = Elements(body).by_id
    for name, message in [
        ("sets", "Ensure this value is less than or equal to 10."),
        ("side", "Select a valid choice. sideways is not one of the available choices."),
        ("note", "Ensure this value has at most 300 characters (it has 301)."),
    ]:
        field = found[f"id_item-{item.pk}-{name}"]
        error = found[f"id_item-{item.pk}-{name}_error"]
        assert field["attrs"]["aria-invalid"] == "true"
        assert field["attrs"]["aria-describedby"] == error["attrs"]["id"]
        assert "is-invalid" in field["attrs"]["class"].split()
        assert error["text"].strip() == message
    assert f'<label for="id_item-{item.pk}-sets" class="form-label requiredField">Sets' in body
    assert "aria-invalid" not in found[f"id_item-{item.pk}-hold_min"]["attrs"]
    opened = r'<details class="mt-2" open>\s*<summary>Change the dose</summary>\s*<form[^>]*'
    assert re.search(opened + f'action="/programs/{program.pk}/items/{item.pk}/"', body)
    item.refresh_from_db()
    assert item.prescription_text == before


def test_a_dose_without_reps_says_how_to_fix_it_under_the_reps(library, clinician_a, patient_a):
    program = program_of(patient_a, clinician_a, library[:3])
    item = program.items.first()
    response = client_for(clinician_a.user).post(
        reverse("program_item_update", args=[program.pk, item.pk]),
        {"revision": program.revision, **dose_data(item, reps_min="", reps_max="")},
    )
    found = Elements(response.content.decode()).by_id
    error = found[f"id_item-{item.pk}-reps_min_error"]
    assert error["text"].strip() == "Give a number of reps, or tick 'until tired'."


def test_refused_days_are_named_in_the_days_fieldset(library, clinician_a, patient_a):
    program = program_of(patient_a, clinician_a, library[:3])
    item = program.items.first()
    data = dose_data(item) | {f"item-{item.pk}-weekdays": ["1", "9"]}
    response = client_for(clinician_a.user).post(
        reverse("program_item_update", args=[program.pk, item.pk]),
        {"revision": program.revision, **data},
    )
    body = response.content.decode()
    found = Elements(body).by_id
    assert found[f"id_item-{item.pk}-weekdays_1"]["attrs"]["checked"] is None  # still ticked
    assert "checked" not in found[f"id_item-{item.pk}-weekdays_0"]["attrs"]
    error = found[f"id_item-{item.pk}-weekdays_error"]
    assert "9 is not one of the available choices" in error["text"]
    assert re.search(r"<legend\s+class=\"form-label fs-6\">Or on these days</legend>", body)


WIDGET_CLASSES = {"numberinput", "textinput", "select", "checkboxinput", "dateinput", "textarea"}


def without_widget_classes(html: str) -> str:
    """crispy-forms also names the widget's type in its class (numberinput, select...); no
    style uses it."""
    return re.sub(
        r'class="([^"]*)"',
        lambda match: 'class="{}"'.format(
            " ".join(name for name in match[1].split() if name not in WIDGET_CLASSES)
        ),
        html,
    )


def forms_to_compare(item, program):
    bad_dose = dose_data(item, sets="0", reps_min="x", side="nope", load_kg="-1", note="x" * 301)
    bad_dose[f"item-{item.pk}-weekdays"] = ["2", "8"]
    bad_dose[f"item-{item.pk}-to_fatigue"] = "on"
    bad_settings = {
        "program-title": "",
        "program-start_date": "9999-01-01",
        "program-times_per_day": "x",
        "program-note": "Little and often.",
    }
    return [
        lambda: ItemForm(instance=item, prefix=f"item-{item.pk}"),
        lambda: ItemForm(bad_dose, instance=item, prefix=f"item-{item.pk}"),
        lambda: ProgramForm(instance=program, prefix="program"),
        lambda: ProgramForm(bad_settings, instance=program, prefix="program"),
    ]


def test_the_dose_and_program_fields_are_drawn_as_crispy_forms_drew_them(
    library, clinician_a, patient_a
):
    program = program_of(patient_a, clinician_a, library[:3])
    item = program.items.first()
    for make in forms_to_compare(item, program):
        ours, theirs = make(), make()
        for name in ours.fields:
            drawn = parse_html(str(ours[name].as_field_group()))
            crispy = parse_html(without_widget_classes(as_crispy_field(theirs[name])))
            assert drawn == crispy, name


def test_text_in_a_dose_form_is_escaped(library, clinician_a, patient_a):
    program = program_of(patient_a, clinician_a, library[:3])
    item = program.items.first()
    form = ItemForm(
        dose_data(item, note='"><script>alert(1)</script>'), instance=item, prefix=f"item-{item.pk}"
    )
    drawn = str(form["note"].as_field_group())
    assert "<script>" not in drawn
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in drawn


def test_a_widget_the_builder_does_not_use_is_drawn_by_its_own_template():
    from django import forms

    from programs.field_groups import FieldGroup

    class Form(forms.Form):
        bound_field_class = FieldGroup
        side = forms.ChoiceField(
            choices=[("left", "Left"), ("right", "Right")], widget=forms.RadioSelect
        )

    drawn = str(Form({"side": "left"})["side"].as_field_group())
    assert 'type="radio" name="side" value="left"' in drawn
    assert 'id="id_side_0" checked' in drawn
