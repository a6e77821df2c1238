import pytest

from tests.matching.factories import make_match_world


@pytest.fixture
def mw(db, settings):
    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_match_world()
