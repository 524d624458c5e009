"""Password resets and invitations are limited per address and per account; a limited reset
looks like any other, a limited invitation says when the next may go, and every lockout is on
the audit trail."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.limits import Quota, QuotaSpent, take_all
from clinic.models import AuditAction, AuditEntry, AuditSubject, Invitation
from tests.conftest import client_for, mail_server_down
from tests.factories import PatientFactory


def reset(email: str, address: str = "203.0.113.5"):
    return client_for(None).post(
        reverse("password_reset"), {"email": email}, REMOTE_ADDR=address, follow=True
    )


def without_tokens(response) -> str:
    """The page without its CSRF token, which differs for every visitor."""
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())


def lockouts(subject: str = AuditSubject.ACCOUNT) -> list[tuple[str, int | None, str | None]]:
    return list(
        AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT, subject=subject)
        .order_by("pk")
        .values_list("detail", "user", "address")
    )


# --- the quota itself ---------------------------------------------------------------------------


def test_a_quota_gives_its_limit_and_says_when_the_first_turn_lapses(db):
    quota = Quota("test", 2, 600)
    quota.take("someone"), quota.take("someone")
    with pytest.raises(QuotaSpent) as spent:
        quota.take("someone")
    assert spent.value.name == "test"
    assert 598 <= spent.value.seconds_left <= 601
    quota.take("someone else")  # each key counts on its own


def test_a_turn_given_back_can_be_taken_again(db):
    quota = Quota("test", 1, 600)
    turn = quota.take("someone")
    quota.give_back(turn)
    quota.take("someone")


def test_taking_several_quotas_takes_none_when_one_is_spent(db):
    roomy, tight = Quota("roomy", 1, 600), Quota("tight", 1, 600)
    tight.take("x")
    with pytest.raises(QuotaSpent):
        take_all([(roomy, "x"), (tight, "x")])
    roomy.take("x")  # the turn taken before the refusal was given back


# --- password resets --------------------------------------------------------------------------


def test_password_resets_for_one_account_are_limited_with_the_same_answer(patient_a, settings):
    settings.PASSWORD_RESETS_PER_EMAIL_HOUR = 3
    answers = [reset("pat@example.com", f"203.0.113.{n}") for n in range(4)]
    assert len(mail.outbox) == 3  # from three addresses, still one account
    assert {answer.redirect_chain[-1][0] for answer in answers} == {reverse("password_reset_done")}
    assert without_tokens(answers[3]) == without_tokens(answers[0])
    assert lockouts() == [("too many password resets", patient_a.user.pk, "203.0.113.3")]


def test_one_address_asking_for_many_accounts_is_limited(patient_a, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS_HOUR = 3
    for n in range(3):
        reset(f"nobody{n}@example.com")
    answer = reset("pat@example.com")
    assert mail.outbox == []
    assert answer.redirect_chain[-1][0] == reverse("password_reset_done")
    assert "If an account uses that address" in answer.content.decode()
    assert lockouts()[-1] == ("too many password resets", patient_a.user.pk, "203.0.113.5")
    assert reset("pat@example.com", "198.51.100.7").status_code == 200
    assert len(mail.outbox) == 1  # the owner, from elsewhere, still gets their link


def test_a_limited_unknown_address_looks_like_any_other(db, settings):
    settings.PASSWORD_RESETS_PER_EMAIL_HOUR = 1
    first, limited = reset("nobody@example.com"), reset("nobody@example.com")
    assert without_tokens(first) == without_tokens(limited)
    assert lockouts() == [("too many password resets", None, "203.0.113.5")]


# --- patient invitations ----------------------------------------------------------------------


def invite(clinician, patient):
    return client_for(clinician.user).post(
        reverse("patient_invite", args=[patient.pk]), follow=True
    )


def next_allowed(page: str) -> datetime:
    """The HH:MM a refusal names, as today's time in the clinic (Europe/London)."""
    hour, minute = map(int, re.search(r"you can send another after (\d\d):(\d\d)\.", page).groups())
    now = timezone.localtime()
    return now.replace(hour=hour, minute=minute, second=0, microsecond=0)


