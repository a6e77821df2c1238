"""The bureau's world: the supervision test city (one user per role) plus the heads of both offices, and
builders of its meetings, inspections, budget lines, spending and contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.roles import Role
from bureau import actions
from services.models import Organisation
from tests import factories
from tests.coordination.factories import make_world


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db, settings):
    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    w = make_world()
    w.users["head"] = factories.user_with_role(Role.OFFICE_HEAD, w.city.office, username="officehead")
    w.users["other_head"] = factories.user_with_role(Role.OFFICE_HEAD, w.city.other_office, username="otherhead")
    return w


def today() -> dt.date:
    return timezone.localdate()


def meeting(w, **fields):
    values = {
        "title": "2026年第四季度社区矫正工作领导小组联席会议",
        "held_at": timezone.now() - dt.timedelta(days=1),
        "place": "市司法局三楼会议室",
        "departments": ["justice", "court", "public_security"],
        "agenda": "通报本季度社区矫正工作情况",
        "decisions": "各司法所于月底前完成档案自查",
    }
    values.update(fields)
    return actions.record_meeting(actor=w.users["bureau"], **values)


def item(w, m=None, *, office=None, due_on=None, department="judicial_office"):
    return actions.add_action_item(
        meeting=m or meeting(w),
        actor=w.users["bureau"],
        task="完成社区矫正档案自查",
        owner_department=department,
        owner_organisation=w.city.office if office is None else office,
        due_on=due_on or today() + dt.timedelta(days=14),
    )


def checklist(w, items=("矫正档案齐全", "每月走访记录", "教育学习台账")):
    return actions.publish_checklist(actor=w.users["bureau"], title="司法所社区矫正工作检查表", items=list(items))


def inspection(w, cl=None, office=None, result="pass"):
    cl = cl or checklist(w)
    return actions.record_inspection(
        actor=w.users["bureau"],
        office=office or w.city.office,
        inspected_on=today(),
        inspectors="张检查、李督导",
        results={i.pk: (result, "") for i in cl.items.all()},
        checklist=cl,
    )


def finding(w, insp=None, due=None):
    return actions.add_finding(
        inspection=insp or inspection(w),
        actor=w.users["bureau"],
        text="走访记录缺少签字",
        correction_due=due or today() + dt.timedelta(days=30),
    )


def budget_line(w, *, year=None, category="casework", approved="100000.00"):
    return actions.record_budget_line(
        actor=w.users["bureau"], year=year or today().year, category=category, approved=Decimal(approved)
    )


def expenditure(w, line, *, amount="1000.00", on=None, contract=None, reason="", purpose="购置矫正宣传资料"):
    return actions.record_expenditure(
        actor=w.users["bureau"],
        budget_line=line,
        spent_on=on or _in_year(line.year),
        amount=Decimal(amount),
        purpose=purpose,
        contract=contract,
        overspend_reason=reason,
    )


def _in_year(year: int) -> dt.date:
    """A day of the line's year not in the future (today for this year)."""
    return min(today(), dt.date(year, 12, 31))


def contract(w, organisation=None, *, number="GM-2026-001", amount="200000.00", line=None, **targets):
    return actions.record_contract(
        actor=w.users["bureau"],
        organisation=organisation or w.city.providers[Organisation.Kind.TRAINING_PROVIDER],
        title="社区矫正社会工作服务项目",
        number=number,
        starts_on=today() - dt.timedelta(days=60),
        ends_on=today() + dt.timedelta(days=300),
        amount=Decimal(amount),
        budget_line=line,
        **targets,
    )


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def training(w, role="officer", *, actor=None, organisation=None, hours="3", trained_on=None, certificate=False):
    """A training of ``w.users[role]`` counted for their own office (recorded by themselves unless told)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    trainee = w.users[role]
    return actions.record_training(
        actor=actor or trainee,
        trainee=trainee,
        organisation=organisation or w.city.office,
        course="社区矫正法及实施办法专题培训",
        provider="市司法局",
        kind="legal_policy",
        trained_on=trained_on or today(),
        hours=Decimal(hours),
        certificate=SimpleUploadedFile("结业证书.png", PNG, content_type="image/png") if certificate else None,
    )
