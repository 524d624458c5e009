"""Holds a signed-in person at the second step until it is done.

Someone with two-step sign-in on who has not typed a code in this session sees nothing but the
code page; someone who must use it (see devices.required_because) and has not set it up sees
nothing but the set-up page. Signing out, static files, pictures and the health check stay
open. The physio admin is behind it like every other page, so its own sign-in form needs no
change.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from clinic.two_step.devices import Status, is_verified, session_status


def always_open(path: str) -> bool:
    open_pages = {
        reverse(name) for name in ["two_step_verify", "logout", "admin:logout", "healthz"]
    }
    return path in open_pages or path.startswith((settings.STATIC_URL, settings.MEDIA_URL))


def owed_page(request: HttpRequest) -> str | None:
    """The URL name of the page this request must go to instead, if any."""
    user = request.user
    if not user.is_authenticated or is_verified(user) or always_open(request.path):
        return None
    status = session_status(request)
    if status == Status.ON:
        return "two_step_verify"
    if status == Status.REQUIRED and request.path != reverse("two_step_setup"):
        return "two_step_setup"
    return None


class TwoStepMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        page = owed_page(request)
        if page is None:
            return self.get_response(request)
        url = f"{reverse(page)}?{urlencode({'next': request.get_full_path()}, safe='/')}"
        if request.headers.get("HX-Request") == "true":
            # htmx would swap the whole page into a fragment: have it load the page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
