"""Uploaded evidence and documents (signed scans, proofs, health reports): the one door for attachments.

- **Stored privately.** ``private_storage`` keeps files under ``PRIVATE_MEDIA_ROOT``, outside
  ``MEDIA_ROOT``: the reverse proxy serves ``/media/`` (public outreach images) and never these. The
  storage has no URL; a file reaches a reader only through a view that starts from a scoped selector,
  logs the read and calls :func:`serve`.
- **Unguessable names.** ``private_path`` names a file by a random token, never by the uploader's name.
- **Checked by content, not by name.** :func:`validate_attachment` reads the file's first bytes
  (``filetype``) and accepts only the kinds in ``ALLOWED_KINDS`` (JPEG, PNG, PDF), up to
  ``settings.ATTACHMENT_MAX_BYTES``; then the configured scanner (``settings.ATTACHMENT_SCANNER``) may
  refuse it. Forms and serializers call it (through :class:`AttachmentField`); the message says what
  was wrong and how to fix it, in the user's language.
- **An antivirus hook.** A scanner is a class with ``scan(file)`` that raises :class:`Refused`;
  ``NoScanner`` accepts everything (the default; docs/security.md says how to plug ClamAV in), the
  recording fake ``RecordingScanner`` refuses the EICAR test string and remembers what it saw.
"""

from __future__ import annotations

import mimetypes
import os
import secrets
from pathlib import PurePosixPath
from typing import Any

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# The kinds of file an attachment may be, by the MIME type read from its content, with the extension
# it is stored under.
ALLOWED_KINDS: dict[str, str] = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}

# The EICAR antivirus test string: the recording fake refuses a file that contains it.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class PrivateStorage(FileSystemStorage):
    """Files under ``PRIVATE_MEDIA_ROOT`` (read at each use, so a test or a deployment may move it) with no
    public address."""

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private attachments have no URL; serve them through a scoped view")


def private_storage() -> PrivateStorage:
    """The storage of every attachment (a callable, so tests and deployments can move the root)."""
    return PrivateStorage()


def private_path(instance: Any, filename: str) -> str:
    """``<app>/<model>/<year>/<random token><extension of the detected kind>`` (the upload's name is not kept)."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in ALLOWED_KINDS.values():
        suffix = ""
    meta = instance._meta
    return f"{meta.app_label}/{meta.model_name}/{timezone.localdate():%Y}/{secrets.token_urlsafe(18)}{suffix}"


class Refused(Exception):
    """A scanner refused the file; the message says why (shown to the uploader)."""


class NoScanner:
    """Accepts every file (the default until an antivirus is configured)."""

    def scan(self, file: Any) -> None:
        return None


class RecordingScanner:
    """The fake for tests: remembers the names it scanned and refuses the EICAR test string."""

    scanned: list[str] = []

    def scan(self, file: Any) -> None:
        RecordingScanner.scanned.append(getattr(file, "name", ""))
        data = _read_all(file)
        if EICAR in data:
            raise Refused(_("The virus scanner refused this file. Scan your device, then upload a clean copy."))


def scanner() -> NoScanner | RecordingScanner:
    return import_string(getattr(settings, "ATTACHMENT_SCANNER", "accounts.attachments.NoScanner"))()


def _read_all(file: Any) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    data = file.read()
    file.seek(position)
    return data


def detected_kind(file: Any) -> str | None:
    """The MIME type read from the file's first bytes, or None when it is not a kind we know."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(261)
    file.seek(position)
    kind = filetype.guess(head)
    return kind.mime if kind is not None else None


def validate_attachment(file: Any) -> str:
    """Check an upload (size, kind by content, scanner); returns its MIME type or raises ValidationError."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _(
                "The file is %(size)s MB; the largest accepted is %(limit)s MB. Photograph or scan it at a lower resolution."
            )
            % {"size": f"{file.size / 1_000_000:.1f}", "limit": f"{limit / 1_000_000:.0f}"},
            code="too_large",
        )
    if file.size == 0:
        raise ValidationError(_("The file is empty. Choose the file again."), code="empty")
    mime = detected_kind(file)
    if mime not in ALLOWED_KINDS:
        raise ValidationError(
            _("This file is not a photo (JPEG or PNG) or a PDF. Upload a photo or a PDF of the document."),
            code="kind",
        )
    try:
        scanner().scan(file)
    except Refused as refused:
        raise ValidationError(str(refused), code="refused") from None
    return mime


class AttachmentField(forms.FileField):
    """A form field for an attachment: the checks of :func:`validate_attachment`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_KINDS)}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        file = super().clean(data, initial)
        if file and hasattr(file, "size") and not isinstance(file, str) and file is not initial:
            validate_attachment(file)
        return file


def serve(field_file: Any, *, download_name: str) -> FileResponse:
    """A response with an attachment's bytes (the caller has scoped and logged the read)."""
    mime = detected_kind(field_file) or mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    field_file.open("rb")
    suffix = ALLOWED_KINDS.get(mime, "")
    response = FileResponse(field_file, content_type=mime, as_attachment=True, filename=f"{download_name}{suffix}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
