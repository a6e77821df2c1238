"""The policy registry: registration, scope(), refusals, the personal-data check and the generated page."""

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import QuerySet
from django.utils import timezone

from accounts import scoping, visibility_doc
from coordination.models import Supervisee
from coordination.policies import SuperviseePolicy
from services.models import Membership, Township
from tests.factories import TownshipFactory, UserFactory

Role = Membership.Role


class NamedTownships(scoping.BasePolicy):
    """A test policy: everyone sees the townships named "A…", staff may "rename" the first one only."""

    model = Township

    def rows_view(self, user) -> QuerySet[Township]:
        """Townships whose code starts with A."""
        return Township.objects.filter(code__startswith="A")

    def rows_rename(self, user) -> QuerySet[Township]:
        """Only the township with code A1."""
        return Township.objects.filter(code="A1")


@pytest.fixture
def township_policy():
    policy = scoping.register(Township, NamedTownships())
    yield policy
    scoping.unregister(Township)


@pytest.fixture
def townships(db):
    return {code: TownshipFactory(code=code) for code in ("A1", "A2", "B1")}


def test_a_registered_policy_answers_scope_by_class_label_and_instance(township_policy, townships):
    user = UserFactory()
    assert set(scoping.scope(user, Township)) == {townships["A1"], townships["A2"]}
    assert set(scoping.scope(user, "services.Township")) == {townships["A1"], townships["A2"]}
    assert scoping.policy_for(townships["B1"]) is township_policy
    assert set(scoping.scope(user, Township, "rename")) == {townships["A1"]}


def test_a_model_without_a_policy_is_refused(db):
    assert Township not in scoping.registered()
    with pytest.raises(scoping.PolicyError, match="services.Township has no registered policy"):
        scoping.scope(UserFactory(), Township)
    with pytest.raises(scoping.PolicyError):
        scoping.can(UserFactory(), "view", Township)


def test_an_unknown_verb_is_refused(township_policy, townships):
    with pytest.raises(scoping.PolicyError, match="no rows for the verb 'delete'"):
        scoping.scope(UserFactory(), Township, "delete")
    with pytest.raises(scoping.PolicyError):
        scoping.can(UserFactory(), "delete", townships["A1"])


def test_a_verb_with_rows_only_is_allowed_on_exactly_those_rows(township_policy, townships):
    user = UserFactory()
    assert scoping.can(user, "rename", townships["A1"])
    assert not scoping.can(user, "rename", townships["A2"])
    assert scoping.can(user, "view", townships["A2"])
    assert not scoping.can(user, "view", townships["B1"])


def test_a_second_policy_for_the_same_model_is_refused(township_policy):
    with pytest.raises(scoping.PolicyError, match="services.Township already has a policy: NamedTownships"):
        scoping.register(Township, NamedTownships())
    assert scoping.policy_for(Township) is township_policy


def test_an_object_that_is_not_a_policy_is_refused():
    class NotAPolicy:
        model = Township

    with pytest.raises(TypeError, match="does not implement the Policy protocol"):
        scoping.register(Township, NotAPolicy())  # type: ignore[arg-type]
    assert Township not in scoping.registered()


def test_every_app_registers_its_policies_at_startup():
    registered = scoping.registered()
    assert isinstance(registered[Supervisee], SuperviseePolicy)
    labels = {model._meta.label for model in registered}
    assert {"accounts.User", "services.ServiceOffering", "volunteers.Shift", "matching.Proposal"} <= labels


def test_scope_by_label_matches_scope_by_class(role_users, city):
    officer = role_users[Role.OFFICE_OFFICER]
    # The sealing row filter compares openings with the clock: both queries are built at the same instant.
    with time_machine.travel(timezone.now(), tick=False):
        by_label = str(scoping.scope(officer, "coordination.Supervisee").query)
        assert by_label == str(scoping.scope(officer, Supervisee).query)


