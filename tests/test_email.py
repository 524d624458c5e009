"""The one email helper (clinic/email.py) and every email the app sends through it."""

import logging
import re
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from smtplib import SMTPRecipientsRefused
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.urls import reverse
from django.utils import timezone

from clinic.email import send_clinic_email
from clinic.invitations import send_invitation
from clinic.models import Clinic
from exercises.loader import load_library
from programs import prescribing
from programs.models import ProgramVersion
from programs.notifications import send_program_updates, send_reminders
from tests.conftest import client_for, mail_server_down
from tests.factories import PatientFactory, active_program

ROOT = Path(__file__).resolve().parent.parent
SENDER = "Physio HEP <hello@physio.example>"


@contextmanager
def mail_server_refuses(address):
    """The mail server refuses messages to one address and delivers the rest. Its error quotes
    the address, as a real server's does."""
    deliver = locmem.EmailBackend.send_messages

    def send(backend, messages):
        if any(address in message.to for message in messages):
            raise SMTPRecipientsRefused({address: (550, b"mailbox unavailable")})
        return deliver(backend, messages)

    with mock.patch.object(locmem.EmailBackend, "send_messages", send):
        yield


@pytest.fixture(autouse=True)
def _sender(settings):
    settings.DEFAULT_FROM_EMAIL = SENDER


@pytest.fixture
def email_templates(settings, tmp_path):
    """A trio of templates of the test's own: test/email/hello."""
    folder = tmp_path / "templates" / "test" / "email"
    folder.mkdir(parents=True)
    (folder / "hello_subject.txt").write_text(
        "{% autoescape off %}  Hello from\n  {{ clinic.name }}  {% endautoescape %}\n"
    )
    (folder / "hello.txt").write_text("{% autoescape off %}Plain: {{ word }}{% endautoescape %}\n")
    (folder / "hello.html").write_text("<p>HTML: {{ word }}</p>\n")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path / "templates", *engine["DIRS"]]}]
    return "test/email/hello"


def html_of(message):
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


# --- the helper ------------------------------------------------------------------------------


def test_subject_text_and_html_come_from_the_three_templates(clinic_a, email_templates):
    assert send_clinic_email(clinic_a, "x@example.com", email_templates, {"word": "<b>&"})
    [message] = mail.outbox
    assert message.subject == "Hello from Northside Physio"  # one line, stripped
    assert message.body == "Plain: <b>&\n"
    assert html_of(message) == "<p>HTML: &lt;b&gt;&amp;</p>\n"
    assert message.to == ["x@example.com"]


def test_the_email_comes_from_the_clinic_and_replies_go_to_it(clinic_a, email_templates):
    send_clinic_email(clinic_a, "x@example.com", email_templates, {})
    [message] = mail.outbox
    assert message.from_email == "Northside Physio <hello@physio.example>"
    assert message.reply_to == [clinic_a.email]


def test_a_clinic_without_an_address_gets_no_reply_to(clinic_a, email_templates):
    clinic_a.email = ""
    send_clinic_email(clinic_a, "x@example.com", email_templates, {})
    assert mail.outbox[0].reply_to == []


def test_the_clinics_name_cannot_break_the_headers(clinic_a, email_templates):
    clinic_a.name = "Smith, Jones &\nPartners"
    send_clinic_email(clinic_a, "x@example.com", email_templates, {})
    headers = mail.outbox[0].message()
    assert headers["From"] == '"Smith, Jones & Partners" <hello@physio.example>'
    assert headers["Subject"] == "Hello from Smith, Jones & Partners"


def test_a_refused_email_returns_false_and_logs_a_warning_with_ids_only(
    clinic_a, email_templates, caplog
):
    log = logging.getLogger("tests.feature")
    with (
        caplog.at_level(logging.INFO),
        mail_server_refuses("secret.person@example.com"),
    ):
        sent = send_clinic_email(
            clinic_a,
            "secret.person@example.com",
            email_templates,
            {},
            about={"patient": 41},
            log=log,
        )
    assert sent is False
    [record] = caplog.records
    assert record.name == "tests.feature" and record.levelno == logging.WARNING
    assert record.getMessage() == (
        f"Email hello (patient 41, clinic {clinic_a.pk}) failed: SMTPRecipientsRefused."
    )
    assert "secret.person" not in caplog.text


def test_a_sent_email_is_logged_at_info_on_the_helpers_logger(clinic_a, email_templates, caplog):
    with caplog.at_level(logging.INFO):
        send_clinic_email(clinic_a, "secret.person@example.com", email_templates, {})
    [record] = caplog.records
    assert record.name == "clinic.email" and record.levelno == logging.INFO
    assert record.getMessage() == f"Email hello (clinic {clinic_a.pk}) sent."


def test_no_app_code_sends_mail_by_hand():
    for app in ("clinic", "exercises", "programs"):
        for path in (ROOT / app).rglob("*.py"):
            source = path.read_text()
            assert not re.search(r"\bsend_mail\(|\bsend_mass_mail\(", source), path


# --- every email the app sends -----------------------------------------------------------------

HEALTH_WORDS = ("pain", "clamshell", "acl", "knee", "hip", "note")


@pytest.fixture
def every_kind_of_email(admin_a, clinician_a, patient_a, patient_a2):
    """One of each: a patient invitation, a staff invitation, a new-program email, a change
    email and a reminder, for a program whose title names a diagnosis."""
    load_library()
    program = active_program(patient_a, clinician_a, title="Left ACL rehab")
    client_for(clinician_a.user).post(reverse("patient_invite", args=[patient_a2.pk]))
    client_for(admin_a.user).post(
        reverse("staff_invite"),
        {"full_name": "Dee Newhire", "email": "dee@northside.example", "role": "clinician"},
    )
    later = timezone.now() + timedelta(minutes=11)
    assert send_program_updates(later) == 1
    item = program.items.get(exercise__slug="clamshell")
    prescribing.update_item(item, {"sets": 2}, revision=None, by=clinician_a.user)
    assert send_program_updates(later + timedelta(minutes=11)) == 1
    assert send_reminders(evening(patient_a)) == 1
    return mail.outbox


