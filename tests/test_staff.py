"""The clinic's team: inviting clinicians (also when the email cannot be sent), their waiting
invitations and joining, deactivating and reactivating them, and keeping at least one active
admin."""

import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.models import (
    AuditAction,
    AuditEntry,
    AuditSubject,
    Clinic,
    Clinician,
    StaffInvitation,
    User,
)
from clinic.staff import StaffError, set_active
from tests.conftest import client_for, mail_server_down
from tests.factories import ClinicianFactory, UserFactory

DEE = {"full_name": "Dee Newhire", "email": "Dee@Northside.example", "role": "clinician"}
PASSWORD = "a-long-and-unusual-passphrase"


def link_in(message) -> str:
    return next(line.strip() for line in message.body.splitlines() if "/join/" in line)


def join(client, link: str, password: str = PASSWORD):
    return client.post(link, {"password1": password, "password2": password})


def waiting_rows(admin) -> list[str]:
    """The team page's waiting invitations, one line of text each, as the admin reads them."""
    page = client_for(admin.user).get(reverse("staff_list")).content.decode()
    waiting = page.split("Invitations waiting", 1)[1]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r"<li[^>]*>(.*?)</li>", waiting, flags=re.S)
    ]


def test_a_failed_clinician_invite_leaves_nothing_and_the_retry_works(admin_a):
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
    assert not StaffInvitation.objects.exists()
    assert not User.objects.filter(email="dee@northside.example").exists()

    retry = client.post(reverse("staff_invite"), DEE)
    assert retry.url == reverse("staff_list")
    assert StaffInvitation.objects.get().email == "dee@northside.example"
    assert mail.outbox[0].to == ["dee@northside.example"]


def test_a_failed_clinician_invite_is_logged_without_the_link_or_the_address(admin_a, caplog):
    with caplog.at_level(logging.INFO, logger="clinic.staff"), mail_server_down() as attempted:
        client_for(admin_a.user).post(reverse("staff_invite"), DEE)
    link = link_in(attempted[0])
    [record] = caplog.records
    assert record.name == "clinic.staff" and record.levelno == logging.WARNING
    assert f"clinic {admin_a.clinic.pk}" in record.getMessage()
    for secret in (link, link.rsplit("/", 2)[-2], "dee@northside.example", "Dee Newhire"):
        assert secret not in caplog.text


def test_an_invited_clinician_joins_the_team_by_choosing_a_password(admin_a):
    admin = client_for(admin_a.user)
    assert admin.post(reverse("staff_invite"), DEE).url == reverse("staff_list")
    # Nothing exists but the waiting invitation until the link is used.
    assert not User.objects.filter(email="dee@northside.example").exists()
    assert waiting_rows(admin_a) == [
        f"Dee Newhire · Clinician dee@northside.example Sent {timezone.localtime():%-d %b}, "
        "waiting Send again to dee@northside.example Withdraw the invitation to "
        "dee@northside.example"
    ]
    [email] = mail.outbox
    assert email.subject == f"{admin_a.clinic.name} has invited you to join their team"
    link = link_in(email)
    assert "dee" not in link.lower()

    newcomer = Client()
    page = newcomer.get(link)
    assert page.status_code == 200
    assert "Welcome, Dee Newhire" in page.content.decode()
    weak = join(newcomer, link, "1234567890")
    assert weak.status_code == 200 and not User.objects.filter(email__startswith="dee").exists()
    joined = join(newcomer, link)
    assert joined.status_code == 302
    member = Clinician.objects.get(user__email="dee@northside.example")
    assert member.clinic == admin_a.clinic and member.role == Clinician.Role.CLINICIAN
    assert member.user.check_password(PASSWORD) and member.user.full_name == "Dee Newhire"
    assert newcomer.get(reverse("dashboard")).status_code == 200  # signed in
    assert StaffInvitation.objects.get().member == member
    assert waiting_rows(admin_a) == []
    assert "dee@northside.example" in admin.get(reverse("staff_list")).content.decode()
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, subject=AuditSubject.STAFF, user=member.user
    ).exists()

    used = Client().get(link)
    assert used.status_code == 410
    assert "already been used" in used.content.decode()
    assert join(Client(), link).status_code == 410
    assert Clinician.objects.filter(user__email="dee@northside.example").count() == 1


@pytest.mark.parametrize("taken", ["BEA@southside.example", "pat@example.com"])
def test_an_invite_never_tells_whether_an_address_has_an_account_elsewhere(
    admin_a, clinician_b, patient_a, taken
):
    """Another clinic's clinician or a patient: the admin sees exactly what a new invitation
    shows, on the form and in the team list; the address's owner is told by email instead of
    getting a link, and no account or membership is made."""
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

    # The team list shows both the same way, then and a week later.
    def as_if_dee(row: str) -> str:
        return row.replace("Bea", "Dee", 1).replace(taken.lower(), "dee@northside.example")

    taken_row, fresh_row = waiting_rows(admin_a)  # newest first
    assert as_if_dee(taken_row) == fresh_row
    # Neither is ever accepted here; both expire alike.
    StaffInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    taken_row, fresh_row = waiting_rows(admin_a)
    assert as_if_dee(taken_row) == fresh_row and "Expired" in fresh_row
    assert not Clinician.objects.filter(clinic=admin_a.clinic, user__email__iexact=taken).exists()
    [told] = mail.outbox
    assert told.to == [taken.lower()] and "already\nhas an account" in told.body
    assert "/join/" not in told.body


