"""Uploaded proofs of a request: through the one attachments door, ``accounts.attachments`` (private storage,
kind by content, size limit, scanner)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts import attachments
from config.errors import ActionError


def check(upload, field: str = "attachments") -> str:
    """The content type of an acceptable upload; refuses anything else with a field message naming the file."""
    try:
        return attachments.validate_attachment(upload)
    except ValidationError as refused:
        raise ActionError({field: [f"“{upload.name}”: {message}" for message in refused.messages]}) from None
