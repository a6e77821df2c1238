"""A small matching world: one city, two offices, a supervisee with an open need, offerings that fit or not."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from coordination import actions as coordination_actions
from coordination.models import Need, Supervisee
from services.models import Membership, Organisation, ServiceOffering
from tests import factories
from tests.coordination.factories import make_supervisee

Role = Membership.Role
Kind = Organisation.Kind


@dataclass
class MatchWorld:
    city: factories.City
    bureau: User
    officer: User
    other_officer: User
    supervisee: Supervisee
    need: Need
    other_need: Need
    near: ServiceOffering  # same township, whole city, consent recorded
    far: ServiceOffering  # other township, whole city, no consent
    full: ServiceOffering  # no place left
    outside: ServiceOffering  # serves only the other township
    urban_only: ServiceOffering  # the supervisee is rural


def make_match_world() -> MatchWorld:
    city = factories.make_city()
    bureau = factories.user_with_role(Role.BUREAU_ADMIN, city.bureau, username="mbureau")
    officer = factories.user_with_role(Role.OFFICE_OFFICER, city.office, username="mofficer")
    other_officer = factories.user_with_role(Role.OFFICE_OFFICER, city.other_office, username="motherofficer")
    here, there = city.townships
    supervisee = make_supervisee(office=city.office, actor=bureau, township=here, household_type="rural")
    other = make_supervisee(office=city.other_office, actor=bureau, township=there)

    def org(township, name):
        return factories.OrganisationFactory(kind=Kind.TRAINING_PROVIDER, township=township, name=name)

    near = factories.ServiceOfferingFactory(organisation=org(here, "近处培训学校"), name="电工培训", capacity=1)
    far = factories.ServiceOfferingFactory(organisation=org(there, "远处培训学校"), name="焊工培训", capacity=3)
    full = factories.ServiceOfferingFactory(organisation=org(here, "满员培训学校"), name="厨师培训", capacity=0)
    outside = factories.ServiceOfferingFactory(
        organisation=org(there, "本地培训学校"), name="本地培训", capacity=3, whole_city=False
    )
    outside.service_townships.set([there])
    urban_only = factories.ServiceOfferingFactory(
        organisation=org(here, "城镇培训学校"), name="城镇培训", capacity=3, household_type="urban"
    )
    need = coordination_actions.record_need(
        supervisee=supervisee, category=near.category, urgency=3, description="想学电工", actor=officer
    )
    other_need = coordination_actions.record_need(
        supervisee=other, category=near.category, urgency=1, description="", actor=bureau
    )
    coordination_actions.record_consent(supervisee=supervisee, organisation=near.organisation, recorded_by=officer)
    return MatchWorld(
        city, bureau, officer, other_officer, supervisee, need, other_need, near, far, full, outside, urban_only
    )
