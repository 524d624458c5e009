"""Where files live: public media and private documents.

Public media (exercise pictures, clinic logos) holds no health data, has random names and is
served to anyone who has the link (clinic/media.py). Private documents (discharge summaries)
live in a storage of their own, `storages["documents"]`, rooted outside every folder the app
serves; they have no URL and reach a person only through the download views, which check
access first. Both storages are chosen in settings.STORAGES: local folders by default, a
bucket when one is configured.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.encoding import filepath_to_uri
from django.utils.functional import cached_property
from storages.backends.s3 import S3Storage

CACHED_BY_SETTING = {
    "DOCUMENTS_ROOT": ("base_location", "location"),
    "FILE_UPLOAD_PERMISSIONS": ("file_permissions_mode",),
    "FILE_UPLOAD_DIRECTORY_PERMISSIONS": ("directory_permissions_mode",),
}


class NoURL(ValueError):
    """Asked for a private document's URL. In a template (the physio admin shows file fields
    as links) the link renders empty rather than failing the page."""

    silent_variable_failure = True


class DocumentStorage(FileSystemStorage):
    """Private documents in a local folder: DOCUMENTS_ROOT, never MEDIA_ROOT, and no URL."""

    @cached_property
    def base_location(self) -> str:
        return str(settings.DOCUMENTS_ROOT)

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        # MEDIA_ROOT, which the parent class listens to, is not where documents live.
        for name in CACHED_BY_SETTING.get(setting, ()):
            self.__dict__.pop(name, None)

    def url(self, name: str | None) -> str:  # noqa: ARG002  (the parent's signature)
        # A link would bypass the access check; documents are sent by the download views.
        raise NoURL("Private documents have no URL: send them through a download view.")


class BucketMedia(S3Storage):
    """Public media in a bucket, linked through the app's own /media/ view (clinic/media.py),
    which streams it: pages load pictures from their own origin, as the Content-Security-Policy
    requires, and the bucket itself can stay private."""

    def url(self, name: str, *args: Any, **kwargs: Any) -> str:  # signed-URL options unused
        return f"/{settings.MEDIA_URL.strip('/')}/{filepath_to_uri(name)}"


def documents_storage() -> Storage:
    """The private documents' storage, for `FileField(storage=...)`: a callable, so that
    migrations name this function rather than whichever backend settings choose."""
    return storages["documents"]
