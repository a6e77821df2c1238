"""Who gives and takes back a person's own sign-in (the phone page, issue 15 item 7)."""

from __future__ import annotations

from typing import Any

from coordination.models import Supervisee
from supervision.policies import is_office_officer_of


def may_manage_login(user: Any, supervisee: Any) -> bool:
    """Grant, resend or revoke a person's sign-in: officers of the person's judicial office and the bureau;
    never a social worker, provider, volunteer or another office."""
    return isinstance(supervisee, Supervisee) and is_office_officer_of(user, supervisee)