def test_joining_with_an_address_that_got_an_account_meanwhile_makes_no_second_one(admin_a):
    client_for(admin_a.user).post(reverse("staff_invite"), DEE)
    UserFactory(email="dee@northside.example")  # e.g. became a patient in the meantime
    response = join(Client(), link_in(mail.outbox[0]))
    assert response.status_code == 200
    assert "An account with this email address already exists" in response.content.decode()
    assert User.objects.filter(email="dee@northside.example").count() == 1
    assert not Clinician.objects.filter(user__email="dee@northside.example").exists()
    assert StaffInvitation.objects.get().accepted_at is None


def test_an_invite_for_someone_already_on_the_team_says_so(admin_a, clinician_a, settings):
    settings.INVITATIONS_PER_SENDER_HOUR = 0  # said before any limit is counted
    response = client_for(admin_a.user).post(
        reverse("staff_invite"),
        {"full_name": "Carl", "email": "carl@northside.example", "role": "clinician"},
    )
    assert "already on your team" in response.content.decode()
    assert mail.outbox == []


def test_inviting_again_replaces_the_link_and_keeps_one_waiting_invitation(admin_a):
    client = client_for(admin_a.user)
    client.post(reverse("staff_invite"), DEE, follow=True)
    client.post(
        reverse("staff_invite"), {**DEE, "full_name": "Dee N. Hire", "role": "admin"}, follow=True
    )
    first, second = (link_in(message) for message in mail.outbox)
    invitation = StaffInvitation.objects.get()
    assert invitation.full_name == "Dee N. Hire" and invitation.role == Clinician.Role.ADMIN
    replaced = Client().get(first)
    assert replaced.status_code == 404
    assert "replaced by a newer invitation" in replaced.content.decode()

    again = client.post(reverse("staff_invitation_resend", args=[invitation.pk]), follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        "A new invitation was emailed to dee@northside.example; the earlier link no longer works."
    ]
    third = link_in(mail.outbox[2])
    assert Client().get(second).status_code == 404
    join(Client(), third)
    assert Clinician.objects.get(user__email="dee@northside.example").is_admin


def test_an_expired_invitation_is_shown_and_can_be_sent_again(admin_a):
    client = client_for(admin_a.user)
    client.post(reverse("staff_invite"), DEE)
    link = link_in(mail.outbox[0])
    invitation = StaffInvitation.objects.get()
    StaffInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = Client().get(link)
    assert expired.status_code == 410 and "has expired" in expired.content.decode()
    assert join(Client(), link).status_code == 410
    assert "Expired" in waiting_rows(admin_a)[0]
    client.post(reverse("staff_invitation_resend", args=[invitation.pk]))
    assert "waiting" in waiting_rows(admin_a)[0]
    assert join(Client(), link_in(mail.outbox[1])).status_code == 302
    assert Clinician.objects.filter(user__email="dee@northside.example").exists()


def test_a_withdrawn_invitation_link_stops_working(admin_a):
    client = client_for(admin_a.user)
    client.post(reverse("staff_invite"), DEE, follow=True)
    invitation = StaffInvitation.objects.get()
    response = client.post(reverse("staff_invitation_withdraw", args=[invitation.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The invitation to dee@northside.example was withdrawn."
    ]
    assert "No invitations are waiting." in response.content.decode()
    assert join(Client(), link_in(mail.outbox[0])).status_code == 404
    assert not User.objects.filter(email="dee@northside.example").exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.DELETE, subject=AuditSubject.INVITATION, object_id=str(invitation.pk)
    ).exists()


def test_only_the_clinics_own_admins_reach_its_waiting_invitations(
    admin_a, clinician_a, clinician_b
):
    client_for(admin_a.user).post(reverse("staff_invite"), DEE)
    invitation = StaffInvitation.objects.get()
    other_admin = ClinicianFactory(clinic=clinician_b.clinic, role=Clinician.Role.ADMIN)
    for outsider in (other_admin, clinician_a):
        client = client_for(outsider.user)
        for name in ("staff_invitation_resend", "staff_invitation_withdraw"):
            assert client.post(reverse(name, args=[invitation.pk])).status_code == 404
        assert "dee@northside.example" not in client.get(reverse("staff_list")).content.decode()
    assert len(mail.outbox) == 1 and StaffInvitation.objects.exists()
    join(Client(), link_in(mail.outbox[0]))
    # Once accepted it is a team member, no longer an invitation to send or withdraw.
    admin = client_for(admin_a.user)
    assert admin.post(reverse("staff_invitation_withdraw", args=[invitation.pk])).status_code == 404


def test_a_clinic_that_requires_two_step_asks_the_newcomer_to_set_it_up(admin_a):
    client_for(admin_a.user).post(reverse("staff_invite"), DEE)
    Clinic.objects.filter(pk=admin_a.clinic_id).update(two_step_required=True)
    newcomer = Client()
    join(newcomer, link_in(mail.outbox[0]))
    assert newcomer.get(reverse("dashboard")).url.startswith(reverse("two_step_setup"))


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
