"""The referral page: a refusal is shown once, at the top, not twice."""

from __future__ import annotations

from django.test import Client

from coordination.models import Referral
from services.models import Organisation
from tests.coordination.factories import offering


def test_a_refused_referral_shows_its_error_once(world):
    other = offering(world.city.providers[Organisation.Kind.EMPLOYER], code=world.offering.category.code)
    client = Client()
    client.force_login(world.users["officer"])
    before = Referral.objects.count()
    response = client.post(
        f"/en/casework/needs/{world.need.pk}/refer/", {"offering": other.pk, "send_now": "on", "message": "请联系"}
    )
    html = response.content.decode()
    assert Referral.objects.count() == before
    assert html.count('class="errorlist nonfield"') == 1, html[html.find("errorlist") - 200 :][:800]
