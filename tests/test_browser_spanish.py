"""A Spanish-speaking patient's whole journey in Chromium, axe checking every page: the invitation
email, creating the account, Today, the outcome questionnaire, logging a session, history and the
handout read back as text. An English-speaking patient of the same clinic reads English."""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import Page, expect

from clinic.models import Patient
from exercises.loader import load_library
from exercises.models import Exercise
from programs.models import Answer, SessionLog
from tests.browser import assert_accessible, sign_in, watch_requests
from tests.factories import PASSWORD, PatientFactory, active_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def spanish(slug: str) -> str:
    return Exercise.objects.get(slug=slug, clinic=None).words_in("es").name


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def pdf_text(download) -> str:
    from pypdf import PdfReader

    reader = PdfReader(download.path())
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_spanish_speaking_patient_does_everything_in_spanish(
    page: Page, browser, live_server, clinician_a
):
    load_library()
    rosa = PatientFactory(
        primary_clinician=clinician_a,
        first_name="Rosa",
        last_name="Lind",
        email="rosa.lind@example.com",
        preferred_language="es",
    )
    program = active_program(rosa, clinician_a)
    item = program.items.get(exercise__slug="clamshell")
    with translation.override("es"):
        dose = item.prescription_text

    # The clinician (in English) sends the invitation; the email is in Spanish.
    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    page.goto(live_server.url + rosa.get_absolute_url())
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation was emailed to rosa.lind@example.com")).to_be_visible()
    email = mail.outbox[-1]
    assert "programa de ejercicios" in email.subject
    assert email.body.startswith("Hola, Rosa:")
    assert "preparó un programa de ejercicios en casa para usted" in email.body
    assert "clamshell" not in email.body.lower()  # no health detail in an invitation

    link = re.search(r"https?://\S+/invitation/\S+/", email.body)[0]
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, locale="es-MX"
    )
    outside = watch_requests(context, live_server.url)
    phone = context.new_page()
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Le damos la bienvenida, Rosa")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_label("Elija una contraseña").fill("north-wind-teapot")
    phone.get_by_label("Escriba la contraseña otra vez").fill("north-wind-teapot")
    phone.get_by_role("button", name="Crear mi cuenta").click()

    # Today: the exercises, their doses and the first questionnaire, all in Spanish.
    expect(phone.get_by_role("heading", name="Hola, Rosa")).to_be_visible()
    assert phone.locator("html").get_attribute("lang") == "es"
    expect(phone.get_by_role("heading", name=f"1. {spanish('clamshell')}")).to_be_visible()
    expect(phone.get_by_text(dose[0].upper() + dose[1:])).to_be_visible()
    assert_accessible(phone)
    no_sideways_scroll(phone)

    phone.get_by_role("link", name="Responder las preguntas").click()
    expect(phone.get_by_role("heading", name="Preguntas sobre su evolución")).to_be_visible()
    assert_accessible(phone)
    no_sideways_scroll(phone)
    phone.locator("label[for='id_nprs_4']").click()
    phone.get_by_label("Actividad 1", exact=True).fill("Subir las escaleras")
    phone.locator("label[for='id_new-1-rating_3']").click()
    phone.get_by_role("button", name="Enviar mis respuestas").click()
    expect(phone.get_by_text("Gracias. Sus respuestas están guardadas")).to_be_visible()
    assert sorted(Answer.objects.values_list("instrument", "value")) == [("nprs", 4), ("psfs", 3)]
    assert_accessible(phone)

    # Log today's session with a tap per exercise.
    phone.get_by_role("link", name="Registrar la sesión de hoy").click()
    assert_accessible(phone)
    phone.get_by_text("Hecho", exact=True).nth(0).click()
    phone.get_by_text("Hecho", exact=True).nth(1).click()
    phone.get_by_role("button", name="Guardar mi sesión").click()
    expect(phone.get_by_role("heading", name=re.compile("su sesión está guardada"))).to_be_visible()
    assert_accessible(phone)
    assert SessionLog.objects.filter(program=program).count() == 1

    # History names the exercises as the patient read them.
    phone.get_by_role("button", name="Mostrar menú").click()
    phone.get_by_role("link", name="Historial").click()
    expect(phone.get_by_text(re.compile(spanish("clamshell"))).first).to_be_visible()
    assert_accessible(phone)
    no_sideways_scroll(phone)

    # The handout, read back as text, is in Spanish.
    phone.get_by_role("button", name="Mostrar menú").click()
    phone.get_by_role("link", name="Hoy", exact=True).click()
    with phone.expect_download() as download:
        phone.get_by_role(
            "link", name="Descargar su hoja de ejercicios para imprimir (PDF)"
        ).click()
    text = pdf_text(download.value)
    assert spanish("reverse-clamshell") in text
    assert "series de" in text and "Rosa Lind" in text
    context.close()
    assert outside == []


