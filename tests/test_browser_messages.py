"""A patient messages the clinic from a 375 px phone, the clinician finds it from the
dashboard's unread count and answers, and both see the other's read receipt; axe checks every
page, in Chromium."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, sign_in, watch_requests
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def new_page(browser, live_server, width: int, height: int) -> tuple[Page, list[str]]:
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=width < 500
    )
    outside = watch_requests(context, live_server.url)
    return context.new_page(), outside


def test_patient_messages_the_clinic_and_the_clinician_answers(
    browser, live_server, patient_a, clinician_a
):
    clinic = patient_a.clinic
    clinic.message_auto_reply = "We answer within 2 working days. In an emergency call 999."
    clinic.save()
    today = timezone.localtime(timezone.now(), clinic.tz)
    day = f"{today.day} {today:%B}"

    # The patient writes on a phone.
    phone, phone_outside = new_page(browser, live_server, 375, 812)
    sign_in(phone, live_server.url, "pat@example.com", PASSWORD)
    expect(phone.get_by_role("heading", name="Hello, Pat")).to_be_visible()
    phone.goto(live_server.url + "/my/messages/")
    expect(phone.get_by_role("heading", name="Messages with Northside Physio")).to_be_visible()
    expect(phone.get_by_text("We answer within 2 working days.")).to_be_visible()
    expect(phone.get_by_text("No messages yet.")).to_be_visible()
    assert_accessible(phone)
    no_sideways_scroll(phone)
    phone.get_by_role("textbox", name="Your message").fill(
        "My knee clicks on the stairs. Is that fine? See https://example.org/a-very-long-"
        "address-that-must-wrap-on-a-small-phone-screen-without-scrolling-sideways"
    )
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_text("Your message was sent.")).to_be_visible()
    mine = phone.locator("li.message").first
    expect(mine).to_contain_text("My knee clicks on the stairs.")
    expect(mine).to_contain_text("Not read yet.")
    expect(mine.get_by_role("link", name=re.compile("example.org"))).to_have_count(0)
    assert_accessible(phone)
    no_sideways_scroll(phone)

    # The clinician sees the unread count on the dashboard and opens the thread.
    desk, desk_outside = new_page(browser, live_server, 1280, 900)
    sign_in(desk, live_server.url, "carl@northside.example", PASSWORD)
    expect(desk.get_by_role("heading", name="Dashboard")).to_be_visible()
    count = desk.get_by_role("link", name="1 unread message to you, from 1 patient")
    expect(count).to_be_visible()
    assert_accessible(desk)
    count.click()
    expect(desk.get_by_label("Messages")).to_have_value("unread")
    expect(desk.get_by_role("link", name="Activated, Pat")).to_be_visible()
    assert_accessible(desk)
    desk.get_by_role("link", name="Read the messages").click()
    expect(desk.get_by_role("heading", name="Messages with Pat Activated")).to_be_visible()
    theirs = desk.locator("li.message").first
    expect(theirs).to_contain_text("My knee clicks on the stairs.")
    expect(theirs).to_contain_text(f"Read by Carl Clinician on {day}")
    assert_accessible(desk)
    desk.get_by_label("Your reply").fill("Clicking without pain is fine. Keep going.")
    desk.get_by_role("button", name="Send", exact=True).click()
    expect(desk.get_by_text("Sent. Pat will see it in the portal.")).to_be_visible()
    answer = desk.locator("li.message").first
    expect(answer).to_contain_text("Clicking without pain is fine.")
    expect(answer).to_contain_text("Not read yet")
    assert_accessible(desk)
    desk.goto(live_server.url + "/dashboard/")
    expect(desk.get_by_text("No unread messages to you.")).to_be_visible()

    # The patient reads the answer and sees their message was read.
    phone.goto(live_server.url + "/my/messages/")
    answer = phone.locator("li.message").first
    expect(answer).to_contain_text("Carl Clinician, Northside Physio")
    expect(answer).to_contain_text("Clicking without pain is fine.")
    expect(phone.locator("li.message").nth(1)).to_contain_text(f"Read by your physio on {day}.")
    assert_accessible(phone)
    no_sideways_scroll(phone)

    # The clinician sees that the answer was read.
    desk.goto(live_server.url + f"/patients/{patient_a.pk}/messages/")
    expect(desk.locator("li.message").first).to_contain_text(f"Read by Pat Activated on {day}")
    assert_accessible(desk)

    phone.context.close()
    desk.context.close()
    assert phone_outside == [] and desk_outside == []
