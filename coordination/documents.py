"""The referral letter (转介函): what it says, taken only from what the provider it goes to may see of the
person (``ReferralPolicy.fields`` on the provider side: the base fields plus their kind's extra, minus the
fields hidden for a minor), in Chinese whatever the printing user's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import override

from coordination import policies
from coordination.models import Referral
from coordination.serializers import display_rows


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return f"{value:%Y年%m月%d日}"
    return str(value)


def _when(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y年%m月%d日 %H:%M}" if moment else "—"


def referral_letter_data(referral: Referral) -> dict[str, str]:
    """The letter's data: the provider, the service, the need, the message to the provider and the person's
    particulars the provider may see; nothing a provider is not shown on its own referral page."""
    supervisee = referral.need.supervisee
    fields = policies.referrals().fields(None, referral, side="provider")
    with override("zh-hans"):
        particulars = [f"{label}：{_value(value)}" for label, value in display_rows(supervisee, fields)]
        return {
            "provider": referral.offering.organisation.display_name,
            "service": referral.offering.name,
            "category": referral.need.category.display_name,
            "particulars": "\n".join(particulars),
            "need": referral.need.description or "—",
            "message": referral.message or "—",
            "sent_on": _when(referral.sent_at),
            "respond_by": _when(referral.deadline),
        }
