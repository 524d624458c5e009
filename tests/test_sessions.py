"""How long a sign-in lasts: idle limits by role, an absolute limit, and sessions that end for
good when an account is deactivated or a patient archived."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from clinic.middleware import LAST_SEEN, SIGNED_IN_AT
from clinic.staff import set_active
from tests.factories import PASSWORD


def signed_in(email):
    client = Client()
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    return client


def rewind(client, **seconds_ago):
    """Move the session's clocks back, as if time had passed."""
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def is_signed_out(client, url):
    response = client.get(url)
    return response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "who,url,idle_minutes",
    [
        ("clinician_a", "dashboard", 15),
        ("admin_a", "dashboard", 15),
        ("patient_a", "portal_home", 30),
    ],
)
def test_idle_sign_out_by_role(request, who, url, idle_minutes):
    person = request.getfixturevalue(who)
    client = signed_in(person.user.email)
    rewind(client, **{LAST_SEEN: idle_minutes * 60 - 30})
    assert client.get(reverse(url)).status_code == 200  # still within the limit
    rewind(client, **{LAST_SEEN: idle_minutes * 60 + 30})
    assert is_signed_out(client, reverse(url))
    page = client.get(reverse("login")).content.decode()
    assert f"signed out after {idle_minutes} minutes without activity" in page


def test_the_idle_limits_come_from_settings(settings, patient_a):
    settings.SESSION_IDLE_MINUTES_PATIENT = 10
    client = signed_in(patient_a.user.email)
    rewind(client, **{LAST_SEEN: 11 * 60})
    assert is_signed_out(client, reverse("portal_home"))


def test_activity_keeps_a_session_alive_but_not_past_the_absolute_limit(clinician_a):
    client = signed_in(clinician_a.user.email)
    rewind(client, **{SIGNED_IN_AT: 11 * 3600})
    assert client.get(reverse("dashboard")).status_code == 200
    rewind(client, **{SIGNED_IN_AT: 12 * 3600 + 60, LAST_SEEN: 60})
    assert is_signed_out(client, reverse("dashboard"))
    assert "signed out after 12 hours" in client.get(reverse("login")).content.decode()


def test_a_reactivated_clinician_does_not_get_an_old_session_back(admin_a, clinician_a):
    old = signed_in(clinician_a.user.email)
    set_active(clinician_a, False, by=admin_a)
    set_active(clinician_a, True, by=admin_a)
    assert is_signed_out(old, reverse("dashboard"))
    assert signed_in(clinician_a.user.email).get(reverse("dashboard")).status_code == 200


def test_a_restored_patient_does_not_get_an_old_session_back(clinician_a, patient_a):
    old = signed_in(patient_a.user.email)
    patient_a.archive()
    client = Client()
    client.force_login(clinician_a.user)
    client.post(reverse("patient_restore", args=[patient_a.pk]))
    patient_a.refresh_from_db()
    assert patient_a.status == patient_a.Status.ACTIVE
    assert is_signed_out(old, reverse("portal_home"))
