"""Movement requests: routing from the rule book at every boundary, the decider rules, report back and the
late-return ground, withdrawal, and what the person sees of their own requests."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import Role
from config.errors import ActionError
from supervision.models import Obligation, Rule, SanctionGround
from supervision.movement import actions, selectors
from supervision.movement.models import MovementRequest
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def heads(world):
    return {
        "office": user_with_role(Role.OFFICE_HEAD, world.city.office, username="officehead"),
        "bureau": user_with_role(Role.BUREAU_HEAD, world.city.bureau, username="bureauhead"),
    }


@pytest.fixture
def own(world):
    """The supervisee's own sign-in."""
    account = UserFactory(username="self-signin")
    world.supervisee.account = account
    world.supervisee.save(update_fields=["account"])
    return account


def today():
    return timezone.localdate()


def travel(world, actor, days, *, offset=1, **kwargs):
    start = today() + dt.timedelta(days=offset)
    return actions.apply(
        supervisee=world.supervisee,
        actor=actor,
        kind=kwargs.pop("kind", "travel"),
        start=start,
        end=start + dt.timedelta(days=days - 1),
        destination=kwargs.pop("destination", "郑州市"),
        reason=kwargs.pop("reason", "探望住院的母亲"),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("days", "route"),
    [(1, "office"), (7, "office"), (8, "bureau"), (30, "bureau"), (31, "upper")],
)
def test_travel_is_routed_by_its_length_at_every_boundary(world, days, route):
    request = travel(world, world.users["officer"], days)
    assert request.route == route
    assert request.state == "submitted"


def test_the_two_month_window_sends_frequent_travel_upward(world, heads):
    officer = world.users["officer"]
    # 25 days approved already, ending a week from now; the window is the two months before each trip's end.
    start = today() + dt.timedelta(days=1)
    earlier = MovementRequest.objects.create(
        supervisee=world.supervisee,
        kind="travel",
        state="returned",
        route="bureau",
        route_reason="-",
        start=start - dt.timedelta(days=40),
        end=start - dt.timedelta(days=16),  # 25 days
        destination="上海市",
        reason="务工",
        applied_by=officer,
        decided_by=heads["bureau"],
    )
    assert earlier.days == 25
    five = travel(world, officer, 5)
    assert five.route == "office"  # 25 + 5 = 30: not more than 30
    actions.withdraw(request=five, actor=officer)
    six = travel(world, officer, 6)
    assert six.route == "upper"  # 25 + 6 = 31
    assert "31" in six.route_reason
    # A refused or withdrawn trip does not count.
    earlier.state = "refused"
    earlier.save(update_fields=["state"])
    assert travel(world, officer, 6, offset=3).route == "office"


def test_the_window_follows_the_rule_book(world):
    Rule.objects.filter(code="travel_office_max_days").update(override_value=3, override_reason="试点")
    assert travel(world, world.users["officer"], 4).route == "bureau"


def test_other_kinds_go_to_the_bureau(world):
    officer = world.users["officer"]
    start = today() + dt.timedelta(days=40)
    contact = actions.apply(
        supervisee=world.supervisee, actor=officer, kind="contact", start=start, end=start, reason="家事", people="李四"
    )
    move = actions.apply(
        supervisee=world.supervisee,
        actor=officer,
        kind="relocation",
        start=start,
        end=start,
        destination="开封市龙亭区",
        receiving_county="开封市龙亭区司法局",
        reason="随子女居住",
    )
    order = actions.record_order(
        supervisee=world.supervisee, actor=officer, kind="places", text="禁止进入娱乐场所", start=start, end=start
    )
    entry = actions.apply(
        supervisee=world.supervisee,
        actor=officer,
        kind="entry",
        start=start,
        end=start,
        reason="参加亲属婚宴",
        place="某酒店",
        order=order,
    )
    permit = actions.apply(
        supervisee=world.supervisee,
        actor=officer,
        kind="frequent_travel",
        start=start,
        end=start + relativedelta(months=6) - dt.timedelta(days=1),
        destination="郑州市",
        reason="跨县务工",
    )
    assert contact.route == move.route == entry.route == permit.route == "bureau"
    with pytest.raises(ActionError) as error:  # six months is the most a permit lasts
        actions.apply(
            supervisee=world.supervisee,
            actor=officer,
            kind="frequent_travel",
            start=start,
            end=start + relativedelta(months=6),
            destination="郑州市",
            reason="跨县务工",
        )
    assert "end" in error.value.error_dict
    assert not move.short_notice
    soon = actions.apply(
        supervisee=world.supervisee,
        actor=officer,
        kind="relocation",
        start=today() + dt.timedelta(days=5),
        end=today() + dt.timedelta(days=5),
        destination="开封市",
        receiving_county="开封市龙亭区司法局",
        reason="工作调动",
    )
    assert soon.short_notice


