"""Secure messages: sending once, read receipts both ways, changing only while unread, handing
a thread over, the caseload's unread count, emails that never say what a message says, and
messages in the export and gone with an erasure."""

import io
import json
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clinic.models import AuditAction, AuditEntry, AuditSubject, CarerAccess, Patient, hash_token
from programs import messaging
from programs.erasure import erase_patient
from programs.messaging import MessageError
from programs.models import MESSAGE_LENGTH, Message, MessageThread
from tests.conftest import client_for, mail_server_down
from tests.factories import ClinicianFactory, PatientFactory, UserFactory

LATER = timedelta(minutes=messaging.QUIET_MINUTES + 1)


def from_patient(patient, body="How many sets today?", token=None):
    return messaging.send_from_portal(patient, patient.user, None, body, token or uuid.uuid4())[0]


def from_clinic(patient, clinician, body="Three sets, as before."):
    return messaging.send_from_clinic(patient, clinician.user, body, uuid.uuid4())[0]


def post_message(client, url, body, token=None):
    return client.post(url, {"body": body, "token": str(token or uuid.uuid4())})


def portal_url():
    return reverse("portal_messages")


def clinic_url(patient):
    return reverse("patient_messages", args=[patient.pk])


def page_text(response):
    return " ".join(response.content.decode().split())


# --- the domain --------------------------------------------------------------------------------


def test_the_first_message_makes_the_thread_assigned_to_the_primary_clinician(
    db, patient_a, clinician_a
):
    message = from_patient(patient_a)
    thread = MessageThread.objects.get(patient=patient_a)
    assert thread.assigned_to == clinician_a
    assert thread.last_message_at == message.sent_at
    assert (message.author, message.sender_name) == ("patient", "Pat Activated")


def test_the_same_token_sends_once(db, patient_a):
    token = uuid.uuid4()
    first, sent = messaging.send_from_portal(patient_a, patient_a.user, None, "Hello", token)
    again, sent_again = messaging.send_from_portal(patient_a, patient_a.user, None, "Hello", token)
    assert (sent, sent_again) == (True, False)
    assert again.pk == first.pk and Message.objects.count() == 1


def test_a_token_from_another_thread_is_refused(db, patient_a, patient_b):
    token = uuid.uuid4()
    messaging.send_from_portal(patient_b, patient_b.user, None, "Hello", token)
    with pytest.raises(MessageError):
        messaging.send_from_portal(patient_a, patient_a.user, None, "Hello", token)
    assert not Message.objects.filter(thread__patient=patient_a).exists()


@pytest.mark.parametrize("body", ["", "   \n  ", "x" * (MESSAGE_LENGTH + 1)])
def test_empty_or_too_long_messages_are_refused(db, patient_a, body):
    with pytest.raises(MessageError):
        from_patient(patient_a, body)
    assert not Message.objects.exists()


def test_a_message_of_the_full_length_with_windows_line_breaks_is_kept(db, patient_a):
    body = ("x" * 99 + "\r\n") * 20  # 2,000 characters once the line breaks are plain
    message = from_patient(patient_a, body)
    assert len(message.body) == MESSAGE_LENGTH - 1 and "\r" not in message.body


def test_the_portal_cannot_write_when_the_clinic_switched_messages_off(db, patient_a, clinician_a):
    patient_a.clinic.messaging_enabled = False
    patient_a.clinic.save()
    with pytest.raises(MessageError, match="does not take messages"):
        from_patient(patient_a)
    from_clinic(patient_a, clinician_a)  # the clinic can still write
    assert Message.objects.count() == 1


def test_a_carer_writes_in_their_own_name(db, patient_a):
    carer_user = UserFactory(email="mum@example.com", full_name="Mary Activated")
    access = CarerAccess.objects.create(
        patient=patient_a,
        name="Mary Activated",
        email="mum@example.com",
        user=carer_user,
        token_hash=hash_token("t"),
        expires_at=timezone.now() + timedelta(days=7),
        accepted_at=timezone.now(),
    )
    message, _ = messaging.send_from_portal(patient_a, carer_user, access, "Hi", uuid.uuid4())
    assert (message.author, message.sender_name, message.sender) == (
        "carer",
        "Mary Activated",
        carer_user,
    )


