"""A counselling centre with a counsellor, a person referred to it (accepted), and the roles around them
(shared by test_counselling.py and the permission matrix)."""

from __future__ import annotations

from coordination import actions as coordination
from services.models import Membership, Organisation
from tests import factories
from tests.coordination.factories import offering

Role = Membership.Role
Kind = Organisation.Kind


def add_counselling(world) -> None:
    """Adds ``counsellor`` (staff of the city's counselling centre) to ``world.users``, refers the world's person
    to the centre (accepted) and keeps the centre as ``world.centre``."""
    centre = world.city.providers[Kind.COUNSELLING_CENTRE]
    counsellor = factories.user_with_role(Role.PROVIDER_STAFF, centre, username="counsellor")
    officer = world.users["officer"]
    offer = offering(centre, code="psychological_counselling")
    need = coordination.record_need(
        supervisee=world.supervisee, category=offer.category, urgency=2, description="情绪低落", actor=officer
    )
    coordination.record_consent(supervisee=world.supervisee, organisation=centre, recorded_by=officer)
    referral = coordination.create_referral(need=need, offering=offer, actor=officer, send=True)
    coordination.apply_verb(referral=referral, verb="accept", actor=counsellor)
    world.users["counsellor"] = counsellor
    world.centre = centre