def test_each_open_request_is_an_obligation_until_decided(world, heads):
    request = travel(world, world.users["officer"], 3)
    obligation = Obligation.objects.get(kind="request_decision", source_id=request.pk, done_at__isnull=True)
    assert obligation.supervisee == world.supervisee
    assert obligation.due_at.date() == today() + dt.timedelta(days=3)
    actions.decide(request=request, actor=heads["office"], approve=True)
    assert not Obligation.objects.filter(kind="request_decision", source_id=request.pk, done_at__isnull=True).exists()
    back = Obligation.objects.get(kind="return_report", source_id=request.pk, done_at__isnull=True)
    assert timezone.localtime(back.due_at).date() == request.end


def test_only_the_routed_role_decides_and_never_the_applicant(world, heads, own):
    short = travel(world, own, 5)
    long = travel(world, own, 10, offset=20)
    with pytest.raises(ActionError, match="司法所负责人|judicial office"):
        actions.decide(request=short, actor=heads["bureau"], approve=True)
    with pytest.raises(ActionError):
        actions.decide(request=long, actor=heads["office"], approve=True)
    with pytest.raises(ActionError):
        actions.decide(request=short, actor=world.users["officer"], approve=True)
    other_head = user_with_role(Role.OFFICE_HEAD, world.city.other_office, username="otherhead")
    with pytest.raises(ActionError):
        actions.decide(request=short, actor=other_head, approve=True)
    by_head = travel(world, heads["office"], 2, offset=40)
    with pytest.raises(ActionError, match="其他负责人"):
        actions.decide(request=by_head, actor=heads["office"], approve=True)
    assert actions.decide(request=short, actor=heads["office"], approve=True).state == "approved"
    with pytest.raises(ActionError) as refused:
        actions.decide(request=long, actor=heads["bureau"], approve=False)
    assert "note" in refused.value.error_dict
    assert actions.decide(request=long, actor=heads["bureau"], approve=False, note="理由不充分").state == "refused"
    with pytest.raises(ActionError) as again:
        actions.decide(request=long, actor=heads["bureau"], approve=True)
    assert again.value.code == "already_decided"


def test_the_level_above_decides_beyond_thirty_days(world, heads):
    request = travel(world, world.users["officer"], 31)
    with pytest.raises(ActionError, match="请先报送"):
        actions.decide(request=request, actor=heads["bureau"], approve=True)
    actions.refer(request=request, actor=heads["bureau"])
    with pytest.raises(ActionError):
        actions.decide(request=request, actor=heads["bureau"], approve=True)  # the upper decision's number
    done = actions.decide(request=request, actor=heads["bureau"], approve=True, note="豫司矫〔2026〕12号")
    assert done.state == "approved" and done.upper_reference == "豫司矫〔2026〕12号"


def test_report_back_on_time_and_late(world, heads, own):
    request = travel(world, own, 2, offset=0)
    actions.decide(request=request, actor=heads["office"], approve=True)
    with pytest.raises(ActionError):
        actions.report_back(request=request, actor=own, returned_on=today() + dt.timedelta(days=5))
    back = actions.report_back(request=request, actor=own, returned_on=today())
    assert back.state == "returned"
    assert not Obligation.objects.filter(kind="return_report", source_id=request.pk, done_at__isnull=True).exists()
    assert not SanctionGround.objects.exists()
    # Someone else's sign-in may not report back for this person.
    stranger = UserFactory(username="stranger")
    other = travel(world, own, 1, offset=0)
    actions.decide(request=other, actor=heads["office"], approve=True)
    with pytest.raises(ActionError):
        actions.report_back(request=other, actor=stranger, returned_on=today())


