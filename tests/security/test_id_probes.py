"""Issue 11, finding 10: the ID-number duplicate check stays, but every probe is logged (who, when,
the keyed hash, the outcome), throttled per user, and the bureau sees the probes that matched
another office."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from coordination import actions, identity
from coordination.models import PROBE_ELSEWHERE, AccessLog, Sex
from tests.coordination.factories import make_world, resident_id


@pytest.fixture
def world(db, settings):
    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return make_world()


def _fields(world, office, born, sex=Sex.MALE):
    s = world.supervisee
    return {
        "name": "赵新",
        "given_name": "新",
        "sex": sex,
        "date_of_birth": born,
        "phone": "13800000000",
        "household_type": "urban",
        "township": office.township,
        "address": "",
        "judicial_office": office,
        "sentence_type": "probation",
        "offence_category": "fraud",
        "correction_start": s.correction_start,
        "correction_end": s.correction_end,
        "risk_level": "low",
    }


def _number_of(supervisee) -> str:
    return identity.decrypt(supervisee.resident_id_encrypted)


def test_a_probe_of_another_offices_supervisee_is_logged_and_reported(world):
    prober = world.users["other_officer"]  # works for the other office
    target = world.supervisee  # registered in the first office
    fields = _fields(world, world.city.other_office, target.date_of_birth, target.sex)
    with pytest.raises(ValidationError) as refused:
        actions.create_supervisee(actor=prober, resident_id=_number_of(target), **fields)
    assert "resident_id" in refused.value.message_dict
    assert world.city.office.display_name not in str(refused.value)  # the office stays unnamed

    row = AccessLog.objects.get(action=AccessLog.Action.PROBE, user=prober)
    assert (row.user, row.object_id, row.supervisee, row.purpose) == (
        prober,
        target.resident_id_hash,
        target,
        PROBE_ELSEWHERE,
    )
    # A fresh number is logged as "no match" and registers.
    born = target.date_of_birth
    actions.create_supervisee(actor=prober, resident_id=resident_id(born=born), **fields)
    assert list(
        AccessLog.objects.filter(action="probe", user=prober).order_by("pk").values_list("purpose", flat=True)
    ) == [
        PROBE_ELSEWHERE,
        "id check: no match",
    ]

    bureau = Client()
    bureau.force_login(world.users["bureau"])
    page = bureau.get("/en/casework/access-log/?show=id-probes")
    assert page.status_code == 200
    text = page.content.decode()
    rows = text.split("<tbody>")[1]  # the entries (the purpose filter above lists every purpose)
    assert prober.get_full_name() in rows and "registered in another office" in rows and "no match" not in rows
    officer = Client()
    officer.force_login(world.users["officer"])
    assert officer.get("/casework/access-log/?show=id-probes").status_code == 403


def test_probes_are_throttled_per_user(world, settings):
    from config.observability import request_path_var

    settings.RESIDENT_ID_CHECK_RATE = "2/hour"
    marker = request_path_var.set("/casework/supervisees/new/")  # as while serving a request
    prober = world.users["other_officer"]
    target = world.supervisee
    fields = _fields(world, world.city.other_office, target.date_of_birth, target.sex)
    for _ in range(2):
        with pytest.raises(ValidationError):
            actions.create_supervisee(actor=prober, resident_id=_number_of(target), **fields)
    with pytest.raises(ValidationError) as third:
        actions.create_supervisee(actor=prober, resident_id=_number_of(target), **fields)
    assert third.value.code == "throttled"
    assert AccessLog.objects.filter(action="probe", user=prober).count() == 2
    request_path_var.reset(marker)
    # Someone else is not slowed down by it.
    client = Client()
    client.force_login(world.users["officer"])
    payload = {
        **{k: v for k, v in fields.items() if k not in ("township", "judicial_office")},
        "date_of_birth": target.date_of_birth.isoformat(),
        "correction_start": target.correction_start.isoformat(),
        "correction_end": target.correction_end.isoformat(),
        "township": world.city.office.township.code,
        "judicial_office": str(world.city.office.uuid),
        "resident_id": _number_of(target),
    }
    answer = client.post("/api/v1/supervisees/", payload, content_type="application/json")
    assert answer.status_code == 400 and "resident_id" in answer.json()["errors"]
    assert AccessLog.objects.filter(action="probe", user=world.users["officer"]).count() == 1
