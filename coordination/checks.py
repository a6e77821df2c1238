"""System checks of the case data's keys (docs/security.md, "Keys")."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def field_encryption_key_is_set(app_configs=None, **kwargs) -> list[Error]:
    """In production the field key is its own secret: a key derived from SECRET_KEY dies with SECRET_KEY."""
    if settings.DEBUG or settings.FIELD_ENCRYPTION_KEY.strip(" ,"):
        return []
    return [
        Error(
            "FIELD_ENCRYPTION_KEY is not set, so resident ID numbers would be encrypted with a key derived "
            "from SECRET_KEY and become unreadable when SECRET_KEY changes.",
            hint="Set FIELD_ENCRYPTION_KEY to a long random secret kept apart from backups "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))'). See docs/security.md.",
            id="coordination.E001",
        )
    ]
