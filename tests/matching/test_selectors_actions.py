"""Loading rows from the database, suggestions for one need, runs, proposals and their decisions."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from coordination import actions as coordination_actions
from coordination.models import Need, Referral
from matching import actions, selectors, tasks
from matching.models import MatchingPolicy, MatchRun, Proposal
from services.models import ServiceOffering
from tests import factories
from tests.coordination.factories import make_supervisee


def test_rows_load_in_a_fixed_number_of_queries(mw, django_assert_num_queries):
    with django_assert_num_queries(3):
        rows = selectors.need_rows(selectors.open_needs())
    assert {r.id for r in rows} == {mw.need.pk, mw.other_need.pk}
    with django_assert_num_queries(3):
        offerings = selectors.offering_rows()
    for k in range(5):
        s = make_supervisee(office=mw.city.office, actor=mw.bureau)
        coordination_actions.record_need(
            supervisee=s, category=mw.near.category, urgency=2, description="", actor=mw.bureau
        )
        mw.outside.__class__.objects.create(
            organisation=mw.near.organisation, category=mw.near.category, name=f"加开{k}", capacity=2
        )
    with django_assert_num_queries(3):
        assert len(selectors.need_rows(selectors.open_needs())) == 7
    with django_assert_num_queries(3):
        assert len(selectors.offering_rows()) == len(offerings) + 5


def test_need_row_carries_the_supervisee_fields(mw):
    row = selectors.need_rows(Need.objects.filter(pk=mw.need.pk))[0]
    assert row.township_id == mw.city.townships[0].pk
    assert row.household_type == "rural" and row.sex == "male" and 29 <= row.age <= 31
    assert row.urgency == 2 and row.languages == frozenset({"zh"})
    assert row.office_id == mw.city.office.pk


def test_suggestions_rank_eligible_offerings_and_say_why_others_are_left_out(mw):
    found = selectors.suggestions_for_need(mw.need)
    assert [s.offering_id for s in found.result.eligible] == [mw.near.pk, mw.far.pk]
    assert found.result.eligible[0].reasons[0].code == "same_township"
    excluded = dict(found.result.excluded)
    assert excluded == {mw.full.pk: "vacancies", mw.outside.pk: "service_area", mw.urban_only.pk: "household_type"}


def test_a_declined_offering_is_not_suggested_again_for_that_need(mw):
    assert mw.near.pk in [s.offering_id for s in selectors.suggestions_for_need(mw.need).result.eligible]
    referral = coordination_actions.create_referral(need=mw.need, offering=mw.near, actor=mw.officer, send=True)
    provider = factories.user_with_role("provider_staff", mw.near.organisation, username="nearstaff")
    coordination_actions.apply_verb(referral=referral, verb="decline", actor=provider, reason="名额已满")
    found = selectors.suggestions_for_need(mw.need)
    assert dict(found.result.excluded)[mw.near.pk] == "declined"
    assert mw.near.pk not in [s.offering_id for s in found.result.eligible]


def test_policy_is_validated_and_used(mw):
    bad = MatchingPolicy(name="bad", data={"weights": {"distance_per_km": -3}})
    with pytest.raises(ValidationError):
        bad.full_clean()
    assert mw.urban_only.pk not in [s.offering_id for s in selectors.suggestions_for_need(mw.need).result.eligible]
    MatchingPolicy.objects.create(name="strict", data={"disabled_rules": ["household_type"], "suggestions_limit": 5})
    found = selectors.suggestions_for_need(mw.need)
    assert mw.urban_only.pk in [s.offering_id for s in found.result.eligible]


def test_run_writes_proposals_within_capacity_and_reports_progress(mw):
    run = actions.start_run(actor=mw.bureau, office=None, queue=False)
    run = actions.execute_run(run_id=run.pk)
    assert run.status == MatchRun.Status.DONE and run.progress == 100
    assert run.needs_count == 2 and run.proposals_count == 2
    proposals = {p.need_id: p for p in Proposal.objects.filter(run=run)}
    # the urgent need gets the only place nearby; the other need the far offering
    assert proposals[mw.need.pk].offering_id == mw.near.pk
    assert proposals[mw.other_need.pk].offering_id == mw.far.pk
    assert proposals[mw.need.pk].runner_up_id == mw.far.pk
    assert [r["code"] for r in proposals[mw.need.pk].reasons][:2] == ["urgent", "same_township"]
    # a second run supersedes the open proposals of the first
    second = actions.execute_run(run_id=actions.start_run(actor=mw.bureau, queue=False).pk)
    assert Proposal.objects.filter(run=run, status=Proposal.Status.SUPERSEDED).count() == 2
    assert second.proposals_count == 2


@pytest.mark.postgres
def test_proposals_written_by_copy_on_postgresql_hold_what_the_engine_explained(mw):
    """``COPY`` sends most values as they are: every column must read back as the engine's explanation."""
    from matching import kinds
    from matching.engine.explain import explain_assignment
    from matching.engine.solver import Problem, assign_needs

    run = actions.execute_run(run_id=actions.start_run(actor=mw.bureau, office=None, queue=False).pk)
    problem = Problem.build(
        selectors.need_rows(selectors.open_needs()), selectors.offering_rows(), selectors.townships()
    )
    expected = {
        e.need_id: Proposal(**kinds.REFERRALS.values(run, e)) for e in explain_assignment(assign_needs(problem))
    }
    stored = {p.need_id: p for p in Proposal.objects.filter(run=run)}
    assert set(stored) == set(expected) == {mw.need.pk, mw.other_need.pk}
    columns = [f.attname for f in Proposal._meta.concrete_fields if not f.primary_key]
    for need_id, proposal in stored.items():
        assert proposal.status == Proposal.Status.PROPOSED and proposal.decided_at is None
        assert {c: getattr(proposal, c) for c in columns} == {c: getattr(expected[need_id], c) for c in columns}
    assert stored[mw.need.pk].reasons[0] == {"code": "urgent", "params": {}}
    assert isinstance(stored[mw.need.pk].runner_up_cost, float) and stored[mw.need.pk].runner_up_full in (True, False)


