"""A clinician finds knee exercises in the library, follows a ladder, and starts a patient's
program from a condition template, in Chromium with axe on every page."""

import re

import pytest
from playwright.sync_api import Page, expect

from exercises.loader import load_library
from programs.loader import load_templates
from programs.models import Program
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_finds_a_knee_exercise_and_starts_from_the_knee_template(
    page: Page, live_server, clinician_a, patient_a
):
    load_library()
    load_templates()
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    page.get_by_role("link", name="Exercise library").click()
    page.get_by_label("Search by name, condition, muscle or words in the steps").fill("knee")
    page.get_by_label("Equipment").select_option(label="Resistance band")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("list").filter(has=page.locator(".exercise-card"))
    expect(results.get_by_role("link", name="Terminal knee extension with a band")).to_be_visible()
    expect(results.get_by_role("link", name="Clamshell")).to_have_count(0)
    assert_accessible(page)

    results.get_by_role("link", name="Terminal knee extension with a band").click()
    expect(page.get_by_role("heading", name="Terminal knee extension with a band")).to_be_visible()
    expect(page.locator("img.exercise-illustration")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Quadriceps setting").first.click()
    expect(page.get_by_role("heading", name="Quadriceps setting", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Straight leg raise").first).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + patient_a.get_absolute_url())
    page.get_by_role("link", name="New program").click()
    page.get_by_text("Knee", exact=False).filter(has_text=re.compile(r"^Knee \(\d+\)$")).click()
    option = page.get_by_role("radio", name="Knee osteoarthritis")
    expect(page.get_by_text("Quadriceps setting").first).to_be_visible()
    option.check()
    assert_accessible(page)
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("Draft program created.")).to_be_visible()
    program = Program.objects.get(patient=patient_a)
    template = Program.objects.get(title="Knee osteoarthritis")
    assert [i.exercise_id for i in program.items.all()] == [
        i.exercise_id for i in template.items.all()
    ]
    assert_accessible(page)
