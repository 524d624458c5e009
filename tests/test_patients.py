from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from clinic.access import patient_for
from clinic.forms import PatientForm
from clinic.models import Patient, date_of_birth_problem, earliest_date_of_birth
from tests.conftest import client_for
from tests.factories import PatientFactory

VALID = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "date_of_birth": "1956-12-09",
    "email": "Grace@Example.com",
    "phone": "07700 900123",
    "preferred_language": "en",
}


def form_data(clinician, **changes):
    return {**VALID, "primary_clinician": clinician.pk, **changes}


def test_clinician_adds_a_patient_to_their_clinic(clinician_a):
    response = client_for(clinician_a.user).post(reverse("patient_create"), form_data(clinician_a))
    patient = Patient.objects.get(last_name="Hopper")
    assert response.url == reverse("patient_detail", args=[patient.pk])
    assert patient.clinic == clinician_a.clinic
    assert patient.email == "grace@example.com"  # stored lower-cased
    assert patient.status == Patient.Status.ACTIVE


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"first_name": "  "}, "first_name", "This field is required."),
        ({"last_name": ""}, "last_name", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"date_of_birth": "31/02/1990"}, "date_of_birth", "Enter a valid date."),
    ],
)
def test_invalid_patient_is_refused_with_a_message(clinician_a, changes, field, message):
    response = client_for(clinician_a.user).post(
        reverse("patient_create"), form_data(clinician_a, **changes)
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not Patient.objects.exists()


def test_date_of_birth_cannot_be_in_the_future(clinician_a):
    tomorrow = (clinician_a.clinic.today() + timedelta(days=1)).isoformat()
    response = client_for(clinician_a.user).post(
        reverse("patient_create"), form_data(clinician_a, date_of_birth=tomorrow)
    )
    assert response.context["form"].errors["date_of_birth"] == [
        "The date of birth cannot be in the future."
    ]
    assert not Patient.objects.exists()


def days_ago(clinician, days):
    return (clinician.clinic.today() - timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    "born,message",
    [
        ("1899-12-31", "The date of birth cannot be before 1900. Check the year."),
        (lambda c: days_ago(c, 121 * 366), "would make the patient over 120. Check the year."),
    ],
    ids=["before-1900", "121-years-ago"],
)
def test_a_date_of_birth_too_long_ago_is_refused(clinician_a, born, message):
    born = born(clinician_a) if callable(born) else born
    response = client_for(clinician_a.user).post(
        reverse("patient_create"), form_data(clinician_a, date_of_birth=born)
    )
    [error] = response.context["form"].errors["date_of_birth"]
    assert message in error
    assert not Patient.objects.exists()


def test_a_date_of_birth_in_1950_is_accepted(clinician_a):
    client_for(clinician_a.user).post(
        reverse("patient_create"), form_data(clinician_a, date_of_birth="1950-03-01")
    )
    assert Patient.objects.get().date_of_birth == date(1950, 3, 1)


@pytest.mark.parametrize(
    "today,born,refused",
    [
        (date(2026, 3, 10), date(1905, 3, 10), True),  # 121 today
        (date(2026, 3, 10), date(1905, 3, 11), False),  # 120 for one more day
        (date(2028, 2, 29), date(1907, 2, 28), True),
        (date(2028, 2, 29), date(1907, 3, 1), False),
        (date(2019, 6, 1), date(1899, 12, 31), True),
        (date(2019, 6, 1), date(1900, 1, 1), False),
        (date(2026, 3, 10), date(2026, 3, 10), False),
        (date(2026, 3, 10), date(2026, 3, 11), True),
    ],
)
def test_date_of_birth_limits_by_hand(today, born, refused):
    assert (date_of_birth_problem(born, today) is not None) is refused


def test_dates_of_birth_are_checked_against_the_clinics_today(clinician_a, monkeypatch):
    """At 20:00 in London it is already tomorrow morning on Kiritimati (UTC+14)."""
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 10, 20, tzinfo=UTC))
    clinician_a.clinic.timezone = "Pacific/Kiritimati"
    clinician_a.clinic.save()

    def errors(born):
        form = PatientForm(form_data(clinician_a, date_of_birth=born), clinician=clinician_a)
        return form.errors.get("date_of_birth")

    assert errors("2026-03-11") is None
    assert errors("2026-03-12") == ["The date of birth cannot be in the future."]
    assert errors("1905-03-12") is None
    assert "over 120" in errors("1905-03-11")[0]
    widget = PatientForm(clinician=clinician_a).fields["date_of_birth"].widget
    assert (widget.attrs["min"], widget.attrs["max"]) == ("1905-03-12", "2026-03-11")


def test_the_date_field_offers_only_accepted_dates(clinician_a):
    body = client_for(clinician_a.user).get(reverse("patient_create")).content.decode()
    today = clinician_a.clinic.today()
    assert f'min="{earliest_date_of_birth(today).isoformat()}"' in body
    assert f'max="{today.isoformat()}"' in body


def test_the_model_refuses_a_date_of_birth_before_1900(patient_a):
    patient_a.date_of_birth = date(1899, 12, 31)
    with pytest.raises(ValidationError) as refused:
        patient_a.full_clean()
    assert refused.value.message_dict["date_of_birth"] == [
        "The date of birth cannot be before 1900. Check the year."
    ]


