"""The one way the app sends an email: subject, plain text and HTML from templates, in the
reader's language, from the clinic's sender, with one log line per email that names objects by
id only.

Every email the app sends is about a person who is a clinic's patient or staff member, so the
log never holds an address, a name or the error text (an SMTP error may quote the address).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.template.loader import render_to_string

from clinic.languages import STAFF_LANGUAGE, speaking
from clinic.models import Clinic

logger = logging.getLogger(__name__)


def clinic_sender(clinic: Clinic) -> str:
    """The From header: the clinic's name on the app's own address (DEFAULT_FROM_EMAIL), so the
    patient sees who wrote while the mail still passes the app domain's SPF/DKIM checks."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    # A header must be one line, whatever was typed into the clinic's name.
    return formataddr((" ".join(clinic.name.split()), address))


def send_clinic_email(
    clinic: Clinic,
    to: str,
    template: str,
    context: Mapping[str, Any],
    *,
    about: Mapping[str, int] | None = None,
    log: logging.Logger = logger,
    language: str | None = STAFF_LANGUAGE,
) -> bool:
    """Send one email and log it; True if the mail server took it.

    `template` names three templates: `<template>_subject.txt` (one line; no health data, as
    subjects show on lock screens and in shared inboxes), `<template>.txt` and `<template>.html`.
    Replies go to the clinic's own address when it has one. All three are written in
    `language`: a patient's `preferred_language` for an email to a patient; staff read English.

    A refusing or unreachable mail server (smtplib.SMTPException, socket errors: all OSErrors)
    is logged as a warning and returns False: each caller decides what a failure undoes.
    `about` names the objects the email concerns, by id only (for example {"patient": 12}); the
    clinic's id is always added. `log` is the caller's logger, so the line says which feature
    sent the email."""
    context = {"clinic": clinic, **context}
    with speaking(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=clinic_sender(clinic),
        to=[to],
        reply_to=[clinic.email] if clinic.email else None,
    )
    message.attach_alternative(html, "text/html")
    kind = template.rsplit("/", 1)[-1]
    ids = ", ".join(f"{name} {pk}" for name, pk in {**(about or {}), "clinic": clinic.pk}.items())
    try:
        message.send()
    except (OSError, BadHeaderError) as error:  # BadHeaderError: a line break in a stored address
        log.warning("Email %s (%s) failed: %s.", kind, ids, type(error).__name__)
        return False
    log.info("Email %s (%s) sent.", kind, ids)
    return True
