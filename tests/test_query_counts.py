"""Every page of the benchmark's table costs the same number of queries whatever the size of the
clinic and the length of a patient's history: counted exactly, on a small and a larger data set
made by `generate_data` (the builder and the library search, at two clinic sizes and two program
lengths, are in test_builder_cost.py)."""

import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.models import Clinic, Patient
from programs.models import Program, SessionLog
from tests.conftest import client_for

SIZES = {
    # clinics, patients per clinic, days of history
    "small": (1, 4, 30),
    "large": (2, 14, 180),
}


@pytest.fixture(params=list(SIZES))
def data(request, db):
    clinics, patients, days = SIZES[request.param]
    call_command(
        "generate_data",
        clinics=clinics,
        patients_per_clinic=patients,
        days=days,
        seed=3,
        allow_production=True,
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    clinic = Clinic.objects.get(slug="generated-1")
    patient = Patient.objects.select_related("user", "primary_clinician__user").get(
        clinic=clinic, user__email="patient1@generated-1.example"
    )
    program = Program.objects.get(patient=patient, status=Program.Status.ACTIVE)
    admin = clinic.clinicians.get(role="admin").user
    return {"patient": patient, "program": program, "admin": admin, "days": days}


def queries(client, method, url, data=None, expect=200):
    """Queries of one request, after a first one has warmed the session and the figures."""
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == expect, response.content[:500]
    return len(captured)


def steady(client, url, **params):
    client.get(url, params)  # the first visit of the day works the figures out
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_whole_clinic_dashboard(data):
    client = client_for(data["admin"])
    # session, user, clinician, the patients and their up-to-date figures (to find the
    # out-of-date ones), count, the page, its figures, the clinician's unread messages, session
    # save (3)
    assert steady(client, reverse("dashboard"), scope="clinic") == 12
    assert steady(client, reverse("dashboard"), scope="clinic", sort="adherence28") == 12
    assert steady(client, reverse("dashboard"), scope="clinic", flag="any") == 12


def test_own_caseload(data):
    client = client_for(data["patient"].primary_clinician.user)
    assert steady(client, reverse("dashboard")) == 12


def test_patient_list(data):
    client = client_for(data["admin"])
    # session, user, clinician, count, the page, their physios, the physios' and the
    # patients' accounts, session save (3)
    assert steady(client, reverse("patient_list")) == 11


def test_patient_record(data):
    client = client_for(data["patient"].primary_clinician.user)
    # 3 more since outcome measures: the summary's questionnaires, and the record's
    # questionnaires and activities (their answers are read only when there are some); 2 more
    # since as-needed exercises: the as-needed items and their weekly uses; 1 more for their
    # high pains, which alert like a session's
    assert steady(client, data["patient"].get_absolute_url()) == 34


def test_today(data):
    # 2 more since outcome measures and languages: the items' text in other languages and the
    # open questionnaires
    assert steady(client_for(data["patient"].user), reverse("portal_home")) == 16


def test_history(data):
    # 1 more since as-needed exercises: their uses of the last 4 weeks, by day
    assert steady(client_for(data["patient"].user), reverse("portal_history")) == 11


def test_log_form(data):
    url = reverse("portal_log", args=[data["program"].pk])
    # one more since languages: the items' text in other languages
    assert steady(client_for(data["patient"].user), url) == 11


def test_log_post(data):
    program, patient = data["program"], data["patient"]
    today = patient.today()
    SessionLog.objects.filter(program=program, date=today).delete()  # log today afresh
    client = client_for(patient.user)
    url = reverse("portal_log", args=[program.pk])
    client.get(url)
    form = {"token": str(uuid.uuid4()), "slot": 1, "revision": 0}
    for item in program.items.all():
        form |= {
            f"status-{item.pk}": "done",
            f"sets-{item.pk}": item.sets,
            f"reps-{item.pk}": item.reps_min or 10,
            f"pain-{item.pk}": "2",
            f"reason-{item.pk}": "",
        }
    assert program.items.count() == 7  # the entries are written in one query whatever their number
    assert queries(client, "post", url, form, expect=302) == 20
    assert SessionLog.objects.filter(program=program, date=today).count() == 1


def test_floor(data):
    """The benchmark's floor: a signed-in page with no records (the password form)."""
    client = client_for(data["patient"].primary_clinician.user)
    assert steady(client, reverse("password_change")) == 6


def test_handout_first_and_repeated_download(data):
    client = client_for(data["patient"].primary_clinician.user)
    url = reverse("program_handout", args=[data["program"].pk])
    client.get(reverse("dashboard"))  # the session is warm
    fresh = queries(client, "get", url)
    repeated = queries(client, "get", url)
    # The first renders: the program, its items and versions, the stored copy's key, the
    # render places and the user's turns, the download and the audit entry; the exercises'
    # text in other languages, for the key and for the render. The second reads the stored
    # copy back and takes no render turn.
    assert (fresh, repeated) == (28, 12)


def test_discharge_summary_made_again(data):
    clinic = data["patient"].clinic
    discharged = Program.objects.get(
        patient__clinic=clinic,
        patient__user__email="patient2@generated-1.example",
        status=Program.Status.DISCHARGED,
    )
    client = client_for(data["admin"])
    client.get(reverse("dashboard"))
    url = reverse("program_regenerate_summary", args=[discharged.pk])
    # three more since outcome measures (the questionnaires, their answers, the activities)
    assert queries(client, "post", url, expect=302) == 38
