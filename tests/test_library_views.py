from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from exercises.ladder import ladder_for, link_exercises
from exercises.loader import load_library
from exercises.models import Exercise, ExerciseLink, LinkKind
from tests.conftest import client_for
from tests.factories import ExerciseFactory


@pytest.fixture
def library(db):
    load_library()
    return {exercise.slug: exercise for exercise in Exercise.objects.filter(clinic=None)}


def found(client, **params):
    response = client.get(reverse("library"), params)
    assert response.status_code == 200
    return {exercise.name for exercise in response.context["page"].paginator.object_list}


def ranked(client, **params):
    response = client.get(reverse("library"), params)
    return [exercise.name for exercise in response.context["page"].object_list]


def test_search_by_name_puts_the_named_exercises_first(library, clinician_a):
    names = ranked(client_for(clinician_a.user), q="clamshell")
    assert set(names[:5]) == {
        "Clamshell",
        "Clamshell with loop band",
        "Reverse clamshell",
        "Reverse clamshell with mini band",
        "Reverse clamshell with hip abduction and extension",
    }
    # Then those whose text mentions it (their ladder notes and steps).
    assert set(names[5:]) == {"Side-lying leg raise", "Single-leg windshield-wiper stretch"}


def test_search_by_condition_words(library, clinician_a):
    client = client_for(clinician_a.user)
    assert found(client, q="tennis elbow") == {
        "Wrist extensor stretch",
        "Slow wrist lowering with a weight",
    }
    achilles = found(client, q="achilles")
    assert {"Heel drop off a step (straight knee)", "Heel drop off a step (bent knee)"} <= achilles
    assert "Wrist extensor stretch" not in achilles


def test_search_by_body_part_finds_that_region_first(library, clinician_a):
    client = client_for(clinician_a.user)
    shoulder = ranked(client, q="shoulder")
    assert library["pendulum"].name in shoulder[:20]
    assert found(client, q="knee", equipment="resistance-band") >= {
        "Terminal knee extension with a band"
    }


def test_search_by_muscle_in_plain_or_anatomical_words(library, clinician_a):
    client = client_for(clinician_a.user)
    maximus = found(client, q="maximus")
    assert {"Reverse clamshell with hip abduction and extension", "Glute bridge"} <= maximus
    assert "Clamshell" not in maximus
    assert "Single-leg windshield-wiper stretch" in found(client, q="deep muscles")
    assert "Short-arc quad" in found(client, q="front of the thigh")


def test_search_by_words_in_steps_and_cues(library, clinician_a):
    client = client_for(clinician_a.user)
    assert "Side-lying leg raise" in found(client, q="elbow")  # a step
    assert "Single-leg windshield-wiper stretch" in found(client, q="gentle pull")  # a cue


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"equipment": "mini-band"}, {"Reverse clamshell with mini band"}),
        (
            {"equipment": "loop-band"},
            {
                "Clamshell with loop band",
                "Side-stepping with a band",
                "Standing hip abduction with a band",
            },
        ),
        (
            {"body_part": "knee", "position": "supine"},
            {"Quadriceps setting", "Straight leg raise", "Short-arc quad", "Heel slides"},
        ),
        (
            {"body_part": "hip_glutes", "activity_type": "mobility"},
            {
                "Single-leg windshield-wiper stretch",
                "Figure-four stretch",
                "Half-kneeling hip flexor stretch",
            },
        ),
        (
            {"region": "lower_body", "skill_level": "advanced", "body_part": "hip_glutes"},
            {"Reverse clamshell with hip abduction and extension"},
        ),
        ({"region": "upper_body", "body_part": "knee"}, set()),
        (
            {"q": "clamshell", "activity_type": "resistance_band"},
            {"Clamshell with loop band", "Reverse clamshell with mini band"},
        ),
    ],
)
def test_each_filter(library, clinician_a, params, expected):
    assert found(client_for(clinician_a.user), **params) == expected


def test_region_and_body_part_filters_keep_matching_exercises(library, clinician_a):
    client = client_for(clinician_a.user)
    hips = found(client, region="lower_body", body_part="hip_glutes")
    assert len(hips) == 14 and "Glute bridge" in hips
    assert len(found(client, region="upper_body")) >= 29


def test_empty_results_say_so(library, clinician_a):
    body = client_for(clinician_a.user).get(reverse("library"), {"q": "trampoline"}).content
    assert b"No exercises match this search" in body


def test_results_show_the_drawing_and_the_dose(library, clinician_a):
    body = client_for(clinician_a.user).get(reverse("library")).content.decode()
    assert "exercises/illustrations/clamshell.svg" in body
    assert "3 sets of 10–12 reps, each side" in body


