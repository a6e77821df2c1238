"""Joint meetings and their action items: who may write, the obligation each open item owes (created,
moved, closed, escalated once), the lists each role sees, and the API's 400s."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bureau import actions, selectors
from bureau.models import ActionItem, Meeting
from config.errors import ActionError
from notifications.models import Notification
from supervision import actions as supervision_actions
from supervision import tasks
from supervision.models import Obligation
from tests.bureau.conftest import item, meeting, today

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _obligations(row: ActionItem):
    return Obligation.objects.filter(kind=Obligation.Kind.ACTION_ITEM, source_id=row.pk)


@pytest.mark.parametrize("role", ["officer", "head", "social_worker", "provider", "volunteer", "editor"])
def test_only_the_bureau_records_meetings_and_items(world, role):
    with pytest.raises(PermissionDenied):
        actions.record_meeting(
            actor=world.users[role],
            title="会议",
            held_at=timezone.now(),
            place="会议室",
            departments=["court"],
            agenda="议程",
        )
    m = meeting(world)
    with pytest.raises(PermissionDenied):
        actions.add_action_item(meeting=m, actor=world.users[role], task="t", owner_department="court", due_on=today())
    it = item(world, m)
    with pytest.raises(PermissionDenied):
        actions.close_action_item(item=it, actor=world.users[role], status="done")
    assert ActionItem.objects.get(pk=it.pk).status == ActionItem.Status.OPEN


def test_an_item_owes_its_office_an_obligation_until_it_is_done(world):
    due = today() + dt.timedelta(days=10)
    it = item(world, due_on=due)
    owed = _obligations(it).get()
    assert owed.judicial_office_id == world.city.office.pk
    assert owed.done_at is None
    assert timezone.localdate(owed.due_at) == due
    assert timezone.localdate(owed.remind_from) == due - dt.timedelta(days=7)  # the rule book's default
    actions.close_action_item(item=it, actor=world.users["bureau"], status="done", outcome="已完成自查")
    owed.refresh_from_db()
    assert owed.done_at is not None
    with pytest.raises(ActionError):  # closing twice is refused, nothing changes
        actions.close_action_item(item=it, actor=world.users["bureau"], status="dropped", outcome="x")


def test_an_item_of_a_department_off_the_platform_is_owed_by_the_bureau(world):
    it = actions.add_action_item(
        meeting=meeting(world),
        actor=world.users["bureau"],
        task="协调公安机关提供协查",
        owner_department="public_security",
        due_on=today() + dt.timedelta(days=5),
    )
    assert _obligations(it).get().judicial_office_id == world.city.bureau.pk


def test_dropping_needs_a_reason_and_closes_the_obligation(world):
    it = item(world)
    with pytest.raises(ActionError) as refused:
        actions.close_action_item(item=it, actor=world.users["bureau"], status="dropped", outcome=" ")
    assert "outcome" in refused.value.message_dict
    actions.close_action_item(item=it, actor=world.users["bureau"], status="dropped", outcome="会议决定取消")
    assert _obligations(it).get().done_at is not None


def test_a_new_date_restarts_the_obligation(world):
    it = item(world)
    Obligation.objects.filter(pk=_obligations(it).get().pk).update(escalation_level=2)
    later = today() + dt.timedelta(days=40)
    actions.edit_action_item(
        item=it,
        actor=world.users["bureau"],
        task=it.task,
        owner_department=it.owner_department,
        owner_organisation=it.owner_organisation,
        due_on=later,
    )
    owed = _obligations(it).get()
    assert timezone.localdate(owed.due_at) == later
    assert owed.escalation_level == 0


def test_an_overdue_item_escalates_each_level_once_and_the_page_refuses_mark_done(
    world, django_capture_on_commit_callbacks
):
    it = item(world)
    owed = _obligations(it).get()
    Obligation.objects.filter(pk=owed.pk).update(due_at=supervision_actions.end_of_day(today() - dt.timedelta(days=6)))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_obligations() == 3
        assert tasks.escalate_obligations() == 0
    owed.refresh_from_db()
    assert owed.escalation_level == Obligation.Level.BUREAU
    told = Notification.objects.filter(recipient=world.users["officer"], channel=Notification.Channel.INBOX)
    assert told.exists()
    assert reverse("bureau:action-item", args=[it.pk]) in told.first().url
    assert not Notification.objects.filter(recipient=world.users["other_officer"]).exists()
    with pytest.raises(ActionError):  # closed only by its own page
        supervision_actions.complete_obligation(obligation=owed, actor=world.users["bureau"])


def test_lists_are_scoped_to_the_owner_office(world):
    mine = item(world)
    theirs = item(world, office=world.city.other_office)
    assert set(selectors.action_items(world.users["bureau"])) == {mine, theirs}
    assert list(selectors.action_items(world.users["officer"])) == [mine]
    assert list(selectors.action_items(world.users["other_head"])) == [theirs]
    assert list(selectors.action_items(world.users["social_worker"])) == []
    # Office staff read every meeting; the meeting page shows them only their own items.
    page = _client(world.users["officer"]).get(reverse("bureau:meeting", args=[mine.meeting_id]))
    assert page.status_code == 200
    assert list(page.context["items"]) == [mine]
    assert _client(world.users["officer"]).get(reverse("bureau:action-item", args=[theirs.pk])).status_code == 404
    assert _client(world.users["provider"]).get(reverse("bureau:meetings")).status_code == 403


def test_the_item_list_filters_by_owner_status_and_overdue(world):
    late = item(world, due_on=today() + dt.timedelta(days=1))
    ActionItem.objects.filter(pk=late.pk).update(due_on=today() - dt.timedelta(days=2))
    other = item(world, office=world.city.other_office)
    bureau = _client(world.users["bureau"])
    url = reverse("bureau:action-items")
    assert list(bureau.get(url, {"overdue": "on"}).context["page"].object_list) == [late]
    by_office = bureau.get(url, {"organisation": world.city.other_office.pk}).context["page"].object_list
    assert list(by_office) == [other]
    assert list(bureau.get(url, {"status": "done"}).context["page"].object_list) == []
    response = bureau.get(url, {"overdue": "on"})
    assert "逾期" in response.content.decode() or "overdue" in response.content.decode()


def test_the_api_answers_bad_input_with_field_messages(world):
    api = _client(world.users["bureau"])
    response = api.post(
        "/api/v1/bureau/meetings/", {"title": "", "departments": ["moon"]}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    text = str(body)
    for field in ("title", "held_at", "departments", "agenda"):
        assert field in text
    m = meeting(world)
    response = api.post(
        "/api/v1/bureau/action-items/",
        {"meeting": m.pk, "task": "t", "owner_department": "judicial_office", "due_on": today().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400  # a judicial office's item names the office
    assert "owner_organisation" in str(response.json())
    it = item(world, m)
    response = api.post(
        f"/api/v1/bureau/action-items/{it.pk}/close/", {"status": "dropped"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "outcome" in str(response.json())
    officer = _client(world.users["officer"])
    response = officer.post(
        "/api/v1/bureau/meetings/",
        {"title": "会", "held_at": timezone.now().isoformat(), "place": "p", "departments": ["court"], "agenda": "a"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_meeting_with_items_is_not_deleted_and_deleting_asks_first(world):
    m = meeting(world)
    bureau = _client(world.users["bureau"])
    url = reverse("bureau:meeting-delete", args=[m.pk])
    assert bureau.get(url).status_code == 200  # the confirmation
    assert bureau.post(url, {}).status_code == 200  # not confirmed: asked again
    assert Meeting.objects.filter(pk=m.pk).exists()
    item(world, m)
    bureau.post(url, {"confirmed": "yes"})
    assert Meeting.objects.filter(pk=m.pk).exists()
    empty = meeting(world, title="空会议")
    bureau.post(reverse("bureau:meeting-delete", args=[empty.pk]), {"confirmed": "yes"})
    assert not Meeting.objects.filter(pk=empty.pk).exists()


def test_the_pages_record_a_meeting_and_an_item(world):
    bureau = _client(world.users["bureau"])
    response = bureau.post(
        reverse("bureau:meeting-new"),
        {
            "title": "联席会议",
            "held_at": "2026-11-20T09:30",
            "place": "会议室",
            "departments": ["court", "procuratorate"],
            "agenda": "议程",
        },
    )
    assert response.status_code == 302
    m = Meeting.objects.get(title="联席会议")
    assert m.departments == ["court", "procuratorate"]
    response = bureau.post(
        reverse("bureau:item-new", args=[m.pk]),
        {"task": "落实经费", "owner_department": "finance", "due_on": (today() + dt.timedelta(days=9)).isoformat()},
    )
    assert response.status_code == 302
    assert m.items.get().owner_department == "finance"
    response = bureau.post(reverse("bureau:item-new", args=[m.pk]), {"task": "", "owner_department": "finance"})
    assert response.status_code == 400