def test_late_return_opens_the_ground_once_even_when_the_task_runs_twice(world, heads):
    request = travel(world, world.users["officer"], 2, offset=0)
    actions.decide(request=request, actor=heads["office"], approve=True)
    later = request.end + dt.timedelta(days=1)
    assert actions.mark_overdue_returns(today=request.end) == 0
    assert actions.mark_overdue_returns(today=later) == 1
    assert actions.mark_overdue_returns(today=later) == 0
    request.refresh_from_db()
    assert request.state == "overdue"
    grounds = SanctionGround.objects.filter(supervisee=world.supervisee, code="late_return")
    assert grounds.count() == 1
    assert grounds.get().occurred_on == later


def test_withdraw_by_the_person_and_not_after_a_decision(world, heads, own):
    request = travel(world, own, 2)
    actions.withdraw(request=request, actor=own)
    request.refresh_from_db()
    assert request.state == "withdrawn"
    assert not Obligation.objects.filter(kind="request_decision", source_id=request.pk, done_at__isnull=True).exists()
    decided = travel(world, own, 2, offset=5)
    actions.decide(request=decided, actor=heads["office"], approve=True)
    with pytest.raises(ActionError) as error:
        actions.withdraw(request=decided, actor=own)
    assert error.value.code == "transition"


def test_bad_input_is_refused_with_field_messages(world):
    officer = world.users["officer"]
    with pytest.raises(ActionError) as error:
        actions.apply(
            supervisee=world.supervisee,
            actor=officer,
            kind="travel",
            start=today() - dt.timedelta(days=1),
            end=today() - dt.timedelta(days=3),
            reason=" ",
        )
    assert {"start", "end", "reason", "destination"} <= set(error.value.error_dict)
    with pytest.raises(ActionError) as error:
        travel(world, officer, 2, attachments=[SimpleUploadedFile("letter.png", b"MZ not an image")])
    assert "attachments" in error.value.error_dict
    with pytest.raises(ActionError):
        travel(world, world.users["other_officer"], 2)


def test_uploads_are_checked_by_content_and_stored_under_a_random_name(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = travel(
        world,
        world.users["officer"],
        3,
        attachments=[SimpleUploadedFile("医院证明.png", PNG), SimpleUploadedFile("letter.pdf", PDF)],
    )
    files = list(request.attachments.order_by("pk"))
    assert [f.content_type for f in files] == ["image/png", "application/pdf"]
    assert files[0].original_name == "医院证明.png"
    assert "医院" not in files[0].file.name and files[0].file.name.endswith(".png")
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ActionError):
        travel(world, world.users["officer"], 3, attachments=[SimpleUploadedFile("big.png", PNG)])


def test_self_view_shows_requests_orders_and_monitoring_without_staff_data(world, heads, own):
    request = travel(world, own, 5)
    actions.decide(request=request, actor=heads["office"], approve=True, note="同意")
    pending = travel(world, own, 2, offset=20)
    actions.record_order(
        supervisee=world.supervisee,
        actor=world.users["officer"],
        kind="places",
        text="禁止进入夜总会、酒吧、迪厅等娱乐场所",
        start=today(),
        end=today() + dt.timedelta(days=90),
    )
    actions.approve_monitoring(
        supervisee=world.supervisee,
        actor=heads["bureau"],
        ground="prohibition_breach",
        facts="进入酒吧",
        start=today(),
        months=2,
        device_id="DEV-001",
    )
    view = selectors.self_view(world.supervisee)
    assert [r["id"] for r in view["pending"]] == [pending.pk]
    approved = next(r for r in view["requests"] if r["id"] == request.pk)
    assert approved["decision"] == "approved" and approved["certificate_url"].endswith(".pdf")
    assert approved["may_report_back"]
    assert view["prohibition_orders"][0]["text"].startswith("禁止进入")
    assert view["monitoring"] == [{"start": today(), "end": actions.monitoring_end(today(), 2)}]
    assert "DEV-001" not in repr(view)


def test_a_sealed_persons_late_return_is_never_recorded(world, heads):
    """The nightly task writes nothing to a sealed record (CPL Art. 286), though the trip was approved before."""
    from coordination.models import Supervisee

    request = travel(world, world.users["officer"], 2, offset=0)
    actions.decide(request=request, actor=heads["office"], approve=True)
    Supervisee.objects.filter(pk=request.supervisee_id).update(sealed_at=timezone.now())
    assert actions.mark_overdue_returns(today=request.end + dt.timedelta(days=1)) == 0
    request.refresh_from_db()
    assert request.state == "approved"
    assert not SanctionGround.objects.exists()
