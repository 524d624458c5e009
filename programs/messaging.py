"""Secure messages between a patient (or their carer) and the clinic.

Each patient has one thread, answered by the clinician it is assigned to (at first their
primary clinician; it can be handed to a colleague). Messages are plain text and length-limited.
A message can be changed by whoever wrote it only while the other side has not read it: the
change is one conditional update, so a message read a moment before is never changed under
the reader's eyes. Opening the thread marks the other side's messages read (one update), which
is what the read receipts show.

The other side learns by email that a message is waiting, never what it says, once the writer
has been quiet for QUIET_MINUTES (so a burst of messages makes one email), as the program
change emails do. Sending claims the messages first by a conditional update, and gives the claim
back when the mail server refuses every email, so the next run tries again. A patient who
turned these emails off (`Patient.message_emails`) gets none, nor do their carers.

Every send, change, hand-over and read of a thread is on the audit trail; the text never is.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.audit import record
from clinic.email import send_clinic_email
from clinic.languages import STAFF_LANGUAGE
from clinic.models import AuditAction, AuditSubject, CarerAccess, Clinician, Patient, User
from programs.models import MESSAGE_LENGTH, Message, MessageAuthor, MessageThread

logger = logging.getLogger(__name__)

QUIET_MINUTES = 10  # wait this long after the last message, then send one email
PATIENT_SIDE = [MessageAuthor.PATIENT, MessageAuthor.CARER]


class MessageError(Exception):
    """A message that cannot be sent, changed or handed over; the text is fit to show."""


def thread_for(patient: Patient) -> MessageThread:
    """The patient's thread, made on first use and assigned to their primary clinician."""
    thread, _created = MessageThread.objects.select_related("assigned_to__user").get_or_create(
        patient=patient, defaults={"assigned_to_id": patient.primary_clinician_id}
    )
    thread.patient = patient
    return thread


def existing_thread(patient: Patient) -> MessageThread | None:
    """The patient's thread if anyone has written yet; reading a page never makes one."""
    thread = (
        MessageThread.objects.filter(patient=patient).select_related("assigned_to__user").first()
    )
    if thread is not None:
        thread.patient = patient
    return thread


def clean_body(body: str) -> str:
    """The text as stored: line breaks made plain, no NUL (PostgreSQL refuses it), trimmed;
    or MessageError when it is empty or too long."""
    text = body.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    if not text:
        raise MessageError(_("Write your message first."))
    if len(text) > MESSAGE_LENGTH:
        raise MessageError(
            _("Keep your message to %(limit)s characters or fewer; it has %(count)s.")
            % {"limit": f"{MESSAGE_LENGTH:,}", "count": f"{len(text):,}"}
        )
    return text


def _event(action: str, thread: MessageThread, object_id: int, detail: str) -> None:
    record(
        action,
        AuditSubject.MESSAGE,
        clinic=thread.patient.clinic_id,
        patient=thread.patient_id,
        object_id=object_id,
        detail=detail,
    )


def record_read(thread: MessageThread | None, patient: Patient, where: str) -> None:
    """A thread opened (by the clinic or in the portal): who read which patient's messages."""
    record(
        AuditAction.VIEW,
        AuditSubject.MESSAGE,
        patient=patient,
        object_id=thread.pk if thread else "",
        detail=f"{where}: messages",
    )


def send(
    thread: MessageThread,
    *,
    author: str,
    sender: User,
    sender_name: str,
    body: str,
    token: uuid.UUID,
) -> tuple[Message, bool]:
    """Send a message; returns (the message, whether this call sent it). A token already used
    in this thread returns that message unchanged (a double tap or a resubmitted form).

    The portal's side is refused while the clinic has switched messages off; nobody can write
    to a patient whose identity was erased."""
    text = clean_body(body)
    existing = Message.objects.filter(token=token).first()
    if existing is not None:
        if existing.thread_id != thread.pk:
            raise MessageError(_("This page is out of date. Open your messages again."))
        return existing, False
    patient = thread.patient
    if author != MessageAuthor.CLINIC and not patient.clinic.messaging_enabled:
        raise MessageError(
            _("%(clinic)s does not take messages here at the moment. Please call them instead.")
            % {"clinic": patient.clinic.name}
        )
    if patient.erased_at is not None:
        raise MessageError(_("This patient's identity was erased."))
    now = timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                thread=thread,
                author=author,
                sender=sender,
                sender_name=sender_name[:150],
                body=text,
                sent_at=now,
                token=token,
            )
            MessageThread.objects.filter(pk=thread.pk).update(last_message_at=now)
            _event(AuditAction.CREATE, thread, message.pk, f"sent by the {author}")
    except IntegrityError:
        # Two submissions raced on the same token: the other one sent it.
        return Message.objects.get(token=token, thread=thread), False
    return message, True


