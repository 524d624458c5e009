"""A patient answers an outcome questionnaire on a phone, in Chromium, with axe checking each
page: by tapping in English, with the keyboard alone in Spanish."""

import pytest
from playwright.sync_api import Page, expect

from programs import prescribing
from programs.models import Answer, PsfsActivity, Questionnaire
from tests.browser import assert_accessible, sign_in, watch_requests
from tests.factories import PASSWORD, ExerciseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def questionnaire_url(live_server, clinician_a, patient_a):
    """Patient A's program, started today: the first questionnaire is due."""
    program = prescribing.create_program(
        patient_a, by=clinician_a.user, title="Knee program", start_date=patient_a.today()
    )
    prescribing.add_item(
        program, ExerciseFactory(clinic=clinician_a.clinic), revision=None, by=clinician_a.user
    )
    prescribing.activate(program, revision=None, by=clinician_a.user)
    return f"{live_server.url}/my/programs/{program.pk}/questionnaire/"


@pytest.fixture
def phone(browser, live_server):
    """A 375 × 812 phone; every request stays on the app."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    outside = watch_requests(context, live_server.url)
    page = context.new_page()
    yield page
    context.close()
    assert outside == []


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def choose(page: Page, field: str, value: str) -> None:
    """Tap one of a question's answers."""
    page.locator(f"label[for='id_{field}_{value}']").click()


def test_patient_answers_the_first_questionnaire_by_tapping(
    phone: Page, live_server, questionnaire_url
):
    page = phone
    sign_in(page, live_server.url, "pat@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Pat")).to_be_visible()
    page.goto(questionnaire_url)
    expect(page.get_by_role("heading", name="Questions about your progress")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)

    # Every answer is a large target, even at 375 px.
    for label in page.locator("#q-nprs label.btn").all():
        box = label.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box

    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Please check your answers. Nothing was saved yet.")).to_be_visible()
    expect(page.locator("#nprs-error")).to_have_text("Choose a number from 0 to 10 for your pain.")
    expect(page.locator("#new-1-error")).to_have_text(
        "Name at least one activity that is hard for you, and rate it."
    )
    assert_accessible(page)
    no_sideways_scroll(page)
    assert not Questionnaire.objects.exists()

    choose(page, "nprs", "4")
    page.get_by_label("Activity 1", exact=True).fill("Climb the stairs")
    choose(page, "new-1-rating", "3")
    page.get_by_text("Add more activities (up to 5 in all)").click()
    page.get_by_label("Activity 2", exact=True).fill("Kneel in the garden")
    choose(page, "new-2-rating", "0")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Send my answers").click()

    expect(
        page.get_by_text("Thank you. Your answers are saved and your physio can see them.")
    ).to_be_visible()
    assert_accessible(page)
    questionnaire = Questionnaire.objects.get()
    assert questionnaire.occasion == "start" and questionnaire.completed_on is not None
    assert sorted(Answer.objects.values_list("instrument", "value")) == [
        ("nprs", 4),
        ("psfs", 0),
        ("psfs", 3),
    ]
    assert list(PsfsActivity.objects.values_list("text", flat=True)) == [
        "Climb the stairs",
        "Kneel in the garden",
    ]

    page.goto(questionnaire_url)
    expect(page.get_by_text("There are no questions for you to answer right now.")).to_be_visible()
    assert_accessible(page)


def test_spanish_patient_answers_with_the_keyboard_alone(
    phone: Page, live_server, questionnaire_url, patient_a
):
    patient_a.preferred_language = "es"
    patient_a.save(update_fields=["preferred_language"])
    page = phone
    sign_in(page, live_server.url, "pat@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Hola, Pat")).to_be_visible()
    page.goto(questionnaire_url)
    expect(page.get_by_role("heading", name="Preguntas sobre su evolución")).to_be_visible()
    expect(page.get_by_text("0 = Sin dolor")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)

    def focused(attribute: str) -> str:
        return page.evaluate(f"document.activeElement.getAttribute('{attribute}') || ''")

    for _ in range(40):  # Tab to the pain question
        page.keyboard.press("Tab")
        if focused("name") == "nprs":
            break
    page.keyboard.press("Space")  # 0
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # 5
    page.keyboard.press("Tab")
    assert focused("name") == "new-1"
    page.keyboard.type("Subir escaleras")
    page.keyboard.press("Tab")
    assert focused("name") == "new-1-rating"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # 2
    for _ in range(5):  # past "Agregar más actividades" to the button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Enviar mis respuestas":
            break
    page.keyboard.press("Enter")

    expect(
        page.get_by_text(
            "Gracias. Sus respuestas están guardadas y su fisioterapeuta puede verlas."
        )
    ).to_be_visible()
    assert_accessible(page)
    assert sorted(Answer.objects.values_list("instrument", "value")) == [("nprs", 5), ("psfs", 2)]
    assert PsfsActivity.objects.get().text == "Subir escaleras"
