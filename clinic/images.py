"""Checking and cleaning uploaded pictures (custom exercise images, clinic logos).

A picture is accepted only if Pillow reads it as a JPEG or PNG by its content (whatever its name
says), it is at most 5 MB and 20 megapixels. It is then decoded, turned upright, shrunk to fit
1600 px, re-encoded (which drops metadata such as GPS positions), and given a random name.
"""

from __future__ import annotations

import uuid
import warnings
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 20_000_000
MAX_SIDE = 1600
FORMATS = {"JPEG": "jpg", "PNG": "png"}


def clean_uploaded_image(upload: UploadedFile) -> ContentFile:
    """Return the re-encoded picture, or raise ValidationError with a message for the user."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError("The picture is larger than 5 MB. Please upload a smaller one.")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in FORMATS:
                raise ValidationError("Upload a JPEG or PNG picture.")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    f"The picture is {width} × {height} pixels; the most we accept is "
                    "20 megapixels. Please upload a smaller one."
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "The picture has far too many pixels to be safe to open. Please upload a smaller one."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError("This file is not a JPEG or PNG picture, or it is damaged.") from None

    source_format = image.format
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = BytesIO()
    if source_format == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{FORMATS[source_format]}")
