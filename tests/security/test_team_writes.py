"""Issue 11, finding 6: every path that puts someone on a correction team asks the same question,
inside the action (``scoping.can(actor, "manage_team", supervisee)``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from coordination import actions as case_actions
from coordination.models import CorrectionTeamMember
from matching import actions
from matching.models import MatchRun, MentorProposal
from services.models import Membership, Organisation, Sex
from tests import factories
from tests.coordination.factories import make_supervisee
from tests.volunteers.factories import volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def mw(db, settings):
    from tests.matching.factories import make_match_world

    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_match_world()


def _agency_worker_on_team(mw, supervisee):
    agency = Organisation.objects.filter(kind=Organisation.Kind.SOCIAL_WORK_AGENCY).first()
    if agency is None:
        agency = factories.OrganisationFactory(kind=Organisation.Kind.SOCIAL_WORK_AGENCY)
    worker = factories.user_with_role(Membership.Role.SOCIAL_WORKER, agency, username="agencysw")
    case_actions.add_team_member(
        supervisee=supervisee,
        actor=mw.bureau,
        role=CorrectionTeamMember.Role.SOCIAL_WORKER,
        name="社工",
        sex=Sex.FEMALE,
        user=worker,
    )
    return worker


@pytest.mark.parametrize("verb", ["confirm", "edit"])
def test_an_agency_social_worker_cannot_put_a_mentor_on_a_team(mw, verb):
    person = make_supervisee(office=mw.city.office, actor=mw.bureau, sex=Sex.MALE)
    worker = _agency_worker_on_team(mw, person)
    mentor = volunteer(township=mw.city.townships[0])
    mentor.sex, mentor.max_mentees = Sex.MALE, 3
    mentor.save()
    run = actions.start_run(actor=mw.bureau, office=None, kind=MatchRun.Kind.MENTORS, queue=False)
    actions.execute_run(run_id=run.pk)
    proposal = MentorProposal.objects.get(supervisee=person)
    other = volunteer(township=mw.city.townships[0])
    other.sex, other.max_mentees = Sex.MALE, 3
    other.save()
    client = Client()
    client.force_login(worker)
    body = {"mentor": other.pk, "reason": "住得更近"} if verb == "edit" else {}
    response = client.post(
        f"/api/v1/matching/mentor-proposals/{proposal.pk}/{verb}/", body, content_type="application/json"
    )
    assert response.status_code in (403, 404)
    assert not person.team.filter(role=CorrectionTeamMember.Role.VOLUNTEER).exists()


def test_the_team_action_itself_refuses_whoever_may_not_manage_the_team(mw):
    person = make_supervisee(office=mw.city.office, actor=mw.bureau, sex=Sex.MALE)
    worker = _agency_worker_on_team(mw, person)
    with pytest.raises(PermissionDenied):
        case_actions.add_team_member(
            supervisee=person, actor=worker, role=CorrectionTeamMember.Role.FAMILY_CONTACT, name="李梅", sex=Sex.FEMALE
        )
    member = person.team.get(user=worker)
    with pytest.raises(PermissionDenied):
        case_actions.remove_team_member(member=member, actor=worker)
    assert person.team.filter(is_active=True).count() == 2
