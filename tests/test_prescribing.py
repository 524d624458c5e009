from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from exercises.dose import Dose, Frequency, Side, describe_frequency, describe_prescription
from exercises.loader import load_library
from exercises.models import Exercise
from programs import prescribing
from programs.loader import load_templates
from programs.models import Program, ProgramItem
from tests.conftest import client_for
from tests.factories import ExerciseFactory


@pytest.fixture
def library(db):
    load_library()
    load_templates()
    return {e.slug: e for e in Exercise.objects.filter(clinic=None)}


@pytest.fixture
def draft(library, patient_a, clinician_a):
    program = prescribing.create_program(
        patient_a, by=clinician_a.user, title="Hip program", start_date=timezone.localdate()
    )
    for slug in ["clamshell", "reverse-clamshell", "side-lying-leg-raise"]:
        prescribing.add_item(program, library[slug], revision=None, by=clinician_a.user)
    program.refresh_from_db()
    return program


@pytest.fixture
def active(draft, clinician_a):
    prescribing.activate(draft, revision=draft.revision, by=clinician_a.user)
    return draft


def item_of(program, slug):
    return program.items.get(exercise__slug=slug)


def post(client, name, program, item=None, **data):
    args = [program.pk] if item is None else [program.pk, item.pk]
    program.refresh_from_db()
    data.setdefault("revision", program.revision)
    return client.post(reverse(name, args=args), data)


def dose_data(item, **changes):
    values = {
        "sets": item.sets,
        "reps_min": item.reps_min or "",
        "reps_max": item.reps_max or "",
        "hold_min": item.hold_min,
        "hold_max": item.hold_max or "",
        "rest_seconds": item.rest_seconds,
        "side": item.side,
        "band": item.band,
        "load_kg": item.load_kg or "",
        "note": item.note,
        "times_per_day": item.times_per_day,
        "days_per_week": item.days_per_week,
    }
    if item.to_fatigue:
        values["to_fatigue"] = "on"
    values.update(changes)
    return {f"item-{item.pk}-{key}": value for key, value in values.items() if value is not None}


# --- wording -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "frequency,words",
    [
        (Frequency(1, 7), "once a day, every day"),
        (Frequency(2, 7), "twice a day, every day"),
        (Frequency(3, 5), "3 times a day, 5 days a week"),
        (Frequency(1, 1), "once a day, 1 day a week"),
        (Frequency(1, 7, weekdays=0b0010101), "once a day on Monday, Wednesday and Friday"),
        (Frequency(1, 3, weekdays=0b1000000), "once a day on Sunday"),
        (Frequency(2, 3, weekdays=0b1111111), "twice a day, every day"),
    ],
)
def test_frequency_in_plain_words(frequency, words):
    assert describe_frequency(frequency) == words


def test_the_example_prescription_reads_as_clinicians_write_it():
    dose = Dose(sets=3, reps_min=10, reps_max=12, side=Side.EACH, hold_min=1)
    assert describe_prescription(dose, Frequency(1, 7)) == (
        "3 sets of 10–12 reps, each side, hold 1 second, once a day, every day"
    )


def test_item_wording_uses_band_or_load_and_its_own_frequency(draft):
    item = item_of(draft, "clamshell")
    item.band = "red"
    item.save()
    assert (
        item.prescription_text
        == "3 sets of 10–12 reps, each side, with a red band, once a day, every day"
    )
    item.band, item.load_kg = "", 2
    item.has_own_frequency, item.times_per_day = True, 2
    item.save()
    assert (
        item.prescription_text
        == "3 sets of 10–12 reps, each side, with 2 kg, twice a day, every day"
    )


# --- building ----------------------------------------------------------------------------------


def test_added_exercises_take_the_library_dose_in_order(draft):
    items = list(draft.items.select_related("exercise"))
    assert [i.exercise.slug for i in items] == [
        "clamshell",
        "reverse-clamshell",
        "side-lying-leg-raise",
    ]
    assert items[1].prescription_text == (
        "3 sets of 10–12 reps, each side, hold 1 second, once a day, every day"
    )


def test_builder_changes_a_dose(draft, clinician_a):
    item = item_of(draft, "reverse-clamshell")
    response = post(
        client_for(clinician_a.user),
        "program_item_update",
        draft,
        item,
        **dose_data(item, sets=2, reps_min=15, reps_max=""),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.dose_text == "2 sets of 15 reps, each side, hold 1 second"


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"sets": 0}, "sets", "greater than or equal to 1"),
        ({"sets": 11}, "sets", "less than or equal to 10"),
        ({"reps_min": 101}, "reps_min", "less than or equal to 100"),
        ({"reps_min": ""}, "reps_min", "Give a number of reps"),
        ({"reps_min": 12, "reps_max": 8}, "reps_max", "at least the bottom"),
        ({"hold_min": 601}, "hold_min", "less than or equal to 600"),
        ({"hold_min": 30, "hold_max": 20}, "hold_max", "at least the shortest"),
        ({"rest_seconds": -5}, "rest_seconds", "greater than or equal to 0"),
        ({"band": "red", "load_kg": "2"}, "load_kg", "not both"),
        ({"load_kg": "500"}, "load_kg", "less than or equal to 200"),
        ({"times_per_day": 7}, "times_per_day", "less than or equal to 6"),
        ({"side": "middle"}, "side", "Select a valid choice"),
        ({"note": "x" * 301}, "note", "at most 300 characters"),
    ],
)
def test_dose_validation_refuses_and_saves_nothing(draft, clinician_a, changes, field, message):
    item = item_of(draft, "clamshell")
    before = item.dose_values()
    response = post(
        client_for(clinician_a.user),
        "program_item_update",
        draft,
        item,
        **dose_data(item, **changes),
    )
    assert response.status_code == 200
    form = next(row.form for row in response.context["rows"] if row.item.pk == item.pk)
    assert message in " ".join(form.errors[field])
    item.refresh_from_db()
    assert item.dose_values() == before


