"""The access log: one row per read or export of a case record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.security import current_token as current_api_token
from coordination.models import (
    AccessLog,
    Supervisee,
)

if TYPE_CHECKING:
    from accounts.models import User


def log_access(
    *,
    user: User,
    action: str,
    object_type: str,
    object_id: str = "",
    supervisee: Supervisee | None = None,
    purpose: str = "",
    path: str = "",
) -> AccessLog:
    """Append one row to the access log (reads and exports of case records)."""
    token = current_api_token()
    if token is not None:  # a program read it with an API token: say which one (docs/security.md)
        purpose = f"{purpose} · {token.label}" if purpose else token.label
    return AccessLog.objects.create(
        user=user,
        username=user.get_username(),
        supervisee=supervisee,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        purpose=purpose[:200],
        path=path[:500],
    )