def carer_of(patient, email="mum@example.com", ended=False):
    now = timezone.now()
    return CarerAccess.objects.create(
        patient=patient,
        name="Mary Carer",
        email=email,
        user=UserFactory(email=email),
        token_hash=hash_token(email),
        expires_at=now + timedelta(days=7),
        accepted_at=now,
        ended_at=now if ended else None,
    )


def test_a_carer_messages_from_the_portal_and_an_ended_carer_cannot(db, patient_a, clinician_a):
    carer = carer_of(patient_a)
    client = client_for(carer.user)
    assert post_message(client, portal_url(), "Pat is tired today").status_code == 302
    message = Message.objects.get()
    assert (message.author, message.sender_name, message.sender) == (
        "carer",
        "Mary Carer",
        carer.user,
    )
    # The patient sees who wrote; the clinic too.
    assert "Mary Carer (carer)" in page_text(client_for(patient_a.user).get(portal_url()))
    assert "Mary Carer (carer)" in page_text(
        client_for(clinician_a.user).get(clinic_url(patient_a))
    )
    ended = carer_of(patient_a, "ex@example.com", ended=True)
    assert client_for(ended.user).get(portal_url()).status_code == 404
    assert post_message(client_for(ended.user), portal_url(), "Hi").status_code == 404
    assert Message.objects.count() == 1


def test_opening_marks_only_the_other_sides_messages_read(db, patient_a, clinician_a):
    asked = from_patient(patient_a)
    answered = from_clinic(patient_a, clinician_a)
    thread = MessageThread.objects.get()
    assert messaging.mark_read(thread, clinician_a.user, clinic_side=True) == 1
    asked.refresh_from_db()
    answered.refresh_from_db()
    assert asked.read_by == clinician_a.user and asked.read_at is not None
    assert answered.read_at is None
    assert messaging.mark_read(thread, clinician_a.user, clinic_side=True) == 0


def test_a_message_can_be_changed_by_its_writer_only_while_unread(db, patient_a, clinician_a):
    message = from_patient(patient_a, "Typo")
    messaging.edit(message, by=patient_a.user, body="Fixed")
    message.refresh_from_db()
    assert message.body == "Fixed" and message.edited_at is not None
    with pytest.raises(MessageError):
        messaging.edit(message, by=clinician_a.user, body="Not mine")
    messaging.mark_read(MessageThread.objects.get(), clinician_a.user, clinic_side=True)
    with pytest.raises(MessageError, match="has been read"):
        messaging.edit(message, by=patient_a.user, body="Too late")
    message.refresh_from_db()
    assert message.body == "Fixed"


def test_hand_over_to_a_colleague_and_never_to_another_clinic(
    db, patient_a, clinician_a, admin_a, clinician_b
):
    thread = messaging.thread_for(patient_a)
    with pytest.raises(MessageError):
        messaging.hand_over(thread, clinician_b, expected=clinician_a.pk)
    messaging.hand_over(thread, admin_a, expected=clinician_a.pk)
    thread.refresh_from_db()
    assert thread.assigned_to == admin_a
    # A second form, opened before the hand-over, is stale.
    colleague = ClinicianFactory(clinic=clinician_a.clinic)
    with pytest.raises(MessageError, match="meanwhile"):
        messaging.hand_over(thread, colleague, expected=clinician_a.pk)
    thread.refresh_from_db()
    assert thread.assigned_to == admin_a


