"""Monthly assessment (考核, issue 16 item 1): each pre-filled score at its boundary with its explanation, the
officer's override needs a reason, only the head of the person's office reviews, a rubric version is kept by
the assessments made on it, the obligation is opened and closed, the periodic task creates nothing twice, the
attendance owed by an office, and the API's 400s with field messages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from accounts.roles import Role
from coordination.models import AccessLog
from supervision import actions as supervision_actions
from supervision import rulebook, tasks
from supervision.assessment import actions
from supervision.assessment.models import Assessment, Rubric
from supervision.education import actions as education
from supervision.education.models import Attendance, Session
from supervision.models import Obligation, Rule, SanctionGround
from supervision.reporting.models import CheckIn, LostContactEpisode
from supervision.sanctions.models import SanctionProposal
from tests.coordination.factories import make_supervisee
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

MONTH = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def prefill(world) -> Assessment:
    actions.prefill_office(office=world.city.office, month=MONTH, actor=world.users["officer"])
    return Assessment.objects.get(supervisee=world.supervisee, month=MONTH)


def points(assessment: Assessment) -> dict[str, tuple]:
    return {s.item.code: (s.prefilled, s.points, s.explanation) for s in assessment.scores.select_related("item")}


@pytest.fixture
def head(world):
    return user_with_role(Role.OFFICE_HEAD, world.city.office, username="officehead")


def complete(world, assessment):
    return actions.save_scores(
        actor=world.users["officer"], assessment=assessment, scores={"admit_guilt": {"points": 10}}, note=""
    )


# --- the rule book and the default rubric -------------------------------------------------------------------


def test_the_rule_book_has_the_assessment_period_and_due_day_with_their_article():
    rows = {r.code: r for r in Rule.objects.filter(code__startswith="assessment_")}
    assert rows[rulebook.ASSESSMENT_PERIOD_MONTHS].value == 1
    assert rows[rulebook.ASSESSMENT_PERIOD_MONTHS].unit == Rule.Unit.MONTHS
    assert rows[rulebook.ASSESSMENT_DUE_DAYS].value == 5
    assert all("第二十八条" in row.law_zh for row in rows.values())
    assert Rule.objects.get(code=rulebook.ATTENDANCE_RECORD_DAYS).law_zh


def test_the_default_rubric_is_seeded_with_items_and_grades():
    rubric = Rubric.objects.get(active=True)
    assert rubric.max_total == 100
    assert {item.source for item in rubric.items.all()} >= {"checkins", "rules", "lost_contact", "manual"}
    assert [g.label_zh for g in rubric.grades.all()] == ["合格", "基本合格", "不合格"]


# --- pre-filled scores at their boundaries ------------------------------------------------------------------


def test_a_clean_month_prefills_every_item_in_full_but_the_manual_one(world):
    with override("en"):
        assessment = prefill(world)
    scores = points(assessment)
    assert scores["reporting"][:2] == (20, 20)
    assert scores["contact"][:2] == (15, 15)
    assert scores["admit_guilt"][:2] == (None, None)
    assert "Scored by the officer" in scores["admit_guilt"][2]
    assert assessment.total is None  # a manual item still to score
    assert Obligation.objects.filter(supervisee=world.supervisee, kind="assessment", done_at__isnull=True).count() == 1


def test_a_late_check_in_costs_its_share_and_says_so(world):
    officer = world.users["officer"]
    for day, late in ((3, False), (10, True), (17, False)):
        CheckIn.objects.create(
            supervisee=world.supervisee,
            method="in_person",
            state="confirmed",
            occurred_at=at(MONTH + dt.timedelta(days=day)),
            late=late,
            recorded_by=officer,
            confirmed_by=officer,
        )
    with override("en"):
        scores = points(prefill(world))
    assert scores["reporting"][:2] == (13, 13)  # 20 × 2 on time / 3
    assert "3 check-ins, 1 late, 0 missed" in scores["reporting"][2]


def test_a_12_day_lost_contact_episode_scores_nothing_with_its_days(world):
    LostContactEpisode.objects.create(
        supervisee=world.supervisee,
        trigger="officer",
        lost_since=MONTH + dt.timedelta(days=2),
        opened_at=at(MONTH + dt.timedelta(days=3)),
        found_at=at(MONTH + dt.timedelta(days=14)),
        outcome="found",
        closed_at=at(MONTH + dt.timedelta(days=14)),
    )
    with override("en"):
        scores = points(prefill(world))
    assert scores["contact"][:2] == (0, 0)
    assert "12 days out of contact" in scores["contact"][2]


def test_an_episode_ended_before_the_month_does_not_count(world):
    before = MONTH - dt.timedelta(days=20)
    LostContactEpisode.objects.create(
        supervisee=world.supervisee,
        trigger="officer",
        lost_since=before,
        opened_at=at(before),
        found_at=at(MONTH - dt.timedelta(days=1), 23),
        outcome="found",
        closed_at=at(MONTH - dt.timedelta(days=1), 23),
    )
    assert points(prefill(world))["contact"][:2] == (15, 15)


def test_a_warning_decided_in_the_month_scores_nothing_and_praise_keeps_the_points(world):
    officer, bureau = world.users["officer"], world.users["bureau"]
    proposal = SanctionProposal.objects.create(
        supervisee=world.supervisee,
        kind="warning",
        state="approved",
        facts="脱管12日",
        proposed_by=officer,
        decided_by=bureau,
        decided_at=at(MONTH + dt.timedelta(days=20)),
    )
    with override("en"):
        scores = points(prefill(world))
    assert scores["sanctions"][:2] == (0, 0)
    assert "warning" in scores["sanctions"][2]
    # A warning decided on the 1st of the next month belongs to the next month.
    SanctionProposal.objects.filter(pk=proposal.pk).update(
        decided_at=at(MONTH + dt.timedelta(days=40)).replace(day=1, hour=0, minute=0)
    )
    assert points(prefill(world))["sanctions"][:2] == (10, 10)


def test_a_travel_breach_in_the_month_costs_the_rules_item(world):
    SanctionGround.objects.create(
        supervisee=world.supervisee, code="travel_unapproved", occurred_on=MONTH + dt.timedelta(days=5), facts="x"
    )
    with override("en"):
        scores = points(prefill(world))
    assert scores["rules"][:2] == (0, 0)
    assert "left the city or county without approval" in scores["rules"][2]


def _session(world, kind, day, hours):
    start = at(MONTH + dt.timedelta(days=day), 9)
    return Session.objects.create(
        office=world.city.office,
        kind=kind,
        topic="学习",
        place="司法所",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        created_by=world.users["officer"],
    )


def _attend(world, session, status, minutes=0, excuse=""):
    Attendance.objects.create(
        session=session,
        supervisee=world.supervisee,
        status=status,
        minutes=minutes,
        excuse=excuse,
        recorded_by=world.users["officer"],
    )


def test_hours_met_score_in_full_and_unmet_in_proportion_excused_absences_never_count(world):
    _attend(world, _session(world, "legal", 2, 4), "present", 240)
    _attend(world, _session(world, "moral", 9, 4), "present", 240)  # 8 hours: the target met
    _attend(world, _session(world, "public_interest", 3, 4), "present", 240)
    _attend(world, _session(world, "public_interest", 10, 4), "excused", excuse="住院")  # 4 of 8 hours
    with override("en"):
        scores = points(prefill(world))
    assert scores["education"][:2] == (15, 15)
    assert scores["activity"][:2] == (5, 5)  # 10 × 4 / 8
    assert "4.0 of 8.0 hours; 1 excused and 0 unexcused absences" in scores["activity"][2]


# --- completing, overriding, submitting, reviewing -----------------------------------------------------------


def test_changing_a_prefilled_score_needs_a_reason(world):
    assessment = prefill(world)
    with pytest.raises(actions.AssessmentError) as refused:
        actions.save_scores(actor=world.users["officer"], assessment=assessment, scores={"contact": {"points": 5}})
    assert "scores.contact" in refused.value.message_dict
    with pytest.raises(actions.AssessmentError):
        actions.save_scores(actor=world.users["officer"], assessment=assessment, scores={"contact": {"points": 99}})
    actions.save_scores(
        actor=world.users["officer"],
        assessment=assessment,
        scores={"contact": {"points": 5, "reason": "外出未及时报告"}, "admit_guilt": {"points": 8}},
    )
    assessment.refresh_from_db()
    assert assessment.total == 63 and assessment.grade.code == "basic"  # no education or activity hours
    # The officer's change survives the next pre-fill.
    assert points(prefill(world))["contact"][:2] == (15, 5)


def test_only_the_head_of_the_persons_office_reviews_and_never_their_own_submission(world, head):
    assessment = complete(world, prefill(world))
    with pytest.raises(actions.AssessmentError):
        actions.review(actor=head, assessment=assessment, approve=True)  # not submitted yet
    actions.submit(actor=world.users["officer"], assessment=assessment)
    other_head = user_with_role(Role.OFFICE_HEAD, world.city.other_office, username="otherhead")
    for user in (world.users["officer"], world.users["bureau"], other_head):
        with pytest.raises(PermissionDenied):
            actions.review(actor=user, assessment=assessment, approve=True)
    with pytest.raises(actions.AssessmentError) as refused:
        actions.review(actor=head, assessment=assessment, approve=False, note="")
    assert "note" in refused.value.message_dict
    actions.review(actor=head, assessment=assessment, approve=False, note="请核实报到情况")
    assert Assessment.objects.get(pk=assessment.pk).state == "returned"
    assert Obligation.objects.filter(kind="assessment", done_at__isnull=True).count() == 1
    actions.submit(actor=head, assessment=assessment)
    with pytest.raises(PermissionDenied):
        actions.review(actor=head, assessment=assessment, approve=True)  # their own submission


def test_approval_closes_the_obligation(world, head):
    assessment = complete(world, prefill(world))
    actions.submit(actor=world.users["officer"], assessment=assessment)
    actions.review(actor=head, assessment=assessment, approve=True)
    obligation = Obligation.objects.get(kind="assessment", supervisee=world.supervisee)
    assert obligation.done_at is not None and obligation.done_by == head
    due = timezone.localtime(obligation.due_at).date()
    assert due == (MONTH + dt.timedelta(days=40)).replace(day=1) + dt.timedelta(days=4)  # 5 days after the month
    with pytest.raises(actions.AssessmentError):
        actions.save_scores(actor=world.users["officer"], assessment=assessment, scores={"admit_guilt": {"points": 1}})


def test_a_new_rubric_version_leaves_the_assessments_made_on_the_old_one(world):
    assessment = prefill(world)
    old = assessment.rubric
    actions.new_rubric_version(
        actor=world.users["bureau"],
        name="新考核表",
        items=[{"code": "rules", "label_zh": "守规", "label_en": "Rules", "max_points": 50, "source": "rules"}],
        grades=[
            {"code": "pass", "label_zh": "合格", "label_en": "Pass", "min_total": 30},
            {"code": "fail", "label_zh": "不合格", "label_en": "Fail", "min_total": 0},
        ],
    )
    assessment = prefill(world)
    assert assessment.rubric == old and assessment.scores.count() == 7
    person = make_supervisee(office=world.city.office)
    actions.prefill_office(office=world.city.office, month=MONTH)
    new = Assessment.objects.get(supervisee=person, month=MONTH)
    assert new.rubric.version == old.version + 1 and new.total == 50
    with pytest.raises(PermissionDenied):
        actions.new_rubric_version(actor=world.users["officer"], name="x", items=[], grades=[])


def test_the_periodic_task_run_twice_creates_nothing_twice(world):
    first = tasks.assessment_period(MONTH.isoformat())
    second = tasks.assessment_period(MONTH.isoformat())
    assert first["created"] >= 1 and second["created"] == 0
    assert Assessment.objects.filter(supervisee=world.supervisee, month=MONTH).count() == 1
    assert Obligation.objects.filter(supervisee=world.supervisee, kind="assessment").count() == 1


def test_the_prefill_of_an_office_takes_the_same_queries_for_one_or_many_people(world):
    # Once first, so what a process reads once and keeps (content types, cached rules) is not counted.
    actions.prefill_office(office=world.city.office, month=MONTH)
    Assessment.objects.all().delete()
    Obligation.objects.filter(kind="assessment").delete()
    with CaptureQueriesContext(connection) as one:
        actions.prefill_office(office=world.city.office, month=MONTH)
    for _ in range(4):
        make_supervisee(office=world.city.office)
    Assessment.objects.all().delete()
    Obligation.objects.filter(kind="assessment").delete()
    with CaptureQueriesContext(connection) as many:
        actions.prefill_office(office=world.city.office, month=MONTH)
    assert len(many) == len(one)


# --- attendance owed by the office --------------------------------------------------------------------------


def test_a_past_session_without_attendance_is_owed_until_recorded(world):
    session = _session(world, "legal", 2, 2)
    assert actions.sync_attendance_obligations() == 1
    assert actions.sync_attendance_obligations() == 0
    owed = Obligation.objects.get(kind="attendance")
    assert owed.judicial_office == world.city.office and owed.done_at is None
    # The session was last month: move the person into attending and record the sheet.
    education.record_attendance(
        actor=world.users["officer"], session=session, rows=[{"supervisee": world.supervisee, "status": "present"}]
    )
    owed.refresh_from_db()
    assert owed.done_at is not None
    assert actions.sync_attendance_obligations() == 0


def test_today_links_the_assessment_and_the_attendance_owed(client, world):
    prefill(world)
    _session(world, "legal", 2, 2)
    actions.sync_attendance_obligations()
    Obligation.objects.update(due_at=timezone.now())
    client.force_login(world.users["officer"])
    html = client.get(reverse("supervision:today")).content.decode()
    assessment = Assessment.objects.get(supervisee=world.supervisee)
    assert reverse("supervision:assessment", kwargs={"pk": assessment.pk}) in html
    session = Session.objects.get()
    assert reverse("supervision:education-session", kwargs={"pk": session.pk}) in html


def test_mark_done_cannot_close_an_assessment_or_an_attendance_sheet(client, world):
    """Only the head's approval and the recorded sheet meet them: the page offers no "mark done" and a POST
    to its address is refused with the reason, the obligation staying open."""
    prefill(world)
    _session(world, "legal", 2, 2)
    actions.sync_attendance_obligations()
    client.force_login(world.users["officer"])
    for kind in ("assessment", "attendance"):
        owed = Obligation.objects.get(kind=kind)
        page = client.post(reverse("supervision:obligation-done", kwargs={"pk": owed.pk}), follow=True)
        owed.refresh_from_db()
        assert owed.done_at is None
        assert str(supervision_actions.OWN_DOOR[kind]) in page.content.decode()


def test_an_overdue_attendance_sheet_alert_names_the_session_and_links_to_it(world):
    from notifications.models import Notification

    _session(world, "legal", 2, 2)
    actions.sync_attendance_obligations()
    owed = Obligation.objects.get(kind="attendance")
    Obligation.objects.filter(pk=owed.pk).update(due_at=timezone.now() - dt.timedelta(days=30))
    tasks.escalate_obligations()
    sent = Notification.objects.filter(kind=supervision_actions.NOTIFICATION_KIND, recipient=world.users["officer"])
    session = Session.objects.get()
    named = str(supervision_actions.SOURCE_PAGES["attendance"][1] % {"number": session.pk})
    as_request = str(supervision_actions.SOURCE_PAGES["investigation"][1] % {"number": session.pk})
    assert sent.exists()
    assert all(n.url == reverse("supervision:education-session", kwargs={"pk": session.pk}) for n in sent)
    assert all(named in n.subject and as_request not in n.subject for n in sent)


# --- pages and API ------------------------------------------------------------------------------------------


def test_the_api_answers_bad_input_with_field_messages(client, world):
    assessment = prefill(world)
    client.force_login(world.users["officer"])
    url = reverse("supervision-assessment-scores", kwargs={"pk": assessment.pk})
    response = client.post(url, {"scores": [{"item": "contact", "points": 3}]}, content_type="application/json")
    assert response.status_code == 400 and "scores.contact" in str(response.json())
    response = client.post(url, {"scores": [{"item": "contact", "points": "many"}]}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(
        reverse("supervision-assessment-prefill"), {"month": "2026-13"}, content_type="application/json"
    )
    assert response.status_code == 400 and "month" in response.json().get("errors", response.json()).__str__()
    response = client.post(
        reverse("supervision-assessment-review", kwargs={"pk": assessment.pk}),
        {"decision": "maybe"},
        content_type="application/json",
    )
    assert response.status_code in (400, 403)


def test_the_list_and_the_heads_review_list_cost_the_same_queries_for_one_or_many_people(client, world, head):
    """Each row names the person with what tells namesakes apart (township, age, case number): loaded with
    the rows, not once per row."""

    def cost(user) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("supervision:assessments"), {"month": f"{MONTH:%Y-%m}"}).status_code == 200
        return len(queries)

    def submit_all():
        for assessment in Assessment.objects.filter(state=Assessment.State.DRAFT):
            actions.submit(actor=world.users["officer"], assessment=complete(world, assessment))

    prefill(world)
    submit_all()
    one = (cost(world.users["officer"]), cost(head))
    for _ in range(4):
        make_supervisee(office=world.city.office)
    actions.prefill_office(office=world.city.office, month=MONTH)
    submit_all()
    assert Assessment.objects.filter(state=Assessment.State.SUBMITTED).count() >= 5
    assert (cost(world.users["officer"]), cost(head)) == one


def test_reading_an_assessment_is_logged_and_the_page_shows_the_explanations(client, world):
    assessment = prefill(world)
    client.force_login(world.users["officer"])
    response = client.get(reverse("supervision:assessment", kwargs={"pk": assessment.pk}))
    assert response.status_code == 200
    assert AccessLog.objects.filter(object_type="assessment", object_id=str(assessment.pk)).exists()
    api = client.get(reverse("supervision-assessment-detail", kwargs={"pk": assessment.pk}))
    assert api.status_code == 200 and len(api.json()["scores"]) == 7


def test_the_case_page_charts_totals_and_grades_over_time(client, world, head):
    assessment = complete(world, prefill(world))
    actions.submit(actor=world.users["officer"], assessment=assessment)
    actions.review(actor=head, assessment=assessment, approve=True)
    client.force_login(world.users["officer"])
    html = client.get(reverse("supervision:assessment-case", kwargs={"uuid": world.supervisee.uuid})).content.decode()
    assert "<svg" in html and "<table" in html and f"{MONTH:%Y-%m}" in html


def test_the_person_sees_only_their_reviewed_assessments_total_and_grade(client, world, head, login):
    assessment = complete(world, prefill(world))
    client.force_login(login)
    page = client.get(reverse("portal:overview")).content.decode()
    assert "还没有审核通过的考核" in page
    actions.submit(actor=world.users["officer"], assessment=assessment)
    actions.review(actor=head, assessment=assessment, approve=True)
    assessment.refresh_from_db()
    page = client.get(reverse("portal:overview")).content.decode()
    assert f"{MONTH:%Y-%m}" in page and assessment.grade.label_zh in page
    assert "按时报到" not in page  # never the items or their explanations


def test_the_officer_completes_and_submits_on_the_page(client, world):
    assessment = prefill(world)
    client.force_login(world.users["officer"])
    url = reverse("supervision:assessment", kwargs={"pk": assessment.pk})
    response = client.post(url, {"points_contact": "3"})
    assert response.status_code == 400 and "请说明修改" in response.content.decode()
    response = client.post(url, {"points_admit_guilt": "9", "points_contact": "3", "reason_contact": "未按时回复"})
    assert response.status_code == 302
    client.post(reverse("supervision:assessment-submit", kwargs={"pk": assessment.pk}))
    assessment.refresh_from_db()
    assert assessment.state == "submitted" and assessment.total is not None


@pytest.mark.django_db
def test_the_case_page_shows_the_assessments_chart_and_the_months_hours(world, client):
    """On the person's case page (coordination's), the officer sees the assessed months as a chart with the
    latest total and grade, this month's education hours against the target and the links; reading them is
    logged. An officer of another office does not reach the page."""
    officer = world.users["officer"]
    person = world.supervisee
    month = MONTH
    actions.prefill_office(office=person.judicial_office, month=month, actor=officer)
    assessment = Assessment.objects.get(supervisee=person, month=month)
    client.force_login(officer)
    page = client.get(f"/en/casework/supervisees/{person.uuid}/").content.decode()
    assert "Assessment and education" in page and f"{month:%Y-%m}" in page
    assert f"/casework/supervision/assessments/supervisees/{person.uuid}/" in page
    assert "Education" in page and "This month's hours against the targets" in page
    assert AccessLog.objects.filter(user=officer, object_type="assessment", object_id=str(assessment.pk)).exists()
    client.force_login(world.users["other_officer"])
    assert client.get(f"/en/casework/supervisees/{person.uuid}/").status_code == 404


def test_a_sealed_persons_submitted_assessment_leaves_the_heads_review_list(world, head):
    """CPL Art. 286: the review queue reads the same scoped rows as every other list."""
    from coordination.models import Supervisee
    from supervision.assessment import selectors

    assessment = prefill(world)
    actions.submit(actor=world.users["officer"], assessment=complete(world, assessment))
    assert assessment.pk in {row.pk for row in selectors.to_review(head)}
    Supervisee.objects.filter(pk=assessment.supervisee_id).update(sealed_at=timezone.now())
    assert assessment.pk not in {row.pk for row in selectors.to_review(head)}
