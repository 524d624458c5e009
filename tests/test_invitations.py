import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.invitations import InvitationError, send_invitation
from clinic.models import Invitation, Patient, hash_token
from tests.conftest import client_for, mail_server_down
from tests.factories import UserFactory

NEW_PASSWORD = "lilac-harbour-kettle"


def invite(clinician, patient):
    """Send an invitation through the patient page, as a clinician would; return the link."""
    response = client_for(clinician.user).post(reverse("patient_invite", args=[patient.pk]))
    assert response.status_code == 302
    return re.search(r"http://testserver(/invitation/\S+/)", mail.outbox[-1].body)[1]


def accept(client, link, password=NEW_PASSWORD, again=None):
    return client.post(link, {"password1": password, "password2": again or password})


def test_patient_accepts_invitation_and_lands_on_their_home(client, clinician_a, patient_a2):
    link = invite(clinician_a, patient_a2)
    message = mail.outbox[-1]
    assert message.to == ["nina@example.com"]
    assert "Northside Physio" in message.subject

    page = client.get(link)
    assert "Welcome, Nina" in page.content.decode()
    response = accept(client, link)
    assert response.url == reverse("portal_home")
    assert "Hello, Nina" in client.get(response.url).content.decode()

    patient_a2.refresh_from_db()
    assert patient_a2.user.email == "nina@example.com"
    assert patient_a2.user.check_password(NEW_PASSWORD)
    assert client.login(username="Nina@Example.com", password=NEW_PASSWORD)


def test_only_a_hash_of_the_token_is_stored(clinician_a, patient_a2):
    link = invite(clinician_a, patient_a2)
    token = link.strip("/").split("/")[-1]
    invitation = Invitation.objects.get(patient=patient_a2)
    assert invitation.token_hash == hash_token(token)
    assert token not in str(Invitation.objects.values_list().get(pk=invitation.pk))


def test_used_link_shows_a_clear_page(client, clinician_a, patient_a2):
    link = invite(clinician_a, patient_a2)
    accept(client, link)
    response = client_for(None).get(link)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    second = accept(client_for(None), link, "another-long-password")
    assert second.status_code == 410
    patient_a2.refresh_from_db()
    assert patient_a2.user.check_password(NEW_PASSWORD)


def test_expired_link_shows_a_clear_page_and_creates_nothing(client, clinician_a, patient_a2):
    link = invite(clinician_a, patient_a2)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = accept(client, link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    patient_a2.refresh_from_db()
    assert patient_a2.user is None


def test_link_expires_after_seven_days(clinician_a, patient_a2):
    invite(clinician_a, patient_a2)
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)


def test_resending_invalidates_the_old_link(client, clinician_a, patient_a2):
    old = invite(clinician_a, patient_a2)
    new = invite(clinician_a, patient_a2)
    assert old != new
    response = accept(client, old)
    assert response.status_code == 410
    assert "newer invitation" in response.content.decode()
    assert accept(client, new).url == reverse("portal_home")
    assert Invitation.objects.filter(patient=patient_a2).open().count() == 0


def test_unknown_link_is_not_found(client, db):
    assert client.get(reverse("accept_invitation", args=["made-up-token"])).status_code == 404


def test_password_rules_apply_and_nothing_is_saved(client, clinician_a, patient_a2):
    link = invite(clinician_a, patient_a2)
    mismatch = accept(client, link, NEW_PASSWORD, "something-else-entirely")
    assert "do not match" in mismatch.content.decode()
    short = accept(client, link, "short")
    assert "too short" in short.content.decode()
    patient_a2.refresh_from_db()
    assert patient_a2.user is None
    assert Invitation.objects.get().state == Invitation.State.OPEN


def test_email_already_used_by_another_account_is_refused(client, clinician_a, patient_a2):
    link = invite(clinician_a, patient_a2)
    UserFactory(email="NINA@example.com")
    response = accept(client, link)
    assert "already exists" in response.content.decode()
    patient_a2.refresh_from_db()
    assert patient_a2.user is None


@pytest.mark.parametrize(
    "change,reason",
    [
        ({"email": ""}, "Add the patient's email"),
        ({"status": Patient.Status.ARCHIVED}, "Only active patients"),
    ],
)
def test_some_patients_cannot_be_invited(clinician_a, patient_a2, change, reason):
    Patient.objects.filter(pk=patient_a2.pk).update(**change)
    patient_a2.refresh_from_db()
    with pytest.raises(InvitationError, match=reason):
        send_invitation(patient_a2, sent_by=clinician_a.user, base_url="http://x/")
    response = client_for(clinician_a.user).post(reverse("patient_invite", args=[patient_a2.pk]))
    assert response.status_code == 302
    assert mail.outbox == []


def test_activated_patient_is_not_invited_again(clinician_a, patient_a):
    client_for(clinician_a.user).post(reverse("patient_invite", args=[patient_a.pk]))
    assert mail.outbox == []
    body = client_for(clinician_a.user).get(patient_a.get_absolute_url()).content.decode()
    assert "has a portal account" in body


def test_another_clinic_cannot_invite(clinician_b, patient_a2):
    response = client_for(clinician_b.user).post(reverse("patient_invite", args=[patient_a2.pk]))
    assert response.status_code == 404
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_patient_page_shows_the_invitation_state(clinician_a, patient_a2):
    invite(clinician_a, patient_a2)
    body = client_for(clinician_a.user).get(patient_a2.get_absolute_url()).content.decode()
    assert "Status: <strong>Waiting</strong>" in body
    assert "Send a new invitation" in body


# --- when the email cannot be sent -----------------------------------------------------------


def test_a_failed_first_invitation_leaves_no_open_invitation(clinician_a, patient_a2):
    with mail_server_down() as attempted:
        response = client_for(clinician_a.user).post(
            reverse("patient_invite", args=[patient_a2.pk]), follow=True
        )
    assert response.status_code == 200
    assert (
        "The email could not be sent, so nothing was changed. Try again later."
        in response.content.decode()
    )
    assert len(attempted) == 1
    assert not Invitation.objects.exists()
    assert invite(clinician_a, patient_a2)  # the retry works
    assert Invitation.objects.open().count() == 1


def test_a_failed_resend_keeps_the_old_link_working(client, clinician_a, patient_a2):
    old = invite(clinician_a, patient_a2)
    first = Invitation.objects.get()
    with mail_server_down() as attempted:
        client_for(clinician_a.user).post(reverse("patient_invite", args=[patient_a2.pk]))
    assert len(attempted) == 1
    assert list(Invitation.objects.filter(patient=patient_a2)) == [first]
    first.refresh_from_db()
    assert first.state == Invitation.State.OPEN and first.revoked_at is None
    assert accept(client, old).url == reverse("portal_home")


def test_a_failed_email_is_logged_without_the_link_or_the_address(clinician_a, patient_a2, caplog):
    with (
        caplog.at_level(logging.INFO, logger="clinic.invitations"),
        mail_server_down() as attempted,
        pytest.raises(InvitationError, match="could not be sent"),
    ):
        send_invitation(patient_a2, sent_by=clinician_a.user, base_url="http://x/")
    token = re.search(r"/invitation/(\S+)/", attempted[0].body)[1]
    [record] = caplog.records
    assert record.name == "clinic.invitations" and record.levelno == logging.WARNING
    assert f"patient {patient_a2.pk}" in record.getMessage()
    for secret in (token, hash_token(token), "nina@example.com", "Nina", "Newcomer"):
        assert secret not in caplog.text