def test_unread_counts_cover_the_threads_assigned_to_the_clinician(
    db, patient_a, patient_a2, clinician_a, admin_a, django_assert_num_queries
):
    patient_a2.user = UserFactory(email="nina@example.com")
    patient_a2.save()
    from_patient(patient_a)
    from_patient(patient_a)
    from_patient(patient_a2)
    from_clinic(patient_a, clinician_a)  # the clinic's own messages are not "unread" to it
    with django_assert_num_queries(1):
        counts = messaging.unread_counts(clinician_a)
    assert counts == messaging.Unread(messages=3, patients=2)
    messaging.hand_over(messaging.thread_for(patient_a2), admin_a, expected=clinician_a.pk)
    assert messaging.unread_counts(clinician_a) == messaging.Unread(2, 1)
    assert messaging.unread_counts(admin_a) == messaging.Unread(1, 1)


# --- the portal --------------------------------------------------------------------------------


def test_patient_sends_from_the_portal_once_and_sees_the_auto_reply(db, patient_a):
    patient_a.clinic.message_auto_reply = "We answer within 2 working days. Emergencies: 999."
    patient_a.clinic.save()
    client = client_for(patient_a.user)
    page = client.get(portal_url())
    assert "We answer within 2 working days" in page_text(page)
    assert "No messages yet" in page_text(page)
    token = uuid.uuid4()
    response = post_message(client, portal_url(), "Is it fine to swim?", token)
    assert response.status_code == 302
    post_message(client, portal_url(), "Is it fine to swim?", token)  # a double tap
    assert Message.objects.count() == 1
    text = page_text(client.get(portal_url()))
    assert "Is it fine to swim?" in text and "Not read yet." in text


def test_the_portal_form_says_what_is_wrong_and_saves_nothing(db, patient_a):
    client = client_for(patient_a.user)
    response = post_message(client, portal_url(), "x" * (MESSAGE_LENGTH + 5))
    assert response.status_code == 400
    assert "Keep your message to 2,000 characters or fewer" in page_text(response)
    response = client.post(portal_url(), {"body": "Hello"})  # no token: a stale page
    assert response.status_code == 400 and "out of date" in page_text(response)
    assert not Message.objects.exists()


def test_the_portal_shows_no_form_when_messages_are_off(db, patient_a):
    patient_a.clinic.messaging_enabled = False
    patient_a.clinic.save()
    client = client_for(patient_a.user)
    text = page_text(client.get(portal_url()))
    assert "does not take messages here at the moment" in text and "<textarea" not in text
    assert post_message(client, portal_url(), "Hello").status_code == 400
    assert not Message.objects.exists()


def test_links_and_markup_are_shown_as_text(db, patient_a, clinician_a):
    from_clinic(patient_a, clinician_a, "See https://evil.example/x <script>alert(1)</script>\nok")
    body = client_for(patient_a.user).get(portal_url()).content.decode()
    assert "https://evil.example/x" in body
    assert 'href="https://evil.example' not in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body and "<br>ok" in body


def test_read_receipts_both_ways(db, patient_a, clinician_a):
    from_patient(patient_a, "Question")
    patient = client_for(patient_a.user)
    clinic = client_for(clinician_a.user)
    clinic_page = page_text(clinic.get(clinic_url(patient_a)))
    day = timezone.localdate().day
    assert "Question" in clinic_page
    assert f"Read by Carl Clinician on {day} " in clinic_page
    portal_page = page_text(patient.get(portal_url()))
    assert f"Read by your physio on {day} " in portal_page
    post_message(clinic, clinic_url(patient_a), "Answer")
    assert "Not read yet" in page_text(clinic.get(clinic_url(patient_a)))
    portal_page = page_text(patient.get(portal_url()))
    assert "Carl Clinician, Northside Physio" in portal_page
    assert f"Read by Pat Activated on {day} " in page_text(clinic.get(clinic_url(patient_a)))