def about_an_hour_from_now(moment: datetime) -> bool:
    delay = (moment - timezone.localtime()) % timedelta(days=1)
    return timedelta(minutes=59) <= delay <= timedelta(minutes=61)


def test_invitations_to_one_address_are_limited_and_say_when_to_send_again(
    clinician_a, patient_a2, settings
):
    settings.INVITATIONS_PER_RECIPIENT_HOUR = 3
    for _ in range(3):
        invite(clinician_a, patient_a2)
    latest = Invitation.objects.open().get()
    page = invite(clinician_a, patient_a2).content.decode()
    assert "An invitation was sent to this address a short while ago" in page
    assert about_an_hour_from_now(next_allowed(page))
    assert len(mail.outbox) == 3
    assert Invitation.objects.open().get() == latest  # the last link sent still works
    assert lockouts(AuditSubject.INVITATION) == [
        ("too many invitations to one address", clinician_a.user.pk, "127.0.0.1")
    ]
    assert AuditEntry.objects.get(action=AuditAction.LOCKED_OUT).patient == patient_a2


def test_each_invitation_sent_is_on_the_audit_trail(clinician_a, patient_a2):
    invite(clinician_a, patient_a2)
    invitation = Invitation.objects.get()
    entry = AuditEntry.objects.get(action=AuditAction.SEND)
    assert (entry.subject, entry.patient, entry.user, entry.object_id) == (
        AuditSubject.INVITATION,
        patient_a2,
        clinician_a.user,
        str(invitation.pk),
    )


def test_one_account_sending_many_invitations_is_limited(clinician_a, patient_a2, settings):
    settings.INVITATIONS_PER_SENDER_HOUR = 2
    others = [PatientFactory(primary_clinician=clinician_a) for _ in range(2)]
    invite(clinician_a, patient_a2)
    invite(clinician_a, others[0])
    page = invite(clinician_a, others[1]).content.decode()
    assert "You have sent many invitations in the last hour" in page
    assert about_an_hour_from_now(next_allowed(page))
    assert not Invitation.objects.filter(patient=others[1]).exists()
    assert lockouts(AuditSubject.INVITATION)[0][0] == "too many invitations from one account"


def test_an_invitation_whose_email_failed_does_not_count(clinician_a, patient_a2, settings):
    settings.INVITATIONS_PER_RECIPIENT_HOUR = 1
    with mail_server_down():
        invite(clinician_a, patient_a2)
    invite(clinician_a, patient_a2)
    assert Invitation.objects.open().count() == 1 and len(mail.outbox) == 1
    assert not AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).exists()


# --- clinician invitations --------------------------------------------------------------------


def invite_clinician(admin, email):
    return client_for(admin.user).post(
        reverse("staff_invite"), {"full_name": "Bea Again", "email": email, "role": "clinician"}
    )


def test_clinician_invitations_to_one_address_are_limited(admin_a, clinician_b, settings):
    """An address with an account elsewhere gets an "account exists" email each time: the
    limit keeps an admin from filling that inbox."""
    settings.INVITATIONS_PER_RECIPIENT_HOUR = 2
    for _ in range(2):
        assert invite_clinician(admin_a, "bea@southside.example").status_code == 302
    refused = invite_clinician(admin_a, "BEA@southside.example")
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "An invitation was sent to this address a short while ago" in page
    assert about_an_hour_from_now(next_allowed(page))
    assert len(mail.outbox) == 2
    sent = AuditEntry.objects.filter(action=AuditAction.SEND, subject=AuditSubject.INVITATION)
    assert (
        list(sent.values_list("detail", "clinic", "user"))
        == [("clinician invitation", admin_a.clinic_id, admin_a.user.pk)] * 2
    )
    assert lockouts(AuditSubject.INVITATION) == [
        ("too many invitations to one address", admin_a.user.pk, "127.0.0.1")
    ]


def test_patient_and_clinician_invitations_share_the_senders_limit(admin_a, patient_a2, settings):
    settings.INVITATIONS_PER_SENDER_HOUR = 1
    invite(admin_a, patient_a2)
    page = invite_clinician(admin_a, "dee@northside.example").content.decode()
    assert "You have sent many invitations in the last hour" in page
    assert len(mail.outbox) == 1
