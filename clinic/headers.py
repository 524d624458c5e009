"""Permissions-Policy: the browser features the app never uses are switched off on every response,
so neither injected code nor an embedded page can ask a patient for their camera, microphone or
location.

Ten lines here rather than django-permissions-policy: the policy is one constant header, and a
package for it would be one more dependency to vet, pin and update.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

# Only names Chromium recognises: an unknown name makes it log an error on every page.
DISABLED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DISABLED_FEATURES)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
