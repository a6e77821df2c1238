"""Correction plans (versioned) and classification reviews: what an officer, a head and the API notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from config.errors import ActionError
from coordination.models import AccessLog, CorrectionTeamMember, Supervisee
from supervision import actions, classification, rulebook
from supervision.models import ClassificationReview, CorrectionPlan, Obligation
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

PLAN = {
    "supervision_level": "ordinary",
    "risk_level": "medium",
    "classification_reasons": "初次评估：中风险，有稳定住所",
    "reporting_mode": "in_person",
    "reporting_interval_days": 7,
    "education_goals": "每月集中教育",
    "help_goals": "协助就业",
}


def officer_plan(world, **changes):
    return actions.write_plan(supervisee=world.supervisee, actor=world.users["officer"], **{**PLAN, **changes})


@pytest.fixture
def head(world):
    return user_with_role(Role.OFFICE_HEAD, world.city.office, username="officehead")


def test_a_new_version_never_rewrites_the_old_one(world):
    first = officer_plan(world)
    second = officer_plan(world, education_goals="每周一次法治教育", change_note="调整教育目标")
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.education_goals == "每月集中教育"
    assert actions.current_plan(world.supervisee) == second


def test_the_plan_sets_the_next_review_from_the_rule_book_and_owes_it(world):
    today = timezone.localdate()
    plan = officer_plan(world)
    assert plan.next_review_on == rulebook.due(rulebook.PLAN_REVIEW_INTERVAL, today)
    review = Obligation.objects.get(supervisee=world.supervisee, kind=Obligation.Kind.PLAN_REVIEW, done_at=None)
    assert timezone.localdate(review.due_at) == plan.next_review_on
    # A new version meets the review that was owed and owes the next one.
    officer_plan(world, change_note="复核")
    rows = Obligation.objects.filter(supervisee=world.supervisee, kind=Obligation.Kind.PLAN_REVIEW)
    assert rows.count() == 2
    assert rows.filter(done_at__isnull=True).count() == 1
    assert rows.get(pk=review.pk).done_by == world.users["officer"]


def test_the_level_changes_only_through_an_approved_review(world, head):
    officer_plan(world)
    with pytest.raises(ActionError) as refused:
        officer_plan(world, supervision_level="strict")
    assert "supervision_level" in refused.value.message_dict
    review = actions.propose_review(
        supervisee=world.supervisee, actor=world.users["officer"], to_level="strict", reasons="多次未按时报到"
    )
    # The proposer cannot approve; another officer is no approver either.
    with pytest.raises(ActionError):
        actions.decide_review(review=review, actor=world.users["officer"], approve=True)
    assert review.state == ClassificationReview.State.PROPOSED
    actions.decide_review(review=review, actor=head, approve=True, note="同意")
    plan = actions.current_plan(world.supervisee)
    assert (plan.version, plan.supervision_level, plan.review_id) == (2, "strict", review.pk)
    world.supervisee.refresh_from_db()
    assert world.supervisee.supervision_level == "strict"
    with pytest.raises(ActionError) as twice:
        actions.decide_review(review=review, actor=head, approve=False, note="no")
    assert twice.value.code == "already_decided"


def test_a_head_never_approves_their_own_proposal(world, head):
    officer_plan(world)
    review = actions.propose_review(supervisee=world.supervisee, actor=head, to_level="lenient", reasons="表现良好")
    with pytest.raises(ActionError) as own:
        actions.decide_review(review=review, actor=head, approve=True)
    assert own.value.code == "forbidden"
    other_head = user_with_role(Role.OFFICE_HEAD, world.city.other_office, username="otherhead")
    with pytest.raises(ActionError):
        actions.decide_review(review=review, actor=other_head, approve=True)


def test_rejection_needs_a_reason_and_keeps_the_level(world, head):
    officer_plan(world)
    review = actions.propose_review(
        supervisee=world.supervisee, actor=world.users["officer"], to_level="lenient", reasons="表现良好"
    )
    with pytest.raises(ActionError) as no_reason:
        actions.decide_review(review=review, actor=head, approve=False)
    assert "note" in no_reason.value.message_dict
    actions.decide_review(review=review, actor=head, approve=False, note="矫正时间尚短")
    assert actions.current_plan(world.supervisee).supervision_level == "ordinary"
    assert CorrectionPlan.objects.filter(supervisee=world.supervisee).count() == 1


def test_the_suggestion_lists_its_reasons_and_follows_the_rule_book(world):
    supervisee = world.supervisee
    assert classification.suggest(supervisee).level == "ordinary"
    Supervisee.objects.filter(pk=supervisee.pk).update(risk_level="high")
    supervisee.refresh_from_db()
    strict = classification.suggest(supervisee)
    assert strict.level == "strict" and any("高" in r or "high" in r for r in strict.reasons)
    # Overdue obligations: at the rule book's threshold the suggestion turns strict.
    Supervisee.objects.filter(pk=supervisee.pk).update(risk_level="low")
    supervisee.refresh_from_db()
    long_ago = timezone.now() - dt.timedelta(days=30)
    Obligation.objects.create(supervisee=supervisee, kind="release", rule_code="release_reminder", due_at=long_ago)
    assert classification.suggest(supervisee).level != "strict"
    Obligation.objects.create(
        supervisee=supervisee, kind="plan_review", rule_code="plan_review_interval", due_at=long_ago
    )
    overdue = classification.suggest(supervisee)
    assert overdue.level == "strict"
    assert any("2" in r for r in overdue.reasons)


def test_low_risk_long_served_person_is_suggested_lenient(world):
    supervisee = world.supervisee
    Supervisee.objects.filter(pk=supervisee.pk).update(
        risk_level="low", correction_start=timezone.localdate() - dt.timedelta(days=400)
    )
    supervisee.refresh_from_db()
    assert classification.suggest(supervisee).level == "lenient"
    Supervisee.objects.filter(pk=supervisee.pk).update(offence_category="assault")
    supervisee.refresh_from_db()
    suggestion = classification.suggest(supervisee)
    assert suggestion.level == "ordinary" and suggestion.reasons


def test_only_an_active_person_gets_a_plan(world):
    Supervisee.objects.filter(pk=world.supervisee.pk).update(status=Supervisee.Status.RELEASED)
    world.supervisee.refresh_from_db()
    with pytest.raises(ActionError) as refused:
        officer_plan(world)
    assert refused.value.code == "transition"


def test_the_team_is_the_persons_current_team(world):
    own = list(CorrectionTeamMember.objects.filter(supervisee=world.supervisee, is_active=True))
    plan = officer_plan(world, team=own)
    assert set(plan.team.all()) == set(own)
    foreign = CorrectionTeamMember.objects.create(
        supervisee=world.other_supervisee, role="officer", name="某某", sex="male"
    )
    with pytest.raises(ActionError):
        officer_plan(world, team=[foreign])


# --- pages ---------------------------------------------------------------------------------------------


def test_officer_writes_versions_on_the_page_and_sees_the_history(world):
    client = Client()
    client.force_login(world.users["officer"])
    url = reverse("supervision:plan-write", kwargs={"uuid": world.supervisee.uuid})
    response = client.post(url, {**PLAN, "change_note": ""})
    assert response.status_code == 302
    response = client.post(url, {**PLAN, "education_goals": "新的教育目标", "change_note": "第二版"})
    assert response.status_code == 302
    page = client.get(reverse("supervision:plan", kwargs={"uuid": world.supervisee.uuid}))
    text = page.content.decode()
    assert "新的教育目标" in text and "每月集中教育" in text  # the current version and the earlier one
    assert AccessLog.objects.filter(object_type="correction_plan", user=world.users["officer"]).count() == 2


def test_the_page_refuses_a_level_change_with_the_actions_message(world):
    officer_plan(world)
    client = Client()
    client.force_login(world.users["officer"])
    url = reverse("supervision:plan-write", kwargs={"uuid": world.supervisee.uuid})
    response = client.post(url, {**PLAN, "supervision_level": "strict"})
    assert response.status_code == 400
    assert "分类复核" in response.content.decode() or "classification review" in response.content.decode()
    bad = client.post(url, {**PLAN, "reporting_interval_days": "abc"})
    assert bad.status_code == 400


def test_propose_and_approve_on_the_pages_with_confirmation(world, head):
    officer_plan(world)
    officer = Client()
    officer.force_login(world.users["officer"])
    response = officer.post(
        reverse("supervision:review-propose", kwargs={"uuid": world.supervisee.uuid}),
        {"to_level": "strict", "reasons": "多次未按时报到"},
    )
    assert response.status_code == 302
    review = ClassificationReview.objects.get()
    decide = reverse("supervision:review-decide", kwargs={"pk": review.pk})
    chief = Client()
    chief.force_login(head)
    page = chief.get(reverse("supervision:plan", kwargs={"uuid": world.supervisee.uuid}))
    assert decide in page.content.decode()
    asked = chief.post(decide, {"decision": "approve", "note": ""})
    assert asked.status_code == 200 and b"confirmed" in asked.content
    assert actions.current_plan(world.supervisee).supervision_level == "ordinary"
    done = chief.post(decide, {"decision": "approve", "note": "", "confirmed": "yes"})
    assert done.status_code == 302
    assert actions.current_plan(world.supervisee).supervision_level == "strict"
    # The proposer may not decide: the page does not offer it and the post is refused.
    assert (
        decide not in officer.get(reverse("supervision:plan", kwargs={"uuid": world.supervisee.uuid})).content.decode()
    )


# --- API -----------------------------------------------------------------------------------------------


def test_api_writes_versions_and_refuses_like_the_page(world, head):
    client = Client()
    client.force_login(world.users["officer"])
    url = reverse("supervision-plan-list")
    body = {**PLAN, "supervisee": str(world.supervisee.uuid)}
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201 and created.json()["version"] == 1
    refused = client.post(url, {**body, "supervision_level": "strict"}, content_type="application/json")
    assert refused.status_code == 400
    page = Client()
    page.force_login(world.users["officer"])
    page_text = page.post(
        reverse("supervision:plan-write", kwargs={"uuid": world.supervisee.uuid}),
        {**PLAN, "supervision_level": "strict"},
    ).content.decode()
    message = refused.json()["errors"]
    assert any(m in page_text for m in _messages(message))
    bad = client.post(url, {**body, "reporting_interval_days": 0}, content_type="application/json")
    assert bad.status_code == 400
    listed = client.get(url, {"supervisee": str(world.supervisee.uuid)})
    assert [row["version"] for row in listed.json()["results"]] == [1]
    suggestion = client.get(reverse("supervision-plan-suggestion"), {"supervisee": str(world.supervisee.uuid)})
    assert suggestion.status_code == 200 and suggestion.json()["reasons"]

    proposed = client.post(
        reverse("supervision-review-list"),
        {"supervisee": str(world.supervisee.uuid), "to_level": "strict", "reasons": "未按时报到"},
        content_type="application/json",
    )
    assert proposed.status_code == 201
    review_id = proposed.json()["id"]
    decide = reverse("supervision-review-decide", kwargs={"pk": review_id})
    own = client.post(decide, {"decision": "approve"}, content_type="application/json")
    assert own.status_code == 403
    chief = Client()
    chief.force_login(head)
    approved = chief.post(decide, {"decision": "approve"}, content_type="application/json")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    again = chief.post(decide, {"decision": "reject", "note": "x"}, content_type="application/json")
    assert again.status_code == 409


def test_other_offices_and_providers_see_no_plan(world):
    plan = officer_plan(world)
    for role, status in (("other_officer", 404), ("provider", 403), ("volunteer", 403)):
        client = Client()
        client.force_login(world.users[role])
        assert client.get(reverse("supervision-plan-detail", kwargs={"pk": plan.pk})).status_code == status
        page = client.get(reverse("supervision:plan", kwargs={"uuid": world.supervisee.uuid}))
        assert page.status_code == status


def _messages(errors) -> list[str]:
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


def test_the_head_finds_open_proposals_on_the_todo_page_but_not_their_own(world, head):
    officer_plan(world)
    actions.propose_review(
        supervisee=world.supervisee, actor=world.users["officer"], to_level="strict", reasons="多次未按时报到"
    )
    plan_url = reverse("supervision:plan", kwargs={"uuid": world.supervisee.uuid})
    chief = Client()
    chief.force_login(head)
    page = chief.get("/casework/supervision/today/").content.decode()
    assert "待您审批的分类复核" in page and plan_url in page
    # The proposer has nothing to decide; nor has the head once the proposal is their own.
    officer = Client()
    officer.force_login(world.users["officer"])
    assert "待您审批的分类复核" not in officer.get("/casework/supervision/today/").content.decode()
    ClassificationReview.objects.update(proposed_by=head)
    assert "待您审批的分类复核" not in chief.get("/casework/supervision/today/").content.decode()
