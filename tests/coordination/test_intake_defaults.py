"""Registering a supervisee: birth date and sex come from the ID number; sentence, offence and risk
are chosen, never preselected."""

from __future__ import annotations

import re

from django.test import Client

from coordination.models import Supervisee
from tests.coordination.factories import resident_id
from tests.coordination.test_intake import BORN, _intake


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_birth_date_and_sex_are_filled_from_the_id_number(world):
    data = _intake(world, date_of_birth="", sex="", resident_id=resident_id(born=BORN, sex="female"))
    response = _client(world.users["officer"]).post("/en/casework/supervisees/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    s = Supervisee.objects.get(name="赵新民")
    assert s.date_of_birth == BORN and s.sex == "female"


def test_a_typed_birth_date_is_still_checked_against_the_id_number(world):
    data = _intake(world, date_of_birth="1990-05-18", sex="")
    response = _client(world.users["officer"]).post("/en/casework/supervisees/new/", data)
    assert response.status_code == 200 and "born on 1990-05-17" in response.content.decode()
    assert not Supervisee.objects.filter(name="赵新民").exists()


def test_sentence_offence_and_risk_start_empty_and_must_be_chosen(world):
    page = _client(world.users["officer"]).get("/en/casework/supervisees/new/").content.decode()
    for name in ("sentence_type", "offence_category", "risk_level"):
        select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
        assert "selected" not in select or 'value="" selected' in select, name
    data = _intake(world, sentence_type="", offence_category="", risk_level="")
    response = _client(world.users["officer"]).post("/en/casework/supervisees/new/", data)
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") >= 3
    assert not Supervisee.objects.filter(name="赵新民").exists()
