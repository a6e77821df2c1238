"""Volunteer test data (synthetic). Helpers build the usual situations in one call."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from services.models import Organisation
from tests.factories import OrganisationFactory, UserFactory
from volunteers import actions
from volunteers.models import Opportunity, Shift, StatusChange, TrainingCourse, Volunteer

_phones = itertools.count(1)


def team(name: str = "测试志愿者协会") -> Organisation:
    return Organisation.objects.get_or_create(
        name=name, defaults={"kind": Organisation.Kind.VOLUNTEER_TEAM, "name_en": "Test volunteers"}
    )[0]


def volunteer(
    *, organisation: Organisation | None = None, status: str = Volunteer.Status.ACTIVE, trained: bool = True, **kwargs
) -> Volunteer:
    n = next(_phones)
    phone, email = kwargs.pop("phone", f"+86139{n:08d}"), kwargs.pop("email", f"vol{n}@example.cn")
    user = UserFactory(email=email, phone=phone)  # as an application makes it: the login has the same address
    v = Volunteer.objects.create(
        user=user,
        organisation=organisation or team(),
        status=status,
        full_name=kwargs.pop("full_name", "王小明"),
        phone=phone,
        email=email,
        consent_at=timezone.now(),
        consent_version="test",
        **kwargs,
    )
    StatusChange.objects.create(volunteer=v, to_status=status)
    if trained:
        train(v)
    return v


def train(v: Volunteer, codes: list[str] | None = None, completed_on: dt.date | None = None) -> None:
    day = completed_on or timezone.localdate() - dt.timedelta(days=10)
    for course in TrainingCourse.objects.filter(code__in=codes) if codes else TrainingCourse.objects.all():
        actions.record_training(volunteer=v, course=course, completed_on=day, actor=None)


def opportunity(
    *, organisation: Organisation | None = None, kind: str = Opportunity.Kind.EDUCATION_SESSION, courses=(), **kwargs
) -> Opportunity:
    return actions.create_opportunity(
        actor=None,
        organisation=organisation or team(),
        kind=kind,
        title=kwargs.pop("title", "法治教育集中学习"),
        required_courses=TrainingCourse.objects.filter(code__in=list(courses)),
        **kwargs,
    )


def shift(
    *,
    opp: Opportunity | None = None,
    in_hours: float = 48,
    hours: float = 3,
    capacity: int = 2,
    place: str = "司法所会议室",
) -> Shift:
    start = timezone.now().replace(microsecond=0) + dt.timedelta(hours=in_hours)
    return actions.create_shift(
        actor=None,
        opportunity=opp or opportunity(),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        place=place,
        capacity=capacity,
    )


def coordinator(organisation: Organisation | None = None, **kwargs):
    from services.models import Membership
    from tests.factories import user_with_role

    return user_with_role(Membership.Role.VOLUNTEER_COORDINATOR, organisation or team(), **kwargs)


__all__ = ["OrganisationFactory", "coordinator", "opportunity", "shift", "team", "train", "volunteer"]
