"""The one check of an upload in a supervision action: the attachments door's refusal, as a field error."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts import attachments
from config.errors import ActionError


def check_upload(upload, *, field: str) -> str:
    """The content type of an acceptable upload (``accounts.attachments``); refuses anything else with a
    message on ``field`` naming the file. ``stored_name`` gives the name to store it under: the browser's
    name is never trusted for the extension."""
    try:
        mime = attachments.validate_attachment(upload)
    except ValidationError as refused:
        raise ActionError({field: [f"“{upload.name}”: {message}" for message in refused.messages]}) from None
    return mime


def stored_name(mime: str) -> str:
    """A neutral name with the extension of the detected kind (the stored path is random anyway)."""
    return f"upload{attachments.ALLOWED_KINDS[mime]}"
