"""Role primitives and the first policies: who sees which organisations, offerings and offices."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from accounts import actions, roles
from accounts.scoping import scope
from cms.policies import can_edit_content
from coordination.policies import can_use_casework, case_offices
from services.models import Membership, Organisation, ServiceOffering
from tests.factories import ServiceOfferingFactory, UserFactory

Role = Membership.Role
Kind = Organisation.Kind


@pytest.fixture
def offerings(city):
    training = city.providers[Kind.TRAINING_PROVIDER]
    employer = city.providers[Kind.EMPLOYER]
    return {
        "own": ServiceOfferingFactory(organisation=training),
        "other": ServiceOfferingFactory(organisation=employer),
    }


def test_bureau_admin_manages_every_organisation_and_sees_every_office(role_users, city):
    bureau = role_users[Role.BUREAU_ADMIN]
    assert set(scope(bureau, Organisation, "manage")) == set(Organisation.objects.all())
    assert set(case_offices(bureau)) == set(city.offices)
    assert roles.is_bureau_admin(bureau)


def test_officer_sees_only_their_own_office(role_users, city):
    officer = role_users[Role.OFFICE_OFFICER]
    assert list(case_offices(officer)) == [city.office]
    assert city.other_office not in case_offices(officer)
    assert not scope(officer, Organisation, "manage").exists()


def test_provider_staff_manage_only_their_own_offerings(role_users, offerings):
    provider = role_users[Role.PROVIDER_STAFF]
    manageable = scope(provider, ServiceOffering, "manage")
    assert offerings["own"] in manageable
    assert offerings["other"] not in manageable
    assert not case_offices(provider).exists()


def test_people_without_a_role_see_only_public_things(db, offerings):
    stranger = UserFactory()
    assert roles.roles(stranger) == set()
    assert not scope(stranger, ServiceOffering, "manage").exists()
    assert not case_offices(stranger).exists()
    assert not can_use_casework(stranger)
    assert set(scope(None, ServiceOffering)) == {offerings["own"], offerings["other"]}


def test_inactive_organisation_disappears_from_public_lists_and_drops_its_roles(role_users, city, offerings):
    provider = role_users[Role.PROVIDER_STAFF]
    training = city.providers[Kind.TRAINING_PROVIDER]
    training.is_active = False
    training.save()
    roles.forget(provider)
    assert offerings["own"] not in scope(None, ServiceOffering)
    assert training not in scope(None, Organisation)
    assert Role.PROVIDER_STAFF not in roles.roles(provider)


def test_revoked_membership_removes_access_and_groups(role_users, city):
    editor = role_users[Role.CONTENT_EDITOR]
    assert can_edit_content(editor)
    assert editor.groups.filter(name="Editors").exists()
    membership = Membership.objects.get(user=editor, role=Role.CONTENT_EDITOR)
    actions.revoke_membership(membership=membership)
    editor = type(editor).objects.get(pk=editor.pk)  # a new request loads the user afresh
    assert not can_edit_content(editor)
    assert not editor.groups.filter(name="Editors").exists()
    assert editor.has_perm("wagtailadmin.access_admin") is False


def test_content_editor_may_open_the_wagtail_admin(role_users):
    editor = role_users[Role.CONTENT_EDITOR]
    assert editor.has_perm("wagtailadmin.access_admin")
    assert Group.objects.get(name="Editors") in editor.groups.all()


def test_a_role_in_the_wrong_kind_of_organisation_is_refused(city):
    user = UserFactory()
    with pytest.raises(ValidationError) as excinfo:
        actions.grant_membership(user=user, organisation=city.providers[Kind.EMPLOYER], role=Role.OFFICE_OFFICER)
    assert "role" in excinfo.value.message_dict
    assert not Membership.objects.filter(user=user).exists()


def test_granting_twice_keeps_one_membership(city):
    user = UserFactory()
    actions.grant_membership(user=user, organisation=city.office, role=Role.OFFICE_OFFICER)
    actions.grant_membership(user=user, organisation=city.office, role=Role.OFFICE_OFFICER)
    assert Membership.objects.filter(user=user).count() == 1