def test_library_query_count_does_not_grow(library, clinician_a, django_assert_num_queries):
    client = client_for(clinician_a.user)
    client.get(reverse("library"))
    # session, user, clinician, equipment choices, count, page, equipment prefetch, session save
    with django_assert_num_queries(10):
        client.get(reverse("library"))
    ExerciseFactory.create_batch(15, clinic=clinician_a.clinic)
    with django_assert_num_queries(10):
        client.get(reverse("library"))


def test_detail_shows_the_ladder_with_links(library, clinician_a):
    response = client_for(clinician_a.user).get(library["reverse-clamshell"].get_absolute_url())
    body = response.content.decode()
    assert "Harder: progressions" in body
    assert library["windshield-wiper-stretch"].get_absolute_url() in body
    assert "Keep your knees touching the whole time." in body
    assert "3 sets of 10–12 reps, each side, hold 1 second" in body


def test_clinic_exercise_is_invisible_to_another_clinic(library, clinician_a, clinician_b):
    custom = ExerciseFactory(clinic=clinician_a.clinic, name="Stair step-up")
    link_exercises(library["clamshell"], custom, LinkKind.PROGRESSION)
    other = client_for(clinician_b.user)
    assert other.get(custom.get_absolute_url()).status_code == 404
    assert "Stair step-up" not in found(other, q="stair")
    assert (
        "Stair step-up" not in other.get(library["clamshell"].get_absolute_url()).content.decode()
    )
    own = client_for(clinician_a.user)
    assert "Stair step-up" in found(own, q="stair")
    assert "Stair step-up" in own.get(library["clamshell"].get_absolute_url()).content.decode()


def test_global_exercises_cannot_be_edited_by_clinics(library, clinician_a):
    client = client_for(clinician_a.user)
    pk = library["clamshell"].pk
    assert client.get(reverse("exercise_edit", args=[pk])).status_code == 404
    assert client.post(reverse("exercise_archive", args=[pk])).status_code == 404
    library["clamshell"].refresh_from_db()
    assert not library["clamshell"].is_archived


def test_archived_exercise_leaves_search_but_stays_reachable(library, clinician_a):
    custom = ExerciseFactory(clinic=clinician_a.clinic, name="Doorframe lean")
    client = client_for(clinician_a.user)
    assert (
        "Archive Doorframe lean?"
        in client.get(reverse("exercise_archive", args=[custom.pk])).content.decode()
    )
    client.post(reverse("exercise_archive", args=[custom.pk]))
    custom.refresh_from_db()
    assert custom.is_archived
    assert "Doorframe lean" not in found(client, q="doorframe")
    assert client.get(custom.get_absolute_url()).status_code == 200  # programs still show it
    client.post(reverse("exercise_restore", args=[custom.pk]))
    assert "Doorframe lean" in found(client, q="doorframe")


# --- creating and editing a clinic exercise ------------------------------------------------


def form_data(**changes):
    data = {
        "name": "Heel raise",
        "summary": "Rise up onto your toes.",
        "purpose": "Makes your calves stronger.",
        "position": "standing",
        "region": "lower_body",
        "body_part": "ankle_foot",
        "activity_type": "body_weight",
        "skill_level": "all",
        "steps": "Stand tall, holding a chair.\nRise up onto your toes.\n\nLower slowly.",
        "cues": "Keep your knees straight.",
        "sets": 3,
        "reps_min": 12,
        "hold_min": 0,
        "rest_seconds": 0,
        "side": "both",
        "image_alt": "A person rising onto their toes, holding a chair.",
    }
    data.update(changes)
    return data


