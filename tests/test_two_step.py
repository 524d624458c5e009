"""Two-step sign-in: setting up an authenticator app, signing in with its code or a recovery
code, throttled wrong codes, who must use it, and what the audit trail keeps of it. (Who may open
each page at all is stated in test_access_matrix.py.)"""

import time
from binascii import unhexlify

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from clinic.models import AuditAction, AuditEntry, AuditSubject
from clinic.two_step import devices
from tests.conftest import client_for
from tests.factories import PASSWORD
from tests.test_settings_env import PRODUCTION, run_manage


def two_step_on(user) -> devices.TurnedOn:
    return devices.turn_on(user, random_hex(20), time_step=-1)


def code_now(device: TOTPDevice) -> str:
    """The code the person's app shows now. A code is accepted once, and wrong ones make the
    device wait, so each call clears both, as if time had passed."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device: TOTPDevice) -> str:
    right = int(code_now(device))
    return f"{(right + 500_000) % 1_000_000:06d}"


def signed_in(email: str, url: str = "login") -> Client:
    """A client past the password step only."""
    client = Client()
    response = client.post(reverse(url), {"username": email, "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    return client


def entries(detail: str, action: str) -> int:
    return AuditEntry.objects.filter(
        action=action, subject=AuditSubject.ACCOUNT, detail=detail
    ).count()


def verify_url(next_url: str) -> str:
    return f"{reverse('two_step_verify')}?next={next_url}"


# --- setting up ---------------------------------------------------------------------------


def test_set_up_with_a_code_from_the_app_turns_two_step_on(clinician_a):
    user = clinician_a.user
    client = client_for(user)
    page = client.get(reverse("two_step_setup")).content.decode()
    assert 'src="data:image/svg+xml' in page, "the QR code is an image the CSP allows"
    key = client.session[devices.PENDING_KEY]
    assert devices.manual_key(key) in page, "the key is shown for typing in by hand"
    assert not TOTPDevice.objects.filter(user=user).exists(), "opening the page saves nothing"

    wrong = client.post(reverse("two_step_setup"), {"code": "12345"})
    assert "That code does not match" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()

    code = f"{totp(unhexlify(key)):06d}"
    response = client.post(reverse("two_step_setup"), {"code": code[:3] + " " + code[3:]})
    assert response.status_code == 200
    assert "Save your recovery codes now" in response.content.decode()
    assert len(response.context["codes"]) == devices.RECOVERY_CODE_COUNT
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and device.key == key
    assert StaticToken.objects.filter(device__user=user).count() == devices.RECOVERY_CODE_COUNT
    assert devices.PENDING_KEY not in client.session
    assert entries("two-step sign-in turned on", AuditAction.CHANGE) == 1
    # The code that confirmed the app has verified this session too.
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_new_phone_replaces_the_app_and_the_recovery_codes(clinician_a):
    user = clinician_a.user
    old = two_step_on(user)
    client = signed_in(user.email)
    client.post(reverse("two_step_verify"), {"code": code_now(old.device)})
    client.get(reverse("two_step_setup"))
    key = client.session[devices.PENDING_KEY]
    client.post(reverse("two_step_setup"), {"code": f"{totp(unhexlify(key)):06d}"})
    assert list(TOTPDevice.objects.filter(user=user).values_list("key", flat=True)) == [key]
    assert not StaticToken.objects.filter(token=old.recovery_codes[0].replace("-", "")).exists()
    assert entries("authenticator app replaced", AuditAction.CHANGE) == 1


# --- signing in ---------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_from_the_app(clinician_a):
    user = clinician_a.user
    device = two_step_on(user).device
    client = signed_in(user.email)
    dashboard = reverse("dashboard")
    response = client.get(dashboard)
    assert response.status_code == 302 and response.url == verify_url("/dashboard/")
    assert client.get(reverse("patient_list")).status_code == 302
    assert "Enter your sign-in code" in client.get(response.url).content.decode()

    code = code_now(device)
    response = client.post(reverse("two_step_verify"), {"code": code, "next": dashboard})
    assert response.status_code == 302 and response.url == dashboard
    assert client.get(dashboard).status_code == 200
    assert entries("two-step code", AuditAction.SIGN_IN) == 1
    assert not AuditEntry.objects.filter(detail__contains=code).exists(), "never the code"


def test_signing_out_and_static_files_stay_open_before_the_code(clinician_a):
    two_step_on(clinician_a.user)
    client = signed_in(clinician_a.user.email)
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post(reverse("logout")).url == reverse("login")
    assert client.get(reverse("dashboard")).url.startswith(reverse("login"))


def test_the_code_page_only_goes_on_to_this_site(clinician_a):
    device = two_step_on(clinician_a.user).device
    client = signed_in(clinician_a.user.email)
    response = client.post(
        reverse("two_step_verify"), {"code": code_now(device), "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_a_recovery_code_works_once(clinician_a):
    user = clinician_a.user
    codes = two_step_on(user).recovery_codes
    client = signed_in(user.email)
    response = client.post(reverse("two_step_verify"), {"code": codes[0].upper()}, follow=True)
    assert "You used a recovery code. You have 9 left." in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 200
    assert entries("two-step recovery code", AuditAction.SIGN_IN) == 1

    again = signed_in(user.email)
    response = again.post(reverse("two_step_verify"), {"code": codes[0]})
    assert "That code is not right" in response.content.decode()
    assert again.get(reverse("dashboard")).status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_wrong_codes_are_refused_and_then_throttled(clinician_a):
    user = clinician_a.user
    device = two_step_on(user).device
    client = signed_in(user.email)
    response = client.post(reverse("two_step_verify"), {"code": wrong_code(device)})
    assert "That code is not right" in response.content.decode()
    assert entries("wrong two-step code", AuditAction.SIGN_IN_FAILED) == 1
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    # After five wrong codes in a row, even the right one waits 16 seconds.
    right = code_now(device)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5, throttling_failure_timestamp=timezone.now()
    )
    response = client.post(reverse("two_step_verify"), {"code": right})
    assert "Too many wrong codes. For your safety, wait 16 seconds" in response.content.decode()
    assert entries("too many wrong two-step codes", AuditAction.LOCKED_OUT) == 1
    assert client.get(reverse("dashboard")).status_code == 302


def test_codes_that_are_not_codes_are_refused_plainly(clinician_a):
    two_step_on(clinician_a.user)
    client = signed_in(clinician_a.user.email)
    response = client.post(reverse("two_step_verify"), {"code": "12;34<56>"})
    assert "Type the 6 digits from your authenticator app" in response.content.decode()


# --- who must use it ----------------------------------------------------------------------


def test_a_clinic_that_requires_it_sends_its_staff_to_set_it_up(clinician_a, patient_a):
    clinic = clinician_a.clinic
    clinic.two_step_required = True
    clinic.save()
    client = client_for(clinician_a.user)
    response = client.get(reverse("dashboard"))
    assert response.url == f"{reverse('two_step_setup')}?next=/dashboard/"
    page = client.get(response.url).content.decode()
    assert "Northside Physio requires two-step sign-in for its staff." in page
    assert client.post(reverse("logout")).status_code == 302
    # Patients of the clinic are not made to.
    assert client_for(patient_a.user).get(reverse("portal_home")).status_code == 200


def test_a_requirement_reaches_signed_in_staff_within_a_minute(clinician_a):
    client = client_for(clinician_a.user)
    assert client.get(reverse("dashboard")).status_code == 200
    clinician_a.clinic.two_step_required = True
    clinician_a.clinic.save()
    session = client.session
    status, _ = session[devices.STATUS_KEY]
    session[devices.STATUS_KEY] = [status, int(time.time()) - devices.RECHECK_SECONDS]
    session.save()
    assert client.get(reverse("dashboard")).url.startswith(reverse("two_step_setup"))


def test_the_clinic_admin_turns_the_requirement_on(admin_a):
    client = client_for(admin_a.user)
    page = client.get(reverse("clinic_settings")).content.decode()
    assert "Require two-step sign-in" in page
    data = {
        "name": "Northside Physio",
        "timezone": "Europe/London",
        "brand_colour": "#0b5e6b",
        "paper_size": "a4",
        "silence_days": 4,
        "pain_threshold": 6,
        "emergency_number": "999",
        "two_step_required": "on",
    }
    client.post(reverse("clinic_settings"), data)
    admin_a.clinic.refresh_from_db()
    assert admin_a.clinic.two_step_required


def test_operators_must_use_it_in_the_physio_admin_when_the_setting_is_on(settings, operator):
    settings.TWO_STEP_REQUIRED_FOR_OPERATORS = True
    client = client_for(operator)
    assert client.get("/physio-admin/").url == f"{reverse('two_step_setup')}?next=/physio-admin/"

    device = two_step_on(operator).device
    admin_client = signed_in(operator.email, url="admin:login")
    response = admin_client.get("/physio-admin/")
    assert response.url == verify_url("/physio-admin/")
    admin_client.post(reverse("two_step_verify"), {"code": code_now(device)})
    assert admin_client.get("/physio-admin/").status_code == 200


def test_operators_are_not_made_to_when_the_setting_is_off(settings, operator):
    settings.TWO_STEP_REQUIRED_FOR_OPERATORS = False
    assert client_for(operator).get("/physio-admin/").status_code == 200


def test_operators_must_use_it_by_default_in_production():
    check = "from django.conf import settings; print(settings.TWO_STEP_REQUIRED_FOR_OPERATORS)"
    production = run_manage("shell", "-c", check, env=PRODUCTION)
    assert production.stdout.split()[-1] == "True"
    development = run_manage("shell", "-c", check, env={**PRODUCTION, "DEBUG": "1"})
    assert development.stdout.split()[-1] == "False"


def test_patients_may_opt_in(patient_a):
    user = patient_a.user
    client = client_for(user)
    assert reverse("account_security") in client.get(reverse("portal_settings")).content.decode()
    assert "Two-step sign-in is off" in client.get(reverse("account_security")).content.decode()
    client.get(reverse("two_step_setup"))
    key = client.session[devices.PENDING_KEY]
    client.post(reverse("two_step_setup"), {"code": f"{totp(unhexlify(key)):06d}"})
    assert devices.has_two_step(user)

    later = signed_in(user.email)
    assert later.get(reverse("portal_home")).url == verify_url("/my/")


# --- the account security page ------------------------------------------------------------


def test_turning_it_off_needs_a_code(patient_a):
    user = patient_a.user
    device = two_step_on(user).device
    client = client_for(user)
    client.post(reverse("two_step_verify"), {"code": code_now(device)})
    response = client.post(reverse("two_step_off"), {"off-code": wrong_code(device)})
    assert "That code is not right" in response.content.decode()
    assert devices.has_two_step(user)

    client.post(reverse("two_step_off"), {"off-code": code_now(device)})
    assert not devices.has_two_step(user)
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert entries("two-step sign-in turned off", AuditAction.CHANGE) == 1
    assert "Two-step sign-in is off" in client.get(reverse("account_security")).content.decode()


def test_turning_it_off_is_refused_when_required(clinician_a):
    clinician_a.clinic.two_step_required = True
    clinician_a.clinic.save()
    user = clinician_a.user
    device = two_step_on(user).device
    client = client_for(user)
    client.post(reverse("two_step_verify"), {"code": code_now(device)})
    page = client.get(reverse("account_security")).content.decode()
    assert "Turn off two-step sign-in" not in page
    response = client.post(reverse("two_step_off"), {"off-code": code_now(device)}, follow=True)
    assert "It can&#x27;t be turned off." in response.content.decode()
    assert devices.has_two_step(user)
    assert entries("two-step sign-in turned off", AuditAction.CHANGE) == 0


def test_new_recovery_codes_replace_the_old_ones(clinician_a):
    user = clinician_a.user
    turned_on = two_step_on(user)
    client = client_for(user)
    client.post(reverse("two_step_verify"), {"code": code_now(turned_on.device)})
    response = client.post(
        reverse("recovery_codes_renew"), {"renew-code": code_now(turned_on.device)}
    )
    new_codes = response.context["codes"]
    assert len(new_codes) == devices.RECOVERY_CODE_COUNT
    assert set(new_codes).isdisjoint(turned_on.recovery_codes)
    assert entries("recovery codes renewed", AuditAction.CHANGE) == 1

    later = signed_in(user.email)
    refused = later.post(reverse("two_step_verify"), {"code": turned_on.recovery_codes[1]})
    assert "That code is not right" in refused.content.decode()
    # A wrong code makes the recovery codes wait a second too; let it pass.
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0)
    later.post(reverse("two_step_verify"), {"code": new_codes[1]})
    assert later.get(reverse("dashboard")).status_code == 200


@pytest.mark.parametrize("url", ["two_step_off", "recovery_codes_renew"])
def test_changes_without_two_step_on_change_nothing(clinician_a, url):
    response = client_for(clinician_a.user).post(reverse(url), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_security")
    assert not AuditEntry.objects.filter(action=AuditAction.CHANGE).exists()
