"""Field keys (issue 11, item 20): several keys, rotation, independence from SECRET_KEY, the deploy check."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from coordination import actions, identity
from coordination.models import Supervisee
from tests.coordination.factories import make_supervisee


def _numbers() -> dict[int, str]:
    return {s.pk: identity.decrypt(s.resident_id_encrypted) for s in Supervisee.objects.all()}


def test_rotation_moves_every_record_to_the_new_key_and_keeps_the_duplicate_check(city, settings):
    settings.FIELD_ENCRYPTION_KEY = "old-key-aaaaaaaaaaaaaaaaaaaaaaaa"
    people = [make_supervisee(office=city.office) for _ in range(5)]
    before = _numbers()
    hashes = {s.pk: s.resident_id_hash for s in people}

    settings.FIELD_ENCRYPTION_KEY = "new-key-bbbbbbbbbbbbbbbbbbbbbbbb,old-key-aaaaaaaaaaaaaaaaaaaaaaaa"
    assert _numbers() == before  # all keys decrypt before the rotation
    out = io.StringIO()
    call_command("rotate_field_keys", batch_size=2, stdout=out)
    assert "5/5 examined" in out.getvalue()
    assert "5 re-encrypted" in out.getvalue()

    # Only the new key is needed now, and the blind index did not move (it is keyed by the last key).
    settings.FIELD_ENCRYPTION_KEY = "new-key-bbbbbbbbbbbbbbbbbbbbbbbb"
    settings.FIELD_HASH_KEY = "old-key-aaaaaaaaaaaaaaaaaaaaaaaa"
    assert _numbers() == before
    assert {s.pk: s.resident_id_hash for s in Supervisee.objects.all()} == hashes
    assert identity.lookup_hash(before[people[0].pk]) == hashes[people[0].pk]


def test_the_old_key_alone_no_longer_reads_rotated_records(city, settings):
    settings.FIELD_ENCRYPTION_KEY = "old-key-aaaaaaaaaaaaaaaaaaaaaaaa"
    person = make_supervisee(office=city.office)
    settings.FIELD_ENCRYPTION_KEY = "new-key-bbbbbbbbbbbbbbbbbbbbbbbb,old-key-aaaaaaaaaaaaaaaaaaaaaaaa"
    call_command("rotate_field_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEY = "old-key-aaaaaaaaaaaaaaaaaaaaaaaa"
    with pytest.raises(InvalidToken):
        identity.decrypt(Supervisee.objects.get(pk=person.pk).resident_id_encrypted)


def test_a_rotation_that_stopped_halfway_carries_on(city, settings):
    settings.FIELD_ENCRYPTION_KEY = "old-key-aaaaaaaaaaaaaaaaaaaaaaaa"
    for _ in range(4):
        make_supervisee(office=city.office)
    settings.FIELD_ENCRYPTION_KEY = "new-key-bbbbbbbbbbbbbbbbbbbbbbbb,old-key-aaaaaaaaaaaaaaaaaaaaaaaa"
    first = actions.rotate_resident_id_keys(batch_size=2)  # then the process dies
    assert first.reencrypted == 2
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)  # started again from the beginning
    assert "2 re-encrypted" in out.getvalue().splitlines()[-1]
    assert all(identity.is_current(s.resident_id_encrypted) for s in Supervisee.objects.all())


def test_records_stay_readable_when_secret_key_changes(city, settings, client):
    settings.FIELD_ENCRYPTION_KEY = "field-key-cccccccccccccccccccccc"
    person = make_supervisee(office=city.office)
    number = identity.decrypt(person.resident_id_encrypted)
    settings.SECRET_KEY = "a-brand-new-secret-key-after-an-incident-0123456789"
    stored = Supervisee.objects.get(pk=person.pk)
    assert identity.decrypt(stored.resident_id_encrypted) == number
    assert identity.lookup_hash(number) == stored.resident_id_hash


def test_production_without_a_field_key_fails_the_deploy_check(settings):
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEY = ""
    with pytest.raises(SystemCheckError, match="coordination.E001"):
        call_command("check", deploy=True, tags=["security"], stdout=io.StringIO(), stderr=io.StringIO())
    settings.FIELD_ENCRYPTION_KEY = "field-key-cccccccccccccccccccccc"
    try:
        call_command("check", deploy=True, tags=["security"], stdout=io.StringIO(), stderr=io.StringIO())
    except SystemCheckError as error:
        assert "coordination.E001" not in str(error)


def test_development_needs_no_field_key(settings):
    settings.DEBUG = True
    settings.FIELD_ENCRYPTION_KEY = ""
    call_command("check", deploy=True, tags=["security"], stdout=io.StringIO(), stderr=io.StringIO())
    assert identity.decrypt(identity.encrypt("11010519491231002X")) == "11010519491231002X"
