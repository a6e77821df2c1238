import pytest

from accounts.models import User
from tests.coordination.factories import make_world


@pytest.fixture
def world(db, settings):
    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    # The volunteer team's coordinator (made with the city's users): keeps the team's certificates.
    world.users["coordinator"] = User.objects.get(username="coordinator")
    return world
