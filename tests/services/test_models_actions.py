"""Capacity, vacancies, the capacity log and eligibility rules."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from services import actions
from services.models import CapacityChange, ServiceOffering
from tests.factories import ServiceOfferingFactory

pytestmark = pytest.mark.django_db


def test_publish_capacity_records_who_when_old_and_new(role_users, offering):
    user = role_users["provider_staff"]
    change = actions.publish_capacity(offering=offering, capacity=25, user=user, note="new classroom")
    offering.refresh_from_db()
    assert offering.capacity == 25
    assert (change.old_capacity, change.new_capacity, change.changed_by, change.note) == (10, 25, user, "new classroom")
    assert change.changed_at is not None
    assert list(offering.capacity_changes.values_list("new_capacity", flat=True)) == [25, 10]


def test_publish_capacity_refuses_fewer_places_than_taken_in_both_languages(offering):
    ServiceOffering.objects.filter(pk=offering.pk).update(places_taken=6)
    for language, words in (("zh-hans", "已占用"), ("en", "already taken")):
        with translation.override(language), pytest.raises(ValidationError) as caught:
            actions.publish_capacity(offering=offering, capacity=5, user=None)
        assert words in caught.value.message_dict["capacity"][0]
    offering.refresh_from_db()
    assert offering.capacity == 10
    assert offering.vacancies == 4
    assert not offering.capacity_changes.filter(new_capacity=5).exists()


def test_database_keeps_places_taken_within_capacity(db):
    offering = ServiceOfferingFactory(capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceOffering.objects.filter(pk=offering.pk).update(places_taken=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceOffering.objects.filter(pk=offering.pk).update(places_taken=-1)
    ServiceOffering.objects.filter(pk=offering.pk).update(places_taken=2)
    offering.refresh_from_db()
    assert offering.vacancies == 0


def test_saving_an_offering_never_writes_back_a_stale_places_taken(offering):
    stale = ServiceOffering.objects.get(pk=offering.pk)
    ServiceOffering.objects.filter(pk=offering.pk).update(places_taken=3)  # a referral accepted meanwhile
    stale.description = "更新后的介绍"
    actions.save_offering(offering=stale, capacity=12, user=None)
    offering.refresh_from_db()
    assert (offering.places_taken, offering.capacity, offering.description) == (3, 12, "更新后的介绍")


def test_creating_an_offering_logs_its_first_capacity(offering):
    assert list(CapacityChange.objects.filter(offering=offering).values_list("old_capacity", "new_capacity")) == [
        (0, 10)
    ]


def test_malformed_rrule_is_a_field_error(offering):
    offering.schedule_rrule = "FREQ=SOMETIMES;BYDAY=XX"
    with pytest.raises(ValidationError) as caught:
        offering.full_clean()
    assert "schedule_rrule" in caught.value.message_dict


def test_eligibility_rules(offering):
    township = offering.service_townships.get()
    assert offering.accepts(household_type="rural", township_id=township.pk, sex="female", age=30)
    assert not offering.accepts(household_type="urban")
    assert not offering.accepts(township_id=township.pk + 1000)
    assert not offering.accepts(sex="male")
    assert not offering.accepts(age=70)
    assert not offering.accepts(sentence_type="surveillance")
    assert offering.accepts(sentence_type="parole", risk_level="low")
    assert not offering.accepts(risk_level="high")
    assert not offering.accepts(monthly_income=Decimal("900"))
    offering.accepts_minors = False
    assert not offering.accepts(age=17)
