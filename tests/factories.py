"""Factories for synthetic test data (Faker zh_CN: never real people)."""

from __future__ import annotations

from dataclasses import dataclass, field

import factory
from factory.django import DjangoModelFactory

from accounts import actions
from accounts.models import User
from services.models import Membership, Organisation, ServiceCategory, ServiceOffering, Township

Role = Membership.Role
Kind = Organisation.Kind
PASSWORD = "test-Passw0rd!"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class TownshipFactory(DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"town-{n}")
    name = factory.Sequence(lambda n: f"测试镇{n}")
    name_en = factory.Sequence(lambda n: f"Test Town {n}")
    latitude = factory.Sequence(lambda n: 34.5 + n * 0.01)
    longitude = factory.Sequence(lambda n: 113.4 + n * 0.01)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试机构{n}")
    name_en = factory.Sequence(lambda n: f"Test organisation {n}")
    kind = Kind.TRAINING_PROVIDER
    township = factory.SubFactory(TownshipFactory)


class ServiceOfferingFactory(DjangoModelFactory):
    class Meta:
        model = ServiceOffering

    organisation = factory.SubFactory(OrganisationFactory)
    category = factory.LazyFunction(lambda: ServiceCategory.objects.get(code="vocational_training"))
    name = factory.Sequence(lambda n: f"测试服务{n}")
    description = "免费职业技能培训，提高就业谋生能力。"
    capacity = 5


def user_with_role(role: str, organisation: Organisation, **kwargs) -> User:
    user = UserFactory(**kwargs)
    actions.grant_membership(user=user, organisation=organisation, role=role)
    return user


@dataclass
class City:
    bureau: Organisation
    townships: list[Township]
    offices: list[Organisation]
    providers: dict[str, Organisation] = field(default_factory=dict)

    @property
    def office(self) -> Organisation:
        return self.offices[0]

    @property
    def other_office(self) -> Organisation:
        return self.offices[1]


def make_city() -> City:
    townships = [TownshipFactory(), TownshipFactory()]
    bureau = OrganisationFactory(
        name="测试市司法局", name_en="Test City Justice Bureau", kind=Kind.JUSTICE_BUREAU, township=None
    )
    offices = [
        OrganisationFactory(name=f"{t.name}司法所", kind=Kind.JUDICIAL_OFFICE, township=t, parent=bureau)
        for t in townships
    ]
    providers = {
        kind: OrganisationFactory(kind=kind, township=townships[0])
        for kind in Organisation.PROVIDER_KINDS
        if kind != Kind.JUDICIAL_OFFICE
    }
    return City(bureau=bureau, townships=townships, offices=offices, providers=providers)


def users_for_every_role(city: City) -> dict[str, User]:
    return {
        Role.BUREAU_ADMIN: user_with_role(Role.BUREAU_ADMIN, city.bureau, username="bureau"),
        Role.OFFICE_OFFICER: user_with_role(Role.OFFICE_OFFICER, city.office, username="officer"),
        Role.SOCIAL_WORKER: user_with_role(Role.SOCIAL_WORKER, city.office, username="socialworker"),
        Role.PROVIDER_STAFF: user_with_role(
            Role.PROVIDER_STAFF, city.providers[Kind.TRAINING_PROVIDER], username="provider"
        ),
        Role.VOLUNTEER_COORDINATOR: user_with_role(
            Role.VOLUNTEER_COORDINATOR, city.providers[Kind.VOLUNTEER_TEAM], username="coordinator"
        ),
        Role.CONTENT_EDITOR: user_with_role(Role.CONTENT_EDITOR, city.bureau, username="editor"),
    }
