import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from clinic.access import clinician_for, patient_profile_for
from clinic.languages import patient_signed_in

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
IDLE_SECONDS = "idle_seconds"


def idle_seconds_for(user: Any) -> int:
    """Clinic staff and operators are signed out sooner than patients: their sessions open
    many patients' records."""
    staff = user.is_staff or clinician_for(user) is not None
    minutes = (
        settings.SESSION_IDLE_MINUTES_STAFF if staff else settings.SESSION_IDLE_MINUTES_PATIENT
    )
    return int(minutes) * 60


@receiver(user_logged_in)
def _start_session_clock(*, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    request.session[IDLE_SECONDS] = idle_seconds_for(user)
    patient_signed_in(request, patient_profile_for(user))


class SessionLimitsMiddleware:
    """Signs a person out after their role's idle time (15 minutes for staff, 30 for patients
    by default) and, whatever they do, after SESSION_MAX_HOURS (12 by default). The limits are
    kept in the session at sign-in, so checking them costs no query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session, now = request.session, int(time.time())
        # A session from before these limits counts from now, with the stricter staff limit.
        started = session.setdefault(SIGNED_IN_AT, now)
        idle = session.setdefault(IDLE_SECONDS, settings.SESSION_IDLE_MINUTES_STAFF * 60)
        last_seen = session.get(LAST_SEEN, now)
        if now - started > settings.SESSION_MAX_HOURS * 3600:
            reason = f"after {settings.SESSION_MAX_HOURS} hours"
        elif now - last_seen > idle:
            reason = f"after {idle // 60} minutes without activity"
        else:
            session[LAST_SEEN] = now
            return
        logout(request)
        messages.info(request, f"You were signed out {reason}. Please sign in again.")


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in person carry health data: keep them out of browser and proxy
    caches, so the back button on a shared computer does not show them after sign-out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
