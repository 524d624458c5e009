"""Journeys through the real app in Chromium, with axe checking every page they visit."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from clinic.models import Patient
from tests.browser import assert_accessible, sign_in, watch_requests
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_invites_a_patient_who_activates_their_account(
    page: Page, live_server, clinician_a
):
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a patient").click()
    assert_accessible(page)
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Lind")
    page.get_by_label("Date of birth").fill("1964-05-30")
    page.get_by_label("Email").fill("rosa.lind@example.com")
    page.get_by_role("button", name="Add patient").click()

    expect(page.get_by_role("heading", name="Rosa Lind")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation was emailed to rosa.lind@example.com")).to_be_visible()
    assert_accessible(page)

    link = re.search(r"https?://\S+/invitation/\S+/", mail.outbox[-1].body)[0]
    patient_context = page.context.browser.new_context()
    outside = watch_requests(patient_context, live_server.url)
    patient_page = patient_context.new_page()
    patient_page.goto(link)
    expect(patient_page.get_by_role("heading", name="Welcome, Rosa")).to_be_visible()
    assert_accessible(patient_page)
    patient_page.get_by_label("Choose a password").fill("north-wind-teapot")
    patient_page.get_by_label("Type the password again").fill("north-wind-teapot")
    patient_page.get_by_role("button", name="Create my account").click()

    expect(patient_page.get_by_role("heading", name="Hello, Rosa")).to_be_visible()
    assert_accessible(patient_page)
    assert Patient.objects.get(last_name="Lind").user.email == "rosa.lind@example.com"
    assert outside == []


def test_form_errors_are_shown_next_to_the_fields(page: Page, live_server, clinician_a):
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    page.goto(live_server.url + "/patients/new/")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Add patient").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    assert_accessible(page)
    assert not Patient.objects.exists()
