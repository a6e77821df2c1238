"""Uploaded proofs: JPEG, PNG or PDF recognised by their content (not their name), within a size limit."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from config.errors import ActionError

ALLOWED = {"image/jpeg", "image/png", "application/pdf"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "SUPERVISION_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def check(upload, field: str = "attachments") -> str:
    """The content type of an acceptable upload; refuses anything else with a field message."""
    limit = max_bytes()
    if upload.size > limit:
        raise ActionError(
            {field: _("The file “%(name)s” is larger than %(mb)s MB.") % {"name": upload.name, "mb": limit // 2**20}}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED:
        raise ActionError({field: _("“%(name)s” is not a photo (JPEG, PNG) or a PDF.") % {"name": upload.name}})
    return kind.mime
