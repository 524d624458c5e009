"""A carer's journey in Chromium, with axe on each page: the patient invites them, they accept
the emailed link and log a session for the patient on a phone, the clinician sees who entered
it, and the patient ends the access: the carer's next page is refused."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from clinic.models import CarerAccess
from exercises.loader import load_library
from programs.models import SessionLog
from tests.browser import assert_accessible, sign_in, watch_requests
from tests.factories import PASSWORD, active_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARER_PASSWORD = "kettle-garden-lantern"


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def phone(browser, live_server):
    """A 375 × 812 phone; every request stays on the app."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    outside = watch_requests(context, live_server.url)
    yield context.new_page()
    context.close()
    assert outside == []


def test_a_carer_helps_until_the_patient_ends_their_access(
    page: Page, phone: Page, browser, live_server, clinician_a, patient_a
):
    load_library()
    active_program(patient_a, clinician_a)

    # The patient invites a carer from the portal.
    patient_context = browser.new_context()
    outside = watch_requests(patient_context, live_server.url)
    patient = patient_context.new_page()
    sign_in(patient, live_server.url, "pat@example.com", PASSWORD)
    patient.goto(live_server.url + "/my/carers/")
    expect(patient.get_by_role("heading", name="Your carers")).to_be_visible()
    expect(patient.get_by_text("Nobody helps you yet.")).to_be_visible()
    assert_accessible(patient)
    patient.get_by_label("Their name").fill("Gina Gran")
    patient.get_by_label("Their email address").fill("gina@family.example")
    patient.get_by_label("Who they are to you (optional)").fill("mother")
    patient.get_by_role("button", name="Send the invitation").click()
    expect(patient.get_by_text("An invitation was emailed to gina@family.example.")).to_be_visible()
    expect(patient.get_by_text("invited, not accepted yet")).to_be_visible()
    assert_accessible(patient)

    # The carer opens the emailed link on their phone and makes their own account.
    link = re.search(r"https?://\S+/carer/\S+/", mail.outbox[-1].body)[0]
    carer = phone
    carer.goto(link)
    expect(carer.get_by_role("heading", name="Welcome, Gina Gran")).to_be_visible()
    assert_accessible(carer)
    no_sideways_scroll(carer)
    carer.get_by_label("Choose a password").fill(CARER_PASSWORD)
    carer.get_by_label("Type the password again").fill(CARER_PASSWORD)
    carer.get_by_role("button", name="Create my account").click()
    expect(carer.get_by_text("You are helping Pat")).to_be_visible()
    expect(carer.get_by_text("You can now help Pat with their exercises.")).to_be_visible()
    assert_accessible(carer)
    no_sideways_scroll(carer)

    # ... and logs today's session for the patient.
    carer.get_by_role("link", name="Log today's session").click()
    expect(carer.get_by_text("You are helping Pat")).to_be_visible()
    assert_accessible(carer)
    no_sideways_scroll(carer)
    carer.get_by_text("Done", exact=True).nth(0).click()
    carer.get_by_text("Done", exact=True).nth(1).click()
    carer.get_by_role("button", name="Save my session").click()
    expect(carer.get_by_role("link", name="Back to today")).to_be_visible()
    assert_accessible(carer)
    no_sideways_scroll(carer)
    session = SessionLog.objects.get()
    assert session.entered_by.email == "gina@family.example"

    # The clinician sees who entered it, and the carer on the patient's carers page.
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient_a.pk}/")
    expect(page.get_by_text("entered by Gina Gran")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/patients/{patient_a.pk}/carers/")
    expect(page.get_by_role("heading", name="Carers of Pat Activated")).to_be_visible()
    expect(page.get_by_text("Helping", exact=True)).to_be_visible()
    assert_accessible(page)

    # The patient ends the access, after confirming.
    patient.reload()
    expect(patient.get_by_text("helping since")).to_be_visible()
    patient.get_by_role("link", name="End access").click()
    expect(patient.get_by_role("heading", name="End Gina Gran's access?")).to_be_visible()
    assert_accessible(patient)
    patient.get_by_role("button", name="End access").click()
    expect(patient.get_by_text("Gina Gran can no longer see your program.")).to_be_visible()
    expect(patient.get_by_text("access ended on")).to_be_visible()
    assert_accessible(patient)
    assert CarerAccess.objects.get().ended_by == patient_a.user

    # The carer's very next page is refused.
    response = carer.goto(live_server.url + "/my/")
    assert response.status == 404
    expect(carer.get_by_text("Pat")).to_have_count(0)
    assert_accessible(carer)
    patient_context.close()
    assert outside == []
