"""Hostile and garbled input that once made a server error: each gets a clear message or a 404,
and nothing is saved half-way. (Property-based fuzzing of every form is in test_fuzz_forms.py.)"""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageFile

from clinic.email import send_clinic_email
from clinic.models import Clinic, Patient, User
from exercises.loader import load_library
from exercises.models import Exercise
from programs.models import Program, ProgramItem
from tests.factories import active_program


@pytest.fixture
def library(db):
    load_library()


@pytest.fixture
def program(library, patient_a, clinician_a):
    return active_program(patient_a, clinician_a)


def client_for(user) -> Client:
    """A client that answers a server error with a 500 page instead of raising, as in
    production, so each test asserts on the status a browser would get."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# --- ids that are not ids -------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbled", ["abc", "1.5", "\x00", " 1", "-1", "", "٣", "99999999999999999999999999"]
)
def test_adding_an_exercise_by_a_garbled_id_is_a_404(program, clinician_a, garbled):
    response = client_for(clinician_a.user).post(
        reverse("program_item_add", args=[program.pk]),
        {"exercise": garbled, "revision": program.revision},
    )
    assert response.status_code == 404
    assert ProgramItem.objects.filter(program=program).count() == 2


@pytest.mark.parametrize("field", ["progressions", "alternatives", "equipment", "target_muscles"])
@pytest.mark.parametrize("garbled", ["99999999999999999999999999", "-9223372036854775809"])
def test_an_exercise_linked_by_an_id_too_big_for_the_database_gets_a_message(
    library, clinician_a, field, garbled
):
    """An id list reaches the database as `IN (...)`, where SQLite overflowed: a server error."""
    response = client_for(clinician_a.user).post(
        reverse("exercise_create"), {"name": "Doorframe lean", field: garbled}
    )
    assert response.status_code == 200
    assert f"“{garbled}” is not a valid value." in response.content.decode()
    assert not Exercise.objects.filter(name="Doorframe lean").exists()


# --- null characters in search text ---------------------------------------------------------


@pytest.mark.parametrize("url", ["library", "builder", "builder_search", "patient_list"])
def test_a_null_character_in_search_text_is_dropped(program, clinician_a, url):
    """PostgreSQL refuses a NUL in a query; the search runs as if it had not been typed."""
    client = client_for(clinician_a.user)
    path, headers = {
        "library": (reverse("library"), {}),
        "builder": (reverse("program_builder", args=[program.pk]), {}),
        "builder_search": (
            reverse("program_search", args=[program.pk]),
            {"HTTP_HX_REQUEST": "true"},
        ),
        "patient_list": (reverse("patient_list"), {}),
    }[url]
    query = "Pat\x00" if url == "patient_list" else "clam\x00shell"
    response = client.get(path, {"q": query}, **headers)
    assert response.status_code == 200
    page = response.content.decode()
    assert ("Activated" if url == "patient_list" else "Clamshell") in page


def test_the_builder_search_without_htmx_keeps_the_query_in_one_piece(program, clinician_a):
    response = client_for(clinician_a.user).get(
        reverse("program_search", args=[program.pk]), {"q": "hip & knee\r\nSet-Cookie: x=1"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?q=hip+%26+knee%0D%0ASet-Cookie%3A+x%3D1")


# --- dates far away -------------------------------------------------------------------------


def settings_data(program, **changes):
    data = {
        "revision": program.revision,
        "program-title": program.title,
        "program-start_date": program.start_date.isoformat() if program.start_date else "",
        "program-end_date": program.end_date.isoformat() if program.end_date else "",
        "program-times_per_day": program.times_per_day,
        "program-days_per_week": program.days_per_week,
        "program-note": program.note,
        "program-stop_if": program.stop_if,
        "program-pain_threshold": program.pain_threshold or "",
    }
    data.update({f"program-{name}": value for name, value in changes.items()})
    return data


@pytest.mark.parametrize(
    "field,value",
    [
        ("start_date", "9999-12-25"),
        ("end_date", "9999-12-31"),
        ("start_date", "0001-01-01"),
        ("start_date", "1900-01-01"),
    ],
)
def test_a_program_date_far_from_today_is_refused_with_a_message(
    program, clinician_a, field, value
):
    before = Program.objects.get(pk=program.pk)
    response = client_for(clinician_a.user).post(
        reverse("program_settings", args=[program.pk]), settings_data(program, **{field: value})
    )
    assert response.status_code == 200
    errors = " ".join(response.context["settings_form"].errors[field])
    assert "Check the year" in errors
    after = Program.objects.get(pk=program.pk)
    assert (after.start_date, after.end_date, after.revision) == (
        before.start_date,
        before.end_date,
        before.revision,
    )


def test_a_new_program_starting_in_9999_is_refused_and_nothing_is_made(
    library, clinician_a, patient_a
):
    response = client_for(clinician_a.user).post(
        reverse("program_create", args=[patient_a.pk]),
        {
            "program-title": "Hip",
            "program-start_date": "9999-12-25",
            "program-times_per_day": 1,
            "program-days_per_week": 7,
        },
    )
    assert response.status_code == 200
    assert "Check the year" in " ".join(response.context["form"].errors["start_date"])
    assert not Program.objects.filter(patient=patient_a).exists()


def test_a_date_within_five_years_is_accepted(program, clinician_a):
    start = program.today() + timedelta(days=365 * 4)
    client_for(clinician_a.user).post(
        reverse("program_settings", args=[program.pk]),
        settings_data(program, start_date=start.isoformat()),
    )
    program.refresh_from_db()
    assert program.start_date == start


def test_an_old_start_date_left_unchanged_does_not_block_other_changes(program, clinician_a):
    long_ago = program.today() - timedelta(days=365 * 7)
    Program.objects.filter(pk=program.pk).update(start_date=long_ago)
    program.refresh_from_db()
    client_for(clinician_a.user).post(
        reverse("program_settings", args=[program.pk]),
        settings_data(program, title="Hip, phase two"),
    )
    program.refresh_from_db()
    assert (program.title, program.start_date) == ("Hip, phase two", long_ago)


def test_pages_and_handouts_of_a_program_stored_with_far_dates_still_open(
    program, clinician_a, patient_a
):
    """Dates typed before they were bounded stay in the database; every page still opens."""
    Program.objects.filter(pk=program.pk).update(
        start_date=date(9999, 12, 25), end_date=date(9999, 12, 31)
    )
    clinician, patient = client_for(clinician_a.user), client_for(patient_a.user)
    for client, path in [
        (clinician, reverse("program_handout", args=[program.pk])),
        (patient, reverse("portal_handout", args=[program.pk])),
        (clinician, reverse("program_builder", args=[program.pk])),
        (clinician, reverse("program_preview", args=[program.pk])),
        (clinician, reverse("patient_detail", args=[patient_a.pk])),
        (clinician, reverse("dashboard")),
        (patient, reverse("portal_home")),
        (patient, reverse("portal_history")),
    ]:
        assert client.get(path).status_code == 200, path
    pdf = clinician.get(reverse("program_handout", args=[program.pk]))
    assert pdf["Content-Type"] == "application/pdf"


def test_a_program_stored_with_far_dates_can_be_discharged(program, clinician_a):
    Program.objects.filter(pk=program.pk).update(
        start_date=date(9999, 12, 25), end_date=date(9999, 12, 31)
    )
    program.refresh_from_db()
    response = client_for(clinician_a.user).post(
        reverse("program_discharge", args=[program.pk]),
        {"notes": "Well done.", "revision": program.revision},
    )
    assert response.status_code in {200, 302}
    program.refresh_from_db()
    assert (program.status == Program.Status.DISCHARGED) == (response.status_code == 302)


# --- line breaks that would go into email headers -------------------------------------------

CLINIC_SETTINGS = {
    "name": "Northside Physio",
    "email": "desk@northside.example",
    "timezone": "Europe/London",
    "brand_colour": "#123abc",
    "paper_size": "a4",
    "silence_days": 4,
    "pain_threshold": 7,
    "emergency_number": "999",
}


@pytest.mark.parametrize(
    "field,value",
    [
        ("name", "Northside\r\nBcc: everyone@example.com"),
        ("name", "Northside\nPhysio"),
        ("name", "Northside\u2028Physio"),
        ("email", "desk@northside.example\r\nBcc: everyone@example.com"),
        ("email", "desk\n@northside.example"),
    ],
)
def test_clinic_name_and_email_with_a_line_break_are_refused(admin_a, field, value):
    response = client_for(admin_a.user).post(
        reverse("clinic_settings"), {**CLINIC_SETTINGS, field: value}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    clinic = Clinic.objects.get(pk=admin_a.clinic_id)
    assert (clinic.name, clinic.email) == (admin_a.clinic.name, admin_a.clinic.email)


def test_clinic_name_line_break_message_is_clear(admin_a):
    response = client_for(admin_a.user).post(
        reverse("clinic_settings"), {**CLINIC_SETTINGS, "name": "North\r\nside"}
    )
    assert response.context["form"].errors["name"] == [
        "The clinic's name must be on one line. Remove the line break."
    ]


def test_a_staff_invite_with_a_line_break_in_the_name_is_refused(admin_a):
    response = client_for(admin_a.user).post(
        reverse("staff_invite"),
        {"full_name": "Dee\r\nBcc: all@example.com", "email": "dee@x.example", "role": "clinician"},
    )
    assert response.status_code == 200
    assert "one line" in " ".join(response.context["form"].errors["full_name"])
    assert not User.objects.filter(email="dee@x.example").exists()
    assert mail.outbox == []


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_a_patient_name_with_a_line_break_is_refused(clinician_a, field):
    data = {
        "first_name": "Ann",
        "last_name": "Lee",
        "date_of_birth": "1980-02-03",
        "email": "ann@example.com",
        "preferred_language": "en",
        "primary_clinician": clinician_a.pk,
        field: "Ann\r\nBcc: all@example.com",
    }
    response = client_for(clinician_a.user).post(reverse("patient_create"), data)
    assert response.status_code == 200
    assert "one line" in " ".join(response.context["form"].errors[field])
    assert not Patient.objects.filter(email="ann@example.com").exists()


def test_a_line_break_already_stored_in_a_clinic_name_stays_out_of_the_headers(
    clinician_a, patient_a
):
    Clinic.objects.filter(pk=clinician_a.clinic_id).update(name="North\r\nBcc: x@example.com")
    clinic = Clinic.objects.get(pk=clinician_a.clinic_id)
    assert send_clinic_email(
        clinic, "pat@example.com", "clinic/email/clinician_invitation", {"member": clinician_a}
    )
    message = mail.outbox[-1].message()
    assert "\n" not in message["From"] and "Bcc" not in message
    assert message["From"].startswith('"North Bcc: x@example.com" <')


# --- damaged pictures -----------------------------------------------------------------------


def truncated(fmt: str) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.effect_noise((200, 200), 60).convert("RGB").save(buffer, fmt)
    data = buffer.getvalue()
    return SimpleUploadedFile(f"cut.{fmt.lower()}", data[: len(data) * 2 // 3])


@pytest.fixture
def weasyprint_imported():
    """Importing WeasyPrint makes Pillow pad truncated pictures process-wide; the upload check
    must refuse them all the same (and leave the flag as WeasyPrint wants it)."""
    import weasyprint  # noqa: F401

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    yield
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_truncated_exercise_picture_is_refused(library, clinician_a, weasyprint_imported, fmt):
    data = {
        "name": "Heel raise",
        "summary": "Rise up onto your toes.",
        "purpose": "Makes your calves stronger.",
        "position": "standing",
        "region": "lower_body",
        "body_part": "ankle_foot",
        "activity_type": "body_weight",
        "skill_level": "all",
        "steps": "Stand tall.\nRise up onto your toes.",
        "sets": 3,
        "reps_min": 12,
        "hold_min": 0,
        "rest_seconds": 0,
        "side": "both",
        "upload": truncated(fmt),
    }
    response = client_for(clinician_a.user).post(reverse("exercise_create"), data)
    assert response.status_code == 200
    assert "damaged" in " ".join(response.context["form"].errors["upload"])
    assert not Exercise.objects.filter(name="Heel raise").exists()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_truncated_clinic_logo_is_refused(admin_a, weasyprint_imported, fmt):
    response = client_for(admin_a.user).post(
        reverse("clinic_settings"), {**CLINIC_SETTINGS, "upload": truncated(fmt)}
    )
    assert response.status_code == 200
    assert "damaged" in " ".join(response.context["form"].errors["upload"])
    assert not Clinic.objects.get(pk=admin_a.clinic_id).logo


def test_a_whole_logo_is_still_accepted_after_weasyprint_is_imported(admin_a, weasyprint_imported):
    buffer = BytesIO()
    Image.new("RGB", (40, 20), "teal").save(buffer, "PNG")
    response = client_for(admin_a.user).post(
        reverse("clinic_settings"),
        {**CLINIC_SETTINGS, "upload": SimpleUploadedFile("logo.png", buffer.getvalue())},
    )
    assert response.status_code == 302
    assert Clinic.objects.get(pk=admin_a.clinic_id).logo
