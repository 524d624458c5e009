"""Checking and cleaning uploaded pictures (custom exercise images, clinic logos).

A picture is accepted only if Pillow reads it as a JPEG or PNG by its content (whatever its name
says), it is at most 5 MB and 20 megapixels. It is then decoded, turned upright, shrunk to fit
1600 px, re-encoded (which drops metadata such as GPS positions), and given a random name.

A damaged (truncated) picture is refused, although importing WeasyPrint sets Pillow's
process-wide `ImageFile.LOAD_TRUNCATED_IMAGES`, under which Pillow pads a cut-off picture with
grey instead of failing: the upload is decoded with that flag off (see `strict_decoding`).
"""

from __future__ import annotations

import threading
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 20_000_000
MAX_SIDE = 1600
FORMATS = {"JPEG": "jpg", "PNG": "png"}
_strict = threading.Lock()


@contextmanager
def strict_decoding() -> Iterator[None]:
    """Pillow refuses truncated pictures inside this block, whatever the process-wide flag says.

    The flag is a module global that Pillow reads while decoding, so it is switched off for the
    block and restored after; the lock keeps two uploads from restoring each other's value."""
    with _strict:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _open(upload: UploadedFile) -> tuple[Image.Image, str]:
    """The picture opened (its pixels not decoded yet) and its format, once its format and
    size are known to be acceptable."""
    upload.seek(0)
    image = Image.open(upload)
    source_format = image.format
    if source_format not in FORMATS:
        raise ValidationError("Upload a JPEG or PNG picture.")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValidationError(
            f"The picture is {width} × {height} pixels; the most we accept is "
            "20 megapixels. Please upload a smaller one."
        )
    return image, source_format


def clean_uploaded_image(upload: UploadedFile) -> ContentFile:
    """Return the re-encoded picture, or raise ValidationError with a message for the user."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError("The picture is larger than 5 MB. Please upload a smaller one.")
    try:
        with warnings.catch_warnings(), strict_decoding():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # verify() checks the structure (a PNG's chunk checksums and its end); it leaves the
            # image unusable, so the picture is opened again and fully decoded.
            image, source_format = _open(upload)
            image.verify()
            image, _ = _open(upload)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "The picture has far too many pixels to be safe to open. Please upload a smaller one."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError("This file is not a JPEG or PNG picture, or it is damaged.") from None

    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = BytesIO()
    if source_format == "PNG":
        upright.save(out, "PNG", optimize=True)
    else:
        upright.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{FORMATS[source_format]}")
