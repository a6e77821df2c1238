"""Directory factories: locations and offerings with every optional part filled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from services import actions
from services.models import (
    HouseholdType,
    Language,
    Location,
    RiskLevel,
    SentenceType,
    ServiceCategory,
    ServiceOffering,
    Sex,
)
from tests.factories import OrganisationFactory, ServiceOfferingFactory, TownshipFactory


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"测试服务点{n}")
    address = factory.Sequence(lambda n: f"测试路{n}号")
    township = factory.SubFactory(TownshipFactory)
    latitude = Decimal("34.530000")
    longitude = Decimal("113.380000")


def category(code: str = "vocational_training") -> ServiceCategory:
    return ServiceCategory.objects.get(code=code)


def full_offering(**overrides) -> ServiceOffering:
    """An offering with every optional part filled (schedule, area, eligibility, location, cost, contact)."""
    organisation = overrides.pop("organisation", None) or OrganisationFactory(
        description="测试机构简介", email="org@example.cn", website="https://org.example.cn", phone="0371-11111111"
    )
    township = organisation.township or TownshipFactory()
    location = LocationFactory(organisation=organisation, township=township, transportation="乘1路公交车")
    fields = {
        "organisation": organisation,
        "category": category("psychological_counselling"),
        "name": "全量测试服务",
        "description": "提供一对一心理咨询和家庭关系辅导。",
        "household_type": HouseholdType.RURAL,
        "whole_city": False,
        "sex": Sex.FEMALE,
        "min_age": 16,
        "max_age": 60,
        "sentence_types": [SentenceType.PROBATION, SentenceType.PAROLE],
        "risk_levels": [RiskLevel.LOW],
        "accepts_minors": True,
        "income_limit": Decimal("800.00"),
        "languages": [Language.MANDARIN, Language.ENGLISH, Language.HENAN_DIALECT],
        "eligibility_description": "本市社区矫正对象",
        "application_process": "电话预约",
        "schedule_rrule": "DTSTART:20260105T090000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=20;WKST=MO",
        "opens_at": dt.time(9),
        "closes_at": dt.time(17),
        "schedule_description": "法定节假日除外",
        "is_free": False,
        "cost_description": "每次20元，低保对象免费",
        "contact_name": "王老师",
        "contact_phone": "0371-22222222",
        "contact_email": "contact@example.cn",
    }
    fields.update(overrides)
    capacity = fields.pop("capacity", 10)
    offering = ServiceOffering(**fields)
    actions.save_offering(
        offering=offering, capacity=capacity, user=None, service_townships=[township], locations=[location]
    )
    return offering


__all__ = ["LocationFactory", "ServiceOfferingFactory", "category", "full_offering"]
