"""Mentor pairing from the database: rows, runs, proposals, confirm through the correction team rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coordination.models import CorrectionTeamMember
from matching import actions, selectors
from matching.models import MatchRun, MentorProposal
from services.models import Sex
from tests.coordination.factories import make_supervisee
from tests.volunteers.factories import volunteer

pytestmark = pytest.mark.django_db


def mentor(township=None, *, sex=Sex.FEMALE, places=2, minors=False, langs=("zh",), **kw):
    v = volunteer(township=township, **kw)
    v.sex, v.max_mentees, v.cleared_for_minors, v.language_codes = sex, places, minors, list(langs)
    v.save()
    return v


def run_mentors(actor, office=None) -> MatchRun:
    run = actions.start_run(actor=actor, office=office, kind=MatchRun.Kind.MENTORS, queue=False)
    return actions.execute_run(run_id=run.pk)


def test_rows_load_team_woman_minor_and_remaining_places(mw):
    here = mw.city.townships[0]
    woman = make_supervisee(office=mw.city.office, actor=mw.bureau, sex=Sex.FEMALE, team=[])
    minor = make_supervisee(office=mw.city.office, actor=mw.bureau, age=16)
    m = mentor(here, places=3, minors=True, langs=("zh", "yue"))
    CorrectionTeamMember.objects.create(
        supervisee=minor, role=CorrectionTeamMember.Role.VOLUNTEER, user=m.user, name=m.full_name, sex=m.sex
    )
    mentor(status="suspended")  # not active: no row
    rows = {r.id: r for r in selectors.mentee_rows(selectors.mentees_waiting(mw.city.office.pk))}
    assert minor.pk not in rows  # already has a volunteer
    assert rows[woman.pk].team_has_woman is False and rows[woman.pk].sex == "female"
    assert rows[mw.supervisee.pk].team_has_woman is True
    (row,) = selectors.mentor_rows()
    assert (row.id, row.places_left, row.languages, row.mentors_minors) == (m.pk, 2, frozenset({"zh", "yue"}), True)


@pytest.mark.parametrize("size", [1, 4])
def test_rows_cost_a_fixed_number_of_queries(mw, django_assert_num_queries, size):
    for _ in range(size):
        make_supervisee(office=mw.city.office, actor=mw.bureau)
        mentor(mw.city.townships[0])
    with django_assert_num_queries(1):
        assert len(selectors.mentee_rows(selectors.mentees_waiting())) >= size
    with django_assert_num_queries(1):
        assert len(selectors.mentor_rows()) == size


def test_run_proposes_female_mentor_and_confirm_adds_the_team_member(mw):
    woman = make_supervisee(office=mw.city.office, actor=mw.bureau, sex=Sex.FEMALE, team=[])
    man = mentor(mw.city.townships[0], sex=Sex.MALE, places=5, full_name="李男")
    female = mentor(mw.city.townships[1], sex=Sex.FEMALE, places=1, full_name="王女")
    run = run_mentors(mw.officer, mw.city.office)
    assert run.status == MatchRun.Status.DONE and run.kind == MatchRun.Kind.MENTORS
    proposal = MentorProposal.objects.get(run=run, supervisee=woman)
    assert proposal.mentor == female
    assert {"code": "female_mentor", "params": {}} in proposal.reasons
    other = MentorProposal.objects.get(run=run, supervisee=mw.supervisee)
    # The runner-up is the woman, full after the run: she went to the supervisee who needs her.
    assert (other.mentor, other.runner_up, other.runner_up_full) == (man, female, True)
    member = actions.decide(proposal=proposal, verb="confirm", actor=mw.officer).team_member
    assert (member.user, member.role, member.sex) == (female.user, "volunteer", "female")
    proposal.refresh_from_db()
    assert proposal.status == MentorProposal.Status.CONFIRMED and proposal.team_member == member
    assert selectors.mentor_rows(selectors.mentor_volunteers().filter(pk=female.pk))[0].places_left == 0


def test_art25_refusal_on_edit_writes_nothing(mw):
    woman = make_supervisee(office=mw.city.office, actor=mw.bureau, sex=Sex.FEMALE, team=[])
    female = mentor(sex=Sex.FEMALE)
    man = mentor(sex=Sex.MALE)
    run = run_mentors(mw.officer, mw.city.office)
    proposal = MentorProposal.objects.get(run=run, supervisee=woman)
    assert proposal.mentor == female
    with pytest.raises(ValidationError) as err:
        actions.decide(proposal=proposal, verb="edit", target=man, reason="住得近", actor=mw.officer)
    assert err.value.error_dict["sex"][0].code == "art25"
    proposal.refresh_from_db()
    assert proposal.status == MentorProposal.Status.PROPOSED
    assert not woman.team.filter(role=CorrectionTeamMember.Role.VOLUNTEER).exists()


def test_minor_only_paired_with_cleared_mentor(mw):
    minor = make_supervisee(office=mw.city.office, actor=mw.bureau, age=16)
    plain = mentor(mw.city.townships[0], places=5, minors=False)
    cleared = mentor(mw.city.townships[1], places=1, minors=True)
    run = run_mentors(mw.bureau)
    assert MentorProposal.objects.get(run=run, supervisee=minor).mentor == cleared
    proposal = MentorProposal.objects.get(run=run, supervisee=minor)
    with pytest.raises(ValidationError):
        actions.decide(proposal=proposal, verb="edit", target=plain, reason="换人", actor=mw.officer)
    assert MentorProposal.objects.get(run=run, supervisee=mw.supervisee).mentor == plain


def test_office_run_and_scoping(mw):
    mentor(places=5)
    run = run_mentors(mw.bureau)
    seen = set(selectors.mentor_proposals(mw.other_officer, run).values_list("supervisee__judicial_office", flat=True))
    assert seen == {mw.city.other_office.pk}
    proposal = MentorProposal.objects.get(run=run, supervisee=mw.supervisee)
    with pytest.raises(PermissionDenied):
        actions.decide(proposal=proposal, verb="confirm", actor=mw.other_officer)
    with pytest.raises(PermissionDenied):
        actions.start_run(actor=mw.officer, office=mw.city.other_office, kind=MatchRun.Kind.MENTORS, queue=False)
    office_run = run_mentors(mw.officer, mw.city.office)
    assert set(office_run.mentor_proposals.values_list("supervisee__judicial_office", flat=True)) == {mw.city.office.pk}
    proposal.refresh_from_db()
    assert proposal.status == MentorProposal.Status.SUPERSEDED


def test_reject_needs_a_reason(mw):
    mentor()
    run = run_mentors(mw.officer, mw.city.office)
    proposal = run.mentor_proposals.get()
    with pytest.raises(ValidationError):
        actions.decide(proposal=proposal, verb="reject", reason=" ", actor=mw.officer)
    actions.decide(proposal=proposal, verb="reject", reason="本人不愿意", actor=mw.officer)
    proposal.refresh_from_db()
    assert proposal.status == MentorProposal.Status.REJECTED


def test_nightly_task_also_refreshes_mentor_pairing(mw):
    from matching import tasks

    mentor(places=5)
    assert tasks.nightly_run() == 2 + 2  # two need proposals, two mentor proposals
    assert MatchRun.objects.filter(kind=MatchRun.Kind.MENTORS, office__isnull=True, status="done").exists()
