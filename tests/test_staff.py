"""Inviting a clinician when the email cannot be sent. (The rest of the team's tests are in
test_dashboard.py, under "clinic administration".)"""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from clinic.models import Clinician, User
from clinic.staff import StaffError, invite_clinician
from tests.conftest import client_for
from tests.test_invitations import mail_server_down

DEE = {"full_name": "Dee Newhire", "email": "Dee@Northside.example", "role": "clinician"}


def test_a_failed_clinician_invite_leaves_no_account_and_the_retry_works(admin_a):
    client = client_for(admin_a.user)
    with mail_server_down() as attempted:
        response = client.post(reverse("staff_invite"), DEE)
    assert response.status_code == 200
    assert len(attempted) == 1
    assert (
        "The email could not be sent, so nothing was changed. Try again later."
        in response.content.decode()
    )
    assert response.context["form"]["email"].value() == DEE["email"]  # nothing to retype
    assert not User.objects.filter(email="dee@northside.example").exists()
    assert not Clinician.objects.filter(user__email="dee@northside.example").exists()

    retry = client.post(reverse("staff_invite"), DEE)
    assert retry.url == reverse("staff_list")
    assert Clinician.objects.get(user__email="dee@northside.example").clinic == admin_a.clinic
    assert mail.outbox[0].to == ["dee@northside.example"]


def test_a_failed_clinician_invite_is_logged_without_the_link_or_the_address(admin_a, caplog):
    with caplog.at_level(logging.INFO, logger="clinic.staff"), mail_server_down() as attempted:
        client_for(admin_a.user).post(reverse("staff_invite"), DEE)
    link = next(line for line in attempted[0].body.splitlines() if "/password/reset/" in line)
    [record] = caplog.records
    assert record.name == "clinic.staff" and record.levelno == logging.WARNING
    assert f"clinic {admin_a.clinic.pk}" in record.getMessage()
    for secret in (link.strip(), "dee@northside.example", "Dee Newhire"):
        assert secret not in caplog.text


def test_an_address_taken_since_the_form_was_checked_is_refused_cleanly(admin_a, clinician_b):
    """Two admins inviting one address at once: the form's check passed for both."""
    with pytest.raises(StaffError, match="already has an account"):
        invite_clinician(
            admin_a.clinic,
            email="bea@southside.example",
            full_name="Bea Again",
            role="clinician",
            base_url="http://x/",
        )
    assert Clinician.objects.filter(clinic=admin_a.clinic).count() == 1
    assert mail.outbox == []
