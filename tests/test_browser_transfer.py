"""A clinic admin, in Chromium, downloads the clinic's exercises and templates and imports the
file again, with axe checking each page; a file that is not an export is refused with a
message."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from exercises.models import Exercise
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD, ExerciseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clinic_admin_exports_and_imports_exercises_and_templates(
    page: Page, live_server, admin_a, tmp_path
):
    ExerciseFactory(clinic=admin_a.clinic, slug="wall-slide", name="Wall slide")
    sign_in(page, live_server.url, "alice@northside.example", PASSWORD)
    page.goto(live_server.url + "/clinic/staff/")
    page.get_by_role("link", name="Exercises and templates").click()
    expect(page.get_by_role("heading", name="Export")).to_be_visible()
    expect(page.get_by_text("Not included: the pictures you uploaded.")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download exercises and templates").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert '"wall-slide"' in exported

    page.get_by_label("Export file").set_input_files(download.value.path())
    page.get_by_role("button", name="Import").click()
    expect(
        page.get_by_text("Imported: 0 exercises added, 1 updated, 0 templates added.")
    ).to_be_visible()
    assert_accessible(page)
    assert Exercise.objects.filter(clinic=admin_a.clinic).count() == 1

    not_json = tmp_path / "patients.csv"
    not_json.write_text("name,slug\nWall slide,wall-slide\n")
    page.get_by_label("Export file").set_input_files(not_json)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Nothing was imported.")).to_be_visible()
    expect(page.get_by_text("This is not a JSON file, or it is damaged")).to_be_visible()
    assert_accessible(page)
