"""The clinician reads a patient's outcome measures in Chromium, on a phone and on a desktop,
and sends a questionnaire now; axe checks every page. Screenshots go to /tmp/shots/."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from programs.models import Occasion, Questionnaire
from tests.browser import assert_accessible, sign_in, watch_requests
from tests.factories import PASSWORD
from tests.test_outcomes_clinician import WEEK, activity, answered, started

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")  # noqa: S108 (where the lead reads the screenshots)


@pytest.fixture
def improving(clinician_a, patient_a):
    """Six weeks of care: pain 7 → 3, PSFS 3.5 → 7 over two activities, stairs +5."""
    program = started(patient_a, clinician_a, days_ago=42)
    start = program.start_date
    stairs = activity(program, "Climbing the stairs at home")
    garden = activity(program, "Kneeling to garden", 1)
    answered(program, start, 7, {stairs: 2, garden: 5}, occasion=Occasion.START)
    answered(program, start + 2 * WEEK, 6, {stairs: 4, garden: 5})
    answered(program, start + 4 * WEEK, 4, {stairs: 6, garden: 6})
    answered(program, start + 6 * WEEK - timedelta(days=1), 3, {stairs: 7, garden: 7})
    return program


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [375, 1280])
def test_clinician_reads_the_outcomes_and_sends_a_questionnaire(
    browser, live_server, improving, patient_a, width
):
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 375 else 812}, is_mobile=width == 375
    )
    outside = watch_requests(context, live_server.url)
    page = context.new_page()
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.goto(live_server.url + patient_a.get_absolute_url())

    outcomes = page.locator("#outcomes")
    expect(outcomes.get_by_role("heading", name="Outcomes")).to_be_visible()
    expect(
        outcomes.get_by_text("NPRS 7 → 3: clinically important improvement", exact=True)
    ).to_be_visible()
    expect(
        outcomes.get_by_text("PSFS 3.5 → 7: clinically important improvement", exact=True)
    ).to_be_visible()
    chart = outcomes.get_by_role("img", name=re.compile("PSFS over time"))
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= width
    expect(outcomes.get_by_role("cell", name="Climbing the stairs at home")).to_be_visible()
    outcomes.get_by_text("Scores as a table").first.click()
    expect(outcomes.get_by_role("cell", name="7").first).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    SHOTS.mkdir(exist_ok=True)
    outcomes.screenshot(path=str(SHOTS / f"outcomes-{width}.png"))

    outcomes.get_by_role("button", name="Send a questionnaire now").click()
    expect(
        page.get_by_text("Questionnaire sent: Pat will see it on their Today page")
    ).to_be_visible()
    assert Questionnaire.objects.filter(
        program=improving, occasion=Occasion.REQUESTED, completed_at__isnull=True
    ).exists()
    assert_accessible(page)

    page.get_by_role("link", name="Edit activities").click()
    expect(page.get_by_role("heading", name=re.compile("Activities of"))).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_label("New activity 1 (optional)").fill("Getting out of the car")
    page.get_by_role("button", name="Save activities").click()
    expect(page.get_by_text("Activities saved: 1 added.")).to_be_visible()
    expect(page.get_by_role("cell", name="Getting out of the car")).to_be_visible()
    page.screenshot(path=str(SHOTS / f"patient-record-{width}.png"), full_page=True)
    context.close()
    assert outside == []
