"""A patient adds their exercise days to their phone's calendar, in Chromium on a 375 px phone
with axe checking the page: they make the link, copy it, the test subscribes to it as a
calendar app would, then they reset it and the old link stops working."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, sign_in, watch_requests
from tests.factories import PASSWORD, started_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    """A 375 × 812 phone that lets the page write to the clipboard; every request stays on
    the app."""
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        permissions=["clipboard-read", "clipboard-write"],
    )
    outside = watch_requests(context, live_server.url)
    page = context.new_page()
    yield page
    context.close()
    assert outside == []


def subscribe(url: str) -> Calendar:
    """What a calendar app gets from the link."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the live server)
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        return Calendar.from_ical(response.read())


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_patient_adds_the_calendar_and_resets_its_link(
    phone: Page, live_server, patient_a, clinician_a
):
    program = started_program(patient_a, clinician_a, title="Knee program")
    page = phone
    sign_in(page, live_server.url, "pat@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Pat")).to_be_visible()
    page.goto(live_server.url + "/my/settings/")
    heading = page.get_by_role("heading", name="Add to your phone's calendar")
    expect(heading).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Make my calendar link").click()
    expect(
        page.get_by_text("Your calendar link is ready: add it to your calendar.")
    ).to_be_visible()
    link = page.get_by_label("Your calendar link")
    url = link.input_value()
    assert url.startswith(live_server.url + "/calendar/") and url.endswith(".ics")
    add = page.get_by_role("link", name="Add to my calendar")
    assert add.get_attribute("href") == "webcal://" + url.split("://", 1)[1]
    expect(page.get_by_role("heading", name="On an iPhone")).to_be_visible()
    expect(page.get_by_role("heading", name="On an Android phone")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)

    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url

    calendar = subscribe(url)
    events = calendar.events
    today = patient_a.today()
    assert min(event.start for event in events) == today  # the program starts today
    assert len(events) == 7 * 8 + 1  # every day, eight weeks ahead
    assert {str(event["SUMMARY"]) for event in events} == {"Home exercises: Knee program"}
    assert all(str(event["UID"]).startswith(f"program-{program.pk}-") for event in events)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset the link").click()
    expect(page.get_by_text("Your calendar link is new.")).to_be_visible()
    new_url = page.get_by_label("Your calendar link").input_value()
    assert new_url != url
    assert status_of(url) == 404
    assert len(subscribe(new_url).events) == 7 * 8 + 1
    assert_accessible(page)
    no_sideways_scroll(page)


def test_dismissing_the_confirmation_keeps_the_link(
    phone: Page, live_server, patient_a, clinician_a
):
    started_program(patient_a, clinician_a)
    page = phone
    sign_in(page, live_server.url, "pat@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Pat")).to_be_visible()
    page.goto(live_server.url + "/my/settings/")
    page.get_by_role("button", name="Make my calendar link").click()
    url = page.get_by_label("Your calendar link").input_value()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Turn off").click()
    expect(page.get_by_label("Your calendar link")).to_have_value(url)
    assert status_of(url) == 200
