"""On a phone, the bureau invites a new social worker by e-mail and then grants them a second role."""

import pytest
from django.core import mail

from accounts.models import AccountChange, User
from services.models import Membership
from tests import factories
from tests.browser.test_coordination_referral import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Role = Membership.Role


def test_the_bureau_invites_a_user_and_grants_a_role_on_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    city = factories.make_city()
    factories.user_with_role(Role.BUREAU_ADMIN, city.bureau, username="bureau", full_name="局管理员")

    log_in(page, "bureau", "/en/today/")
    page.get_by_role("link", name="People and roles").first.click()
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Full name").fill("孙新社工")
    page.get_by_label("E-mail").fill("sun@example.cn")
    page.get_by_label("Organisation").select_option(str(city.office.pk))
    page.get_by_label("Role").select_option("social_worker")
    page.get_by_label("Reason").fill("新聘驻所社工")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url("**/casework/bureau/people/*/")
    assert "was invited by e-mail" in page.content()
    person = User.objects.get(email="sun@example.cn")
    assert [m.to for m in mail.outbox] == [["sun@example.cn"]]

    grant = page.locator("form[action$='/grant/']")
    grant.get_by_label("Organisation").select_option(str(city.other_office.pk))
    grant.get_by_label("Role").select_option("social_worker")
    grant.get_by_label("Reason").fill("支援另一司法所")
    grant.get_by_role("button", name="Grant").click()
    page.get_by_text("Role granted:", exact=False).and_(page.locator(".message--success")).wait_for()
    roles = page.get_by_test_id("role").all_inner_texts()
    assert any((city.other_office.name_en or city.other_office.name) in text for text in roles)
    assert len(roles) == 2
    record = " ".join(page.get_by_test_id("change").all_inner_texts())
    assert "支援另一司法所" in record and "新聘驻所社工" in record and "bureau" in record
    assert AccountChange.objects.filter(user=person, kind=AccountChange.Kind.ROLE_GRANTED).count() == 2
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
