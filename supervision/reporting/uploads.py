"""Uploaded documents (proof, health documents): JPEG, PNG or PDF by content, and not larger than the setting."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from config.errors import ActionError

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