def send_from_portal(
    patient: Patient, user: User, carer: CarerAccess | None, body: str, token: uuid.UUID
) -> tuple[Message, bool]:
    """A message from the patient's portal: by the patient, or by a carer in their name."""
    if carer is not None:
        author, name = MessageAuthor.CARER, carer.name
    else:
        author, name = MessageAuthor.PATIENT, patient.full_name
    return send(
        thread_for(patient), author=author, sender=user, sender_name=name, body=body, token=token
    )


def send_from_clinic(
    patient: Patient, user: User, body: str, token: uuid.UUID
) -> tuple[Message, bool]:
    return send(
        thread_for(patient),
        author=MessageAuthor.CLINIC,
        sender=user,
        sender_name=str(user),
        body=body,
        token=token,
    )


def mark_read(thread: MessageThread | None, reader: User, *, clinic_side: bool) -> int:
    """The other side's unread messages are now read by `reader`; one update. Returns how
    many."""
    if thread is None:
        return 0
    authors = PATIENT_SIDE if clinic_side else [MessageAuthor.CLINIC]
    return Message.objects.filter(thread=thread, read_at__isnull=True, author__in=authors).update(
        read_at=timezone.now(), read_by=reader
    )


def edit(message: Message, *, by: User, body: str) -> None:
    """Change the text of one's own message, only while it is unread: a conditional update, so
    a message read meanwhile is refused with a clear message and left as it was."""
    text = clean_body(body)
    with transaction.atomic():
        changed = Message.objects.filter(pk=message.pk, sender=by, read_at__isnull=True).update(
            body=text, edited_at=timezone.now()
        )
        if not changed:
            raise MessageError(_("This message has been read, so it can no longer be changed."))
        _event(AuditAction.CHANGE, message.thread, message.pk, "edited by its writer")


def hand_over(thread: MessageThread, to: Clinician, *, expected: int) -> None:
    """Give the thread to a colleague of the same clinic. `expected` is the clinician the form
    showed as assigned: when someone handed it over meanwhile, nothing changes."""
    if to.clinic_id != thread.patient.clinic_id or not to.is_active:
        raise MessageError(_("Choose a colleague of this clinic."))
    if to.pk == expected:
        raise MessageError(_("These messages are already assigned to %(name)s.") % {"name": to})
    with transaction.atomic():
        moved = MessageThread.objects.filter(pk=thread.pk, assigned_to_id=expected).update(
            assigned_to=to
        )
        if not moved:
            raise MessageError(
                _("Someone handed these messages over meanwhile. Check who has them now.")
            )
        _event(AuditAction.CHANGE, thread, thread.pk, f"handed over to clinician {to.pk}")
    thread.assigned_to = to


# --- the caseload ------------------------------------------------------------------------------


def unread_by_clinic() -> QuerySet[Message]:
    """Messages from patients and carers that nobody at the clinic has read yet."""
    return Message.objects.filter(read_at__isnull=True, author__in=PATIENT_SIDE)


@dataclass(frozen=True)
class Unread:
    messages: int
    patients: int


def unread_counts(clinician: Clinician) -> Unread:
    """Unread messages in the threads assigned to the clinician, and from how many patients;
    one query."""
    counts = (
        unread_by_clinic()
        .filter(thread__assigned_to=clinician)
        .aggregate(messages=Count("pk"), patients=Count("thread", distinct=True))
    )
    return Unread(counts["messages"], counts["patients"])


