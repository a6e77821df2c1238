"""The demo looks like a real city's: no "示范" names in public, each welfare office runs what its
remit covers, street addresses, sensible age ranges, and nobody booked on two shifts at once."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from services.models import Organisation, ServiceOffering
from volunteers.models import Booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_makes_sense(demo, client):
    public = ServiceOffering.objects.filter(is_active=True)
    assert not public.filter(name__startswith="示范").exists()
    assert "示范" not in client.get("/directory/?page_size=100").content.decode()

    # Minimum-allowance applications at the social-assistance (civil affairs) office, not at the
    # housing, medical, student-aid or employment centres.
    allowance_orgs = set(
        public.filter(category__code="minimum_living_allowance").values_list("organisation__name", flat=True)
    )
    assert allowance_orgs and all("救助" in name for name in allowance_orgs), allowance_orgs
    employment = Organisation.objects.get(name="新密市公共就业服务中心")
    assert set(employment.offerings.values_list("category__code", flat=True)) <= {"job_placement", "job_guidance"}

    for address in Organisation.objects.exclude(address="").values_list("address", flat=True):
        assert address.startswith("新密市") and not re.search(r"[A-Za-z]", address), address

    open_ended = public.filter(min_age__isnull=False, max_age__isnull=True).first()
    if open_ended:
        page = client.get(f"/directory/{open_ended.uuid}/").content.decode()
        assert f"{open_ended.min_age}–<" not in page and f"{open_ended.min_age} 岁及以上" in page

    booked = Booking.objects.filter(status=Booking.Status.BOOKED).select_related("shift")
    seen: dict[int, list] = {}
    for b in booked:
        for other in seen.get(b.volunteer_id, []):
            assert not (other.starts_at < b.shift.ends_at and other.ends_at > b.shift.starts_at), b.volunteer_id
        seen.setdefault(b.volunteer_id, []).append(b.shift)
