"""Which language a page speaks.

A patient reads everything in their preferred language (`Patient.preferred_language`): the
portal, their emails and their handouts. Clinic staff and operators read English; their screens'
text is marked for translation, so another language for them is only message files. A signed-out
visitor (the sign-in and password pages, an invitation) gets the best match for their browser's
languages.

The patient's language is kept in the session when they sign in or change it, so a page finds it
without a query; the portal's views, which load the patient anyway, correct it if a clinician
changed it since.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

SESSION_KEY = "patient_language"
STAFF_LANGUAGE = "en"


def supported(language: str | None) -> str:
    """The language to speak for a stored preference: itself when the site has it, else its
    general form ("es-mx" → "es"), else English."""
    try:
        return translation.get_supported_language_variant(language or "en")
    except LookupError:
        return "en"


def remember(request: HttpRequest, language: str | None) -> str:
    """Keep a patient's language in their session and speak it from now on."""
    code = supported(language)
    if hasattr(request, "session") and request.session.get(SESSION_KEY) != code:
        request.session[SESSION_KEY] = code
    translation.activate(code)
    request.LANGUAGE_CODE = code
    return code


@contextmanager
def speaking(language: str | None) -> Iterator[str]:
    """Speak `language` for a while (an email, a PDF), then go back to the page's language."""
    code = supported(language)
    with translation.override(code):
        yield code


class LanguageMiddleware:
    """Chooses each page's language: the patient's, English for staff, the browser's for a
    signed-out visitor. It replaces Django's LocaleMiddleware, which knows nothing of roles."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = self._choose(request)
        translation.activate(code)
        request.LANGUAGE_CODE = code
        try:
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language())
        finally:
            # The thread's next work (another request, a job) starts from the default again.
            translation.deactivate()
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response

    def _choose(self, request: HttpRequest) -> str:
        if SESSION_KEY in request.session:
            return supported(request.session[SESSION_KEY])
        user: Any = request.user
        if user.is_authenticated:
            return STAFF_LANGUAGE
        return translation.get_language_from_request(request)


def patient_signed_in(request: HttpRequest, patient: Any) -> None:
    """Called at sign-in: a patient's language goes into their session."""
    if patient is not None:
        remember(request, patient.preferred_language)
    else:
        request.session.pop(SESSION_KEY, None)


LANGUAGE_NAMES = dict(settings.LANGUAGES)
