"""Two-step sign-in: after the password, a code from an authenticator app (TOTP) or one of ten
one-time recovery codes.

devices.py    the rules: who must use it, turning it on and off, checking a code (throttled)
forms.py      the code and set-up forms
views.py      the pages: enter a code, set up, account security
middleware.py sends a signed-in person who still owes a code (or a required set-up) there

django-otp keeps the devices and their throttling; this package is the only code that uses it.
"""