def picture(fmt="PNG", size=(120, 80), name="picture.png"):
    buffer = BytesIO()
    Image.new("RGB", size, "teal").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def test_clinician_creates_an_exercise_with_links_and_a_picture(
    library, clinician_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(clinician_a.user)
    response = client.post(
        reverse("exercise_create"),
        form_data(
            upload=picture(size=(3000, 2000), name="my photo.png"),
            regressions=[library["clamshell"].pk],
            alternatives=[library["side-lying-leg-raise"].pk],
        ),
    )
    exercise = Exercise.objects.get(name="Heel raise")
    assert response.url == exercise.get_absolute_url()
    assert exercise.clinic == clinician_a.clinic
    assert exercise.slug == "heel-raise"
    assert exercise.steps == [
        "Stand tall, holding a chair.",
        "Rise up onto your toes.",
        "Lower slowly.",
    ]
    assert exercise.dose_text == "3 sets of 12 reps"
    ladder = ladder_for(exercise, clinician_a.clinic)
    assert [rung.exercise for rung in ladder.regressions] == [library["clamshell"]]
    assert [rung.exercise for rung in ladder.alternatives] == [library["side-lying-leg-raise"]]
    # stored one way: the clamshell now has the heel raise as a progression
    assert ExerciseLink.objects.get(target=exercise).source == library["clamshell"]

    assert exercise.image.name.startswith("exercises/") and "my photo" not in exercise.image.name
    with Image.open(exercise.image.path) as saved:
        assert saved.format == "PNG"
        assert max(saved.size) == 1600  # re-encoded and resized


def test_editing_moves_and_removes_links(library, clinician_a):
    custom = ExerciseFactory(clinic=clinician_a.clinic)
    link_exercises(custom, library["clamshell"], LinkKind.PROGRESSION)
    client = client_for(clinician_a.user)
    client.post(
        reverse("exercise_edit", args=[custom.pk]),
        form_data(name=custom.name, regressions=[library["clamshell"].pk]),
    )
    ladder = ladder_for(custom, clinician_a.clinic)
    assert ladder.progressions == []
    assert [rung.exercise for rung in ladder.regressions] == [library["clamshell"]]
    client.post(reverse("exercise_edit", args=[custom.pk]), form_data(name=custom.name))
    assert not ladder_for(custom, clinician_a.clinic)


def test_same_exercise_cannot_be_two_kinds_of_link(library, clinician_a):
    response = client_for(clinician_a.user).post(
        reverse("exercise_create"),
        form_data(progressions=[library["clamshell"].pk], alternatives=[library["clamshell"].pk]),
    )
    assert "Choose one kind of link" in str(response.context["form"].errors)
    assert not Exercise.objects.filter(name="Heel raise").exists()


def test_links_only_to_exercises_the_clinic_can_see(library, clinician_a, clinician_b):
    theirs = ExerciseFactory(clinic=clinician_b.clinic)
    response = client_for(clinician_a.user).post(
        reverse("exercise_create"), form_data(progressions=[theirs.pk])
    )
    assert "progressions" in response.context["form"].errors
    assert not Exercise.objects.filter(name="Heel raise").exists()


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"name": ""}, "name"),
        ({"steps": "  \n "}, "steps"),
        ({"sets": 11}, "sets"),
        ({"reps_min": ""}, "reps_min"),
        ({"reps_min": 12, "reps_max": 8}, "reps_max"),
        ({"hold_min": 30, "hold_max": 20}, "hold_max"),
        ({"hold_min": 601}, "hold_min"),
        ({"video_url": "javascript:alert(1)"}, "video_url"),
        ({"steps": "Stand tall.\x00\nRise up."}, "steps"),
    ],
)
def test_invalid_exercise_is_refused_with_a_message(library, clinician_a, changes, field):
    response = client_for(clinician_a.user).post(reverse("exercise_create"), form_data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Exercise.objects.filter(clinic=clinician_a.clinic).exists()


@pytest.mark.parametrize(
    "upload,message",
    [
        (
            SimpleUploadedFile(
                "notes.png", b"just some text, not a picture", content_type="image/png"
            ),
            "not a JPEG or PNG picture",
        ),
        (
            SimpleUploadedFile(
                "big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), content_type="image/png"
            ),
            "larger than 5 MB",
        ),
        (picture("GIF", name="anim.gif"), "Upload a JPEG or PNG picture."),
        (picture(size=(6000, 4000)), "most we accept is 20 megapixels"),
    ],
    ids=["text-renamed-png", "over-5-mb", "gif", "over-20-megapixels"],
)
def test_bad_pictures_are_refused(library, clinician_a, upload, message):
    response = client_for(clinician_a.user).post(
        reverse("exercise_create"), form_data(upload=upload)
    )
    assert message in " ".join(response.context["form"].errors["upload"])
    assert not Exercise.objects.filter(name="Heel raise").exists()


def test_decompression_bomb_is_refused(library, clinician_a):
    # A tiny file that claims 30,000 × 30,000 pixels: a picture that would eat memory if opened.
    buffer = BytesIO()
    Image.new("1", (30000, 30000)).save(buffer, "PNG")
    assert buffer.tell() < 5 * 1024 * 1024
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    response = client_for(clinician_a.user).post(reverse("exercise_create"), form_data(upload=bomb))
    errors = " ".join(response.context["form"].errors["upload"])
    assert "pixels" in errors
    assert not Exercise.objects.filter(name="Heel raise").exists()


def test_jpeg_pictures_are_re_encoded_as_jpeg(library, clinician_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client_for(clinician_a.user).post(
        reverse("exercise_create"), form_data(upload=picture("JPEG", name="photo.jpg"))
    )
    exercise = Exercise.objects.get(name="Heel raise")
    assert exercise.image.name.endswith(".jpg")
    with Image.open(exercise.image.path) as saved:
        assert saved.format == "JPEG"
