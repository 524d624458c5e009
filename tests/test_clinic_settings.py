"""The clinic's settings page: what its admin saves, what the form refuses, and the logo upload.
(Who may open the page at all is stated in test_access_matrix.py.)"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import client_for


def test_clinic_settings_save_and_validate(admin_a):
    client = client_for(admin_a.user)
    data = {
        "name": "Northside Physio",
        "timezone": "Europe/London",
        "brand_colour": "#123abc",
        "paper_size": "letter",
        "silence_days": 6,
        "handout_footer": "Call us any time.",
        "pain_threshold": 5,
        "emergency_number": "112",
        "pain_advice": "",
    }
    page = client.get(reverse("clinic_settings")).content.decode()
    assert "The standard advice reads" in page and "Stop the exercise that hurts" in page
    client.post(reverse("clinic_settings"), data)
    clinic = admin_a.clinic
    clinic.refresh_from_db()
    assert (clinic.paper_size, clinic.silence_days, clinic.brand_colour) == ("letter", 6, "#123abc")
    assert (clinic.pain_threshold, clinic.emergency_number) == (5, "112")
    bad = client.post(
        reverse("clinic_settings"),
        {
            **data,
            "brand_colour": "red",
            "silence_days": 0,
            "pain_threshold": 11,
            "emergency_number": "call us",
        },
    )
    assert set(bad.context["form"].errors) == {
        "brand_colour",
        "silence_days",
        "pain_threshold",
        "emergency_number",
    }
    clinic.refresh_from_db()
    assert clinic.pain_threshold == 5


def test_clinic_logo_upload_is_checked(admin_a):
    client = client_for(admin_a.user)
    response = client.post(
        reverse("clinic_settings"),
        {
            "name": "N",
            "timezone": "Europe/London",
            "brand_colour": "#123abc",
            "paper_size": "a4",
            "silence_days": 4,
            "upload": SimpleUploadedFile("logo.png", b"not an image"),
        },
    )
    assert "not a JPEG or PNG picture" in response.content.decode()
    admin_a.clinic.refresh_from_db()
    assert not admin_a.clinic.logo
