"""Shared pieces of the case actions: the errors and who is told about a referral (through the outbox)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from accounts import scoping
from accounts.roles import holders_of
from accounts.selectors import bureau_admins
from config.errors import ActionError
from coordination import naming, policies
from coordination.models import (
    CorrectionTeamMember,
    Referral,
)
from notifications.actions import notify
from services.models import Membership

if TYPE_CHECKING:
    from accounts.models import User


State = Referral.State
Role = Membership.Role


class ReferralError(ActionError):
    """A transition that the table or the situation forbids (wrong state, no place left, no consent)."""


class NoPlaceLeft(ReferralError):
    pass


def _notify(
    *, recipients: list[User], kind: str, subject: str, body: str, referral: Referral | None, sms: bool = False
) -> list[int]:
    """Notify through the outbox (inbox always; e-mail if the user has an address; SMS if asked and a phone).

    About a referral, only those the referral policy's ``audience`` lets read it are told."""
    url = reverse("coordination:referral", kwargs={"uuid": referral.uuid}) if referral else ""
    if referral is not None:
        recipients = list(scoping.policy_for(Referral).audience(policies.ReferralNotice(referral, tuple(recipients))))
    person = referral.need.supervisee if referral is not None else None
    return notify(
        recipients=recipients, kind=kind, subject=subject, body=body, link=url, about=referral, person=person, sms=sms
    )


def _members(organisation_id: int, *wanted: str) -> list[User]:
    """The active holders of these roles in an organisation (an office head counts as an officer)."""
    from accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role__in=holders_of(*wanted),
            memberships__is_active=True,
        ).distinct()
    )


def _bureau_admins() -> list[User]:
    """The bureau as recipients (bureau heads included): the one definition in accounts.selectors."""
    return bureau_admins()


def _referral_label(referral: Referral, side: str) -> str:
    """ "张楠（矫正编号…0042） · 就业 · 电工培训": the person named as far as that side may see them."""
    fields = policies.referrals().fields(None, referral, side=side)
    person = naming.short_label(referral.need.supervisee, fields)
    return " · ".join(part for part in (person, referral.need.category.name, referral.offering.name) if part)


def _case_staff(referral: Referral) -> list[User]:
    """Who hears about the provider's answer: the sender and the case team's staff."""
    supervisee = referral.need.supervisee
    team = [
        m.user
        for m in supervisee.team.filter(
            is_active=True,
            user__isnull=False,
            role__in=[CorrectionTeamMember.Role.OFFICER, CorrectionTeamMember.Role.SOCIAL_WORKER],
        ).select_related("user")
    ]
    return [u for u in [referral.sent_by, referral.created_by, *team] if u is not None]
