"""Serving public media (exercise pictures, clinic logos) at MEDIA_URL, with DEBUG on or off.

Only pictures in the public folders are served, read through the default storage, so a file
that strayed into MEDIA_ROOT from elsewhere (discharge summaries were once stored there) is
never sent. Private documents are in another storage altogether (clinic/storage.py).
"""

from __future__ import annotations

import mimetypes
import re

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

# The folders of Exercise.image and Clinic.logo, and the picture types uploads are saved as
# (clinic/images.py re-encodes every upload to JPEG or PNG under a random name).
PUBLIC_PICTURE = re.compile(r"(?:exercises|clinics)/[\w-][\w.-]*\.(?:jpg|jpeg|png)")
# The names are random and a new upload gets a new name, so a picture never changes.
CACHE_CONTROL = "public, max-age=31536000, immutable"


@require_safe
def public_media(request: HttpRequest, name: str) -> FileResponse:  # noqa: ARG001
    if not PUBLIC_PICTURE.fullmatch(name):
        raise Http404("Not a public picture.")
    storage = storages["default"]
    try:
        if not storage.exists(name):
            raise Http404("No such picture.")
        handle = storage.open(name, "rb")
    except (SuspiciousFileOperation, OSError):
        raise Http404("No such picture.") from None
    response = FileResponse(handle, content_type=mimetypes.guess_type(name)[0])
    response["Cache-Control"] = CACHE_CONTROL
    return response
