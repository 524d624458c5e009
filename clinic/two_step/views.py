"""The pages of two-step sign-in: the code after the password, setting up an authenticator app,
and the account security page where it is turned off or the recovery codes renewed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic.two_step import devices
from clinic.two_step.devices import Status
from clinic.two_step.forms import CodeForm, SetUpForm

FEW_RECOVERY_CODES = 3


def next_url(request: HttpRequest) -> str:
    """Where to go once done: the page asked for, if it is on this site, else home."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, or a recovery code."""
    status = devices.refresh_status(request)
    if devices.is_verified(request.user) or status != Status.ON:
        return redirect(next_url(request))
    form = CodeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        devices.sign_in_with(request, form.check)
        if form.check.used_recovery_code:
            warn_about_recovery_codes(request)
        return redirect(next_url(request))
    return render(request, "clinic/two_step_verify.html", {"form": form, "next": next_url(request)})


def warn_about_recovery_codes(request: HttpRequest) -> None:
    left = devices.recovery_codes_left(request.user)
    text = ngettext(
        "You used a recovery code. You have %(left)d left.",
        "You used a recovery code. You have %(left)d left.",
        left,
    ) % {"left": left}
    if left <= FEW_RECOVERY_CODES:
        text += " " + gettext("Make new ones on the sign-in security page.")
    messages.warning(request, text)


@require_http_methods(["GET", "POST"])
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), then confirm with a code.
    With two-step sign-in already on, this replaces the app (a new phone)."""
    status = devices.refresh_status(request)
    key = devices.pending_key(request.session)
    form = SetUpForm(request.POST or None, key=key)
    if request.method == "POST" and form.is_valid() and form.time_step is not None:
        turned_on = devices.turn_on(request.user, key, time_step=form.time_step)
        del request.session[devices.PENDING_KEY]
        devices.confirm_session(request, turned_on.device)
        return show_recovery_codes(
            request, turned_on.recovery_codes, first_time=True, then=next_url(request)
        )
    context = {
        "form": form,
        "qr_code": devices.qr_code(request.user, key),
        "manual_key": devices.manual_key(key),
        "required_because": devices.required_because(request.user),
        "replacing": status == Status.ON,
        "next": next_url(request),
    }
    return render(request, "clinic/two_step_setup.html", context)


def show_recovery_codes(
    request: HttpRequest, codes: list[str], *, first_time: bool, then: str
) -> HttpResponse:
    """The codes, shown once: they are never stored anywhere the app can show them again."""
    context = {"codes": codes, "first_time": first_time, "next": then}
    return render(request, "clinic/two_step_codes.html", context)


def security_page(request: HttpRequest, **forms: Any) -> HttpResponse:
    status = devices.refresh_status(request)
    context = {
        "on": status == Status.ON,
        "required_because": devices.required_because(request.user),
        "codes_left": devices.recovery_codes_left(request.user) if status == Status.ON else 0,
        "renew_form": forms.get("renew_form") or CodeForm(user=request.user, prefix="renew"),
        "off_form": forms.get("off_form") or CodeForm(user=request.user, prefix="off"),
    }
    return render(request, "clinic/two_step_security.html", context)


@require_safe
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Whether two-step sign-in is on, with the ways to change it."""
    return security_page(request)


@require_POST
@login_required
def turn_off(request: HttpRequest) -> HttpResponse:
    """Turn two-step sign-in off, after a code, unless it is required of this person."""
    if not devices.has_two_step(request.user):
        messages.info(request, gettext("Two-step sign-in is already off."))
        return redirect("account_security")
    if reason := devices.required_because(request.user):
        messages.error(request, gettext("%(reason)s It can't be turned off.") % {"reason": reason})
        return redirect("account_security")
    form = CodeForm(request.POST, user=request.user, prefix="off")
    if not form.is_valid():
        return security_page(request, off_form=form)
    devices.turn_off(request.user)
    devices.refresh_status(request)
    messages.success(
        request, gettext("Two-step sign-in is off. You sign in with your password alone.")
    )
    return redirect("account_security")


@require_POST
@login_required
def renew_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes, after a code; the old ones stop working."""
    if not devices.has_two_step(request.user):
        messages.info(request, gettext("Two-step sign-in is off, so there are no recovery codes."))
        return redirect("account_security")
    form = CodeForm(request.POST, user=request.user, prefix="renew")
    if not form.is_valid():
        return security_page(request, renew_form=form)
    codes = devices.renew_recovery_codes(request.user)
    return show_recovery_codes(request, codes, first_time=False, then=reverse("account_security"))