def test_the_portal_shows_the_newest_messages_and_earlier_ones_a_page_further(db, patient_a):
    for number in range(35):
        from_patient(patient_a, f"Message number {number}.")
    client = client_for(patient_a.user)
    first = page_text(client.get(portal_url()))
    assert "Message number 34." in first and "Message number 4." not in first
    assert "Earlier messages" in first
    second = page_text(client.get(portal_url(), {"page": 2}))
    assert "Message number 4." in second and "Message number 34." not in second


def test_patient_changes_an_unread_message_and_not_a_read_one(db, patient_a, clinician_a):
    message = from_patient(patient_a, "Typo")
    client = client_for(patient_a.user)
    url = reverse("portal_message_edit", args=[message.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"body": "Fixed"}).status_code == 302
    message.refresh_from_db()
    assert message.body == "Fixed"
    client_for(clinician_a.user).get(clinic_url(patient_a))  # read
    response = client.post(url, {"body": "Too late"}, follow=True)
    assert "has been read, so it can no longer be changed" in page_text(response)
    message.refresh_from_db()
    assert message.body == "Fixed"
    # A tab left open on the form: the page now says so, with no form.
    text = page_text(client.get(url))
    assert "has been read, so it can no longer be changed" in text and "<textarea" not in text


# --- the clinic --------------------------------------------------------------------------------


def test_clinician_replies_once_and_hands_over(db, patient_a, clinician_a, admin_a):
    client = client_for(clinician_a.user)
    token = uuid.uuid4()
    assert post_message(client, clinic_url(patient_a), "Keep going", token).status_code == 302
    post_message(client, clinic_url(patient_a), "Keep going", token)
    message = Message.objects.get()
    assert (message.author, message.sender_name) == ("clinic", "Carl Clinician")
    thread = MessageThread.objects.get()
    response = client.post(
        reverse("message_hand_over", args=[patient_a.pk]),
        {"clinician": admin_a.pk, "expected": clinician_a.pk},
        follow=True,
    )
    assert "Alice Admin now answers these messages." in page_text(response)
    thread.refresh_from_db()
    assert thread.assigned_to == admin_a


def test_hand_over_refuses_a_clinician_of_another_clinic(db, patient_a, clinician_a, clinician_b):
    client = client_for(clinician_a.user)
    response = client.post(
        reverse("message_hand_over", args=[patient_a.pk]),
        {"clinician": clinician_b.pk, "expected": clinician_a.pk},
        follow=True,
    )
    assert "Choose a colleague of this clinic from the list." in page_text(response)
    assert MessageThread.objects.get().assigned_to == clinician_a


def test_clinician_changes_their_unread_reply(db, patient_a, clinician_a, admin_a):
    reply = from_clinic(patient_a, clinician_a, "Three sets")
    url = reverse("patient_message_edit", args=[patient_a.pk, reply.pk])
    # A colleague cannot change it.
    assert client_for(admin_a.user).get(url).status_code == 404
    client_for(clinician_a.user).post(url, {"body": "Two sets"})
    reply.refresh_from_db()
    assert reply.body == "Two sets" and reply.edited_at is not None


# --- who may reach what ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsiders_get_404_and_visitors_sign_in(
    db, method, patient_a, patient_b, clinician_a, clinician_b, operator
):
    mine = from_patient(patient_a)
    reply = from_clinic(patient_a, clinician_a)
    urls = [
        clinic_url(patient_a),
        reverse("patient_message_edit", args=[patient_a.pk, reply.pk]),
    ]
    if method == "post":  # hand-over takes POST only: a GET is 405 for everyone
        urls.append(reverse("message_hand_over", args=[patient_a.pk]))
    for user in [clinician_b.user, patient_a.user, operator]:
        client = client_for(user)
        for url in urls:
            assert getattr(client, method)(url).status_code == 404, (user, url)
    # Another patient cannot change Pat's message, nor a clinician read the portal.
    assert (
        getattr(client_for(patient_b.user), method)(
            reverse("portal_message_edit", args=[mine.pk])
        ).status_code
        == 404
    )
    for user in [clinician_a.user, operator]:
        assert getattr(client_for(user), method)(portal_url()).status_code == 404
    anonymous = client_for(None)
    for url in [*urls, portal_url(), reverse("portal_message_edit", args=[mine.pk])]:
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Message.objects.count() == 2


