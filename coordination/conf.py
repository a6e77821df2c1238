"""Settings of cases and referrals, with defaults; override any of them in Django settings.

``REFERRAL_RESPONSE_DAYS`` maps a service-category code to the days a provider has to
answer a sent referral; ``"default"`` covers the rest.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_RESPONSE_DAYS: dict[str, int] = {
    "default": 5,
    "temporary_assistance": 2,
    "psychological_counselling": 3,
    "medical_assistance": 3,
    "minimum_living_allowance": 10,
    "responsibility_farmland": 10,
}


def response_days(category_code: str) -> int:
    table = {**DEFAULT_RESPONSE_DAYS, **getattr(settings, "REFERRAL_RESPONSE_DAYS", {})}
    return int(table.get(category_code, table["default"]))


def BUREAU_AFTER_DAYS() -> int:
    """Days past the deadline after which the bureau is told (the officer is told at once)."""
    return int(getattr(settings, "REFERRAL_ESCALATE_TO_BUREAU_AFTER_DAYS", 3))


def EXPIRE_AFTER_DAYS() -> int:
    """Days past the deadline after which an unanswered referral expires."""
    return int(getattr(settings, "REFERRAL_EXPIRE_AFTER_DAYS", 14))
