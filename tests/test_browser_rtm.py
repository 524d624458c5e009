"""An RTM month in Chromium: a clinic admin turns RTM on, starts a patient's episode, records
time with a phone call, sees the month's band and downloads the report, with axe checking
each page."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from programs.models import RtmEpisode, RtmTime
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD, logged_session, started_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clinician_runs_an_rtm_month_and_downloads_the_report(
    page: Page, live_server, admin_a, clinician_a, patient_a
):
    program = started_program(patient_a, clinician_a, days_ago=3)
    logged_session(program, patient_a.today())  # sent today: one data day
    today = patient_a.today()
    sign_in(page, live_server.url, "alice@northside.example", PASSWORD)

    page.goto(live_server.url + "/clinic/settings/")
    page.get_by_label("Remote therapeutic monitoring (RTM) records").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_label("Remote therapeutic monitoring (RTM) records")).to_be_checked()

    page.goto(f"{live_server.url}/patients/{patient_a.pk}/rtm/")
    expect(page.get_by_role("heading", name="Start an RTM episode")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Treating clinician").select_option(label="Carl Clinician")
    page.get_by_role("button", name="Start the episode").click()
    expect(page.get_by_text("The RTM episode is under way.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Period 1")).to_contain_text("1 data day")
    assert_accessible(page)
    episode = RtmEpisode.objects.get()
    assert (episode.setup_on, episode.clinician) == (today, clinician_a)

    page.get_by_label("Minutes").fill("25")
    page.get_by_label("What was done").fill("Reviewed the week's data and changed the dose")
    page.get_by_label("Phone call").check()
    page.get_by_role("button", name="Record the time").click()
    expect(page.get_by_text("The time is recorded.")).to_be_visible()
    expect(page.locator("#month-minutes")).to_have_text("25")
    expect(page.locator("#month-band")).to_have_text("98980")
    expect(page.get_by_role("table", name="Time entries of the month")).to_contain_text(
        "Phone call"
    )
    assert_accessible(page)
    assert RtmTime.objects.get().interaction == "call"

    page.goto(live_server.url + "/clinic/rtm/")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Pat Activated")
    expect(table).to_contain_text("98980")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert [(r["Patient"], r["Data days"], r["Minutes in month"]) for r in rows] == [
        ("Pat Activated", "1", "25")
    ]
    assert rows[0]["Management codes"] == "98980"
    assert rows[0]["Real-time interaction"] == f"{today:%Y-%m-%d} (Phone call)"
    assert rows[0]["Set-up (code)"] == f"{today:%Y-%m-%d} (98975)"
