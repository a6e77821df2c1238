"""Browser: open the public directory, filter by a category, open an offering."""

import pytest

from services.models import Organisation
from tests.factories import ServiceOfferingFactory, make_city
from tests.services.factories import full_offering

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_filter_by_category_and_open_an_offering(page):
    city = make_city()
    wanted = full_offering(organisation=city.providers[Organisation.Kind.COUNSELLING_CENTRE], name="周末心理咨询")
    ServiceOfferingFactory(organisation=city.providers[Organisation.Kind.EMPLOYER], name="仓库搬运岗位")

    page.goto("/directory/")
    assert page.get_by_role("heading", level=1).inner_text() == "服务名录"
    assert page.get_by_role("link", name="仓库搬运岗位").is_visible()

    page.get_by_label("类别").select_option("psychological_counselling")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**/directory/?*category=psychological_counselling*")
    assert page.get_by_role("link", name="仓库搬运岗位").count() == 0

    page.get_by_role("link", name="周末心理咨询").click()
    page.wait_for_url(f"**/directory/{wanted.uuid}/")
    assert page.get_by_role("heading", level=1).inner_text() == "周末心理咨询"
    assert "每2周星期一、星期三" in page.locator("#h-when + p").inner_text()
    assert page.get_by_role("link", name=wanted.contact_phone).is_visible()
