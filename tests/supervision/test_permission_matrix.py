"""Every supervision page and API endpoint, for every role. The matrix must name every route of
supervision/urls.py and supervision/api_urls.py; a new route not in it fails the first test."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coordination.models import Supervisee
from supervision import actions
from supervision.models import Announcement, ClassificationReview, Holiday, Investigation, Obligation, StatusChange
from tests.coordination.factories import make_supervisee
from tests.factories import UserFactory
from tests.routes import route_names
from tests.supervision.assessment_matrix import ASSESSMENT_MATRIX
from tests.supervision.casework_matrix import CASEWORK_MATRIX
from tests.supervision.counselling_matrix import COUNSELLING_MATRIX
from tests.supervision.counselling_world import add_counselling
from tests.supervision.education_matrix import EDUCATION_MATRIX
from tests.supervision.interchange_matrix import INTERCHANGE_MATRIX
from tests.supervision.movement_matrix import MOVEMENT_MATRIX, ROLES
from tests.supervision.portal_matrix import PORTAL_MATRIX
from tests.supervision.sanctions_matrix import SANCTIONS_MATRIX
from tests.supervision.sealing_matrix import SEALING_MATRIX

PAGE_LOGIN = 302
API_ANON = 403
TODAY = timezone.localdate()


def expect(default: int, anonymous: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


TODO_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=200)
STAFF_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=200)
BUREAU_PAGE = expect(403, PAGE_LOGIN, bureau=200)
STAFF_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=200)
OFFICE_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=404)
PLAN = {
    "supervision_level": "ordinary",
    "risk_level": "medium",
    "classification_reasons": "测试",
    "reporting_mode": "in_person",
    "reporting_interval_days": 7,
}
CASE_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, social_worker=200, other_officer=404)
OWN_API = expect(403, API_ANON, bureau=200, officer=200, social_worker=200, other_officer=404)


def INVESTIGATION(w):
    return {
        "judicial_office": w.city.office.pk,
        "organ_kind": "court",
        "organ_name": "新密市人民法院",
        "subject_name": "王某",
        "received_on": TODAY.isoformat(),
    }


OPINION = {"opinion": "suitable", "opinion_note": "家庭稳定，有固定住所", "opinion_sent_on": TODAY.isoformat()}

MATRIX: dict[tuple[str, str], tuple] = {
    ("supervision:today", "get"): (lambda w: {}, None, TODO_PAGE),
    ("supervision:obligation-done", "post"): (
        lambda w: {"pk": w.obligation.pk},
        lambda w: {},
        expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=404),
    ),
    ("supervision:rotate-feed", "post"): (
        lambda w: {},
        lambda w: {},
        {**TODO_PAGE, **dict.fromkeys(["bureau", "officer", "other_officer"], 302)},
    ),
    ("supervision:feed", "get"): (lambda w: {"token": w.feed_token}, None, expect(200, 200)),
    ("supervision:cleanup", "get"): (lambda w: {}, None, BUREAU_PAGE),
    ("supervision:rules", "get"): (lambda w: {}, None, STAFF_PAGE),
    ("supervision:rule-edit", "get"): (lambda w: {"code": "intake_report"}, None, BUREAU_PAGE),
    ("supervision:rule-edit", "post"): (
        lambda w: {"code": "intake_report"},
        lambda w: {"value": "9", "reason": "测试"},
        {**BUREAU_PAGE, "bureau": 302},
    ),
    ("supervision:holidays", "get"): (lambda w: {}, None, STAFF_PAGE),
    ("supervision:holidays", "post"): (
        lambda w: {},
        lambda w: {"date": "2026-03-03", "name": "地方假日", "kind": "holiday"},
        {**STAFF_PAGE, "bureau": 302, "officer": 403, "social_worker": 403, "other_officer": 403},
    ),
    ("supervision:holiday-remove", "post"): (
        lambda w: {"pk": w.holiday.pk},
        lambda w: {},
        {**BUREAU_PAGE, "bureau": 302},
    ),
    ("supervision:plan", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, {**STAFF_PAGE, "other_officer": 404}),
    ("supervision:plan-write", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OFFICE_PAGE),
    ("supervision:plan-write", "post"): (
        lambda w: {"uuid": w.supervisee.uuid},
        lambda w: PLAN,
        {**OFFICE_PAGE, "bureau": 302, "officer": 302},
    ),
    ("supervision:review-propose", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OFFICE_PAGE),
    ("supervision:review-propose", "post"): (
        lambda w: {"uuid": w.supervisee.uuid},
        lambda w: {"to_level": "strict", "reasons": "测试"},
        {**OFFICE_PAGE, "bureau": 302, "officer": 302},
    ),
    # Only a head decides (the heads' paths: test_plans.py); the proposing officer may not.
    ("supervision:review-decide", "post"): (
        lambda w: {"pk": _proposal(w).pk},
        lambda w: {"decision": "reject", "note": "测试", "confirmed": "yes"},
        expect(403, PAGE_LOGIN, other_officer=404),
    ),
    ("supervision-plan-list", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-plan-list", "post"): (
        lambda w: {},
        lambda w: {**PLAN, "supervisee": str(w.supervisee.uuid)},
        expect(403, API_ANON, bureau=201, officer=201, other_officer=404),
    ),
    ("supervision-plan-detail", "get"): (lambda w: {"pk": w.plan.pk}, None, OWN_API),
    # Without ?supervisee= the suggestion is a 400 for case staff (test_plans.py asks with it).
    ("supervision-plan-suggestion", "get"): (
        lambda w: {},
        None,
        expect(403, API_ANON, bureau=400, officer=400, social_worker=400, other_officer=400),
    ),
    ("supervision-review-list", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-review-list", "post"): (
        lambda w: {},
        lambda w: {"supervisee": str(w.supervisee.uuid), "to_level": "strict", "reasons": "测试"},
        expect(403, API_ANON, bureau=201, officer=201, other_officer=404),
    ),
    ("supervision-review-detail", "get"): (lambda w: {"pk": _proposal(w).pk}, None, OWN_API),
    ("supervision-review-decide", "post"): (
        lambda w: {"pk": _proposal(w).pk},
        lambda w: {"decision": "reject", "note": "测试"},
        expect(403, API_ANON, other_officer=404),
    ),
    ("supervision-rule-list", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-rule-detail", "get"): (lambda w: {"code": "intake_report"}, None, STAFF_API),
    ("supervision-obligation-list", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-obligation-detail", "get"): (lambda w: {"pk": w.obligation.pk}, None, OWN_API),
    ("supervision-obligation-complete", "post"): (
        lambda w: {"pk": w.obligation.pk},
        lambda w: {},
        expect(403, API_ANON, bureau=200, officer=200, social_worker=404, other_officer=404),
    ),
    ("supervision:lifecycle", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, CASE_PAGE),
    ("supervision:lifecycle-step", "get"): (
        lambda w: {"uuid": w.supervisee.uuid, "step": "suspend"},
        None,
        expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=404),
    ),
    ("supervision:lifecycle-step", "post"): (
        lambda w: {"uuid": w.supervisee.uuid, "step": "suspend"},
        lambda w: {"on": TODAY.isoformat(), "note": "被公安机关刑事拘留"},
        expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=404),
    ),
    ("supervision:release-certificate", "get"): (
        lambda w: {"uuid": w.released.uuid},
        None,
        expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=404),
    ),
    ("supervision:announcement-scan", "get"): (
        lambda w: {"uuid": w.supervisee.uuid, "pk": w.scanned.pk},
        None,
        CASE_PAGE,
    ),
    ("supervision:investigations", "get"): (lambda w: {}, None, TODO_PAGE),
    ("supervision:investigations", "post"): (
        lambda w: {},
        lambda w: INVESTIGATION(w),
        expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=400),
    ),
    ("supervision:investigation-opinion", "get"): (
        lambda w: {"pk": w.investigation.pk},
        None,
        expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=404),
    ),
    ("supervision:investigation-opinion", "post"): (
        lambda w: {"pk": w.investigation.pk},
        lambda w: OPINION,
        expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=404),
    ),
    ("supervision:investigation-correct", "get"): (
        lambda w: {"pk": w.investigation.pk},
        None,
        expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=404),
    ),
    ("supervision:investigation-correct", "post"): (
        lambda w: {"pk": w.investigation.pk},
        lambda w: {"received_on": TODAY.isoformat(), "expedited": "on"},
        expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=404),
    ),
    ("supervision-investigation-correct", "post"): (
        lambda w: {"pk": w.investigation.pk},
        lambda w: {"received_on": TODAY.isoformat()},
        expect(403, API_ANON, bureau=200, officer=200, other_officer=404),
    ),
    ("supervision-investigation-list", "get"): (lambda w: {}, None, STAFF_API),
    ("supervision-investigation-list", "post"): (
        lambda w: {},
        lambda w: INVESTIGATION(w),
        expect(403, API_ANON, bureau=201, officer=201, other_officer=400),
    ),
    ("supervision-investigation-detail", "get"): (lambda w: {"pk": w.investigation.pk}, None, OWN_API),
    ("supervision-investigation-opinion", "post"): (
        lambda w: {"pk": w.investigation.pk},
        lambda w: OPINION,
        expect(403, API_ANON, bureau=200, officer=200, other_officer=404),
    ),
    ("supervision-lifecycle-detail", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OWN_API),
    ("supervision-lifecycle-step", "post"): (
        lambda w: {"uuid": w.supervisee.uuid, "step": "suspend"},
        lambda w: {"on": TODAY.isoformat(), "note": "被公安机关刑事拘留"},
        expect(403, API_ANON, bureau=201, officer=201, other_officer=404),
    ),
}

MATRIX.update(MOVEMENT_MATRIX)
MATRIX.update(INTERCHANGE_MATRIX)
MATRIX.update(SANCTIONS_MATRIX)
MATRIX.update(PORTAL_MATRIX)
MATRIX.update(EDUCATION_MATRIX)
MATRIX.update(COUNSELLING_MATRIX)
MATRIX.update(CASEWORK_MATRIX)
MATRIX.update(ASSESSMENT_MATRIX)
MATRIX.update(SEALING_MATRIX)


# Reporting, check-ins, visits and lost contact (issue 15, items 1-3): rows made fresh by the builders.
WRITE_PAGE = expect(403, PAGE_LOGIN, bureau=302, officer=302, other_officer=404)
CODE_PAGE = expect(403, PAGE_LOGIN, bureau=200, officer=200, other_officer=404)
CREATE_API = expect(403, API_ANON, bureau=201, officer=201, other_officer=404)
ACT_API = expect(403, API_ANON, bureau=200, officer=200, other_officer=404)


def _episode(w):
    from supervision.reporting import actions as reporting
    from supervision.reporting.models import LostContactEpisode

    Supervisee.objects.filter(pk=w.supervisee.pk).update(status=Supervisee.Status.UNDER_CORRECTION)
    open_one = LostContactEpisode.objects.filter(supervisee=w.supervisee, closed_at__isnull=True).first()
    return open_one or reporting.report_lost_contact(supervisee=w.supervisee, actor=w.users["officer"])


def _no_episode(w):
    from supervision.reporting.models import LostContactEpisode

    LostContactEpisode.objects.filter(closed_at__isnull=True).update(
        closed_at=timezone.now(), found_at=timezone.now(), outcome="found"
    )
    return {"supervisee": str(w.supervisee.uuid), "note": "电话不通"}


def _check_in(w, **fields):
    from django.core.files.base import ContentFile

    from supervision.reporting.models import CheckIn

    row = CheckIn(
        supervisee=w.supervisee,
        method=fields.pop("method", "phone"),
        state=fields.pop("state", "confirmed"),
        occurred_at=timezone.now(),
        recorded_by=w.users["officer"],
        confirmed_by=w.users["officer"],
        **fields,
    )
    if row.state == "pending":
        row.confirmed_by = None
    row.attachment.save("x.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32), save=False)
    row.save()
    return row


def _visit(w):
    from supervision.reporting.models import Visit

    return Visit.objects.create(
        supervisee=w.supervisee, kind="home", state="scheduled", scheduled_on=TODAY, recorded_by=w.users["officer"]
    )


MATRIX.update(
    {
        ("supervision:reporting", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, CASE_PAGE),
        ("supervision:reporting", "post"): (lambda w: {"uuid": w.supervisee.uuid}, lambda w: {"do": "code"}, CODE_PAGE),
        ("supervision:episodes", "get"): (lambda w: {}, None, STAFF_PAGE),
        ("supervision:episode", "get"): (lambda w: {"pk": _episode(w).pk}, None, CASE_PAGE),
        ("supervision:episode", "post"): (
            lambda w: {"pk": _episode(w).pk},
            lambda w: {"do": "step", "kind": "phone", "result": "电话关机"},
            WRITE_PAGE,
        ),
        ("supervision:reporting-file", "get"): (
            lambda w: {"kind": "check-in", "pk": _check_in(w).pk},
            None,
            CASE_PAGE,
        ),
        ("supervision-checkin-list", "get"): (lambda w: {}, None, STAFF_API),
        ("supervision-checkin-list", "post"): (
            lambda w: {},
            lambda w: {"supervisee": str(w.supervisee.uuid), "method": "in_person"},
            CREATE_API,
        ),
        ("supervision-checkin-detail", "get"): (lambda w: {"pk": _check_in(w).pk}, None, OWN_API),
        ("supervision-checkin-confirm", "post"): (
            lambda w: {"pk": _check_in(w, state="pending").pk},
            lambda w: {},
            ACT_API,
        ),
        ("supervision-checkin-acknowledge", "post"): (
            lambda w: {"pk": _check_in(w, changes_flagged=True, report={"changes": "搬家"}).pk},
            lambda w: {},
            ACT_API,
        ),
        ("supervision-checkin-code-list", "post"): (
            lambda w: {},
            lambda w: {"supervisee": str(w.supervisee.uuid)},
            CREATE_API,
        ),
        ("supervision-reporting-plan-list", "post"): (
            lambda w: {},
            lambda w: {"supervisee": str(w.supervisee.uuid), "interval_days": 5, "reason": "测试"},
            CREATE_API,
        ),
        ("supervision-reporting-plan-detail", "get"): (lambda w: {"uuid": w.supervisee.uuid}, None, OWN_API),
        ("supervision-visit-list", "get"): (lambda w: {}, None, STAFF_API),
        ("supervision-visit-list", "post"): (
            lambda w: {},
            lambda w: {
                "supervisee": str(w.supervisee.uuid),
                "kind": "home",
                "state": "done",
                "done_on": TODAY.isoformat(),
                "people_seen": "母亲",
                "findings": "正常",
            },
            CREATE_API,
        ),
        ("supervision-visit-detail", "get"): (lambda w: {"pk": _visit(w).pk}, None, OWN_API),
        ("supervision-lost-contact-list", "get"): (lambda w: {}, None, STAFF_API),
        ("supervision-lost-contact-list", "post"): (lambda w: {}, _no_episode, CREATE_API),
        ("supervision-lost-contact-detail", "get"): (lambda w: {"pk": _episode(w).pk}, None, OWN_API),
        ("supervision-lost-contact-steps", "post"): (
            lambda w: {"pk": _episode(w).pk},
            lambda w: {"kind": "phone", "result": "关机"},
            ACT_API,
        ),
        ("supervision-lost-contact-notices", "post"): (
            lambda w: {"pk": _episode(w).pk},
            lambda w: {"recipient": "procuratorate", "sent_on": TODAY.isoformat()},
            ACT_API,
        ),
        ("supervision-lost-contact-close", "post"): (
            lambda w: {"pk": _episode(w).pk},
            lambda w: {"found_at": timezone.now().isoformat(), "outcome": "found"},
            ACT_API,
        ),
    }
)


def _proposal(world) -> ClassificationReview:
    """A fresh open proposal by the officer (the loop deletes proposals before each request)."""
    return ClassificationReview.objects.create(
        supervisee=world.supervisee,
        from_level="ordinary",
        to_level="strict",
        reasons="测试",
        proposed_by=world.users["officer"],
    )


def _route_names() -> set[str]:
    return route_names("supervision")


def test_the_matrix_covers_every_route():
    assert _route_names() == {name for name, _method in MATRIX}


def _prepare(world):
    # The person's own sign-in (the phone page): a role column of its own.
    world.users["supervisee"] = UserFactory(username="own-signin")
    Supervisee.objects.filter(pk=world.supervisee.pk).update(account=world.users["supervisee"])
    world.supervisee.refresh_from_db()
    # Staff of a counselling centre the person is referred to (issue 16 item 4): a role column of its own.
    add_counselling(world)
    actions.sync_obligations(supervisee=world.supervisee)
    world.obligation = Obligation.objects.filter(supervisee=world.supervisee).first()
    world.feed_token = actions.feed_for(user=world.users["officer"]).token
    world.holiday = Holiday.objects.filter(date__year=2026).first()
    world.plan = actions.write_plan(supervisee=world.supervisee, actor=world.users["officer"], **PLAN)
    world.investigation = actions.record_investigation(
        actor=world.users["officer"],
        judicial_office=world.city.office,
        organ_kind="court",
        organ_name="新密市人民法院",
        subject_name="李某",
        received_on=TODAY,
    )
    world.released = make_supervisee(
        office=world.city.office, actor=world.users["bureau"], status=Supervisee.Status.RELEASED
    )
    world.scanned = Announcement.objects.create(
        supervisee=world.supervisee,
        kind="intake",
        held_on=TODAY,
        place="司法所",
        attendees="工作人员",
        items="宣告事项",
        signed_scan=ContentFile(b"%PDF-1.4 scan", name="scan.pdf"),
        recorded_by=world.users["officer"],
    )
    StatusChange.objects.create(
        supervisee=world.released,
        action="release",
        from_status="under_correction",
        to_status="released",
        occurred_on=TODAY,
        actor=world.users["officer"],
    )


def _client(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(world, role):
    _prepare(world)
    failures = []
    for (name, method), (kwargs_builder, body_builder, table) in MATRIX.items():
        # Each write runs against fresh rows: undo what an earlier request changed.
        world.obligation.refresh_from_db()
        Obligation.objects.filter(pk=world.obligation.pk).update(done_at=None, done_by=None)
        Holiday.objects.filter(date="2026-03-03").delete()
        ClassificationReview.objects.all().delete()
        world.feed_token = actions.feed_for(user=world.users["officer"]).token
        if not Holiday.objects.filter(pk=world.holiday.pk).exists():
            world.holiday.save()
        Supervisee.objects.filter(pk=world.supervisee.pk).update(status=Supervisee.Status.UNDER_CORRECTION)
        Investigation.objects.filter(pk=world.investigation.pk).update(
            opinion="", opinion_note="", opinion_sent_on=None
        )
        client = _client(world, role)
        url = reverse(name, kwargs=kwargs_builder(world))
        response = client.get(url) if method == "get" else client.post(url, body_builder(world))
        if response.status_code != table[role]:
            failures.append((name, method, response.status_code, table[role]))
    assert failures == []
