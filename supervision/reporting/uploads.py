"""Reporting's uploads: the storage named by migration 0015 (the attachments door's); checks are
``supervision.uploads.check_upload``."""

from __future__ import annotations

from accounts import attachments

private_storage = attachments.private_storage
