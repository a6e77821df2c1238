"""Directory API: public reads, scoped writes, filters, 400s with field errors, fixed query counts."""

import pytest
from rest_framework.test import APIClient

from services.models import CapacityChange, Organisation, ServiceOffering
from tests.factories import ServiceOfferingFactory
from tests.services.factories import full_offering

pytestmark = pytest.mark.django_db
Kind = Organisation.Kind


@pytest.fixture
def api():
    return APIClient()


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_offering_payload(org, **overrides):
    payload = {
        "organisation": str(org.uuid),
        "category": "legal_aid",
        "name": "新的法律咨询",
        "description": "每周六上午免费法律咨询",
        "capacity": 8,
        "schedule_rrule": "FREQ=WEEKLY;BYDAY=SA",
        "sentence_types": ["probation", "parole"],
        "languages": ["zh"],
    }
    payload.update(overrides)
    return payload


def test_anyone_reads_offerings_and_organisations(api, offering):
    response = api.get("/api/v1/services/")
    assert response.status_code == 200
    item = response.json()["results"][0]
    assert item["id"] == str(offering.uuid)
    # The public sees a band, not the count (issue 11, item 14; tests/security/test_availability.py).
    assert item["availability"] == "available" and "vacancies" not in item
    assert item["eligibility"]["sentence_types"] == ["probation", "parole"]
    assert item["schedule"]["rrule"].endswith("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=20;WKST=MO")
    assert api.get(f"/api/v1/services/{offering.uuid}/").status_code == 200
    assert api.get(f"/api/v1/organisations/{offering.organisation.uuid}/").status_code == 200


def test_inactive_offerings_are_not_listed(api, city):
    ServiceOfferingFactory(organisation=city.providers[Kind.EMPLOYER], is_active=False, name="停用服务")
    assert api.get("/api/v1/services/").json()["count"] == 0


def test_anonymous_cannot_write(api, offering):
    assert api.patch(f"/api/v1/services/{offering.uuid}/", {"capacity": 3}, format="json").status_code == 403


