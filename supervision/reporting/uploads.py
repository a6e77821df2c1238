"""Uploaded documents of reporting (check-in attachments, health documents): through the one attachments
door, ``accounts.attachments`` (private storage, kind by content, size limit, scanner)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts import attachments
from config.errors import ActionError

# Named here because migration 0015 refers to it; the storage is the attachments door's.
private_storage = attachments.private_storage


def check_upload(upload, *, field: str) -> str:
    """Refuse what the attachments door refuses (as an error on ``field``); returns the stored extension.

    The name the browser sent is never trusted (nor kept: the stored name is random)."""
    try:
        mime = attachments.validate_attachment(upload)
    except ValidationError as refused:
        raise ActionError({field: refused.messages}) from None
    extension = attachments.ALLOWED_KINDS[mime]
    upload.name = f"upload{extension}"
    return extension.lstrip(".")
