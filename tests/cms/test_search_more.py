"""Site search: past 20 directory results, a link leads to all of them in the directory."""

import pytest

from tests.factories import ServiceOfferingFactory

pytestmark = pytest.mark.django_db


def test_more_than_twenty_services_link_to_the_directory(client, outreach):
    for n in range(21):
        ServiceOfferingFactory(name=f"面点培训{n}班", description="面点制作培训")
    html = client.get("/en/search/", {"q": "面点"}).content.decode()
    assert html.split('data-testid="offering-results"')[1].split("</ol>")[0].count("<li>") == 20
    assert "More services in the directory" in html and "/directory/?q=%E9%9D%A2%E7%82%B9" in html


def test_twenty_or_fewer_need_no_more_link(client, outreach):
    for n in range(20):
        ServiceOfferingFactory(name=f"面点培训{n}班", description="面点制作培训")
    html = client.get("/en/search/", {"q": "面点"}).content.decode()
    assert "More services in the directory" not in html