def test_an_english_speaking_patient_of_the_same_clinic_reads_english(
    browser, live_server, clinician_a, patient_a
):
    load_library()
    PatientFactory(primary_clinician=clinician_a, preferred_language="es")  # a Spanish colleague
    active_program(patient_a, clinician_a)
    assert Patient.objects.get(pk=patient_a.pk).preferred_language == "en"
    # A browser set to Spanish shows the sign-in page in Spanish; once signed in, the patient's
    # own choice counts.
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="es-MX")
    outside = watch_requests(context, live_server.url)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert_accessible(page)
    page.get_by_label("Correo electrónico").fill("pat@example.com")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Hello, Pat")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Reverse clamshell"))).to_be_visible()
    expect(page.get_by_role("link", name="Answer the questions")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)
    context.close()
    assert outside == []


def test_the_clinician_prints_in_either_language_and_writes_their_own_exercise_in_spanish(
    page: Page, live_server, clinician_a, patient_a
):
    from programs import prescribing
    from tests.factories import ExerciseFactory

    load_library()
    patient_a.preferred_language = "es"
    patient_a.save()
    program = active_program(patient_a, clinician_a)
    own = ExerciseFactory(
        clinic=clinician_a.clinic, name="Towel squeeze", steps=["Sit down.", "Squeeze."]
    )
    prescribing.add_item(program, own, revision=None, by=clinician_a.user)

    sign_in(page, live_server.url, "carl@northside.example", PASSWORD)
    page.goto(live_server.url + program.get_absolute_url())
    notice = page.locator(".untranslated")
    expect(notice).to_contain_text("not fully written in Español")
    expect(notice).to_contain_text("Towel squeeze")
    assert_accessible(page)
    with page.expect_download() as english:
        page.get_by_role("link", name="Handout (PDF, English)").click()
    assert "Reverse clamshell" in pdf_text(english.value)
    with page.expect_download() as own_language:
        page.get_by_role("link", name="Handout (PDF, Español)").click()
    assert spanish("reverse-clamshell") in pdf_text(own_language.value)

    page.goto(live_server.url + own.get_absolute_url())
    page.get_by_role("link", name="Text in Español").click()
    assert_accessible(page)
    for label, spanish_text in [
        ("Name", "Apretar la toalla"),
        ("Summary", "Apriete una toalla entre las rodillas."),
        ("Purpose", "Fortalece la parte de adentro del muslo."),
        ("Steps", "Siéntese.\nApriete la toalla."),
    ]:
        page.get_by_label(label, exact=True).fill(spanish_text)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The Español text of Towel squeeze was saved.")).to_be_visible()
    page.goto(live_server.url + program.get_absolute_url())
    expect(page.locator(".untranslated")).to_have_count(0)
    assert_accessible(page)


def test_a_patient_switches_the_portal_to_spanish(browser, live_server, clinician_a, patient_a):
    load_library()
    active_program(patient_a, clinician_a)
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    phone = context.new_page()
    sign_in(phone, live_server.url, "pat@example.com", PASSWORD)
    phone.get_by_role("button", name="Show menu").click()
    phone.get_by_role("link", name="Reminders").click()
    phone.get_by_label("Español").check()
    phone.get_by_role("button", name="Save language").click()
    expect(phone.get_by_text("Se guardó su idioma.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Idioma")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("button", name="Mostrar menú").click()
    phone.get_by_role("link", name="Hoy", exact=True).click()
    expect(phone.get_by_role("heading", name="Hola, Pat")).to_be_visible()
    expect(phone.get_by_role("heading", name=f"1. {spanish('clamshell')}")).to_be_visible()
    context.close()