def test_another_patient_never_sees_the_thread(db, patient_a, patient_b):
    from_patient(patient_a, "Only for my clinic")
    text = page_text(client_for(patient_b.user).get(portal_url()))
    assert "Only for my clinic" not in text and "No messages yet" in text


# --- the audit trail ---------------------------------------------------------------------------


def test_reads_sends_changes_and_hand_overs_are_audited_without_the_text(
    db, patient_a, clinician_a, admin_a
):
    client = client_for(patient_a.user)
    post_message(client, portal_url(), "Secret words")
    message = Message.objects.get()
    client.post(reverse("portal_message_edit", args=[message.pk]), {"body": "Other words"})
    client.get(portal_url())
    clinic = client_for(clinician_a.user)
    clinic.get(clinic_url(patient_a))
    clinic.post(
        reverse("message_hand_over", args=[patient_a.pk]),
        {"clinician": admin_a.pk, "expected": clinician_a.pk},
    )
    entries = AuditEntry.objects.filter(subject=AuditSubject.MESSAGE, patient=patient_a)
    assert sorted(entries.values_list("action", "role", "detail")) == sorted(
        [
            (AuditAction.CREATE, "patient", "sent by the patient"),
            (AuditAction.CHANGE, "patient", "edited by its writer"),
            (AuditAction.VIEW, "patient", "portal: messages"),
            (AuditAction.VIEW, "clinician", "clinic: messages"),
            (AuditAction.CHANGE, "clinician", f"handed over to clinician {admin_a.pk}"),
        ]
    )
    assert not any("words" in entry.detail for entry in entries)


# --- the dashboard -----------------------------------------------------------------------------


def test_dashboard_counts_and_filters_unread_messages(db, patient_a, patient_a2, clinician_a):
    from_patient(patient_a)
    from_patient(patient_a)
    client = client_for(clinician_a.user)
    text = page_text(client.get(reverse("dashboard")))
    assert "2 unread messages to you, from 1 patient" in text
    response = client.get(reverse("dashboard"), {"messages": "unread", "status": "all"})
    assert [row.patient for row in response.context["rows"]] == [patient_a]
    client.get(clinic_url(patient_a))
    assert "No unread messages to you." in page_text(client.get(reverse("dashboard")))
    response = client.get(reverse("dashboard"), {"messages": "unread"})
    assert response.context["rows"] == []


def test_the_unread_filter_follows_a_hand_over(db, patient_a, clinician_a, admin_a):
    from_patient(patient_a)
    messaging.hand_over(messaging.thread_for(patient_a), admin_a, expected=clinician_a.pk)
    # Pat's primary clinician is still Carl, but her messages are Alice's now.
    response = client_for(admin_a.user).get(reverse("dashboard"), {"messages": "unread"})
    assert [row.patient for row in response.context["rows"]] == [patient_a]
    response = client_for(clinician_a.user).get(reverse("dashboard"), {"messages": "unread"})
    assert response.context["rows"] == []


@pytest.mark.parametrize("count", [3, 60])
def test_dashboard_queries_with_messages(db, clinician_a, count, django_assert_num_queries):
    for patient in PatientFactory.create_batch(count, primary_clinician=clinician_a):
        patient.user = UserFactory(email=f"x{patient.pk}@example.com")
        patient.save()
        from_patient(patient)
    client = client_for(clinician_a.user)
    client.get(reverse("dashboard"))
    # As before (session, user, clinician, the patients and their up-to-date figures, count,
    # the page, its figures, session save (3)), and the unread count.
    with django_assert_num_queries(12):
        client.get(reverse("dashboard"))
    with django_assert_num_queries(12):
        response = client.get(reverse("dashboard"), {"messages": "unread"})
    assert response.context["page"].paginator.count == count


