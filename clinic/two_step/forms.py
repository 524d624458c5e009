"""The forms of two-step sign-in: a code to confirm a sign-in or a change, and the code that
confirms a new authenticator app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy

from clinic.two_step.devices import CodeCheck, check_code, confirms_key, normalise


def code_input(**attrs: Any) -> forms.TextInput:
    # Not type="number": codes may start with 0, and recovery codes hold letters.
    return forms.TextInput(
        attrs={
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
            "class": "two-step-code",
            **attrs,
        }
    )


class CodeForm(forms.Form):
    """A code from the person's authenticator app or one of their recovery codes, checked
    (and throttled) against their own devices."""

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=24,
        widget=code_input(),
        help_text=gettext_lazy(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.check = CodeCheck()

    def clean_code(self) -> str:
        code = normalise(self.cleaned_data["code"])
        if not code.isalnum():
            raise forms.ValidationError(
                gettext(
                    "Type the 6 digits from your authenticator app, or a recovery code of "
                    "letters and numbers."
                ),
                code="format",
            )
        self.check = check_code(self.user, code)
        if self.check.refused_until is not None:
            raise forms.ValidationError(
                gettext("Too many wrong codes. For your safety, wait %(wait)s and try again.")
                % {"wait": self.check.wait_words()},
                code="throttled",
            )
        if not self.check.accepted:
            raise forms.ValidationError(
                gettext(
                    "That code is not right. Type the code your app shows now (it changes "
                    "every 30 seconds), or a recovery code you have not used yet."
                ),
                code="wrong",
            )
        return code


class SetUpForm(forms.Form):
    """The code the newly added authenticator app shows, proving it holds the secret."""

    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=12,
        widget=code_input(inputmode="numeric"),
        help_text=gettext_lazy("6 digits. Spaces are fine."),
    )

    def __init__(self, *args: Any, key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        self.time_step: int | None = None

    def clean_code(self) -> str:
        code = normalise(self.cleaned_data["code"])
        self.time_step = confirms_key(self.key, code)
        if self.time_step is None:
            raise forms.ValidationError(
                gettext(
                    "That code does not match. Check that the app added “Physio HEP” with your "
                    "email address, then type the code it shows now."
                ),
                code="wrong",
            )
        return code
