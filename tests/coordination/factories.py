"""Synthetic cases for tests (Faker zh_CN names, synthetic resident ID numbers)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.utils import timezone
from faker import Faker

from accounts.models import User
from coordination import actions, identity
from coordination.models import CorrectionTeamMember, Need, Referral, Sex, Supervisee
from services.models import Membership, Organisation, ServiceCategory, ServiceOffering
from tests import factories

Role = Membership.Role
Kind = Organisation.Kind
fake = Faker("zh_CN")
_sequence = itertools.count(1)


def resident_id(*, born: dt.date, sex: str = Sex.MALE) -> str:
    n = next(_sequence)
    return identity.synthetic_resident_id(region=f"{410100 + n // 500:06d}", born=born, sequence=n % 500, sex=sex)


def make_supervisee(
    *, office: Organisation, actor: User | None = None, sex: str = Sex.MALE, age: int = 30, **overrides
):
    today = timezone.localdate()
    born = overrides.pop("date_of_birth", today - dt.timedelta(days=age * 365 + 40))
    start = overrides.pop("correction_start", today - dt.timedelta(days=30))
    actor = actor or User.objects.filter(is_superuser=True).first() or bureau_actor()
    given = fake.first_name()
    fields = {
        "name": fake.last_name() + given,
        "given_name": given,
        "sex": sex,
        "date_of_birth": born,
        "phone": "13912345678",
        "household_type": "rural",
        "township": office.township,
        "address": "测试路1号",
        "judicial_office": office,
        "sentence_type": "probation",
        "offence_category": "theft",
        "correction_start": start,
        "correction_end": start + dt.timedelta(days=365),
        "risk_level": "medium",
        "status": Supervisee.Status.UNDER_CORRECTION,
    }
    fields.update(overrides)
    team = overrides.pop("team", None)
    fields.pop("team", None)
    if team is None:
        team = [{"role": CorrectionTeamMember.Role.SOCIAL_WORKER, "name": fake.name_female(), "sex": Sex.FEMALE}]
    return actions.create_supervisee(actor=actor, resident_id=resident_id(born=born, sex=sex), team=team, **fields)


def bureau_actor() -> User:
    return User.objects.create_superuser(username=f"root{next(_sequence)}", email="", password=factories.PASSWORD)


def offering(organisation: Organisation, *, code: str = "vocational_training", capacity: int = 5) -> ServiceOffering:
    return factories.ServiceOfferingFactory(
        organisation=organisation, category=ServiceCategory.objects.get(code=code), capacity=capacity
    )


@dataclass
class World:
    """A city with one user per role, a supervisee of the first office and referrals in several states."""

    city: factories.City
    users: dict[str, User]
    supervisee: Supervisee
    other_supervisee: Supervisee
    offering: ServiceOffering
    need: Need
    referrals: dict[str, Referral] = field(default_factory=dict)

    @property
    def provider_org(self) -> Organisation:
        return self.city.providers[Kind.TRAINING_PROVIDER]


def make_world() -> World:
    city = factories.make_city()
    base = factories.users_for_every_role(city)
    users = {
        "bureau": base[Role.BUREAU_ADMIN],
        "officer": base[Role.OFFICE_OFFICER],
        "social_worker": base[Role.SOCIAL_WORKER],
        "provider": base[Role.PROVIDER_STAFF],
        "other_officer": factories.user_with_role(Role.OFFICE_OFFICER, city.other_office, username="otherofficer"),
        "volunteer": factories.UserFactory(username="volunteer"),
        "editor": base[Role.CONTENT_EDITOR],
        "employer": factories.user_with_role(Role.PROVIDER_STAFF, city.providers[Kind.EMPLOYER], username="employer"),
    }
    for user in users.values():
        user.phone = "+8613900000000"
        user.save(update_fields=["phone"])
    bureau = users["bureau"]
    supervisee = make_supervisee(office=city.office, actor=bureau)
    actions.add_team_member(
        supervisee=supervisee,
        actor=bureau,
        role=CorrectionTeamMember.Role.VOLUNTEER,
        name=users["volunteer"].full_name,
        sex=Sex.FEMALE,
        user=users["volunteer"],
        meeting_schedule="每周三 15:00",
    )
    actions.add_team_member(
        supervisee=supervisee,
        actor=bureau,
        role=CorrectionTeamMember.Role.OFFICER,
        name=users["officer"].full_name,
        sex=Sex.MALE,
        user=users["officer"],
    )
    other = make_supervisee(office=city.other_office, actor=bureau)
    offer = offering(city.providers[Kind.TRAINING_PROVIDER], capacity=5)
    officer = users["officer"]
    need = actions.record_need(
        supervisee=supervisee, category=offer.category, urgency=2, description="想学电工", actor=officer
    )
    actions.record_consent(supervisee=supervisee, organisation=offer.organisation, recorded_by=officer)
    world = World(city=city, users=users, supervisee=supervisee, other_supervisee=other, offering=offer, need=need)
    provider = users["provider"]
    world.referrals["draft"] = actions.create_referral(need=need, offering=offer, actor=officer)
    for state in ("sent", "accepted", "in_service"):
        referral = actions.create_referral(need=need, offering=offer, actor=officer, send=True)
        if state in ("accepted", "in_service"):
            actions.apply_verb(referral=referral, verb="accept", actor=provider)
        if state == "in_service":
            actions.apply_verb(referral=referral, verb="start", actor=provider)
        referral.refresh_from_db()
        world.referrals[state] = referral
    return world