# --- query counts of the thread pages ----------------------------------------------------------


@pytest.mark.parametrize("count", [2, 80])
def test_thread_pages_cost_the_same_whatever_the_length(
    db, patient_a, clinician_a, admin_a, count, django_assert_num_queries
):
    for _ in range(count):
        from_patient(patient_a)
        from_clinic(patient_a, clinician_a)
    clinic = client_for(clinician_a.user)
    clinic.get(clinic_url(patient_a))
    # session, user, clinician, the patient, the thread, mark read, audit entry, the
    # colleagues for the hand-over, count, the page's messages with their readers, session
    # save (3)
    with django_assert_num_queries(13):
        response = clinic.get(clinic_url(patient_a))
    assert len(response.context["page"].object_list) == min(2 * count, 30)
    patient = client_for(patient_a.user)
    patient.get(portal_url())
    # session, user, the patient (with clinic), thread, mark read, audit entry, count, the
    # page's messages, session save (3)
    with django_assert_num_queries(11):
        patient.get(portal_url())


# --- emails ------------------------------------------------------------------------------------


def notices(now=None, **kwargs):
    return messaging.send_message_notices(now or timezone.now() + LATER, **kwargs)


def test_patient_is_emailed_once_after_the_quiet_spell_and_never_the_text(
    db, patient_a, clinician_a
):
    from_clinic(patient_a, clinician_a, "Your knee scan shows arthritis")
    from_clinic(patient_a, clinician_a, "Second thought")
    assert messaging.send_message_notices(timezone.now()) == 0  # still writing
    assert notices(base_url="https://physio.example") == 1
    assert notices() == 0  # nothing twice
    email = mail.outbox[0]
    assert email.to == ["pat@example.com"]
    assert email.subject == "Northside Physio: a message is waiting for you"
    everything = email.subject + email.body + email.alternatives[0][0]
    assert "knee" not in everything and "arthritis" not in everything
    assert "Second thought" not in everything
    assert "https://physio.example/my/messages/" in email.body


def test_the_patients_email_is_in_their_language_and_carers_get_one_too(db, patient_a, clinician_a):
    patient_a.preferred_language = "es"
    patient_a.save()
    carer_user = UserFactory(email="mum@example.com")
    CarerAccess.objects.create(
        patient=patient_a,
        name="Mary",
        email="mum@example.com",
        user=carer_user,
        token_hash=hash_token("t"),
        expires_at=timezone.now() + timedelta(days=7),
        accepted_at=timezone.now(),
    )
    CarerAccess.objects.create(  # ended: no email
        patient=patient_a,
        name="Ex",
        email="ex@example.com",
        user=UserFactory(email="ex@example.com"),
        token_hash=hash_token("u"),
        expires_at=timezone.now() + timedelta(days=7),
        accepted_at=timezone.now(),
        ended_at=timezone.now(),
    )
    from_clinic(patient_a, clinician_a)
    assert notices() == 2
    assert sorted(email.to[0] for email in mail.outbox) == ["mum@example.com", "pat@example.com"]
    assert all(email.subject.startswith("Northside Physio:") for email in mail.outbox)
    assert all("Hello" not in email.body for email in mail.outbox)  # not in English


def test_no_email_when_the_patient_turned_them_off_or_already_read_it(db, patient_a, clinician_a):
    from_clinic(patient_a, clinician_a)
    messaging.mark_read(MessageThread.objects.get(), patient_a.user, clinic_side=False)
    assert notices() == 0
    Patient.objects.filter(pk=patient_a.pk).update(message_emails=False)
    from_clinic(patient_a, clinician_a)
    assert notices() == 0 and mail.outbox == []