def test_provider_creates_and_edits_own_offering_and_capacity_is_logged(role_users, city):
    provider = role_users["provider_staff"]
    own = city.providers[Kind.TRAINING_PROVIDER]
    client = as_user(provider)
    created = client.post("/api/v1/services/", new_offering_payload(own), format="json")
    assert created.status_code == 201, created.json()
    offering_id = created.json()["id"]
    changed = client.patch(f"/api/v1/services/{offering_id}/", {"capacity": 12, "note": "扩班"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["capacity"] == 12
    log = CapacityChange.objects.filter(offering__uuid=offering_id).order_by("pk")
    assert [(c.old_capacity, c.new_capacity, c.changed_by) for c in log] == [(0, 8, provider), (8, 12, provider)]


def test_provider_cannot_touch_another_organisations_offering(role_users, city):
    other = full_offering(organisation=city.providers[Kind.EMPLOYER])
    client = as_user(role_users["provider_staff"])
    assert client.patch(f"/api/v1/services/{other.uuid}/", {"name": "被篡改"}, format="json").status_code == 404
    assert client.post(f"/api/v1/services/{other.uuid}/capacity/", {"capacity": 0}, format="json").status_code == 404
    assert client.delete(f"/api/v1/services/{other.uuid}/").status_code in (403, 404)
    created = client.post("/api/v1/services/", new_offering_payload(other.organisation), format="json")
    assert created.status_code == 400
    assert "organisation" in created.json()["errors"]
    other.refresh_from_db()
    assert other.name == "全量测试服务"


def test_roles_without_directory_rights_cannot_write(role_users, offering):
    for role in ("office_officer", "social_worker", "volunteer_coordinator", "content_editor"):
        response = as_user(role_users[role]).patch(f"/api/v1/services/{offering.uuid}/", {"capacity": 1}, format="json")
        assert response.status_code == 403, role


def test_bureau_admin_edits_any_offering_and_organisation(role_users, offering):
    client = as_user(role_users["bureau_admin"])
    assert client.patch(f"/api/v1/services/{offering.uuid}/", {"is_free": True}, format="json").status_code == 200
    response = client.patch(
        f"/api/v1/organisations/{offering.organisation.uuid}/", {"phone": "0371-33333333"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "0371-33333333"


def test_provider_may_not_change_organisation_kind(role_users, city):
    own = city.providers[Kind.TRAINING_PROVIDER]
    client = as_user(role_users["provider_staff"])
    response = client.patch(f"/api/v1/organisations/{own.uuid}/", {"kind": "employer"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]
    other = city.providers[Kind.EMPLOYER]
    assert client.patch(f"/api/v1/organisations/{other.uuid}/", {"phone": "1"}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": -1}, "capacity"),
        ({"category": "astrology"}, "category"),
        ({"schedule_rrule": "FREQ=FORTNIGHTLY;BYDAY=MO"}, "schedule_rrule"),
        ({"schedule_rrule": "RRULE:FREQ=WEEKLY;BYDAY=XY"}, "schedule_rrule"),
        ({"schedule_rrule": "FREQ=HOURLY"}, "schedule_rrule"),
        ({"schedule_rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"}, "schedule_rrule"),
        ({"sentence_types": ["house_arrest"]}, "sentence_types"),
        ({"min_age": 40, "max_age": 18}, "max_age"),
        ({"income_limit": "-5"}, "income_limit"),
        ({"service_townships": ["atlantis"]}, "service_townships"),
    ],
)
def test_bad_input_is_a_400_with_field_errors(role_users, city, overrides, field):
    client = as_user(role_users["bureau_admin"])
    response = client.post(
        "/api/v1/services/", new_offering_payload(city.providers[Kind.TRAINING_PROVIDER], **overrides), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not ServiceOffering.objects.filter(name="新的法律咨询").exists()


def test_capacity_below_places_taken_is_a_400(role_users, offering):
    ServiceOffering.objects.filter(pk=offering.pk).update(places_taken=7)
    client = as_user(role_users["provider_staff"])
    for url, payload in (
        (f"/api/v1/services/{offering.uuid}/capacity/", {"capacity": 6}),
        (f"/api/v1/services/{offering.uuid}/", {"capacity": 6}),
    ):
        response = (
            client.post(url, payload, format="json")
            if "capacity/" in url
            else client.patch(url, payload, format="json")
        )
        assert response.status_code == 400
        assert "capacity" in response.json()["errors"]
    offering.refresh_from_db()
    assert offering.capacity == 10


def test_duplicate_name_in_one_organisation_is_a_400(role_users, offering):
    client = as_user(role_users["bureau_admin"])
    response = client.post(
        "/api/v1/services/", new_offering_payload(offering.organisation, name=offering.name), format="json"
    )
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_filters(api, city, offering):
    township = offering.service_townships.get()
    other = ServiceOfferingFactory(organisation=city.providers[Kind.EMPLOYER], name="搬运岗位", capacity=1)
    ServiceOffering.objects.filter(pk=other.pk).update(places_taken=1)

    def ids(query):
        response = api.get(f"/api/v1/services/?{query}")
        assert response.status_code == 200
        return {item["id"] for item in response.json()["results"]}

    assert ids("category=psychological_counselling") == {str(offering.uuid)}
    assert ids(f"township={township.code}") == {str(offering.uuid), str(other.uuid)}  # other serves the whole city
    assert ids("organisation_kind=employer") == {str(other.uuid)}
    assert ids("has_vacancies=true") == {str(offering.uuid)}
    assert ids("has_vacancies=false") == {str(other.uuid)}
    assert ids("q=家庭关系") == {str(offering.uuid)}
    assert ids("household_type=urban") == {str(other.uuid)}
    assert [item["name"] for item in api.get("/api/v1/services/?ordering=-name").json()["results"]] == sorted(
        [offering.name, other.name], reverse=True
    )
    assert api.get("/api/v1/services/?category=astrology").status_code == 400


def test_lists_cost_a_fixed_number_of_queries(api, city, django_assert_num_queries):
    org = city.providers[Kind.EMPLOYER]
    Organisation.objects.filter(pk=org.pk).update(parent=city.bureau)
    for n in range(8):
        full_offering(organisation=org, name=f"服务{n}")
    for size in (2, 7):
        with django_assert_num_queries(4):  # count, page, townships, locations
            response = api.get(f"/api/v1/services/?page_size={size}")
        assert len(response.json()["results"]) == size
        with django_assert_num_queries(2):
            response = api.get(f"/api/v1/organisations/?page_size={size}")
        assert len(response.json()["results"]) == size


def test_schema_lists_the_directory_endpoints(api, settings):
    settings.API_DOCS_PUBLIC = True  # as with DEBUG on; the login rule is tested in tests/security
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/services/" in paths
    assert "/api/v1/organisations/{id}/" in paths
    assert "/api/v1/services/{id}/capacity/" in paths