def test_system_check_fails_for_a_personal_data_model_without_a_policy(settings):
    settings.PERSONAL_DATA_MODELS = ["coordination.Supervisee", "services.Township", "nosuch.Model"]
    errors = scoping.check_personal_data_policies()
    assert [(e.id, e.obj) for e in errors if e.id == "accounts.E011"] == [("accounts.E011", Township)]
    assert [e.id for e in errors if "nosuch.Model" in e.msg] == ["accounts.E010"]


def test_system_check_passes_once_the_model_has_a_policy(settings, township_policy):
    settings.PERSONAL_DATA_MODELS = ["coordination.Supervisee", "services.Township"]
    assert scoping.check_personal_data_policies() == []


def test_the_project_declares_its_personal_data_and_every_such_model_has_a_policy(settings):
    assert "coordination.Supervisee" in settings.PERSONAL_DATA_MODELS
    assert scoping.check_personal_data_policies() == []


def test_the_committed_visibility_page_is_generated_from_the_registry():
    committed = visibility_doc.default_path().read_text(encoding="utf-8")
    assert committed == visibility_doc.render(), "docs/visibility.md is stale: run `manage.py visibility_doc`"


def test_the_visibility_page_changes_when_a_policy_is_added(township_policy):
    text = visibility_doc.render()
    assert "`services.Township`" in text
    assert "Only the township with code A1." in text
    with pytest.raises(CommandError, match="stale"):
        call_command("visibility_doc", "--check")


# --- Found by mutation testing (docs/development.md): each test kills a mutant that survived ---------


class OwnTownships(scoping.BasePolicy):
    """A test policy whose rows depend on the user: staff see every township, others none."""

    model = Township

    def rows_view(self, user) -> QuerySet[Township]:
        """Staff see every township."""
        return Township.objects.all() if getattr(user, "is_staff", False) else Township.objects.none()


def test_can_asks_the_rows_of_this_user_not_of_anybody(db, townships):
    scoping.register(Township, OwnTownships())
    try:
        staff, other = UserFactory(is_staff=True), UserFactory()
        assert scoping.can(staff, "view", townships["B1"])
        assert not scoping.can(other, "view", townships["B1"])
    finally:
        scoping.unregister(Township)


def test_queryset_means_view_by_default(township_policy, townships):
    user = UserFactory()
    assert set(township_policy.queryset(user)) == set(scoping.scope(user, Township, "view"))


def test_a_rows_only_verb_needs_a_row_and_says_so(township_policy, townships):
    with pytest.raises(scoping.PolicyError, match="services.Township cannot answer 'rename' without a row"):
        scoping.can(UserFactory(), "rename", Township)
    with pytest.raises(scoping.PolicyError, match="cannot answer 'delete'$"):
        scoping.can(UserFactory(), "delete", townships["A1"])


def test_unregistering_a_model_without_a_policy_is_quiet():
    scoping.unregister(Township)
    scoping.unregister(Township)
    assert Township not in scoping.registered()


def test_fields_are_the_policys_answer_for_this_user(role_users, city):
    from tests.coordination.factories import make_supervisee

    supervisee = make_supervisee(office=city.office)
    officer, social_worker = role_users[Role.OFFICE_OFFICER], role_users[Role.SOCIAL_WORKER]
    assert "resident_id" in scoping.fields(officer, supervisee)
    assert "resident_id" not in scoping.fields(social_worker, supervisee)
    assert "offence_category" in scoping.fields(social_worker, supervisee)


def test_a_policy_that_says_nothing_about_fields_shows_every_concrete_field(township_policy, townships):
    expected = {f.name for f in Township._meta.concrete_fields}
    assert scoping.fields(UserFactory(), townships["A1"]) == expected


def test_can_on_a_model_asks_about_this_user(role_users):
    assert scoping.can(role_users[Role.OFFICE_OFFICER], "register", Supervisee)
    assert not scoping.can(role_users[Role.PROVIDER_STAFF], "register", Supervisee)
