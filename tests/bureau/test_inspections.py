"""Inspections: checklist versions keep old inspections intact, findings owe the office a correction by the
deadline (shown on 今日待办 and the home page when late), the head reports it, the bureau closes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bureau import actions, selectors
from bureau.models import ChecklistItem, Finding, FollowUp, Inspection
from config.errors import ActionError
from supervision.models import Obligation
from tests.bureau.conftest import checklist, finding, inspection, today

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _owed(f: Finding):
    return Obligation.objects.filter(kind=Obligation.Kind.INSPECTION_FINDING, source_id=f.pk)


def test_a_new_checklist_version_leaves_old_inspections_as_they_were(world):
    v1 = checklist(world)
    old = inspection(world, v1, result="fail")
    old_items = list(ChecklistItem.objects.filter(checklist=v1).values_list("pk", "text"))
    v2 = checklist(world, items=("矫正档案齐全", "电子定位台账"))
    assert (v1.version, v2.version) == (1, 2)
    assert actions.current_checklist() == v2
    old.refresh_from_db()
    assert old.checklist == v1
    assert list(ChecklistItem.objects.filter(checklist=v1).values_list("pk", "text")) == old_items
    assert [r.item.text for r in old.results.all()] == ["矫正档案齐全", "每月走访记录", "教育学习台账"]
    new = inspection(world, actions.current_checklist())  # against the version in force
    assert new.checklist == v2
    assert new.results.count() == 2
    page = _client(world.users["bureau"]).get(reverse("bureau:inspection", args=[old.pk]))
    assert "每月走访记录" in page.content.decode()


def test_an_inspection_needs_a_result_for_every_item(world):
    cl = checklist(world)
    first = cl.items.first()
    with pytest.raises(ActionError) as refused:
        actions.record_inspection(
            actor=world.users["bureau"],
            office=world.city.office,
            inspected_on=today(),
            inspectors="张",
            results={first.pk: ("pass", "")},
        )
    assert "results" in refused.value.message_dict
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("role", ["officer", "head", "social_worker", "provider"])
def test_only_the_bureau_publishes_inspects_and_closes(world, role):
    with pytest.raises(PermissionDenied):
        actions.publish_checklist(actor=world.users[role], title="t", items=["a"])
    f = finding(world)
    with pytest.raises(PermissionDenied):
        actions.add_finding(inspection=f.inspection, actor=world.users[role], text="x", correction_due=today())
    with pytest.raises(PermissionDenied):
        actions.close_finding(finding=f, actor=world.users[role], text="x")


def test_the_office_head_reports_the_correction_and_the_bureau_closes_it(world):
    f = finding(world)
    owed = _owed(f).get()
    assert owed.judicial_office_id == world.city.office.pk
    assert timezone.localdate(owed.due_at) == f.correction_due
    # Not an officer, not another office's head, not the bureau: the head of the inspected office.
    for role in ("officer", "other_head", "bureau"):
        with pytest.raises(PermissionDenied):
            actions.report_correction(finding=f, actor=world.users[role], text="已整改")
    actions.report_correction(finding=f, actor=world.users["head"], text="已补签字")
    f.refresh_from_db()
    owed.refresh_from_db()
    assert f.status == Finding.Status.CORRECTED
    assert owed.done_at is not None
    # Not accepted: open again with a new deadline, owed anew.
    later = today() + dt.timedelta(days=10)
    actions.return_finding(finding=f, actor=world.users["bureau"], text="仍缺两份", correction_due=later)
    assert _owed(f).filter(done_at__isnull=True).count() == 1
    actions.report_correction(finding=f, actor=world.users["head"], text="已全部补齐")
    actions.close_finding(finding=f, actor=world.users["bureau"], text="核查属实，销号")
    f.refresh_from_db()
    assert f.status == Finding.Status.CLOSED
    assert list(f.follow_ups.values_list("kind", flat=True)) == [
        FollowUp.Kind.CORRECTION,
        FollowUp.Kind.RETURNED,
        FollowUp.Kind.CORRECTION,
        FollowUp.Kind.CLOSURE,
    ]
    assert not _owed(f).filter(done_at__isnull=True).exists()
    with pytest.raises(ActionError):
        actions.add_note(finding=f, actor=world.users["bureau"], text="x")


def test_an_overdue_finding_shows_on_todo_and_the_home_page(world):
    f = finding(world)
    Finding.objects.filter(pk=f.pk).update(correction_due=today() - dt.timedelta(days=3))
    _owed(f).update(due_at=timezone.now() - dt.timedelta(days=3))
    officer = _client(world.users["officer"])
    todo = officer.get(reverse("supervision:today")).content.decode()
    assert reverse("bureau:finding", args=[f.pk]) in todo
    home = officer.get(reverse("today"))
    items = {i.key: i for _title, group in home.context["groups"] for i in group}
    assert items["findings_late"].count == 1
    assert items["findings_late"].warn
    other = _client(world.users["other_officer"]).get(reverse("today"))
    others = {i.key: i for _title, group in other.context["groups"] for i in group}
    assert others["findings_late"].count == 0
    assert (
        reverse("bureau:finding", args=[f.pk])
        not in _client(world.users["other_officer"]).get(reverse("supervision:today")).content.decode()
    )


def test_inspections_are_scoped_to_the_office(world):
    mine = inspection(world)
    theirs = inspection(world, actions.current_checklist(), office=world.city.other_office)
    assert set(selectors.inspections(world.users["bureau"])) == {mine, theirs}
    assert list(selectors.inspections(world.users["officer"])) == [mine]
    assert list(selectors.inspections(world.users["provider"])) == []
    officer = _client(world.users["officer"])
    assert officer.get(reverse("bureau:inspection", args=[theirs.pk])).status_code == 404
    assert officer.get(reverse("bureau:office", args=[world.city.other_office.pk])).status_code == 404
    assert officer.get(reverse("bureau:office", args=[world.city.office.pk])).status_code == 200


def test_the_finding_page_and_api(world):
    f = finding(world)
    head = _client(world.users["head"])
    url = reverse("bureau:finding", args=[f.pk])
    assert head.post(url, {"do": "correct", "text": ""}).status_code == 400
    assert head.post(url, {"do": "correct", "text": "已整改"}).status_code == 302
    f.refresh_from_db()
    assert f.status == Finding.Status.CORRECTED
    bureau = _client(world.users["bureau"])
    response = bureau.post(
        f"/api/v1/bureau/findings/{f.pk}/return/", {"text": "不合格"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "correction_due" in str(response.json())
    response = bureau.post(f"/api/v1/bureau/findings/{f.pk}/close/", {"text": "销号"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    response = bureau.post(
        "/api/v1/bureau/inspections/", {"office": world.city.office.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    for field in ("inspected_on", "inspectors", "results"):
        assert field in str(response.json())
