"""The directory in the Wagtail admin: scoped to the user's organisation, capacity through publish_capacity."""

import re

import pytest

from services.models import CapacityChange, Membership, Organisation, ServiceOffering
from tests.services.factories import full_offering

pytestmark = pytest.mark.django_db
Kind = Organisation.Kind
ADMIN = "/cms-admin/directory/offerings/"


def form_data(offering: ServiceOffering, **changes) -> dict:
    data = {
        "category": offering.category_id,
        "name": offering.name,
        "description": offering.description,
        "capacity": offering.capacity,
        "capacity_note": "",
        "is_active": "on",
        "household_type": offering.household_type,
        "sex": offering.sex,
        "min_age": offering.min_age or "",
        "max_age": offering.max_age or "",
        "whole_city": "on" if offering.whole_city else "",
        "service_townships": [t.pk for t in offering.service_townships.all()],
        "sentence_types": offering.sentence_types,
        "risk_levels": offering.risk_levels,
        "income_limit": offering.income_limit or "",
        "languages": offering.languages,
        "eligibility_description": offering.eligibility_description,
        "application_process": offering.application_process,
        "schedule_rrule": offering.schedule_rrule,
        "opens_at": offering.opens_at.strftime("%H:%M") if offering.opens_at else "",
        "closes_at": offering.closes_at.strftime("%H:%M") if offering.closes_at else "",
        "schedule_description": offering.schedule_description,
        "locations": [loc.pk for loc in offering.locations.all()],
        "cost_description": offering.cost_description,
        "contact_name": offering.contact_name,
        "contact_phone": offering.contact_phone,
        "contact_email": offering.contact_email,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value not in ("",)}


@pytest.fixture
def other_offering(city):
    return full_offering(organisation=city.providers[Kind.EMPLOYER], name="别家的服务")


def test_provider_sees_and_edits_only_their_own_offerings(client, role_users, offering, other_offering):
    client.force_login(role_users["provider_staff"])
    listing = client.get(ADMIN)
    assert listing.status_code == 200
    assert [o.pk for o in listing.context["object_list"]] == [offering.pk]
    for view in ("edit", "delete", "history"):
        assert client.get(f"{ADMIN}{view}/{other_offering.pk}/").status_code == 404, view
    response = client.post(f"{ADMIN}edit/{other_offering.pk}/", form_data(other_offering, name="被篡改"))
    assert response.status_code == 404
    response = client.post(f"{ADMIN}delete/{other_offering.pk}/")
    assert response.status_code in (403, 404)
    other_offering.refresh_from_db()
    assert other_offering.name == "别家的服务"


def test_provider_publishes_capacity_in_the_admin_and_it_is_logged(client, role_users, offering):
    provider = role_users["provider_staff"]
    client.force_login(provider)
    response = client.post(f"{ADMIN}edit/{offering.pk}/", form_data(offering, capacity=14, capacity_note="新增班次"))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    offering.refresh_from_db()
    assert offering.capacity == 14
    change = CapacityChange.objects.filter(offering=offering).latest("pk")
    assert (change.old_capacity, change.new_capacity, change.changed_by, change.note) == (10, 14, provider, "新增班次")


def test_admin_refuses_capacity_below_places_taken_with_a_form_error(client, role_users, offering):
    ServiceOffering.objects.filter(pk=offering.pk).update(places_taken=5)
    offering.refresh_from_db()
    client.force_login(role_users["provider_staff"])
    response = client.post(f"{ADMIN}edit/{offering.pk}/", form_data(offering, capacity=3))
    assert response.status_code == 200
    assert response.context["form"].errors
    offering.refresh_from_db()
    assert offering.capacity == 10


def test_admin_shows_a_malformed_rrule_as_a_field_error(client, role_users, offering):
    client.force_login(role_users["provider_staff"])
    response = client.post(f"{ADMIN}edit/{offering.pk}/", form_data(offering, schedule_rrule="EVERY TUESDAY"))
    assert response.status_code == 200
    assert "schedule_rrule" in response.context["form"].errors


def test_provider_cannot_create_an_offering_for_another_organisation(client, role_users, city, offering):
    client.force_login(role_users["provider_staff"])
    data = form_data(offering, name="冒名服务", organisation=city.providers[Kind.EMPLOYER].pk)
    response = client.post(f"{ADMIN}new/", data)
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not ServiceOffering.objects.filter(name="冒名服务").exists()


def test_bureau_manages_all_and_provider_has_no_organisation_admin(client, role_users, offering, other_offering):
    client.force_login(role_users["bureau_admin"])
    assert {o.pk for o in client.get(ADMIN).context["object_list"]} == {offering.pk, other_offering.pk}
    assert client.get(f"{ADMIN}edit/{other_offering.pk}/").status_code == 200
    assert client.get("/cms-admin/directory/organisations/").status_code == 200
    client.force_login(role_users["provider_staff"])
    assert client.get("/cms-admin/directory/organisations/").status_code in (302, 403)


def test_admin_listing_costs_a_fixed_number_of_queries(client, role_users, city, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(role_users["bureau_admin"])
    org = city.providers[Kind.EMPLOYER]
    counts = []
    for total in (3, 9):
        while ServiceOffering.objects.count() < total:
            full_offering(organisation=org, name=f"服务{ServiceOffering.objects.count()}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(ADMIN).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_roles_bring_the_directory_groups_and_lose_them_with_the_membership(role_users):
    from accounts import actions as account_actions
    from services.models import Membership

    provider = role_users["provider_staff"]
    assert set(provider.groups.values_list("name", flat=True)) == {"Directory providers"}
    assert provider.has_perm("wagtailadmin.access_admin")
    assert provider.has_perm("services.change_serviceoffering")
    assert not provider.has_perm("services.delete_serviceoffering")
    assert not provider.has_perm("services.change_organisation")
    assert "Directory managers" in role_users["bureau_admin"].groups.values_list("name", flat=True)
    account_actions.revoke_membership(membership=Membership.objects.get(user=provider))
    assert not provider.groups.filter(name="Directory providers").exists()


def test_admin_listings_show_yes_or_no_not_python_booleans(client, role_users, offering):
    client.force_login(role_users[Membership.Role.BUREAU_ADMIN])
    for url in ("/cms-admin/directory/organisations/", "/cms-admin/directory/categories/"):
        html = client.get(url).content.decode()
        cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)]
        assert "True" not in cells and "False" not in cells, url
        assert "是" in cells, url


def test_an_active_yes_no_filter_reads_yes_not_true(client, role_users, offering):
    client.force_login(role_users[Membership.Role.BUREAU_ADMIN])
    html = client.get("/cms-admin/directory/organisations/?is_active=true").content.decode()
    values = re.findall(r'<b class="w-ml-1">(.*?)</b>', html, flags=re.S)
    assert values and [v.strip() for v in values] == ["是"], values
