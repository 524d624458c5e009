"""The pages of secure messages: the patient's (or their carer's) in the portal, the
clinician's beside the patient record, changing an unread message, and handing a thread to a
colleague. The rules are in programs/messaging.py; these views parse, call and redirect."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from clinic.access import (
    ClinicianRequest,
    PatientRequest,
    clinician_required,
    patient_for,
    patient_required,
)
from clinic.models import Clinician, Patient
from programs import messaging
from programs.messaging import MessageError
from programs.models import MESSAGE_LENGTH, Message, MessageThread

MESSAGES_PER_PAGE = 30  # the newest first; older ones a page further

READ = gettext_lazy("This message has been read, so it can no longer be changed.")
STALE = gettext_lazy("This page is out of date. Open your messages again and try once more.")


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_LENGTH}),
        strip=False,
        error_messages={"required": gettext_lazy("Write your message first.")},
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": STALE, "invalid": STALE}
    )

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label
        self.fields["body"].help_text = _(
            "Plain text, up to %(limit)s characters. Links are shown as text."
        ) % {"limit": f"{MESSAGE_LENGTH:,}"}

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if self.has_error("token"):  # a hidden field: say it where the reader looks
            self.add_error(None, STALE)
        return data

    def clean_body(self) -> str:
        try:
            return messaging.clean_body(self.cleaned_data["body"])
        except MessageError as error:
            raise forms.ValidationError(str(error)) from error


class EditForm(MessageForm):
    """A change to one's own unread message: the conditional update makes a resubmit harmless,
    so it needs no token."""

    token = None  # type: ignore[assignment]


class HandOverForm(forms.Form):
    """A colleague of the patient's clinic (read once, as the form's choices), and the
    clinician the page showed as answering, so a hand-over made meanwhile is not undone."""

    clinician = forms.TypedChoiceField(
        label=gettext_lazy("Hand these messages to"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choose a colleague."),
            "invalid_choice": gettext_lazy("Choose a colleague of this clinic from the list."),
        },
    )
    expected = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": STALE, "invalid": STALE}
    )

    def __init__(self, *args: Any, patient: Patient, assigned: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"expected": assigned})
        super().__init__(*args, **kwargs)
        self.colleagues = {
            colleague.pk: colleague
            for colleague in Clinician.objects.filter(clinic_id=patient.clinic_id, is_active=True)
            .exclude(pk=assigned)
            .select_related("user")
        }
        field = cast(forms.TypedChoiceField, self.fields["clinician"])
        field.choices = [("", _("Choose a colleague"))] + [
            (pk, str(colleague)) for pk, colleague in self.colleagues.items()
        ]

    def clean_clinician(self) -> Clinician:
        return self.colleagues[self.cleaned_data["clinician"]]


def _page(thread: MessageThread | None, number: str | None) -> Page[Message]:
    found: QuerySet[Message] = (
        thread.messages.select_related("read_by").order_by("-sent_at", "-pk")
        if thread is not None
        else Message.objects.none()
    )
    return Paginator(found, MESSAGES_PER_PAGE).get_page(number)


# --- the portal --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@patient_required
def portal_messages(request: PatientRequest) -> HttpResponse:
    patient = request.patient
    clinic = patient.clinic
    form = MessageForm(request.POST or None, initial={"token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        try:
            _message, sent = messaging.send_from_portal(
                patient,
                request.user,
                request.carer,
                form.cleaned_data["body"],
                form.cleaned_data["token"],
            )
        except MessageError as error:
            form.add_error("body", str(error))
        else:
            if sent:
                messages.success(request, _("Your message was sent."))
            else:
                messages.info(
                    request, _("This message was already sent, so it was not sent twice.")
                )
            return redirect("portal_messages")
    thread = messaging.existing_thread(patient)
    messaging.mark_read(thread, request.user, clinic_side=False)
    messaging.record_read(thread, patient, "portal")
    return render(
        request,
        "programs/portal/messages.html",
        {
            "patient": patient,
            "clinic": clinic,
            "form": form,
            "page": _page(thread, request.GET.get("page")),
        },
        status=400 if form.errors else 200,
    )


def _own_unread(thread_of: QuerySet[Message], user: Any, pk: int) -> Message:
    """One of the user's own messages, or 404."""
    return get_object_or_404(thread_of.filter(sender=user).select_related("thread__patient"), pk=pk)