def unread_filter(clinician: Clinician) -> Exists:
    """Patients whose thread is assigned to the clinician and has unread messages."""
    return Exists(
        unread_by_clinic().filter(thread__patient=OuterRef("pk"), thread__assigned_to=clinician)
    )


# --- emails ------------------------------------------------------------------------------------


@dataclass
class Notice:
    """One email to one reader that a message is waiting."""

    to: str
    template: str
    context: dict[str, Any]
    language: str | None


def send_message_notices(
    now: datetime, quiet_minutes: int = QUIET_MINUTES, base_url: str = ""
) -> int:
    """Email each side that a message waits for it, once its writer has been quiet for
    `quiet_minutes`: one email per reader for all the messages waiting since the last one.
    `base_url` (such as "https://physio.example") makes the sign-in link; without it the email
    says where to sign in. Returns how many emails were sent."""
    quiet_since = now - timedelta(minutes=quiet_minutes)
    waiting = (
        MessageThread.objects.filter(
            messages__notified_at__isnull=True, messages__read_at__isnull=True
        )
        .select_related("patient__user", "patient__clinic", "assigned_to__user")
        .distinct()
    )
    sent = 0
    for thread in waiting:
        pending = list(thread.messages.filter(notified_at__isnull=True, read_at__isnull=True))
        for to_clinic in (True, False):
            group = [message for message in pending if message.from_clinic != to_clinic]
            if group and max(message.sent_at for message in group) <= quiet_since:
                sent += _notify(thread, group, to_clinic, now, base_url)
    return sent


def _notify(
    thread: MessageThread, group: list[Message], to_clinic: bool, now: datetime, base_url: str
) -> int:
    ids = [message.pk for message in group]
    claimed = Message.objects.filter(pk__in=ids, notified_at__isnull=True).update(notified_at=now)
    if claimed != len(ids):
        return 0  # another run is telling them
    notices = _clinic_notices(thread, base_url) if to_clinic else _patient_notices(thread, base_url)
    patient = thread.patient
    sent = 0
    for notice in notices:
        if send_clinic_email(
            patient.clinic,
            notice.to,
            notice.template,
            notice.context,
            about={"patient": patient.pk, "thread": thread.pk},
            log=logger,
            language=notice.language,
        ):
            sent += 1
    if notices and not sent:
        # The mail server took none of them: give the claim back so the next run tries again.
        # (When it took some, the others are not sent twice to those who got theirs.)
        Message.objects.filter(pk__in=ids, notified_at=now).update(notified_at=None)
    return sent


def _link(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path if base_url else ""


def _patient_notices(thread: MessageThread, base_url: str) -> list[Notice]:
    """The patient (unless a minor, whose portal their carers use) and their current carers,
    all in the patient's language; nobody once the patient turned these emails off or left."""
    patient = thread.patient
    if not patient.message_emails or patient.erased_at or patient.status == Patient.Status.ARCHIVED:
        return []
    link = _link(base_url, reverse("portal_messages"))
    language = patient.preferred_language
    notices = []
    account = patient.user
    if account is not None and account.is_active and not patient.is_minor:
        notices.append(
            Notice(
                account.email,
                "programs/email/message_waiting",
                {"patient": patient, "link": link},
                language,
            )
        )
    carers = CarerAccess.objects.current().filter(patient=patient, user__is_active=True)
    for carer in carers.select_related("user"):
        if carer.user is not None:
            notices.append(
                Notice(
                    carer.user.email,
                    "programs/email/message_waiting_carer",
                    {"patient": patient, "carer": carer, "link": link},
                    language,
                )
            )
    return notices


def _clinic_notices(thread: MessageThread, base_url: str) -> list[Notice]:
    """The clinician the thread is assigned to, if they still work there."""
    clinician = thread.assigned_to
    if not clinician.is_active or not clinician.user.is_active:
        return []
    link = _link(base_url, reverse("patient_messages", args=[thread.patient_id]))
    return [
        Notice(
            clinician.user.email,
            "programs/email/message_waiting_clinic",
            {"clinician": clinician, "link": link},
            STAFF_LANGUAGE,
        )
    ]
