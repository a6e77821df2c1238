"""Registering a supervisee in the browser: typing the ID number fills the birth date and sex, and the
sentence, offence and risk start empty (issue 12, item 11)."""

import datetime as dt

import pytest

from services.models import Membership
from tests import factories
from tests.browser.test_coordination_referral import log_in
from tests.coordination.factories import resident_id

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_id_number_fills_birth_date_and_sex_and_nothing_risky_is_preselected(page):
    city = factories.make_city()
    factories.user_with_role(Membership.Role.OFFICE_OFFICER, city.office, username="officer", full_name="王强")
    born = dt.date(1992, 3, 8)
    log_in(page, "officer", "/en/casework/supervisees/new/")
    for label in ("Sentence type", "Offence category", "Risk level", "Sex"):
        assert page.get_by_label(label).input_value() == "", label
    assert page.get_by_label("Date of birth").input_value() == ""
    page.get_by_label("Resident ID number").fill(resident_id(born=born, sex="female"))
    assert page.get_by_label("Date of birth").input_value() == born.isoformat()
    assert page.get_by_label("Sex").input_value() == "female"