def test_officer_runs_only_their_office_and_sees_only_their_proposals(mw):
    with pytest.raises(PermissionDenied):
        actions.start_run(actor=mw.officer, office=None, queue=False)
    with pytest.raises(PermissionDenied):
        actions.start_run(actor=mw.officer, office=mw.city.other_office, queue=False)
    own = actions.execute_run(run_id=actions.start_run(actor=mw.officer, office=mw.city.office, queue=False).pk)
    assert own.needs_count == 1
    city = actions.execute_run(run_id=actions.start_run(actor=mw.bureau, queue=False).pk)
    assert [p.need_id for p in selectors.proposals(mw.other_officer, city)] == [mw.other_need.pk]
    assert selectors.runs(mw.officer).filter(pk=own.pk).exists()  # control: the office's own officer sees it
    assert not selectors.runs(mw.other_officer).filter(pk=own.pk).exists()


def test_confirm_creates_a_draft_referral_never_sent(mw):
    run = actions.execute_run(run_id=actions.start_run(actor=mw.bureau, queue=False).pk)
    proposal = Proposal.objects.get(run=run, need=mw.need)
    referral = actions.decide(proposal=proposal, verb="confirm", actor=mw.officer).referral
    assert referral.state == Referral.State.DRAFT and referral.sent_at is None
    assert referral.offering_id == mw.near.pk
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.CONFIRMED and proposal.referral_id == referral.pk
    with pytest.raises(ValidationError):
        actions.decide(proposal=proposal, verb="confirm", actor=mw.officer)
    other = Proposal.objects.get(run=run, need=mw.other_need)
    with pytest.raises(PermissionDenied):
        actions.decide(proposal=other, verb="confirm", actor=mw.officer)


def test_edit_and_reject_need_a_reason(mw):
    run = actions.execute_run(run_id=actions.start_run(actor=mw.bureau, queue=False).pk)
    proposal = Proposal.objects.get(run=run, need=mw.need)
    with pytest.raises(ValidationError):
        actions.decide(proposal=proposal, verb="edit", target=mw.far, reason=" ", actor=mw.officer)
    with pytest.raises(ValidationError):
        actions.decide(proposal=proposal, verb="reject", reason="", actor=mw.officer)
    referral = actions.decide(
        proposal=proposal, verb="edit", target=mw.far, reason="离家人近", actor=mw.officer
    ).referral
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.EDITED and proposal.chosen_offering_id == mw.far.pk
    assert referral.offering_id == mw.far.pk and referral.state == Referral.State.DRAFT


def test_task_and_nightly_schedule(mw):
    assert settings.CELERY_BEAT_SCHEDULE["matching-nightly-run"]["task"] == "matching.nightly_run"
    assert tasks.nightly_run() == 2
    run = actions.start_run(actor=mw.bureau, queue=False)
    assert tasks.run_matching(run.pk) == 2


def test_a_failing_run_is_marked_failed(mw, monkeypatch):
    run = actions.start_run(actor=mw.bureau, queue=False)

    def boom(*args, **kwargs):
        raise RuntimeError("solver down")

    monkeypatch.setattr(actions, "assign_needs", boom)
    with pytest.raises(RuntimeError):
        actions.execute_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED and "solver down" in run.error


def test_inactive_offerings_are_not_loaded(mw):
    assert mw.far.pk in {r.id for r in selectors.offering_rows()}  # control: loaded while active
    ServiceOffering.objects.filter(pk=mw.far.pk).update(is_active=False)
    assert mw.far.pk not in {r.id for r in selectors.offering_rows()}


def test_suggestions_cost_a_fixed_number_of_queries(mw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        selectors.suggestions_for_need(mw.need)
    for k in range(6):
        ServiceOffering.objects.create(
            organisation=mw.far.organisation, category=mw.near.category, name=f"又一项{k}", capacity=2
        )
    with CaptureQueriesContext(connection) as after:
        found = selectors.suggestions_for_need(mw.need, limit=20)
    assert len(found.result.eligible) == 8
    assert len(after.captured_queries) == len(before.captured_queries) <= 10
