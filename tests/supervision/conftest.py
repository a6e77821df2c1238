import pytest
from django.core.cache import cache

from accounts.sms import get_backend
from supervision.portal import actions as portal_actions
from tests.coordination.factories import make_world

PORTAL_PHONE = "+8613800138000"


@pytest.fixture
def world(db, settings):
    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    return make_world()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The phone page's people (tests of the portal pages and API).
@pytest.fixture
def sms(world):
    backend = get_backend()
    backend.outbox.clear()
    return backend


@pytest.fixture
def officer(world):
    return world.users["officer"]


@pytest.fixture
def person(world):
    return world.supervisee


@pytest.fixture
def login(person, officer, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = portal_actions.grant_login(supervisee=person, actor=officer, phone=PORTAL_PHONE)
    person.refresh_from_db()
    return user


@pytest.fixture
def sealed(world):
    """A person whose correction (begun at 18) ends today for an offence at 17: released, so sealed."""
    from tests.supervision.test_sealing import _closing_case, _release

    s = _release(world, _closing_case(world))
    assert s.sealed_at is not None
    return s
