from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from clinic.access import patient_for
from clinic.models import Patient
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
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(clinician_a.user).post(
        reverse("patient_create"), form_data(clinician_a, date_of_birth=tomorrow)
    )
    assert response.context["form"].errors["date_of_birth"] == [
        "The date of birth cannot be in the future."
    ]
    assert not Patient.objects.exists()


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
    # session, user, clinician with clinic, count, page of patients, session save (3)
    with django_assert_num_queries(8):
        client.get(reverse("patient_list"))
    PatientFactory.create_batch(20, primary_clinician=clinician_a)
    with django_assert_num_queries(8):
        client.get(reverse("patient_list"))


def test_access_helper_refuses_other_clinics(clinician_b, patient_a):
    from django.http import Http404

    with pytest.raises(Http404):
        patient_for(clinician_b.user, patient_a.pk)
    assert patient_for(patient_a.primary_clinician.user, patient_a.pk) == patient_a
