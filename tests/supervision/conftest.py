import pytest
from django.core.cache import cache

from tests.coordination.factories import make_world


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
