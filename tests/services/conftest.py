import pytest

from tests.services.factories import full_offering


@pytest.fixture
def offering(city):
    """A fully described offering of the city's training provider."""
    from services.models import Organisation

    return full_offering(organisation=city.providers[Organisation.Kind.TRAINING_PROVIDER])


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users made here never log in with a password over a real hasher; keep their creation cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