def test_validation_message_appears_next_to_the_field_in_place(draft, clinician_a):
    item = item_of(draft, "clamshell")
    client = client_for(clinician_a.user)
    draft.refresh_from_db()
    response = client.post(
        reverse("program_item_update", args=[draft.pk, item.pk]),
        {**dose_data(item, sets=11), "revision": draft.revision},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="builder"')  # a fragment, not a whole page
    assert "Ensure this value is less than or equal to 10." in body


def test_reorder_and_remove(draft, clinician_a):
    client = client_for(clinician_a.user)
    post(client, "program_item_move", draft, item_of(draft, "side-lying-leg-raise"), direction="up")
    assert [i.exercise.slug for i in draft.items.all()] == [
        "clamshell",
        "side-lying-leg-raise",
        "reverse-clamshell",
    ]
    post(client, "program_item_remove", draft, item_of(draft, "clamshell"))
    assert [i.exercise.slug for i in draft.items.all()] == [
        "side-lying-leg-raise",
        "reverse-clamshell",
    ]
    assert [i.position for i in draft.items.all()] == [0, 1]


def test_item_from_another_program_is_refused(draft, clinician_a, patient_a2, library):
    other = prescribing.create_program(patient_a2, by=clinician_a.user, title="Other")
    foreign = prescribing.add_item(other, library["clamshell"], revision=None, by=clinician_a.user)
    response = post(
        client_for(clinician_a.user),
        "program_item_update",
        draft,
        foreign,
        **dose_data(foreign, sets=1),
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.sets == 3


# --- versions ----------------------------------------------------------------------------------


def versions(program):
    return [(v.number, v.changes) for v in program.versions.order_by("number")]


def test_drafts_have_no_versions_and_activation_records_version_1(draft, clinician_a):
    assert versions(draft) == []
    prescribing.activate(draft, revision=draft.revision, by=clinician_a.user)
    assert versions(draft) == [
        (
            1,
            [
                "Program started with 3 exercises: "
                "Clamshell, Reverse clamshell, Side-lying leg raise."
            ],
        )
    ]
    version = draft.versions.get()
    assert version.created_by == clinician_a.user
    assert [item["exercise"] for item in version.snapshot["items"]] == [
        "Clamshell",
        "Reverse clamshell",
        "Side-lying leg raise",
    ]


def test_every_kind_of_change_to_an_active_program_records_a_version(active, clinician_a, library):
    client = client_for(clinician_a.user)
    reverse_item = item_of(active, "reverse-clamshell")
    prescribing.update_item(
        reverse_item,
        {"sets": 2, "reps_min": 10, "reps_max": None},
        revision=None,
        by=clinician_a.user,
    )
    post(
        client,
        "program_item_update",
        active,
        reverse_item,
        **dose_data(reverse_item, sets=3, reps_min=12),
    )
    post(client, "program_item_add", active, exercise=library["windshield-wiper-stretch"].pk)
    post(client, "program_item_move", active, item_of(active, "clamshell"), direction="down")
    post(client, "program_item_remove", active, item_of(active, "side-lying-leg-raise"))
    post(
        client,
        "program_item_swap",
        active,
        item_of(active, "clamshell"),
        swap=f"progression:{library['clamshell-loop-band'].pk}",
    )
    changes = [lines for _, lines in versions(active)]
    assert changes[1:] == [
        ["Reverse clamshell: 3×10–12 → 2×10"],
        ["Reverse clamshell: 2×10 → 3×12"],
        [
            "Added Single-leg windshield-wiper stretch: 3 reps, each side, hold 20–30 seconds, "
            "once a day, every day."
        ],
        [
            "New order: Reverse clamshell, Clamshell, Side-lying leg raise, "
            "Single-leg windshield-wiper stretch."
        ],
        ["Removed Side-lying leg raise."],
        [
            "Clamshell is now Clamshell with loop band: 3 sets of 10–12 reps, each side, "
            "once a day, every day."
        ],
    ]
    assert [number for number, _ in versions(active)] == [1, 2, 3, 4, 5, 6, 7]
    # the earlier versions stay readable as they were
    first = active.versions.get(number=1).snapshot
    assert [item["exercise"] for item in first["items"]] == [
        "Clamshell",
        "Reverse clamshell",
        "Side-lying leg raise",
    ]


def test_program_details_changes_are_versioned(active, clinician_a):
    client = client_for(clinician_a.user)
    active.refresh_from_db()
    client.post(
        reverse("program_settings", args=[active.pk]),
        {
            "program-title": "Hip program",
            "program-start_date": active.start_date.isoformat(),
            "program-times_per_day": 2,
            "program-days_per_week": 7,
            "program-note": "Go gently.",
            "revision": active.revision,
        },
    )
    assert versions(active)[-1][1] == [
        "How often: once a day, every day → twice a day, every day",
        "New note from your physio.",
    ]


def test_settings_validation(draft, clinician_a):
    client = client_for(clinician_a.user)
    draft.refresh_from_db()
    response = client.post(
        reverse("program_settings", args=[draft.pk]),
        {
            "program-title": "",
            "program-start_date": "2026-05-10",
            "program-end_date": "2026-05-01",
            "program-times_per_day": 9,
            "program-days_per_week": 0,
            "revision": draft.revision,
        },
    )
    form = response.context["settings_form"]
    assert set(form.errors) == {"title", "end_date", "times_per_day", "days_per_week"}
    draft.refresh_from_db()
    assert draft.title == "Hip program"


def test_stale_edit_is_refused_with_a_clear_message(active, clinician_a, admin_a):
    item = item_of(active, "clamshell")
    active.refresh_from_db()
    stale_revision = active.revision
    # Two clinicians opened the builder at the same revision; the first saves.
    client_for(admin_a.user).post(
        reverse("program_item_update", args=[active.pk, item.pk]),
        {**dose_data(item, sets=4), "revision": stale_revision},
    )
    second = client_for(clinician_a.user).post(
        reverse("program_item_update", args=[active.pk, item.pk]),
        {**dose_data(item, sets=1), "revision": stale_revision},
        HTTP_HX_REQUEST="true",
    )
    assert "Someone else changed this program after you opened it" in second.content.decode()
    item.refresh_from_db()
    assert item.sets == 4
    assert versions(active)[-1][1] == ["Clamshell: 3×10–12 → 4×10–12"]


def test_a_missing_revision_counts_as_stale(draft, clinician_a, library):
    count = draft.items.count()
    client_for(clinician_a.user).post(
        reverse("program_item_add", args=[draft.pk]), {"exercise": library["clamshell"].pk}
    )
    assert draft.items.count() == count


# --- activate, discharge, patient view -----------------------------------------------------


def test_activation_needs_an_exercise(library, patient_a, clinician_a):
    program = prescribing.create_program(patient_a, by=clinician_a.user, title="Empty")
    response = post(client_for(clinician_a.user), "program_activate", program)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.status == Program.Status.DRAFT


def test_patient_sees_the_active_program_at_once_and_never_a_draft(draft, clinician_a, patient_a):
    patient = client_for(patient_a.user)
    assert "Hip program" not in patient.get(reverse("portal_home")).content.decode()
    post(client_for(clinician_a.user), "program_activate", draft)
    body = patient.get(reverse("portal_home")).content.decode()
    assert "Hip program" in body
    assert "3 sets of 10–12 reps, each side, hold 1 second, once a day, every day" in body
    assert body.index("Clamshell") < body.index("Reverse clamshell") < body.index("Side-lying")


def test_discharge_keeps_everything_and_freezes_the_program(active, clinician_a):
    client = client_for(clinician_a.user)
    assert (
        "Discharge Hip program?"
        in client.get(reverse("program_discharge", args=[active.pk])).content.decode()
    )
    post(client, "program_discharge", active)
    active.refresh_from_db()
    assert active.status == Program.Status.DISCHARGED
    assert active.end_date == timezone.localdate()
    assert active.items.count() == 3 and active.versions.count() == 1
    response = post(client, "program_item_remove", active, item_of(active, "clamshell"))
    assert response.status_code == 302
    assert active.items.count() == 3


def test_preview_shows_what_the_patient_sees(draft, clinician_a):
    body = client_for(clinician_a.user).get(reverse("program_preview", args=[draft.pk])).content
    assert b"This is exactly what Pat sees" in body
    assert "3 sets of 10–12 reps, each side, once a day, every day".encode() in body


# --- progress, regress, alternative ---------------------------------------------------------


def test_regress_in_one_click_takes_the_target_dose(draft, clinician_a, library):
    item = item_of(draft, "reverse-clamshell")
    stretch = library["windshield-wiper-stretch"]
    post(
        client_for(clinician_a.user),
        "program_item_swap",
        draft,
        item,
        swap=f"regression:{stretch.pk}",
    )
    item.refresh_from_db()
    assert item.exercise == stretch
    assert item.dose_text == "3 reps, each side, hold 20–30 seconds"


def test_progress_can_keep_the_current_dose(draft, clinician_a, library):
    item = item_of(draft, "reverse-clamshell")
    prescribing.update_item(
        item, {"sets": 2, "reps_min": 8, "reps_max": None}, revision=None, by=clinician_a.user
    )
    band = library["reverse-clamshell-mini-band"]
    post(
        client_for(clinician_a.user),
        "program_item_swap",
        draft,
        item,
        swap=f"progression:{band.pk}",
        keep_dose="on",
    )
    item.refresh_from_db()
    assert item.exercise == band
    assert item.dose_text == "2 sets of 8 reps, each side, hold 1 second"


def test_swap_only_along_the_ladder(draft, clinician_a, library):
    item = item_of(draft, "clamshell")
    response = post(
        client_for(clinician_a.user),
        "program_item_swap",
        draft,
        item,
        swap=f"regression:{library['windshield-wiper-stretch'].pk}",
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.exercise == library["clamshell"]


def test_buttons_exist_only_for_links_that_exist(draft, clinician_a):
    body = client_for(clinician_a.user).get(draft.get_absolute_url()).content.decode()
    clamshell = body[body.index('id="item-') : body.index("Reverse clamshell</a>")]
    assert "Harder: Clamshell with loop band" in clamshell
    assert "Easier:" not in clamshell  # the clamshell has no regression
    assert "Easier: Single-leg windshield-wiper stretch" in body
    assert "Instead: Side-lying leg raise" in body


# --- templates and copies -------------------------------------------------------------------


def test_library_templates_are_seeded_and_idempotent(library):
    titles = set(Program.objects.filter(scope="library").values_list("title", flat=True))
    assert {
        "Hip: gluteus medius, phase 1 (getting started)",
        "Hip: gluteus medius, phase 2 (building strength)",
    } <= titles
    assert load_templates()["templates unchanged"] == len(titles)
    phase2 = Program.objects.get(title__contains="phase 2")
    assert [i.exercise.slug for i in phase2.items.all()] == [
        "clamshell-loop-band",
        "reverse-clamshell-mini-band",
        "reverse-clamshell-abduction-extension",
        "side-lying-leg-raise",
    ]
    assert phase2.frequency_text == "once a day, 3 days a week"


def test_start_a_program_from_a_template(library, clinician_a, patient_a):
    template = Program.objects.get(title__contains="phase 1")
    response = client_for(clinician_a.user).post(
        reverse("program_create", args=[patient_a.pk]),
        {
            "program-template": template.pk,
            "program-title": "Phase 1",
            "program-start_date": "2026-11-23",
            "program-times_per_day": 1,
            "program-days_per_week": 7,
        },
    )
    program = Program.objects.get(patient=patient_a)
    assert response.url == program.get_absolute_url()
    assert program.status == Program.Status.DRAFT
    assert program.start_date == date(2026, 11, 23)
    assert [i.exercise.slug for i in program.items.all()] == [
        i.exercise.slug for i in template.items.all()
    ]
    assert template.items.count() == 4  # the template itself is untouched


def test_save_as_template_personal_or_clinic_wide(active, clinician_a, admin_a, clinician_b):
    client = client_for(clinician_a.user)
    client.post(
        reverse("program_save_template", args=[active.pk]),
        {"title": "Carl's hip set", "scope": "personal"},
    )
    client.post(
        reverse("program_save_template", args=[active.pk]),
        {"title": "Clinic hip set", "scope": "clinic"},
    )
    personal = Program.objects.get(title="Carl's hip set")
    clinic_wide = Program.objects.get(title="Clinic hip set")
    assert personal.items.count() == clinic_wide.items.count() == 3
    assert personal.patient is None and personal.owner == clinician_a

    def listed(user):
        return client_for(user).get(reverse("template_list")).content.decode()

    assert "Carl&#x27;s hip set" in listed(clinician_a.user)
    assert "Carl&#x27;s hip set" not in listed(admin_a.user)
    assert "Clinic hip set" in listed(admin_a.user)
    assert "Clinic hip set" not in listed(clinician_b.user)
    assert client_for(admin_a.user).get(personal.get_absolute_url()).status_code == 404
    assert client_for(clinician_b.user).get(clinic_wide.get_absolute_url()).status_code == 404


def test_edit_and_delete_a_template(library, clinician_a):
    client = client_for(clinician_a.user)
    client.post(reverse("template_create"), {"title": "Knee basics", "scope": "clinic"})
    template = Program.objects.get(title="Knee basics")
    post(client, "program_item_add", template, exercise=library["clamshell"].pk)
    assert template.items.count() == 1
    assert template.versions.count() == 0
    assert (
        "Delete Knee basics?"
        in client.get(reverse("program_delete", args=[template.pk])).content.decode()
    )
    client.post(reverse("program_delete", args=[template.pk]))  # no confirmation: kept
    assert Program.objects.filter(pk=template.pk).exists()
    client.post(reverse("program_delete", args=[template.pk]), {"confirm": "yes"})
    assert not Program.objects.filter(pk=template.pk).exists()


def test_library_templates_are_read_only(library, clinician_a):
    template = Program.objects.get(title__contains="phase 1")
    client = client_for(clinician_a.user)
    assert client.get(template.get_absolute_url()).status_code == 200
    post(client, "program_item_remove", template, template.items.first())
    assert template.items.count() == 4
    response = client.post(reverse("program_delete", args=[template.pk]), {"confirm": "yes"})
    assert response.status_code == 404


def test_copy_to_another_patient_of_the_clinic(active, clinician_a, patient_a2, patient_b):
    client = client_for(clinician_a.user)
    page = client.get(reverse("program_copy", args=[active.pk])).content.decode()
    assert "Nina Newcomer" in page and "Olly" not in page
    response = client.post(reverse("program_copy", args=[active.pk]), {"patient": patient_b.pk})
    assert "patient" in response.context["form"].errors  # another clinic's patient
    client.post(reverse("program_copy", args=[active.pk]), {"patient": patient_a2.pk})
    copy = Program.objects.get(patient=patient_a2)
    assert copy.status == Program.Status.DRAFT
    assert [i.prescription_text for i in copy.items.all()] == [
        i.prescription_text for i in active.items.all()
    ]


def test_a_library_template_copies_for_a_patient(library, clinician_a, patient_a2):
    template = Program.objects.get(title__contains="phase 1")
    response = client_for(clinician_a.user).post(
        reverse("program_copy", args=[template.pk]), {"patient": patient_a2.pk}
    )
    copy = Program.objects.get(patient=patient_a2)
    assert response.url == copy.get_absolute_url()
    assert copy.status == Program.Status.DRAFT and copy.clinic == patient_a2.clinic
    assert [i.prescription_text for i in copy.items.all()] == [
        i.prescription_text for i in template.items.all()
    ]


def test_a_failed_copy_saves_nothing(active, clinician_a, patient_a2, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ProgramItem.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        prescribing.copy_program(active, patient_a2, by=clinician_a.user)
    assert not Program.objects.filter(patient=patient_a2).exists()


def test_only_drafts_are_deleted_not_active_programs(active, clinician_a):
    assert (
        client_for(clinician_a.user).post(reverse("program_delete", args=[active.pk])).status_code
        == 404
    )
    assert Program.objects.filter(pk=active.pk).exists()


# --- speed -------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 20])
def test_builder_query_count_does_not_grow_with_items(
    library, clinician_a, patient_a, django_assert_num_queries, count
):
    program = prescribing.create_program(patient_a, by=clinician_a.user, title="Many")
    exercises = list(library.values()) + ExerciseFactory.create_batch(13, clinic=None)
    for exercise in exercises[:count]:
        prescribing.add_item(program, exercise, revision=None, by=clinician_a.user)
    prescribing.activate(program, revision=None, by=clinician_a.user)
    client = client_for(clinician_a.user)
    client.get(program.get_absolute_url())
    # session, user, clinician, program, the audit entry, items with exercises, links,
    # versions, session save (3)
    with django_assert_num_queries(11):
        client.get(program.get_absolute_url())


def test_an_items_own_frequency_is_reported_once(active, clinician_a):
    item = item_of(active, "clamshell")
    prescribing.update_item(
        item, {"has_own_frequency": True, "times_per_day": 2}, revision=None, by=clinician_a.user
    )
    assert versions(active)[-1][1] == ["Clamshell: how often is now twice a day, every day"]


# --- the same exercise twice -------------------------------------------------------------------


def names(program):
    return [item.display_name for item in program.items.select_related("exercise")]


def htmx_post(client, name, program, item=None, **data):
    args = [program.pk] if item is None else [program.pk, item.pk]
    program.refresh_from_db()
    data.setdefault("revision", program.revision)
    return client.post(reverse(name, args=args), data, HTTP_HX_REQUEST="true")


def test_adding_an_exercise_already_in_the_program_is_refused(draft, clinician_a, library):
    revision = draft.revision
    with pytest.raises(prescribing.ProgramChangeError) as refused:
        prescribing.add_item(draft, library["clamshell"], revision=None, by=clinician_a.user)
    assert str(refused.value) == (
        "Clamshell is already in this program. To add it again for one side or another dose, "
        "use ‘Add again for one side’."
    )
    response = htmx_post(
        client_for(clinician_a.user), "program_item_add", draft, exercise=library["clamshell"].pk
    )
    assert "Clamshell is already in this program." in response.content.decode()
    draft.refresh_from_db()
    assert draft.revision == revision
    assert names(draft) == ["Clamshell", "Reverse clamshell", "Side-lying leg raise"]


def test_added_again_for_one_side_both_items_are_named_apart(draft, clinician_a, library):
    second = prescribing.add_item(
        draft, library["clamshell"], side="left", revision=None, by=clinician_a.user
    )
    assert second.qualifier == "left"
    assert second.dose_text == "3 sets of 10–12 reps, left side only"
    assert names(draft) == [
        "Clamshell (each side)",
        "Reverse clamshell",
        "Side-lying leg raise",
        "Clamshell (left)",
    ]
    client = client_for(clinician_a.user)
    builder = client.get(draft.get_absolute_url()).content.decode()
    assert "Clamshell (left)</a>" in builder and "Clamshell (each side)</a>" in builder
    assert 'aria-label="Remove Clamshell (left)"' in builder
    preview = client.get(reverse("program_preview", args=[draft.pk])).content.decode()
    assert "4.</span> Clamshell (left)</h3>" in preview
    prescribing.activate(draft, revision=None, by=clinician_a.user)
    version = draft.versions.get()
    assert [item["exercise"] for item in version.snapshot["items"]][::3] == [
        "Clamshell (each side)",
        "Clamshell (left)",
    ]
    prescribing.remove_item(item_of_pk(draft, second.pk), revision=None, by=clinician_a.user)
    assert names(draft)[0] == "Clamshell"  # told apart from nothing any more
    assert versions(draft)[-1][1] == ["Removed Clamshell (left)."]


def item_of_pk(program, pk):
    return program.items.get(pk=pk)


def test_a_second_item_that_reads_like_the_first_is_refused(draft, clinician_a, library):
    first = item_of(draft, "clamshell")
    prescribing.update_item(first, {"side": "left"}, revision=None, by=clinician_a.user)
    with pytest.raises(prescribing.ProgramChangeError) as refused:
        prescribing.add_item(
            draft, library["clamshell"], side="left", revision=None, by=clinician_a.user
        )
    assert "The two Clamshell items would then read the same to the patient" in str(refused.value)
    assert draft.items.filter(exercise=library["clamshell"]).count() == 1
    first.refresh_from_db()
    assert first.qualifier == ""


def test_an_edit_that_makes_two_items_read_the_same_is_refused(draft, clinician_a, library):
    second = prescribing.add_item(
        draft, library["clamshell"], side="left", revision=None, by=clinician_a.user
    )
    response = post(
        client_for(clinician_a.user),
        "program_item_update",
        draft,
        second,
        **dose_data(second, side="each"),
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.side == "left" and second.display_name == "Clamshell (left)"
    assert names(draft)[0] == "Clamshell (each side)"


def test_two_items_on_one_side_are_named_by_their_dose(draft, clinician_a, library):
    first = item_of(draft, "clamshell")
    second = prescribing.add_item(
        draft, library["clamshell"], side="left", revision=None, by=clinician_a.user
    )
    prescribing.update_item(
        first,
        {"side": "left", "sets": 2, "reps_min": 15, "reps_max": None},
        revision=None,
        by=clinician_a.user,
    )
    assert names(draft)[0] == "Clamshell (2×15)"
    second.refresh_from_db()
    assert second.display_name == "Clamshell (3×10–12)"


def test_change_lines_name_the_second_item(active, clinician_a, library):
    prescribing.add_item(
        active, library["clamshell"], side="right", revision=None, by=clinician_a.user
    )
    assert versions(active)[-1][1] == [
        "Added Clamshell (right): 3 sets of 10–12 reps, right side only, once a day, every day."
    ]


def test_a_swap_into_an_exercise_already_in_the_program_is_refused(draft, clinician_a, library):
    banded = library["clamshell-loop-band"]
    prescribing.add_item(draft, banded, revision=None, by=clinician_a.user)
    clamshell = item_of(draft, "clamshell")
    client = client_for(clinician_a.user)
    builder = client.get(draft.get_absolute_url()).content.decode()
    assert "Harder: Clamshell with loop band (already in the program)</button>" in builder
    response = htmx_post(
        client, "program_item_swap", draft, clamshell, swap=f"progression:{banded.pk}"
    )
    assert (
        "Clamshell with loop band is already in this program, so Clamshell was not changed to it."
        in response.content.decode()
    )
    clamshell.refresh_from_db()
    assert clamshell.exercise == library["clamshell"]
    assert draft.items.filter(exercise=banded).count() == 1


def test_search_results_offer_add_again_for_an_exercise_in_the_program(draft, clinician_a):
    client = client_for(clinician_a.user)
    page = client.get(draft.get_absolute_url() + "?q=clamshell").content.decode()
    assert 'aria-label="Add Clamshell with loop band"' in page
    assert 'aria-label="Add Clamshell"' not in page
    assert "Add again for one side</button>" in page
    fragment = client.get(
        reverse("program_search", args=[draft.pk]) + "?q=clamshell", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'aria-label="Add Clamshell again for one side"' in fragment


def test_add_again_for_one_side_without_javascript(draft, clinician_a, library):
    response = post(
        client_for(clinician_a.user),
        "program_item_add",
        draft,
        exercise=library["reverse-clamshell"].pk,
        side="right",
        q="clamshell",
    )
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url() + "?q=clamshell"
    assert names(draft)[1] == "Reverse clamshell (each side)"
    assert names(draft)[3] == "Reverse clamshell (right)"


def test_an_add_with_htmx_refreshes_the_search_results(draft, clinician_a, library):
    body = htmx_post(
        client_for(clinician_a.user),
        "program_item_add",
        draft,
        exercise=library["clamshell-loop-band"].pk,
        q="clamshell",
    ).content.decode()
    oob = body[body.index('<div id="search-results" hx-swap-oob="innerHTML">') :]
    assert 'aria-label="Add Clamshell with loop band again for one side"' in oob
    assert 'aria-label="Add Reverse clamshell with mini band"' in oob


def test_a_side_that_does_not_exist_is_refused(draft, clinician_a, library):
    post(
        client_for(clinician_a.user),
        "program_item_add",
        draft,
        exercise=library["clamshell"].pk,
        side="middle",
    )
    assert draft.items.filter(exercise=library["clamshell"]).count() == 1


# --- keeping the dose on a swap ----------------------------------------------------------------


def swapped(library, clinician_a, draft, slug, to, keep_dose=True, **values):
    """The dose and message for swapping the draft's `slug` item (changed by `values`) to `to`."""
    item = draft.items.filter(exercise__slug=slug).first()
    if item is None:
        item = prescribing.add_item(draft, library[slug], revision=None, by=clinician_a.user)
    if values:
        prescribing.update_item(item, values, revision=None, by=clinician_a.user)
    item.refresh_from_db()
    return item, prescribing.dose_for_swap(item, library[to], keep_dose=keep_dose)


def test_keeping_the_dose_between_two_rep_exercises_keeps_it_all(draft, clinician_a, library):
    # reverse clamshell → with mini band: both in reps (a 1-second hold is a pause, not the work)
    _, swap = swapped(
        library,
        clinician_a,
        draft,
        "reverse-clamshell",
        "reverse-clamshell-mini-band",
        sets=2,
        reps_min=8,
        reps_max=None,
    )
    assert swap.values == {"band": "", "load_kg": None}  # no band on a body-weight exercise
    assert swap.message == "Kept 2 sets of 8 reps, hold 1 second, each side, once a day, every day."


def test_a_stretch_swapped_in_takes_its_own_hold_not_ten_reps(draft, clinician_a, library):
    # reverse clamshell (3 × 10–12, hold 1 s) → windshield-wiper stretch (3 reps, hold 20–30 s)
    _, swap = swapped(
        library,
        clinician_a,
        draft,
        "reverse-clamshell",
        "windshield-wiper-stretch",
        side="left",
        has_own_frequency=True,
        times_per_day=2,
        note="Slowly.",
    )
    assert swap.values == {
        "sets": 1,
        "reps_min": 3,
        "reps_max": None,
        "to_fatigue": False,
        "hold_min": 20,
        "hold_max": 30,
        "rest_seconds": 0,
        "band": "",
        "load_kg": None,
    }
    assert swap.message == (
        "Kept left side only, twice a day, every day, the note; took 3 reps, hold 20–30 "
        "seconds from Single-leg windshield-wiper stretch’s usual dose."
    )


def test_a_strength_exercise_after_a_stretch_takes_its_own_sets_and_reps(
    draft, clinician_a, library
):
    _, swap = swapped(library, clinician_a, draft, "windshield-wiper-stretch", "reverse-clamshell")
    assert (swap.values["sets"], swap.values["reps_min"], swap.values["hold_min"]) == (3, 10, 1)
    assert swap.message == (
        "Kept each side, once a day, every day; took 3 sets of 10–12 reps, hold 1 second "
        "from Reverse clamshell’s usual dose."
    )


def test_a_band_is_kept_only_for_another_band_exercise(draft, clinician_a, library):
    _, to_band = swapped(
        library,
        clinician_a,
        draft,
        "clamshell-loop-band",
        "reverse-clamshell-mini-band",
        band="red",
    )
    assert to_band.values == {}
    assert to_band.message == (
        "Kept 3 sets of 10–12 reps, each side, with a red band, once a day, every day."
    )
    _, to_body_weight = swapped(
        library, clinician_a, draft, "clamshell-loop-band", "side-lying-leg-raise"
    )
    assert to_body_weight.values == {"band": "", "load_kg": None}
    assert to_body_weight.message == (
        "Kept 3 sets of 10–12 reps, each side, once a day, every day. Left out a red band, "
        "which does not go with Side-lying leg raise."
    )


def test_without_keeping_the_dose_the_usual_dose_is_taken_and_said(draft, clinician_a, library):
    item = item_of(draft, "reverse-clamshell")
    body = htmx_post(
        client_for(clinician_a.user),
        "program_item_swap",
        draft,
        item,
        swap=f"regression:{library['windshield-wiper-stretch'].pk}",
    ).content.decode()
    assert (
        "Took Single-leg windshield-wiper stretch’s usual dose: 3 reps, each side, hold 20–30 "
        "seconds."
    ) in body
    item.refresh_from_db()
    assert item.dose_text == "3 reps, each side, hold 20–30 seconds"


def test_a_kept_dose_swap_says_what_was_kept(draft, clinician_a, library):
    item = item_of(draft, "reverse-clamshell")
    client = client_for(clinician_a.user)
    response = post(
        client,
        "program_item_swap",
        draft,
        item,
        swap=f"regression:{library['windshield-wiper-stretch'].pk}",
        keep_dose="on",
    )
    page = client.get(response.url).content.decode()
    assert "Kept each side, once a day, every day; took 3 reps, hold 20–30 seconds" in page
    item.refresh_from_db()
    assert item.dose_text == "3 reps, each side, hold 20–30 seconds"


# --- dates and the patient's list of changes ---------------------------------------------------


@pytest.mark.parametrize(
    "value,year,words",
    [
        ("2026-11-07", 2026, "7 November"),
        ("2027-01-03", 2026, "3 January 2027"),
        ("2025-12-31", 2026, "31 December 2025"),
        (None, 2026, "none"),
    ],
)
def test_dates_read_as_people_write_them(value, year, words):
    assert prescribing._snapshot_date(value, year) == words


def test_date_changes_in_the_history_read_as_people_write_them(active, clinician_a):
    year = active.clinic.today().year
    was = prescribing._snapshot_date(active.start_date.isoformat(), year)
    prescribing.update_program(
        active,
        {"start_date": date(year, 3, 1), "end_date": date(year + 1, 1, 5)},
        revision=None,
        by=clinician_a.user,
    )
    version = active.versions.order_by("number").last()
    assert version.changes == [
        f"Start date: {was} → 1 March",
        f"End date: none → 5 January {year + 1}",
    ]
    assert version.patient_changes == [
        "Start date of your program: 1 March.",
        f"End date of your program: 5 January {year + 1}.",
    ]
    page = client_for(clinician_a.user).get(active.get_absolute_url()).content.decode()
    assert f"Start date: {was} → 1 March" in page


def test_stored_iso_dates_are_rewritten_once(active):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("programs.migrations.0006_readable_dates_in_versions")
    version = active.versions.get()
    year = version.created_at.year
    version.changes = [
        f"Start date: {year}-11-07 → {year + 1}-01-03",
        "New note for Clamshell: see you 2026-11-07",
    ]
    version.patient_changes = [f"End date of your program: {year}-12-01."]
    version.save()
    migration.readable_dates(apps, None)
    migration.readable_dates(apps, None)
    version.refresh_from_db()
    assert version.changes == [
        f"Start date: 7 November → 3 January {year + 1}",
        "New note for Clamshell: see you 2026-11-07",  # a note is left as written
    ]
    assert version.patient_changes == ["End date of your program: 1 December."]


def banner(client):
    body = client.get(reverse("portal_home")).content.decode()
    if 'class="alert alert-warning changes"' not in body:
        return None
    start = body.index('class="alert alert-warning changes"')
    return body[start : body.index("</ul>", start)]


def test_the_patient_sees_one_merged_list_of_changes_since_they_last_looked(
    active, clinician_a, patient_a, library
):
    patient = client_for(patient_a.user)
    assert "New from your physio" in banner(patient)
    patient.post(reverse("portal_changes_seen", args=[active.pk]))
    assert banner(patient) is None

    stretch = prescribing.add_item(
        active, library["windshield-wiper-stretch"], revision=None, by=clinician_a.user
    )
    prescribing.remove_item(stretch, revision=None, by=clinician_a.user)
    assert banner(patient) is None  # added and removed again: nothing to tell

    item = item_of(active, "reverse-clamshell")
    for sets in (2, 4):
        prescribing.update_item(item, {"sets": sets}, revision=None, by=clinician_a.user)
    shown = banner(patient)
    assert shown.count("<h3") == 1 and "Your physio changed your program</h3>" in shown
    assert shown.count("<li>") == 1
    assert "Reverse clamshell is now 4 sets of 10–12 reps, each side, hold 1 second" in shown
    assert "windshield" not in shown
    patient.post(reverse("portal_changes_seen", args=[active.pk]))
    assert banner(patient) is None


def test_the_patient_reads_dates_in_words(active, clinician_a, patient_a):
    patient = client_for(patient_a.user)
    patient.post(reverse("portal_changes_seen", args=[active.pk]))
    year = active.clinic.today().year
    prescribing.update_program(
        active, {"end_date": date(year + 1, 1, 5)}, revision=None, by=clinician_a.user
    )
    shown = banner(patient)
    assert f"End date of your program: 5 January {year + 1}." in shown
    assert f"{year + 1}-01-05" not in shown


def test_the_clinician_sets_a_stop_if_note_and_the_programs_own_threshold(active, clinician_a):
    client = client_for(clinician_a.user)
    active.refresh_from_db()
    page = client.get(active.get_absolute_url()).content.decode()
    assert "Stop if" in page and "Leave empty to use the clinic" in page
    data = {
        "program-title": "Hip program",
        "program-start_date": active.start_date.isoformat(),
        "program-times_per_day": 1,
        "program-days_per_week": 7,
        "program-stop_if": "Stop if pain goes above 5/10.",
        "program-pain_threshold": 11,
        "revision": active.revision,
    }
    bad = client.post(reverse("program_settings", args=[active.pk]), data)
    assert set(bad.context["settings_form"].errors) == {"pain_threshold"}
    active.refresh_from_db()
    assert active.stop_if == "" and active.pain_threshold is None
    client.post(
        reverse("program_settings", args=[active.pk]), {**data, "program-pain_threshold": 5}
    )
    active.refresh_from_db()
    assert (active.stop_if, active.pain_threshold) == ("Stop if pain goes above 5/10.", 5)


def test_the_builder_finds_exercises_by_condition_and_body_part(draft, clinician_a, library):
    client = client_for(clinician_a.user)
    fragment = client.get(
        reverse("program_search", args=[draft.pk]) + "?q=tennis+elbow", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'aria-label="Add Slow wrist lowering with a weight"' in fragment
    knee = client.get(
        reverse("program_search", args=[draft.pk]) + "?q=knee", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'aria-label="Add Quadriceps setting"' in knee
