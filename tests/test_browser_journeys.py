"""Journeys through the real app in Chromium, with axe checking every page they visit."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from clinic.models import Patient
from exercises.loader import load_library
from programs.models import SessionLog
from tests.browser import assert_accessible, sign_in, watch_requests
from tests.factories import PASSWORD, active_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_invites_a_patient_who_activates_their_account(
    page: Page, live_server, clinician_a
):
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Patients", exact=True).click()
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
    page.get_by_label("Date of birth").fill("1899-12-31")
    page.get_by_role("button", name="Add patient").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(
        page.get_by_text("The date of birth cannot be before 1900. Check the year.")
    ).to_be_visible()
    assert_accessible(page)
    assert not Patient.objects.exists()


def test_clinician_searches_the_library_and_follows_the_ladder(
    page: Page, live_server, clinician_a
):
    load_library()
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    page.get_by_role("link", name="Exercise library").click()
    expect(page.get_by_role("heading", name="Exercise library")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Search by name, condition, muscle or words in the steps").fill("clamshell")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("7 exercises match")).to_be_visible()
    page.get_by_label("Equipment").select_option(label="Mini band")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 exercise matches")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Equipment").select_option(label="Any equipment")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Reverse clamshell", exact=True).click()
    expect(page.get_by_role("heading", name="Reverse clamshell", exact=True)).to_be_visible()
    expect(page.get_by_text("3 sets of 10–12 reps, each side, hold 1 second")).to_be_visible()
    assert_accessible(page)

    regressions = page.locator(".ladder-group", has_text="Easier: regressions")
    regressions.get_by_role("link", name="Single-leg windshield-wiper stretch").click()
    expect(page.get_by_role("heading", name="Single-leg windshield-wiper stretch")).to_be_visible()
    expect(page.get_by_text("Hold for 20 to 30 seconds.")).to_be_visible()
    assert_accessible(page)


def test_clinician_adds_a_clinic_exercise(page: Page, live_server, clinician_a):
    load_library()
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    page.goto(live_server.url + "/library/new/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Heel raise")
    page.get_by_label("Summary").fill("Rise up onto your toes.")
    page.get_by_label("Purpose").fill("Makes your calves stronger.")
    page.get_by_label("Position").select_option(label="Standing")
    page.get_by_label("Region").select_option(label="Lower body")
    page.get_by_label("Body part").select_option(label="Ankle and foot")
    page.get_by_label("Activity type").select_option(label="Body-weight strength")
    page.get_by_label("Steps").fill("Hold a chair.\nRise up onto your toes.\nLower slowly.")
    page.get_by_label("Reps", exact=True).fill("12")
    page.get_by_label("Rest between sets (seconds)").fill("60")
    page.get_by_label("Band", exact=True).select_option(label="Red (light)")
    page.get_by_label("Easier versions (regressions)").select_option(label="Clamshell")
    page.get_by_role("button", name="Add exercise").click()

    expect(page.get_by_role("heading", name="Heel raise")).to_be_visible()
    expect(
        page.get_by_text(
            "3 sets of 12 reps, each side, with a red band, rest 1 minute between sets"
        )
    ).to_be_visible()
    expect(page.locator(".ladder-group", has_text="Easier").get_by_role("link")).to_have_text(
        "Clamshell"
    )
    assert_accessible(page)


def test_clinician_builds_a_program_and_the_patient_sees_it(
    page: Page, live_server, clinician_a, patient_a
):
    load_library()
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    page.goto(live_server.url + f"/patients/{patient_a.pk}/")
    page.get_by_role("link", name="New program").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Hip strength")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", name="Hip strength")).to_be_visible()

    page.get_by_role("searchbox", name="Search the library").fill("clamshell")
    expect(page.locator(".search-result")).to_have_count(7)
    items = page.locator(".builder-item")
    for count, name in enumerate(["Clamshell", "Reverse clamshell", "Clamshell with loop band"], 1):
        page.get_by_role("button", name=f"Add {name}", exact=True).click()
        expect(items).to_have_count(count)
    assert_accessible(page)

    # change a dose in place
    banded = items.nth(2)
    banded.get_by_text("Change the dose").click()
    banded.locator("input[name$='-sets']").fill("2")
    banded.locator("input[name$='-reps_min']").fill("15")
    banded.locator("input[name$='-reps_max']").fill("")
    banded.get_by_role("button", name="Save dose").click()
    expect(items.nth(2).locator(".item-prescription")).to_have_text(
        "2 sets of 15 reps, each side, once a day, every day"
    )

    # a bad value gets a message next to the field and changes nothing
    items.nth(0).get_by_text("Change the dose").click()
    items.nth(0).locator("input[name$='-sets']").fill("12")
    items.nth(0).get_by_role("button", name="Save dose").click()
    expect(
        items.nth(0).get_by_text("Ensure this value is less than or equal to 10.")
    ).to_be_visible()
    assert_accessible(page)

    # reorder: the banded clamshell moves to the top
    headings = page.locator(".builder-item h3")
    page.get_by_role("button", name="Move Clamshell with loop band up").click()
    expect(headings).to_have_text(
        ["1. Clamshell", "2. Clamshell with loop band", "3. Reverse clamshell"]
    )
    page.get_by_role("button", name="Move Clamshell with loop band up").click()
    expect(headings).to_have_text(
        ["1. Clamshell with loop band", "2. Clamshell", "3. Reverse clamshell"]
    )

    # a second click while the first change is on its way is dropped, not sent with an
    # out-of-date revision and mistaken for someone else's edit
    page.evaluate("""() => {
        document.querySelector("[aria-label='Move Clamshell down']").click();
        document.querySelector("[aria-label='Move Reverse clamshell up']").click();
    }""")
    expect(headings).to_have_text(
        ["1. Clamshell with loop band", "2. Reverse clamshell", "3. Clamshell"]
    )
    expect(page.get_by_text("Someone else changed")).to_have_count(0)
    page.get_by_role("button", name="Move Clamshell up").click()
    expect(headings).to_have_text(
        ["1. Clamshell with loop band", "2. Clamshell", "3. Reverse clamshell"]
    )

    # regress the reverse clamshell in one click
    items.nth(2).get_by_role("button", name="Easier: Single-leg windshield-wiper stretch").click()
    expect(headings.nth(2)).to_have_text("3. Single-leg windshield-wiper stretch")
    assert_accessible(page)

    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Hip strength is active")).to_be_visible()
    expect(page.get_by_text("Program started with 3 exercises")).to_be_visible()
    assert_accessible(page)
    builder_wording = items.locator(".item-prescription").all_inner_texts()

    patient_context = page.context.browser.new_context()
    patient = patient_context.new_page()
    sign_in(patient, live_server.url, "pat@example.com", PASSWORD)
    expect(patient.get_by_role("heading", name="Hip strength")).to_be_visible()
    names = patient.locator(".patient-item h3").all_inner_texts()
    assert names == [
        "1. Clamshell with loop band",
        "2. Clamshell",
        "3. Single-leg windshield-wiper stretch",
    ]
    assert patient.locator(".patient-prescription").all_inner_texts() == builder_wording
    assert builder_wording == [
        "2 sets of 15 reps, each side, once a day, every day",
        "3 sets of 10–12 reps, each side, once a day, every day",
        "3 reps, each side, hold 20–30 seconds, once a day, every day",
    ]
    assert_accessible(patient)
    patient_context.close()


@pytest.fixture
def phone_patient(browser, live_server, clinician_a, patient_a):
    """Patient A on a 375 × 812 phone, with an active two-exercise program."""
    load_library()
    active_program(patient_a, clinician_a)
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    outside = watch_requests(context, live_server.url)
    page = context.new_page()
    sign_in(page, live_server.url, "pat@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Pat")).to_be_visible()
    yield page
    context.close()
    assert outside == []


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_patient_logs_a_session_on_a_phone(phone_patient: Page):
    page = phone_patient
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_role("link", name="Log today's session").click()
    assert_accessible(page)
    no_sideways_scroll(page)

    reason = page.get_by_label("Why skipped? (optional)").nth(1)
    expect(reason).to_be_hidden()  # asked only of a skipped exercise
    page.get_by_text("Done", exact=True).nth(0).click()  # one tap per exercise
    page.get_by_text("Skipped", exact=True).nth(1).click()
    expect(reason).to_be_visible()
    reason.fill("No time")
    page.get_by_text("Done", exact=True).nth(1).click()
    expect(reason).to_be_hidden()
    page.get_by_text("Sets, reps and pain").nth(0).click()
    pain = page.get_by_label("Pain during it (0–10)").nth(0)
    pain.select_option("10")
    # The chosen value reads in full at 375 px: the select is wide enough for "10 (worst pain)".
    assert pain.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    assert pain.evaluate("el => el.getBoundingClientRect().width") > 200
    expect(
        page.get_by_text("Stop the exercise if your pain reaches 6 out of 10.").nth(0)
    ).to_be_visible()
    page.get_by_label("A note for your physio (optional)").fill("Sharp pain in my hip.")
    page.get_by_role("button", name="Save my session").click()

    # Pain at the clinic's threshold: the page leads with what to do, never with praise.
    expect(page.get_by_role("heading", name="You noted pain of 10 out of 10")).to_be_visible()
    expect(page.get_by_text("Stop the exercise that hurts.")).to_be_visible()
    expect(page.get_by_text("Well done")).to_have_count(0)
    expect(page.get_by_text("Great work")).to_have_count(0)
    assert_accessible(page)
    no_sideways_scroll(page)
    session = SessionLog.objects.get()
    assert session.max_pain == 10 and session.note == "Sharp pain in my hip."
    assert all(entry.done for entry in session.entries.all())

    page.get_by_role("link", name="Back to today").click()
    expect(page.get_by_role("heading", name="You noted pain of 10 out of 10 today")).to_be_visible()
    expect(page.get_by_text("Keep it up")).to_have_count(0)
    assert_accessible(page)
    no_sideways_scroll(page)

    page.get_by_role("button", name="Show menu").click()
    page.get_by_role("link", name="History").click()
    expect(page.get_by_text("Sharp pain in my hip.")).to_be_visible()
    expect(page.get_by_text("Clamshell: done, 3 sets of 12 · pain 10/10")).to_be_visible()
    expect(page.get_by_text("You were asked to stop the exercise that hurt")).to_be_visible()
    assert_accessible(page)


def test_a_log_with_mistakes_keeps_what_was_typed(phone_patient: Page):
    page = phone_patient
    page.get_by_role("link", name="Log today's session").click()
    page.get_by_text("Done", exact=True).nth(0).click()
    page.get_by_text("Done", exact=True).nth(1).click()
    page.get_by_text("Sets, reps and pain").nth(0).click()
    page.get_by_label("Sets done").nth(0).fill("-1")
    page.get_by_label("Reps in each set").nth(0).fill("0")
    page.get_by_label("Pain during it (0–10)").nth(0).select_option("2")
    page.get_by_role("button", name="Save my session").click()

    expect(page.get_by_text("Sets done can't be less than 0.")).to_be_visible()
    expect(page.get_by_text("You marked this Done with 0 reps.")).to_be_visible()
    expect(page.get_by_label("Pain during it (0–10)").nth(0)).to_have_value("2")
    expect(page.get_by_label("Reps in each set").nth(1)).to_be_visible()  # every row open
    assert_accessible(page)
    no_sideways_scroll(page)
    assert not SessionLog.objects.exists()
    page.get_by_label("Sets done").nth(0).fill("3")
    page.get_by_label("Reps in each set").nth(0).fill("10")
    page.get_by_role("button", name="Save my session").click()
    expect(page.get_by_role("heading", name="Well done, your session is saved")).to_be_visible()
    assert_accessible(page)


def test_patient_logs_a_session_with_the_keyboard_alone(phone_patient: Page):
    page = phone_patient
    page.get_by_role("link", name="Log today's session").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Log your session")).to_be_visible()

    def focused(attribute: str) -> str:
        return page.evaluate(f"document.activeElement.getAttribute('{attribute}') || ''")

    marked, pain_set = 0, False
    for _ in range(60):  # Tab through the form, at most 60 stops
        page.keyboard.press("Tab")
        kind, value = focused("type"), focused("value")
        if kind == "radio" and value == "done":
            page.keyboard.press("Space")
            marked += 1
            if marked == 1:  # open the first exercise's details and note pain 7
                page.keyboard.press("Tab")
                page.keyboard.press("Enter")
        elif focused("name").startswith("pain-") and not pain_set:
            page.keyboard.type("3")
            pain_set = True
        elif focused("name") == "note":
            page.keyboard.type("Typed with the keyboard.")
        elif page.evaluate("document.activeElement.textContent.trim()") == "Save my session":
            page.keyboard.press("Enter")
            break
    expect(page.get_by_role("heading", name="Well done, your session is saved")).to_be_visible()
    session = SessionLog.objects.get()
    assert marked == 2
    assert session.max_pain == 3
    assert session.note == "Typed with the keyboard."


def test_clinician_sees_the_alert_and_reads_the_note(
    phone_patient: Page, page: Page, live_server, clinician_a
):
    patient = phone_patient
    patient.get_by_role("link", name="Log today's session").click()
    patient.get_by_text("Done", exact=True).nth(0).click()
    patient.get_by_text("Done", exact=True).nth(1).click()
    patient.get_by_text("Sets, reps and pain").nth(1).click()
    patient.get_by_label("Pain during it (0–10)").nth(1).select_option("7")
    patient.get_by_label("A note for your physio (optional)").fill("Sharp pain on the left.")
    patient.get_by_role("button", name="Save my session").click()
    expect(patient.get_by_role("heading", name="You noted pain of 7 out of 10")).to_be_visible()

    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Activated, Pat"))
    expect(row.get_by_text("High pain")).to_be_visible()
    expect(row.get_by_text("1 unread")).to_be_visible()
    assert_accessible(page)

    row.get_by_role("link", name="Activated, Pat").click()
    expect(page.get_by_text(re.compile(r"Pain 7/10 in the session of \d+ \w+"))).to_be_visible()
    expect(page.get_by_text("“Sharp pain on the left.”")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mark read").click()
    expect(page.get_by_text("No unread notes.")).to_be_visible()
    page.get_by_role("button", name="Mark handled").first.click()
    expect(page.get_by_text("Handled by Carl Clinician")).to_be_visible()
    assert_accessible(page)

    patient.goto(live_server.url + "/my/history/")
    expect(patient.get_by_text("Read by your physio on")).to_be_visible()


def test_clinic_admin_manages_the_team_and_settings(page: Page, live_server, admin_a):
    sign_in(page, live_server.url, "alice@northside.example", PASSWORD)
    page.get_by_role("link", name="Clinic", exact=True).click()
    expect(page.get_by_role("heading", name="Northside Physio")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Invite a clinician").click()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Dee Newhire")
    page.get_by_label("Email address").fill("dee@northside.example")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("An invitation was emailed to dee@northside.example.")).to_be_visible()
    assert "dee@northside.example" in mail.outbox[-1].to
    waiting = page.get_by_role("list", name="Invitations not yet accepted")
    expect(waiting.get_by_role("listitem").filter(has_text="Dee Newhire")).to_contain_text(
        "waiting"
    )
    assert_accessible(page)

    link = re.search(r"https?://\S+/join/\S+/", mail.outbox[-1].body)[0]
    newcomer_context = page.context.browser.new_context()
    outside = watch_requests(newcomer_context, live_server.url)
    newcomer = newcomer_context.new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="Welcome, Dee Newhire")).to_be_visible()
    assert_accessible(newcomer)
    newcomer.get_by_label("Choose a password").fill("north-wind-teapot")
    newcomer.get_by_label("Type the password again").fill("north-wind-teapot")
    newcomer.get_by_role("button", name="Create my account").click()
    expect(newcomer.get_by_text("Welcome to Northside Physio!")).to_be_visible()
    newcomer_context.close()
    assert outside == []

    page.reload()
    expect(page.get_by_text("No invitations are waiting.")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Deactivate Dee Newhire").click()
    expect(page.get_by_text("Dee Newhire was deactivated and signed out.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Settings").click()
    assert_accessible(page)
    page.get_by_label("Handout footer").fill("Questions? Call us on 01234 567890.")
    page.get_by_label("Paper size").select_option(label="US Letter")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("The clinic settings were saved.")).to_be_visible()
    admin_a.clinic.refresh_from_db()
    assert admin_a.clinic.paper_size == "letter"


def pdf_text(download) -> str:
    from pypdf import PdfReader

    reader = PdfReader(download.path())
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_handouts_and_the_discharge_summary_download(
    phone_patient: Page, page: Page, live_server, clinician_a, patient_a
):
    program = patient_a.programs.get()
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    page.goto(live_server.url + program.get_absolute_url())
    with page.expect_download() as clinician_download:
        page.get_by_role("link", name="Handout (PDF)").click()
    text = pdf_text(clinician_download.value)
    assert "Pat Activated" in text and "Clamshell" in text and "Reverse clamshell" in text

    with phone_patient.expect_download() as patient_download:
        phone_patient.get_by_role("link", name="Download your handout to print (PDF)").click()
    assert "Pat Activated" in pdf_text(patient_download.value)

    page.get_by_role("link", name="Discharge").click()
    assert_accessible(page)
    page.get_by_label("Discharge notes for the patient (optional)").fill(
        "Well done. Keep the clamshells going twice a week."
    )
    page.get_by_role("button", name="Discharge program").click()
    expect(page.get_by_text("the discharge summary is ready to download")).to_be_visible()
    with page.expect_download() as summary_download:
        page.get_by_role("link", name="Discharge summary (PDF)").click()
    summary = pdf_text(summary_download.value)
    assert "Discharge summary" in summary and "Pat Activated" in summary
    assert "Keep the clamshells going twice a week." in summary
    assert "Reverse clamshell" in summary
    expect(page.get_by_role("heading", name="Pat Activated Discharged")).to_be_visible()
    expect(page.get_by_text("over the whole course")).to_be_visible()
    assert_accessible(page)

    # The patient's side says the program has finished and what to keep doing.
    phone_patient.reload()
    expect(phone_patient.get_by_role("heading", name="Your program has finished")).to_be_visible()
    expect(phone_patient.get_by_role("heading", name="Exercises to keep doing")).to_be_visible()
    expect(phone_patient.get_by_text("will appear here")).to_have_count(0)
    assert_accessible(phone_patient)
    no_sideways_scroll(phone_patient)
    with phone_patient.expect_download() as final_summary:
        phone_patient.get_by_role("link", name="Download your discharge summary (PDF)").click()
    assert "Keep the clamshells going twice a week." in pdf_text(final_summary.value)


def test_an_exercise_is_added_twice_only_on_purpose_for_one_side(
    page: Page, live_server, clinician_a, patient_a
):
    from exercises.models import Exercise
    from programs import prescribing

    load_library()
    program = prescribing.create_program(patient_a, by=clinician_a.user, title="Hip twins")
    clamshell = Exercise.objects.get(slug="clamshell", clinic=None)
    prescribing.add_item(program, clamshell, revision=None, by=clinician_a.user)
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    page.goto(live_server.url + program.get_absolute_url() + "?q=clamshell")
    headings = page.locator(".builder-item h3")
    results = page.locator("#search-results")
    expect(results.get_by_text("In the program")).to_have_count(1)
    assert_accessible(page)

    # progress the clamshell to the banded one; the results beside it still offer "Add"
    page.get_by_role("button", name="Harder: Clamshell with loop band").click()
    expect(headings).to_have_text(["1. Clamshell with loop band"])
    expect(page.get_by_text("Took Clamshell with loop band’s usual dose")).to_be_visible()

    # adding it a second time is refused with the reason, and nothing changes
    results.get_by_role("button", name="Add Clamshell with loop band", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Clamshell with loop band is already in this program. To add it again for one side"
    )
    expect(headings).to_have_count(1)
    assert_accessible(page)

    # the results now offer it for one side, and both items are named apart
    results.get_by_label("Side", exact=True).select_option("left")
    results.get_by_role("button", name="Add Clamshell with loop band again for one side").click()
    expect(headings).to_have_text(
        ["1. Clamshell with loop band (each side)", "2. Clamshell with loop band (left)"]
    )
    expect(page.locator(".builder-item .item-prescription").nth(1)).to_have_text(
        "3 sets of 10–12 reps, left side only, once a day, every day"
    )
    assert_accessible(page)


def test_clinician_sets_up_two_step_sign_in_and_signs_in_with_a_code(
    browser, live_server, clinician_a
):
    from base64 import b32decode

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    outside = watch_requests(context, live_server.url)
    page = context.new_page()
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("button", name="Show menu").click()
    page.get_by_role("button", name=re.compile("account menu")).click()
    page.get_by_role("link", name="Sign-in security").click()
    expect(page.get_by_role("heading", name="Two-step sign-in is off")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Set up two-step sign-in").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    # The phone's app, given the key typed by hand.
    key = b32decode(page.locator(".two-step-key").inner_text().replace(" ", ""))
    page.get_by_label("Code from the app").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Save your recovery codes now")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_role("button", name="Show menu").click()
    page.get_by_role("button", name=re.compile("account menu")).click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill("000000" if totp(key) != 0 else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    assert_accessible(page)
    # Half a minute later the app shows a new code (each code is accepted once, and the wrong
    # one makes the next attempt wait a moment).
    TOTPDevice.objects.update(last_t=-1, throttling_failure_count=0)
    page.get_by_label("Code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    context.close()
    assert outside == []


def test_clinic_admin_exports_a_patients_record_and_erases_them(
    page: Page, live_server, admin_a, clinician_a, patient_a
):
    from programs import prescribing

    load_library()
    program = active_program(patient_a, clinician_a)
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    sign_in(page, live_server.url, "alice@northside.example", PASSWORD)
    page.goto(live_server.url + patient_a.get_absolute_url())
    expect(page.get_by_role("heading", name="Data requests")).to_be_visible()
    with page.expect_download() as export:
        page.get_by_role("link", name="Export record (PDF)").click()
    text = pdf_text(export.value)
    assert "Patient record" in text and "Pat Activated" in text and "Hip program" in text

    page.get_by_role("link", name="Erase patient").click()
    expect(page.get_by_role("heading", name="Erase Pat Activated?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Type the patient's full name to confirm").fill("Pat Activate")
    page.get_by_role("button", name="Erase this patient").click()
    expect(page.get_by_text("so nothing was erased")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Type the patient's full name to confirm").fill("Pat Activated")
    page.get_by_role("button", name="Erase this patient").click()
    expect(page.get_by_text("The patient's identity was erased.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Erased patient {patient_a.pk}")).to_be_visible()
    expect(page.get_by_role("link", name="Edit details")).to_have_count(0)
    assert_accessible(page)
    patient_a.refresh_from_db()
    assert patient_a.erased_at is not None and patient_a.user is None