def test_email_is_unique_within_the_clinic_ignoring_case(clinician_a, patient_a):
    response = client_for(clinician_a.user).post(
        reverse("patient_create"), form_data(clinician_a, email="PAT@example.com")
    )
    assert "already uses this email" in response.context["form"].errors["email"][0]
    assert Patient.objects.filter(email="pat@example.com").count() == 1


def test_the_same_email_may_be_used_in_another_clinic(clinician_b, patient_a):
    client_for(clinician_b.user).post(
        reverse("patient_create"), form_data(clinician_b, email="pat@example.com")
    )
    assert Patient.objects.filter(email="pat@example.com").count() == 2


def test_database_refuses_a_duplicate_email_in_one_clinic(patient_a):
    with pytest.raises(IntegrityError):
        PatientFactory(primary_clinician=patient_a.primary_clinician, email="PAT@EXAMPLE.COM")


def test_primary_clinician_must_be_from_the_same_clinic(clinician_a, clinician_b):
    response = client_for(clinician_a.user).post(
        reverse("patient_create"), form_data(clinician_a, primary_clinician=clinician_b.pk)
    )
    assert "primary_clinician" in response.context["form"].errors
    assert not Patient.objects.exists()


def test_edit_keeps_the_portal_account(clinician_a, patient_a):
    account = patient_a.user
    client_for(clinician_a.user).post(
        reverse("patient_edit", args=[patient_a.pk]),
        form_data(clinician_a, first_name="Patricia", email="pat@example.com"),
    )
    patient_a.refresh_from_db()
    assert patient_a.first_name == "Patricia"
    assert patient_a.user == account


def test_edit_of_another_clinics_patient_is_404_and_changes_nothing(clinician_b, patient_a):
    response = client_for(clinician_b.user).post(
        reverse("patient_edit", args=[patient_a.pk]), form_data(clinician_b, first_name="X")
    )
    assert response.status_code == 404
    patient_a.refresh_from_db()
    assert patient_a.first_name == "Pat"


def test_archive_asks_for_confirmation_then_archives(clinician_a, patient_a):
    client = client_for(clinician_a.user)
    page = client.get(reverse("patient_archive", args=[patient_a.pk]))
    assert "Archive Pat Activated?" in page.content.decode()
    patient_a.refresh_from_db()
    assert patient_a.status == Patient.Status.ACTIVE  # GET changes nothing

    client.post(reverse("patient_archive", args=[patient_a.pk]))
    patient_a.refresh_from_db()
    assert patient_a.status == Patient.Status.ARCHIVED


def test_restore_brings_an_archived_patient_back(clinician_a, patient_a):
    patient_a.archive()
    client_for(clinician_a.user).post(reverse("patient_restore", args=[patient_a.pk]))
    patient_a.refresh_from_db()
    assert patient_a.status == Patient.Status.ACTIVE


def test_list_shows_only_the_clinics_own_patients(clinician_a, patient_a, patient_a2, patient_b):
    body = client_for(clinician_a.user).get(reverse("patient_list")).content.decode()
    assert "Activated, Pat" in body
    assert "Newcomer, Nina" in body
    assert "Outsider" not in body


def test_list_search_by_name_and_filter_by_status(clinician_a, patient_a, patient_a2):
    client = client_for(clinician_a.user)
    body = client.get(reverse("patient_list"), {"q": "nina"}).content.decode()
    assert "Newcomer, Nina" in body
    assert "Activated, Pat" not in body

    patient_a2.archive()
    body = client.get(reverse("patient_list"), {"status": "active"}).content.decode()
    assert "Activated, Pat" in body
    assert "Newcomer" not in body


def test_list_search_with_no_results_says_so(clinician_a, patient_a):
    body = client_for(clinician_a.user).get(reverse("patient_list"), {"q": "zzz"}).content
    assert b"No patients match this search" in body


def test_empty_clinic_invites_adding_the_first_patient(clinician_a):
    body = client_for(clinician_a.user).get(reverse("patient_list")).content.decode()
    assert "Add the first patient" in body


def test_list_is_paginated_and_keeps_the_filters(clinician_a):
    PatientFactory.create_batch(30, primary_clinician=clinician_a, last_name="Smith")
    client = client_for(clinician_a.user)
    first = client.get(reverse("patient_list"), {"q": "smith"})
    assert len(first.context["page"].object_list) == 25
    assert "q=smith&amp;page=2" in first.content.decode()
    second = client.get(reverse("patient_list"), {"q": "smith", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_list_query_count_does_not_grow_with_patients(clinician_a, django_assert_num_queries):
    PatientFactory.create_batch(3, primary_clinician=clinician_a)
    client = client_for(clinician_a.user)
    client.get(reverse("patient_list"))  # warm the session
    # session, user, clinician with clinic, count, page of patients, their physios and the
    # physios' accounts (these patients have none of their own), session save (3)
    with django_assert_num_queries(10):
        client.get(reverse("patient_list"))
    PatientFactory.create_batch(20, primary_clinician=clinician_a)
    with django_assert_num_queries(10):
        client.get(reverse("patient_list"))


def test_access_helper_refuses_other_clinics(clinician_b, patient_a):
    from django.http import Http404

    with pytest.raises(Http404):
        patient_for(clinician_b.user, patient_a.pk)
    assert patient_for(patient_a.primary_clinician.user, patient_a.pk) == patient_a
