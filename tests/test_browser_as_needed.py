"""An exercise "as needed", in Chromium with axe checking each page: the clinician makes a
stretch as needed in the builder, and the patient, on a 375 px phone, finds it in its own group
on Today and logs it."""

import pytest
from playwright.sync_api import Page, expect

from exercises.loader import load_library
from programs.models import AsNeededLog
from tests.browser import assert_accessible, sign_in, watch_requests
from tests.factories import PASSWORD, active_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRETCH = "Hamstring stretch with a towel or strap"


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_clinician_makes_a_stretch_as_needed_and_the_patient_logs_it_on_a_phone(
    page: Page, browser, live_server, clinician_a, patient_a
):
    load_library()
    program = active_program(
        patient_a, clinician_a, slugs=("clamshell", "supine-hamstring-stretch")
    )

    # The clinician makes the stretch as needed, up to 3 times a day.
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    page.goto(live_server.url + program.get_absolute_url())
    items = page.locator(".builder-item")
    stretch = items.filter(has_text=STRETCH)
    stretch.get_by_text("Change the dose").click()
    stretch.get_by_label("As needed").check()
    stretch.get_by_label("Up to (times a day)").fill("3")
    stretch.get_by_role("button", name="Save dose").click()
    expect(items.filter(has_text=STRETCH).locator(".item-prescription")).to_have_text(
        "3 reps, each side, hold 30 seconds, as needed, up to 3 times a day"
    )
    expect(items.filter(has_text=STRETCH).locator(".as-needed-badge")).to_have_text("As needed")
    assert_accessible(page)

    # A most-a-day for a scheduled exercise is refused beside the field.
    clamshell = items.filter(has_text="Clamshell")
    clamshell.get_by_text("Change the dose").click()
    clamshell.get_by_label("Up to (times a day)").fill("2")
    clamshell.get_by_role("button", name="Save dose").click()
    expect(
        items.filter(has_text="Clamshell").get_by_text("tick “As needed”", exact=False)
    ).to_be_visible()
    assert_accessible(page)

    # The patient, on a phone, finds it apart from the scheduled exercises and logs it.
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    outside = watch_requests(context, live_server.url)
    phone = context.new_page()
    sign_in(phone, live_server.url, "pat@example.com", PASSWORD)
    expect(phone.get_by_role("heading", name="Hello, Pat")).to_be_visible()
    group = phone.locator("section.as-needed")
    expect(group.get_by_role("heading", name="As needed")).to_be_visible()
    expect(group.get_by_role("heading", name=STRETCH)).to_be_visible()
    expect(group.get_by_text("Not done yet today (up to 3).")).to_be_visible()
    expect(phone.locator(".patient-items").get_by_text(STRETCH)).to_have_count(0)
    assert_accessible(phone)
    no_sideways_scroll(phone)

    group.get_by_label("Pain now (optional)").select_option("2")
    group.get_by_role("button", name="Log it now").click()
    expect(phone.get_by_role("heading", name=f"Well done, {STRETCH} is logged")).to_be_visible()
    expect(phone.get_by_text("Done 1 time today (up to 3).")).to_be_visible()
    assert_accessible(phone)
    no_sideways_scroll(phone)
    use = AsNeededLog.objects.get()
    assert (use.exercise_name, use.pain, use.date) == (STRETCH, 2, patient_a.today())

    phone.get_by_role("link", name="Back to today").click()
    expect(
        phone.locator("section.as-needed").get_by_text("Done 1 time today (up to 3).")
    ).to_be_visible()
    assert_accessible(phone)
    context.close()
    assert outside == []
