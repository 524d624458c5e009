"""The clinic's team: inviting clinicians (also when the email cannot be sent), deactivating
and reactivating them, and keeping at least one active admin."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from clinic.models import Clinician, User
from clinic.staff import StaffError, invite_clinician, set_active
from tests.conftest import client_for, mail_server_down
from tests.factories import ClinicianFactory

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


def test_an_address_taken_since_the_form_was_checked_makes_no_second_account(admin_a, clinician_b):
    """Two admins inviting one address at once: the second makes no account and tells the
    address's owner, as for any address that already has an account."""
    result = invite_clinician(
        admin_a.clinic,
        email="bea@southside.example",
        full_name="Bea Again",
        role="clinician",
        base_url="http://x/",
        sent_by=admin_a.user,
    )
    assert result is None
    assert Clinician.objects.filter(clinic=admin_a.clinic).count() == 1
    assert [message.to for message in mail.outbox] == [["bea@southside.example"]]


def test_admin_invites_a_clinician(admin_a):
    response = client_for(admin_a.user).post(
        reverse("staff_invite"),
        {
            "full_name": "Dee Newhire",
            "email": "Dee@Northside.example",
            "role": "clinician",
        },
    )
    assert response.url == reverse("staff_list")
    member = Clinician.objects.get(user__email="dee@northside.example")
    assert member.clinic == admin_a.clinic and not member.user.has_usable_password()
    assert "/accounts/password/reset/" in mail.outbox[0].body


@pytest.mark.parametrize("taken", ["BEA@southside.example", "pat@example.com"])
def test_an_invite_never_tells_whether_an_address_has_an_account_elsewhere(
    admin_a, clinician_b, patient_a, taken
):
    """Another clinic's clinician or a patient: the admin sees exactly what a new invitation
    shows; the address's owner is told by email, and no account or membership is made."""
    client = client_for(admin_a.user)
    fresh = client.post(
        reverse("staff_invite"),
        {"full_name": "Dee", "email": "dee@northside.example", "role": "clinician"},
        follow=True,
    )
    mail.outbox.clear()
    response = client.post(
        reverse("staff_invite"),
        {"full_name": "Bea", "email": taken, "role": "clinician"},
        follow=True,
    )
    assert response.status_code == fresh.status_code == 200
    assert response.redirect_chain == fresh.redirect_chain
    said = [str(m) for m in response.context["messages"]]
    assert said == [f"An invitation was emailed to {taken.lower()}."]
    assert [str(m) for m in fresh.context["messages"]] == [
        "An invitation was emailed to dee@northside.example."
    ]
    assert "already" not in response.content.decode()
    assert not Clinician.objects.filter(clinic=admin_a.clinic, user__email__iexact=taken).exists()
    [told] = mail.outbox
    assert told.to == [taken.lower()] and "already\nhas an account" in told.body


def test_an_invite_for_someone_already_on_the_team_says_so(admin_a, clinician_a):
    response = client_for(admin_a.user).post(
        reverse("staff_invite"),
        {"full_name": "Carl", "email": "carl@northside.example", "role": "clinician"},
    )
    assert "already on your team" in response.content.decode()
    assert mail.outbox == []


def test_deactivation_ends_sessions_at_once_and_reactivation_restores(admin_a, clinician_a):
    theirs = client_for(clinician_a.user)
    assert theirs.get(reverse("dashboard")).status_code == 200
    client_for(admin_a.user).post(reverse("staff_deactivate", args=[clinician_a.pk]))
    assert theirs.get(reverse("dashboard")).url.startswith(reverse("login"))
    clinician_a.refresh_from_db()
    assert not clinician_a.is_active and not clinician_a.user.is_active
    client_for(admin_a.user).post(reverse("staff_reactivate", args=[clinician_a.pk]))
    clinician_a.refresh_from_db()
    assert clinician_a.is_active and clinician_a.user.is_active


def test_the_last_active_admin_cannot_be_removed(admin_a):
    second = ClinicianFactory(clinic=admin_a.clinic, role=Clinician.Role.ADMIN)
    client = client_for(second.user)
    client.post(reverse("staff_deactivate", args=[admin_a.pk]))  # fine: second stays
    admin_a.refresh_from_db()
    assert not admin_a.is_active
    response = client_for(second.user).post(
        reverse("staff_deactivate", args=[second.pk]), follow=True
    )
    assert "can&#x27;t deactivate yourself" in response.content.decode()
    second.refresh_from_db()
    assert second.is_active
    admin_a.is_active = True
    admin_a.save()
    # An inactive admin does not count as the one admin the clinic must keep.
    ClinicianFactory(clinic=admin_a.clinic, role=Clinician.Role.ADMIN, is_active=False)
    Clinician.objects.filter(pk=second.pk).update(is_active=False)
    with pytest.raises(StaffError, match="at least one active admin"):
        set_active(admin_a, False, by=second)


def test_clinicians_who_are_not_admins_cannot_manage_the_clinic(clinician_a, admin_a):
    client = client_for(clinician_a.user)
    assert client.get(reverse("staff_list")).status_code == 404
    assert client.post(reverse("staff_deactivate", args=[admin_a.pk])).status_code == 404
    admin_a.refresh_from_db()
    assert admin_a.is_active
