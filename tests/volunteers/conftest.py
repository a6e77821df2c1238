import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing a password costs ~0.3 s with the production hasher; these tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
