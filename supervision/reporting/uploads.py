"""Uploaded documents (proof, health documents): JPEG, PNG or PDF by content, and not larger than the setting."""

from __future__ import annotations

import os
from pathlib import Path

import filetype
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

from config.errors import ActionError


class PrivateStorage(FileSystemStorage):
    """Files outside ``MEDIA_ROOT`` (which the proxy serves): under ``PRIVATE_MEDIA_ROOT``, with no URL.
    A file reaches a reader only through ``supervision:reporting-file`` (scoped, logged). Main's
    ``accounts.attachments.private_storage`` is the same door: use it once both are merged."""

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(getattr(settings, "PRIVATE_MEDIA_ROOT", Path(settings.VAR_DIR) / "private"))

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; serve them through a scoped view")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


ACCEPTED = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_bytes() -> int:
    return getattr(settings, "SUPERVISION_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def check_upload(upload, *, field: str) -> str:
    """Refuse a file that is not a JPEG, PNG or PDF by its content, or is too large; returns its extension.

    The name the browser sent is never trusted (nor kept: the stored name is random)."""
    size = getattr(upload, "size", None) or 0
    if size > max_bytes():
        raise ActionError(
            {field: _("The file is too large (at most %(mb)s MB).") % {"mb": max_bytes() // (1024 * 1024)}}
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    head = upload.read(262)
    upload.seek(position)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED:
        raise ActionError({field: _("Upload a photo (JPEG or PNG) or a PDF.")})
    extension = ACCEPTED[kind.mime]
    upload.name = f"upload.{extension}"
    return extension