def evening(patient, hour=20):
    day = patient.today()
    return datetime(day.year, day.month, day.day, hour, 5, tzinfo=patient.tz)


def test_every_email_goes_through_the_helper_from_the_clinic(every_kind_of_email):
    assert [message.subject for message in every_kind_of_email] == [
        "Northside Physio: your home exercise program",
        "Northside Physio has invited you to join their team",
        "Northside Physio: your new exercise program",
        "Northside Physio: changes to your exercises",
        "A reminder for today's exercises",
    ]
    for message in every_kind_of_email:
        assert message.from_email == "Northside Physio <hello@physio.example>"
        html = html_of(message)
        assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
        assert "<img" not in html and "<script" not in html and "<link" not in html


def test_no_subject_holds_health_data_or_names(every_kind_of_email):
    for message in every_kind_of_email:
        subject = message.subject.lower()
        for word in (*HEALTH_WORDS, "pat", "activated", "nina", "newcomer", "dee", "newhire"):
            assert not re.search(rf"\b{word}\b", subject), (word, message.subject)


def test_the_html_says_what_the_text_says(every_kind_of_email):
    invitation, staff, new, changed, reminder = every_kind_of_email
    link = re.search(r"http://testserver/invitation/\S+/", invitation.body)[0]
    assert f'href="{link}"' in html_of(invitation)
    assert "Hello Nina" in html_of(invitation)
    assert "/join/" in html_of(staff) and "Hello Dee Newhire" in html_of(staff)
    assert "set up a new exercise program" in html_of(new)
    assert "Clamshell is now 2 sets" in changed.body
    assert "Clamshell is now 2 sets" in html_of(changed)
    assert "Left ACL rehab" in reminder.body and "Left ACL rehab" in html_of(reminder)


def test_a_clinic_name_is_not_html_escaped_in_a_subject(clinician_a, patient_a2):
    clinician_a.clinic.name = "Smith & Jones Physio"
    clinician_a.clinic.save()
    send_invitation(patient_a2, sent_by=clinician_a.user, base_url="http://x/")
    assert mail.outbox[0].subject == "Smith & Jones Physio: your home exercise program"
    assert "Smith &amp; Jones Physio" in html_of(mail.outbox[0])


# --- failures ----------------------------------------------------------------------------------


@pytest.fixture
def rita(clinician_a):
    return PatientFactory(
        primary_clinician=clinician_a,
        first_name="Rita",
        last_name="Reliable",
        email="rita@example.com",
        activated=True,
    )


def test_a_reminder_run_survives_a_refused_email(clinician_a, patient_a, rita, caplog):
    load_library()
    active_program(patient_a, clinician_a)
    active_program(rita, clinician_a)
    with caplog.at_level(logging.INFO), mail_server_refuses("pat@example.com"):
        assert send_reminders(evening(patient_a)) == 1
    assert [message.to for message in mail.outbox] == [["rita@example.com"]]
    patient_a.refresh_from_db()
    rita.refresh_from_db()
    assert patient_a.last_reminded_on is None  # not reminded: the next run tries again
    assert rita.last_reminded_on == rita.today()
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.name == "programs.notifications"
    assert f"patient {patient_a.pk}," in warning.getMessage()
    assert "pat@example.com" not in caplog.text and "Activated" not in caplog.text

    assert send_reminders(evening(patient_a, hour=21)) == 1  # the server is back
    assert mail.outbox[-1].to == ["pat@example.com"]


def test_a_change_email_refused_is_sent_on_the_next_run(clinician_a, patient_a, rita, caplog):
    load_library()
    refused = active_program(patient_a, clinician_a)
    active_program(rita, clinician_a)
    later = timezone.now() + timedelta(minutes=11)
    with caplog.at_level(logging.INFO), mail_server_refuses("pat@example.com"):
        assert send_program_updates(later) == 1
    assert [message.to for message in mail.outbox] == [["rita@example.com"]]
    assert not ProgramVersion.objects.filter(program=refused, notified_at__isnull=False).exists()
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert f"program {refused.pk}, patient {patient_a.pk}," in warning.getMessage()

    assert send_program_updates(later + timedelta(minutes=1)) == 1
    assert mail.outbox[-1].to == ["pat@example.com"]
    assert send_program_updates(later + timedelta(minutes=2)) == 0


def test_a_failed_invitation_still_raises_and_changes_nothing(clinician_a, patient_a2):
    from clinic.invitations import InvitationError
    from clinic.models import Invitation

    with mail_server_down() as attempted, pytest.raises(InvitationError):
        send_invitation(patient_a2, sent_by=clinician_a.user, base_url="http://x/")
    assert len(attempted) == 1 and attempted[0].alternatives
    assert not Invitation.objects.exists()


def test_a_line_break_already_stored_in_the_clinics_address_fails_one_email_cleanly(
    clinician_a, patient_a2
):
    Clinic.objects.filter(pk=clinician_a.clinic_id).update(email="desk@clinic.example\nBcc: x@y")
    clinician_a.clinic.refresh_from_db()
    sent = send_clinic_email(
        clinician_a.clinic,
        "nina@example.com",
        "clinic/email/invitation",
        {"patient": patient_a2, "link": "http://x/"},
    )
    assert sent is False
    assert mail.outbox == []
