"""An officer registers a supervisee, forms the correction team (Art. 25 enforced) and records a need."""

import datetime as dt
import re

import pytest

from coordination.models import Need, Supervisee
from services.models import Membership
from tests import factories
from tests.browser.test_coordination_referral import log_in
from tests.coordination.factories import resident_id

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Role = Membership.Role
RECORD = re.compile(r"/casework/supervisees/[0-9a-f-]{36}/(#.*)?$")


def test_an_officer_registers_a_supervisee_forms_the_team_and_records_a_need(page):
    city = factories.make_city()
    factories.user_with_role(Role.OFFICE_OFFICER, city.office, username="officer", full_name="王强")
    born = dt.date(1992, 3, 8)
    number = resident_id(born=born, sex="female")

    log_in(page, "officer", "/en/casework/caseload/")
    page.get_by_role("link", name="Register a supervisee").click()
    page.get_by_label("Full name").fill("李晓梅")
    page.get_by_label("Given name").fill("晓梅")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Date of birth").fill(born.isoformat())
    page.get_by_label("Resident ID number").fill(number[:-1] + ("0" if number[-1] != "0" else "1"))
    page.get_by_label("Mobile phone").fill("13912345678")
    page.get_by_label("Household type").select_option("rural")
    page.get_by_label("Township").select_option(index=1)
    page.get_by_label("Sentence type").select_option("probation")
    page.get_by_label("Offence category").select_option("theft")
    page.get_by_label("Correction starts").fill("2026-01-05")
    page.get_by_label("Correction ends").fill("2027-01-04")
    page.get_by_label("Risk level").select_option("low")
    page.get_by_role("button", name="Register").click()
    # A wrong check digit: the field error is shown and nothing is saved.
    assert "check digit is wrong" in page.content()
    assert not Supervisee.objects.exists()
    page.get_by_label("Resident ID number").fill(number)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(RECORD)
    assert "Supervisee registered." in page.content()
    supervisee = Supervisee.objects.get(name="李晓梅")

    # Art. 25: the first member of a woman's team cannot be a man alone.
    page.get_by_text("Add a team member").click()
    page.get_by_label("Role on the team").select_option("officer")
    page.get_by_label("Person (staff or volunteer)").select_option(label="王强")
    page.locator("form[action$='/team/add/']").get_by_label("Sex").select_option("male")
    page.get_by_role("button", name="Add to the team").click()
    assert "must include a woman" in page.content()
    page.get_by_label("Role on the team").select_option("family_contact")
    page.get_by_label("Person (staff or volunteer)").select_option(index=0)
    page.get_by_label(re.compile(r"^Name")).fill("李母")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Phone").fill("13812345678")
    page.get_by_role("button", name="Add to the team").click()
    page.wait_for_url(RECORD)
    assert "李母" in page.get_by_test_id("team").inner_text()
    assert supervisee.team.filter(is_active=True).count() == 1

    page.get_by_role("link", name="Record a need").click()
    page.get_by_label("Category").select_option(label="Vocational training")
    page.get_by_label("What is needed").fill("想学面点")
    page.get_by_role("button", name="Save the need").click()
    page.wait_for_url("**/refer/")
    need = Need.objects.get(supervisee=supervisee)
    assert need.description == "想学面点" and need.created_by.username == "officer"