def test_the_assigned_clinician_is_emailed_when_the_patient_writes(
    db, patient_a, clinician_a, admin_a
):
    from_patient(patient_a, "My knee is swollen")
    messaging.hand_over(messaging.thread_for(patient_a), admin_a, expected=clinician_a.pk)
    assert notices() == 1
    email = mail.outbox[0]
    assert email.to == ["alice@northside.example"]
    assert email.subject == "A patient message is waiting"
    assert "knee" not in email.body and "Pat" not in email.body


def test_a_mail_server_down_gives_the_claim_back(db, patient_a, clinician_a):
    from_clinic(patient_a, clinician_a)
    with mail_server_down() as attempted:
        assert notices() == 0
    assert len(attempted) == 1
    assert Message.objects.get().notified_at is None
    assert notices() == 1
    assert Message.objects.get().notified_at is not None


def test_the_command_sends_the_notices(db, patient_a, clinician_a):
    message = from_patient(patient_a)
    Message.objects.filter(pk=message.pk).update(sent_at=timezone.now() - LATER)
    out = io.StringIO()
    call_command("send_message_notices", "--base-url=https://physio.example", stdout=out)
    assert out.getvalue().strip() == "1 email sent."
    assert f"https://physio.example/patients/{patient_a.pk}/messages/" in mail.outbox[0].body


# --- export and erasure ------------------------------------------------------------------------


def test_messages_are_in_the_json_and_pdf_exports(db, patient_a, clinician_a, admin_a):
    from_patient(patient_a, "Can I cycle?")
    client_for(clinician_a.user).get(clinic_url(patient_a))
    from_clinic(patient_a, clinician_a, "Yes, gently.")
    client = client_for(admin_a.user)
    data = json.loads(client.get(reverse("patient_export_json", args=[patient_a.pk])).content)
    assert [(m["author"], m["sender_name"], m["text"]) for m in data["messages"]] == [
        ("patient", "Pat Activated", "Can I cycle?"),
        ("clinic", "Carl Clinician", "Yes, gently."),
    ]
    assert data["messages"][0]["read_by"] == "Carl Clinician"
    assert data["messages"][0]["read_at"] and data["messages"][1]["read_at"] is None
    pdf = client.get(reverse("patient_export_pdf", args=[patient_a.pk])).content
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    assert "Messages with the clinic" in text
    assert "Can I cycle?" in text and "Yes, gently." in text and "Not read yet" in text


def test_messages_are_erased_with_the_patient(db, patient_a, clinician_a):
    from_patient(patient_a, "My name is Pat and I live at 3 High Street")
    from_clinic(patient_a, clinician_a)
    Patient.objects.filter(pk=patient_a.pk).update(status=Patient.Status.DISCHARGED)
    patient_a.refresh_from_db()
    erase_patient(patient_a, confirmed_name="Pat Activated")
    assert not Message.objects.exists() and not MessageThread.objects.exists()
    text = page_text(client_for(clinician_a.user).get(clinic_url(patient_a)))
    assert "identity was erased" in text and "<textarea" not in text


def test_the_patient_record_and_the_portal_lead_to_the_new_pages(patient_a, clinician_a, clinic_a):
    record = client_for(clinician_a.user).get(patient_a.get_absolute_url()).content.decode()
    assert reverse("patient_messages", args=[patient_a.pk]) in record
    assert reverse("patient_carers", args=[patient_a.pk]) in record
    assert reverse("patient_rtm", args=[patient_a.pk]) not in record  # RTM is off by default
    clinic_a.rtm_enabled = True
    clinic_a.save()
    record = client_for(clinician_a.user).get(patient_a.get_absolute_url()).content.decode()
    assert reverse("patient_rtm", args=[patient_a.pk]) in record
    portal = client_for(patient_a.user).get(reverse("portal_home")).content.decode()
    assert reverse("portal_messages") in portal
    clinic_a.messaging_enabled = False
    clinic_a.save()
    portal = client_for(patient_a.user).get(reverse("portal_home")).content.decode()
    assert reverse("portal_messages") not in portal
