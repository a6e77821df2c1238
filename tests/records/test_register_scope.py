"""Who sees referral letters and volunteer certificates in the register: the bureau every one; an office's
officers their office's referral letters; a volunteer team's coordinators their team's certificates, nothing
else; the public check of a certificate shows the volunteer's masked name and hours, of a letter no person."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from coordination import actions as casework
from records import actions as records
from services.models import Organisation
from tests.records.helpers import issue
from tests.volunteers import factories as vf
from volunteers import actions as volunteering
from volunteers.models import HourLog

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def certificate(world, team=None):
    volunteer = vf.volunteer(organisation=team or world.city.providers[Organisation.Kind.VOLUNTEER_TEAM])
    entry, _ = volunteering.log_hours(
        actor=None, volunteer=volunteer, activity="普法宣传", date=timezone.localdate(), hours=Decimal("3")
    )
    volunteering.review_hours(entries=HourLog.objects.filter(pk=entry.pk), actor=None, approve=True)
    return volunteering.issue_certificate(actor=None, volunteer=volunteer)


def test_each_role_sees_its_own_documents_in_the_register(world):
    travel = issue(world)
    letter = casework.referral_letter(referral=world.referrals["sent"], actor=world.users["officer"])
    mine = certificate(world)
    other_team = vf.team("另一志愿者协会")
    theirs = certificate(world, other_team)
    coordinator = User.objects.get(username="coordinator")

    def listed(user) -> set[str]:
        page = login(user).get("/casework/records/").content.decode()
        return {doc.number for doc in (travel, letter, mine, theirs) if doc.number in page}

    assert listed(world.users["bureau"]) == {travel.number, letter.number, mine.number, theirs.number}
    assert listed(world.users["officer"]) == {travel.number, letter.number}
    assert listed(world.users["other_officer"]) == set()
    assert listed(coordinator) == {mine.number}
    # The coordinator keeps the team's certificate (void) but not the office's letter.
    assert login(coordinator).get(f"/casework/records/{mine.uuid}/").status_code == 200
    assert login(coordinator).get(f"/casework/records/{letter.uuid}/").status_code == 404
    records.void(document=mine, actor=coordinator, reason="时长有误")
    # The register searches a volunteer by name too.
    page = login(world.users["bureau"]).get("/casework/records/", {"q": mine.snapshot["name"]}).content.decode()
    assert mine.number in page


def test_the_public_check_shows_what_the_kind_allows(world):
    document = certificate(world)
    page = Client().get(f"/verify/{document.uuid}/").content.decode()
    name = document.snapshot["name"]
    assert name[:1] + "*" * (len(name) - 1) in page and "3.00" in page and name not in page
    letter = casework.referral_letter(referral=world.referrals["sent"], actor=world.users["officer"])
    page = Client().get(f"/verify/{letter.uuid}/").content.decode()
    assert letter.number in page and world.supervisee.name not in page
