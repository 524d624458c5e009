import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import PASSWORD


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_login_is_by_email_in_any_case(client, clinician_a):
    response = sign_in(client, "CARL@Northside.Example")
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("dashboard")


def test_wrong_password_shows_a_message_and_does_not_sign_in(client, clinician_a):
    response = sign_in(client, "carl@northside.example", "wrong-password")
    assert response.status_code == 200
    assert "correct email address and password" in response.content.decode()
    assert client.get(reverse("patient_list")).status_code == 302


def test_home_sends_each_role_to_its_start_page(patient_a, clinician_a, operator):
    assert client_for(None).get(reverse("home")).url.startswith(reverse("login"))
    assert client_for(clinician_a.user).get(reverse("home")).url == reverse("dashboard")
    assert client_for(patient_a.user).get(reverse("home")).url == reverse("portal_home")
    assert client_for(operator).get(reverse("home")).url == reverse("admin:index")


def test_patient_lands_on_their_home_page(patient_a):
    response = client_for(patient_a.user).get(reverse("portal_home"))
    assert "Hello, Pat" in response.content.decode()


def test_logout_needs_post_and_ends_the_session(clinician_a):
    client = client_for(clinician_a.user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("patient_list")).status_code == 302


def test_deactivated_clinician_can_no_longer_reach_clinic_pages(clinician_a):
    client = client_for(clinician_a.user)
    clinician_a.is_active = False
    clinician_a.save()
    assert client.get(reverse("patient_list")).status_code == 404


def test_archived_patient_loses_portal_access(patient_a):
    client = client_for(patient_a.user)
    patient_a.archive()
    response = client.get(reverse("portal_home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    patient_a.user.refresh_from_db()
    assert client_for(patient_a.user).get(reverse("portal_home")).status_code == 404


def test_password_change(clinician_a):
    client = client_for(clinician_a.user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.url == reverse("password_change_done")
    clinician_a.user.refresh_from_db()
    assert clinician_a.user.check_password("a-new-long-passphrase")


def test_password_reset_by_email_link(client, patient_a):
    client.post(reverse("password_reset"), {"email": "PAT@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mail.outbox[0].body)[1]
    form_url = client.get(link).url  # Django swaps the token for a session-bound URL
    response = client.post(
        form_url, {"new_password1": "river-stone-lantern", "new_password2": "river-stone-lantern"}
    )
    assert response.url == reverse("password_reset_complete")
    patient_a.user.refresh_from_db()
    assert patient_a.user.check_password("river-stone-lantern")


def test_password_reset_does_not_reveal_unknown_addresses(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.parametrize("url_name", ["login", "password_reset"])
def test_auth_pages_render_with_the_app_layout(client, db, url_name):
    body = client.get(reverse(url_name)).content.decode()
    assert "Physio HEP" in body
    assert 'href="#main"' in body


def test_sign_in_is_throttled_after_five_failures(client, clinician_a):
    from datetime import timedelta

    from django.utils import timezone

    from clinic.models import LoginFailure

    for _ in range(5):
        assert sign_in(client, "carl@northside.example", "wrong").status_code == 200
    refused = sign_in(client, "CARL@northside.example")  # the right password, too late
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "carl@northside.example").status_code == 302


def test_a_success_clears_earlier_failures(client, clinician_a):
    from clinic.models import LoginFailure

    for _ in range(3):
        sign_in(client, "carl@northside.example", "wrong")
    sign_in(client, "carl@northside.example")
    assert not LoginFailure.objects.filter(email="carl@northside.example").exists()


def test_one_address_trying_many_emails_is_throttled(client, clinician_a):
    for n in range(30):
        sign_in(client, f"guess{n}@example.com", "wrong")
    refused = sign_in(client, "carl@northside.example")
    assert "Too many failed sign-in attempts" in refused.content.decode()


def test_a_flood_from_one_address_does_not_lock_the_owner_out_elsewhere(clinician_a):
    attacker, owner = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(40):
        sign_in(attacker, "carl@northside.example", "wrong")
    assert "Too many" in sign_in(attacker, "carl@northside.example").content.decode()
    assert sign_in(owner, "carl@northside.example").status_code == 302


def test_behind_the_proxy_the_clients_own_address_is_throttled(settings, clinician_a):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The proxy appends the address it saw; the first entry is the client's own claim.
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    owner = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7")
    for _ in range(5):
        sign_in(attacker, "carl@northside.example", "wrong")
    assert "Too many" in sign_in(attacker, "carl@northside.example").content.decode()
    assert sign_in(owner, "carl@northside.example").status_code == 302
    from clinic.models import LoginFailure

    assert set(LoginFailure.objects.values_list("ip", flat=True)) == {"203.0.113.9"}


def test_the_physio_admin_sign_in_is_throttled_too(operator):
    client = Client()
    url = reverse("admin:login")
    for _ in range(5):
        response = client.post(url, {"username": "ops@physio.example", "password": "wrong"})
        assert response.status_code == 200
    refused = client.post(url, {"username": "ops@physio.example", "password": PASSWORD})
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302
    from clinic.models import LoginFailure

    assert LoginFailure.objects.filter(email="ops@physio.example").count() == 5
