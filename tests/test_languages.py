"""Which language a page speaks: the patient's own on their pages, English for staff, the
browser's for a signed-out visitor; and the dose in the patient's words."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from clinic.languages import SESSION_KEY, supported
from exercises.dose import Dose, Frequency, describe_prescription, weekday_mask
from exercises.loader import load_library
from exercises.models import Exercise
from programs import prescribing
from tests.conftest import client_for
from tests.factories import active_program


@pytest.fixture
def program(db, patient_a, clinician_a):
    load_library()
    return active_program(patient_a, clinician_a)


def test_the_issues_example_dose_in_spanish():
    dose = Dose(sets=3, reps_min=10, hold_min=1, side="each")
    with translation.override("es"):
        words = describe_prescription(dose, Frequency())
    assert words == (
        "3 series de 10 repeticiones, de cada lado, mantener 1 segundo, una vez al día, "
        "todos los días"
    )
    assert describe_prescription(dose, Frequency()) == (
        "3 sets of 10 reps, each side, hold 1 second, once a day, every day"
    )


@pytest.mark.parametrize(
    "dose,frequency,spanish",
    [
        (
            Dose(sets=2, reps_min=8, reps_max=12, side="left", band="red", rest_seconds=90),
            Frequency(2, 3),
            "2 series de 8–12 repeticiones, solo el lado izquierdo, con una banda roja, "
            "descansar 1 minuto 30 segundos entre series, dos veces al día, 3 días a la semana",
        ),
        (
            Dose(
                sets=1,
                to_fatigue=True,
                hold_min=20,
                hold_max=30,
                load_kg=Decimal("2.5"),
                side="both",
            ),
            Frequency(1, 7, weekday_mask([0, 2, 5])),
            "1 serie, hasta cansarse, mantener 20–30 segundos, con 2,5 kg, una vez al día, "
            "los lunes, miércoles y sábados",
        ),
        (
            Dose(sets=1, reps_min=1, side="right"),
            Frequency(3, 1),
            "1 repetición, solo el lado derecho, 3 veces al día, 1 día a la semana",
        ),
    ],
)
def test_doses_in_spanish(dose, frequency, spanish):
    with translation.override("es"):
        assert describe_prescription(dose, frequency) == spanish


@pytest.mark.parametrize(
    "stored,spoken", [("es", "es"), ("es-mx", "es"), ("en", "en"), ("", "en"), ("fr", "en")]
)
def test_a_stored_preference_is_spoken_as_the_nearest_language_the_site_has(stored, spoken):
    assert supported(stored) == spoken


def test_a_spanish_patient_reads_their_pages_in_spanish(program, patient_a):
    patient_a.preferred_language = "es"
    patient_a.save()
    response = client_for(patient_a.user).get(reverse("portal_home"))
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert '<html lang="es"' in response.content.decode()
    item = program.items.first()
    with translation.override("es"):
        assert item.prescription_text in response.content.decode()


def test_an_english_patient_of_the_same_clinic_reads_english(program, patient_a):
    response = client_for(patient_a.user).get(reverse("portal_home"))
    assert response["Content-Language"] == "en"
    assert program.items.first().prescription_text in response.content.decode()


def test_staff_read_english_even_with_a_spanish_browser(program, clinician_a):
    client = client_for(clinician_a.user)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "en"


def test_a_signed_out_visitor_gets_their_browsers_language(client):
    assert (
        client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")["Content-Language"]
        == "es"
    )
    assert client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de")["Content-Language"] == "en"


def test_a_language_changed_by_the_clinician_is_followed_at_the_next_portal_page(
    program, patient_a
):
    client = client_for(patient_a.user)
    assert client.get(reverse("portal_home"))["Content-Language"] == "en"
    patient_a.preferred_language = "es"
    patient_a.save()
    assert client.get(reverse("portal_home"))["Content-Language"] == "es"
    assert client.session[SESSION_KEY] == "es"
    # and pages outside the portal's views follow it from the session
    assert client.get(reverse("password_change"))["Content-Language"] == "es"


def test_dates_are_written_the_languages_way():
    from django.utils.formats import date_format

    day = date(2026, 11, 21)
    with translation.override("es"):
        assert date_format(day, "DATE_FORMAT") == "21 de noviembre de 2026"
    with translation.override("en"):
        assert date_format(day, "DATE_FORMAT") == "21 Nov 2026"


def test_what_changed_is_told_in_the_patients_language(program, patient_a, clinician_a):
    program.seen_version = program.versions.count()
    program.save()
    bridge = Exercise.objects.get(slug="glute-bridge", clinic=None)
    prescribing.add_item(program, bridge, revision=None, by=clinician_a.user)
    patient_a.preferred_language = "es"
    patient_a.save()
    page = client_for(patient_a.user).get(reverse("portal_home")).content.decode()
    item = program.items.get(exercise=bridge)
    with translation.override("es"):
        name, dose = bridge.words.name, item.prescription_text
    assert f"Ejercicio nuevo: {name}, {dose}." in page


def test_charts_keep_their_numbers_readable_to_svg_in_spanish():
    """Spanish writes 12,5 where SVG needs 12.5: a chart's coordinates are never localised,
    while its words are."""
    import re

    from programs.adherence import Adherence
    from programs.charts import adherence_chart, pain_chart

    monday = date(2026, 10, 5)
    weeks = [(monday + timedelta(weeks=n), Adherence(done=n, scheduled=7)) for n in range(7)]
    pain = {"Overall": [(monday + timedelta(days=n), n % 10) for n in range(0, 40, 3)]}
    with translation.override("es"):
        charts = [adherence_chart(weeks), pain_chart(pain)]
    for chart in charts:
        numbers = re.findall(r' (?:x|y|x1|x2|y1|y2|width|height|cx|cy)="([^"]*)"', str(chart.svg))
        assert numbers and all("," not in number for number in numbers)
    assert "Cumplimiento" in str(charts[0].svg) or "semana" in str(charts[0].svg)