@require_http_methods(["GET", "POST"])
@patient_required
def portal_message_edit(request: PatientRequest, pk: int) -> HttpResponse:
    message = _own_unread(Message.objects.filter(thread__patient=request.patient), request.user, pk)
    return _edit(request, message, back="portal_messages", back_args=[], portal=True)


# --- the clinic --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@clinician_required
def patient_messages(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    form = MessageForm(request.POST or None, initial={"token": uuid.uuid4()}, label=_("Your reply"))
    if request.method == "POST" and form.is_valid():
        try:
            _message, sent = messaging.send_from_clinic(
                patient, request.user, form.cleaned_data["body"], form.cleaned_data["token"]
            )
        except MessageError as error:
            form.add_error("body", str(error))
        else:
            if sent:
                messages.success(
                    request,
                    _("Sent. %(name)s will see it in the portal.") % {"name": patient.first_name},
                )
            else:
                messages.info(
                    request, _("This message was already sent, so it was not sent twice.")
                )
            return redirect("patient_messages", patient.pk)
    thread = messaging.existing_thread(patient)
    messaging.mark_read(thread, request.user, clinic_side=True)
    messaging.record_read(thread, patient, "clinic")
    assigned = thread.assigned_to if thread else patient.primary_clinician
    return render(
        request,
        "programs/messages.html",
        {
            "patient": patient,
            "clinic": request.clinician.clinic,
            "form": form,
            "page": _page(thread, request.GET.get("page")),
            "assigned": assigned,
            "hand_over_form": HandOverForm(patient=patient, assigned=assigned.pk),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@clinician_required
def patient_message_edit(request: ClinicianRequest, pk: int, message_pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    message = _own_unread(Message.objects.filter(thread__patient=patient), request.user, message_pk)
    return _edit(request, message, back="patient_messages", back_args=[patient.pk], portal=False)


def _edit(
    request: PatientRequest | ClinicianRequest,
    message: Message,
    *,
    back: str,
    back_args: list[Any],
    portal: bool,
) -> HttpResponse:
    """The form to change an unread message; once it is read, the page says so (a POST is sent
    back to the thread with that message), so a tab left open never changes a read message."""
    is_read = message.read_at is not None
    if is_read and request.method == "POST":
        messages.error(request, READ)
        return redirect(back, *back_args)
    form = EditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            messaging.edit(message, by=request.user, body=form.cleaned_data["body"])
        except MessageError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your message was changed."))
        return redirect(back, *back_args)
    return render(
        request,
        "programs/message_edit.html",
        {
            "form": form,
            "message": message,
            "portal": portal,
            "is_read": is_read,
            "read": READ,
            "back_url": reverse(back, args=back_args),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@clinician_required
def message_hand_over(request: ClinicianRequest, pk: int) -> HttpResponse:
    patient = patient_for(request.user, pk)
    thread = messaging.thread_for(patient)
    form = HandOverForm(request.POST, patient=patient, assigned=thread.assigned_to_id)
    if not form.is_valid():
        for error in [e for errors in form.errors.values() for e in errors]:
            messages.error(request, str(error))
        return redirect("patient_messages", patient.pk)
    colleague = form.cleaned_data["clinician"]
    try:
        messaging.hand_over(thread, colleague, expected=form.cleaned_data["expected"])
    except MessageError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s now answers these messages.") % {"name": colleague})
    return redirect("patient_messages", patient.pk)
