"""The correction team (Community Corrections Law Art. 25 is checked on every change)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from config.errors import ActionError
from coordination import identity
from coordination.actions.supervisees import _check_team_has_woman
from coordination.models import (
    CorrectionTeamMember,
    Supervisee,
)

if TYPE_CHECKING:
    from accounts.models import User


def _member_name(*, role: str, user: User | None, name: str) -> str:
    """A staff member or volunteer is a user of the platform; a family contact is not, and is named."""
    family = CorrectionTeamMember.Role.FAMILY_CONTACT
    if role != family and user is None:
        raise ActionError({"user": _("Choose the staff member or volunteer.")}, code="required")
    if role == family and user is not None:
        raise ActionError(
            {"user": _("A family contact is not a user of the platform: give the name and phone.")}, code="invalid"
        )
    if role == family and not name.strip():
        raise ActionError({"name": _("Give the family contact's name.")}, code="required")
    return name.strip() or user.get_full_name()


@transaction.atomic
def add_team_member(
    *,
    supervisee: Supervisee,
    actor: User,
    role: str,
    name: str,
    sex: str,
    user: User | None = None,
    phone: str = "",
    meeting_schedule: str = "",
) -> CorrectionTeamMember:
    """Add someone to the correction team; Art. 25 is checked on the resulting team.

    Every path (team page, team API, mentor-proposal confirm and edit) asks the one question here:
    ``scoping.can(actor, "manage_team", supervisee)``."""
    if not scoping.can(actor, "manage_team", supervisee):
        raise PermissionDenied("only the supervisee's office and the bureau manage the team")
    name = _member_name(role=role, user=user, name=name)
    Supervisee.objects.select_for_update().filter(pk=supervisee.pk).first()
    current = list(supervisee.team.filter(is_active=True).values_list("sex", "is_active"))
    _check_team_has_woman(supervisee, [*current, (sex, True)])
    if user is not None:
        earlier = supervisee.team.filter(user=user, role=role).first()
        if earlier is not None and earlier.is_active:
            raise ValidationError(
                {"user": ValidationError(_("This person is already on the team in this role."), code="duplicate")}
            )
        if earlier is not None:  # taken off the team before: put back (one row per user and role)
            earlier.name, earlier.sex, earlier.is_active = name, sex, True
            earlier.phone = identity.normalise_phone(phone)
            earlier.meeting_schedule = meeting_schedule
            earlier.save(update_fields=["name", "sex", "is_active", "phone", "meeting_schedule"])
            return earlier
    return CorrectionTeamMember.objects.create(
        supervisee=supervisee,
        role=role,
        name=name,
        sex=sex,
        user=user,
        phone=identity.normalise_phone(phone),
        meeting_schedule=meeting_schedule,
    )


@transaction.atomic
def remove_team_member(*, member: CorrectionTeamMember, actor: User | None) -> None:
    """Take someone off the team; refused if a female supervisee would be left without a woman.

    ``actor`` None is the system (a volunteer's status change); a person must pass ``manage_team``."""
    if actor is not None and not scoping.can(actor, "manage_team", member.supervisee):
        raise PermissionDenied("only the supervisee's office and the bureau manage the team")
    Supervisee.objects.select_for_update().filter(pk=member.supervisee_id).first()
    rest = list(member.supervisee.team.filter(is_active=True).exclude(pk=member.pk).values_list("sex", "is_active"))
    _check_team_has_woman(member.supervisee, rest)
    CorrectionTeamMember.objects.filter(pk=member.pk).update(is_active=False)


@transaction.atomic
def end_volunteer_memberships(*, user: User, reason: str, actor: User | None) -> int:
    """End every active volunteer (mentor) row of ``user`` on any correction team, with the reason.

    Called when a volunteer leaves active service: access to mentees ends at once, so the
    Art. 25 team rule does not hold this back (the case staff see the ended row and its reason).
    Going back to active does not restore the rows: the judicial office decides the team again.
    ``actor`` is the coordinator who changed the volunteer's status (None: the system).
    """
    rows = CorrectionTeamMember.objects.select_for_update().filter(
        user=user, role=CorrectionTeamMember.Role.VOLUNTEER, is_active=True
    )
    ids = list(rows.values_list("pk", flat=True))
    return CorrectionTeamMember.objects.filter(pk__in=ids).update(
        is_active=False, ended_at=timezone.now(), end_reason=reason[:200]
    )
