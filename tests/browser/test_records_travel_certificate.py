"""An office head approves a travel request, prints the 外出证明, uploads the stamped scan, the register
shows it; a member of the public verifies it with the code (issue 17, "Done when")."""

import datetime as dt
import hashlib
import re

import pytest
from django.utils import timezone

from records.models import IssuedDocument
from services.models import Membership
from supervision.movement import actions
from tests import factories
from tests.browser.test_coordination_referral import log_in
from tests.coordination.factories import make_supervisee

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Role = Membership.Role
PDF = b"%PDF-1.4\n% stamped scan\n" + b"0" * 64


def test_approve_print_scan_register_and_verify(page, browser, live_server):
    city = factories.make_city()
    officer = factories.user_with_role(Role.OFFICE_OFFICER, city.office, username="officer")
    factories.user_with_role(Role.OFFICE_HEAD, city.office, username="officehead")
    person = make_supervisee(office=city.office, actor=officer, name="孙志强")
    start = timezone.localdate() + dt.timedelta(days=2)
    request = actions.apply(
        supervisee=person,
        actor=officer,
        kind="travel",
        start=start,
        end=start + dt.timedelta(days=2),
        destination="郑州市金水区",
        reason="陪同母亲就医",
    )

    log_in(page, "officehead", f"/en/casework/supervision/movement/requests/{request.pk}/")
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Decide").click()
    page.wait_for_load_state()
    certificate = page.get_by_role("link", name="Travel certificate (PDF)")
    pdf = page.request.get(certificate.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    document = IssuedDocument.objects.get()
    assert hashlib.sha256(pdf.body()).hexdigest() == document.sha256

    page.goto("/en/casework/records/")
    page.get_by_role("link", name=document.number).click()
    page.wait_for_url(re.compile(r"/casework/records/[0-9a-f-]+/$"))
    page.get_by_label("Signed and stamped scan (PDF, JPEG or PNG)").set_input_files(
        files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()
    page.goto("/en/casework/records/?state=scanned")
    row = page.get_by_role("row", name=re.compile(re.escape(document.number)))
    assert "Scan kept" in row.inner_text() and "孙志强" in row.inner_text()

    public = browser.new_context(base_url=live_server.url, locale="zh-CN")
    visitor = public.new_page()
    visitor.goto(f"/en/verify/{document.uuid}/")
    result = visitor.get_by_test_id("verify-result").inner_text()
    assert "genuine and valid" in result and document.number in result and "孙志强" not in visitor.content()
    public.close()
