"""The audit trail in Chromium: a clinic admin finds who opened a patient's record, filters the
trail and downloads it, with axe checking each page, at desktop and phone widths."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from clinic.audit import record
from clinic.models import AuditEntry
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_a_clinic_admin_reads_filters_and_downloads_the_trail(
    page: Page, live_server, admin_a, clinician_a, patient_a, patient_a2, width
):
    page.set_viewport_size({"width": width, "height": 900})
    record(
        AuditEntry.Action.VIEW,
        AuditEntry.Subject.PATIENT,
        patient=patient_a,
        user=clinician_a.user,
        detail="patient record",
    )
    record(
        AuditEntry.Action.VIEW,
        AuditEntry.Subject.PATIENT,
        patient=patient_a2,
        user=clinician_a.user,
        detail="patient record",
    )
    sign_in(page, live_server.url, "alice@northside.example", PASSWORD)
    page.goto(live_server.url + "/clinic/staff/")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("table")).to_contain_text("Carl Clinician")
    assert_accessible(page)

    page.get_by_label("Patient").select_option(label=str(patient_a))
    page.get_by_label("Action").select_option(label="Viewed")
    page.get_by_role("button", name="Filter").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Pat Activated")
    expect(table).not_to_contain_text("Nina Newcomer")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Pat Activated" in text and "Nina Newcomer" not in text

    page.get_by_label("From").fill("2026-05-02")
    page.get_by_label("To").fill("2026-05-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("The start date must be on or before the end date.")).to_be_visible()
    assert_accessible(page)
