"""HSDS 3.0 publication: every endpoint's documents validate against the shipped schemas."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from services.hsds_schema import SCHEMA_DIR, errors, response_validator, schema_validator
from services.models import Organisation, ServiceCategory, ServiceOffering
from tests.services.factories import full_offering

pytestmark = pytest.mark.django_db


def assert_valid(validator, document) -> None:
    problems = errors(validator, document)
    assert not problems, "\n".join(problems[:10])


def test_the_schemas_ship_inside_the_repository():
    """A fresh clone has nothing beside it: the schemas, their licence and source live in the app."""
    assert (SCHEMA_DIR / "openapi.json").exists()
    assert "Creative Commons Attribution Share-Alike 4.0" in (SCHEMA_DIR / "LICENSE").read_text()
    assert "CC BY-SA 4.0" in (SCHEMA_DIR / "README.md").read_text()


@pytest.fixture
def directory(city, offering):
    """The fully filled offering, a plain one, and an inactive one that must never be published."""
    from tests.factories import ServiceOfferingFactory

    plain = ServiceOfferingFactory(organisation=city.providers[Organisation.Kind.EMPLOYER], name="普通服务")
    hidden = ServiceOfferingFactory(organisation=city.providers[Organisation.Kind.EMPLOYER], is_active=False)
    return {"full": offering, "plain": plain, "hidden": hidden}


def test_a_broken_document_fails_validation():
    """Guard against a validator that accepts anything (e.g. unresolved refs)."""
    validator = response_validator("/services/{id}")
    with pytest.raises(AssertionError):
        assert_valid(validator, {"id": "not-a-uuid", "name": 3})
    with pytest.raises(AssertionError):
        assert_valid(
            validator,
            {
                "id": "ac148810-d857-441c-9679-408f346de14b",
                "name": "x",
                "status": "active",
                "schedules": [{"id": "ac148810-d857-441c-9679-408f346de14b", "freq": "HOURLY"}],
            },
        )


@pytest.mark.parametrize(
    ("url", "spec_path"),
    [
        ("/hsds/services", "/services"),
        ("/hsds/services?full=true", "/services"),
        ("/hsds/organizations", "/organizations"),
        ("/hsds/service_at_locations", "/service_at_locations"),
        ("/hsds/taxonomies", "/taxonomies"),
        ("/hsds/taxonomy_terms", "/taxonomy_terms"),
        ("/hsds/", "/"),
    ],
)
def test_list_endpoints_validate(client, directory, url, spec_path):
    response = client.get(url)
    assert response.status_code == 200
    document = response.json()
    assert_valid(response_validator(spec_path), document)
    if spec_path != "/":
        assert document["total_items"] == len(document["contents"]) > 0
        assert document["first_page"] and document["last_page"] and not document["empty"]


def test_service_with_every_optional_part_validates(client, directory):
    offering = directory["full"]
    document = client.get(f"/hsds/services/{offering.uuid}").json()
    assert_valid(response_validator("/services/{id}"), document)
    for part in (
        "phones",
        "schedules",
        "service_areas",
        "service_at_locations",
        "languages",
        "organization",
        "cost_options",
        "contacts",
        "attributes",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "fees_description",
        "application_process",
    ):
        assert document.get(part), f"{part} missing"
    schedule = document["schedules"][0]
    assert (schedule["freq"], schedule["interval"], schedule["byday"], schedule["count"]) == ("WEEKLY", 2, "MO,WE", 20)
    assert schedule["opens_at"] == "09:00"
    assert document["attributes"][0]["taxonomy_term_id"] == str(offering.category.uuid)
    assert {lang["code"] for lang in document["languages"]} == {"zh", "en", "zh-x-henan"}
    location = document["service_at_locations"][0]["location"]
    assert location["addresses"][0]["city"] == "新密市"


def test_detail_endpoints_validate(client, directory):
    offering = directory["full"]
    org = offering.organisation
    link = offering.at_locations.get()
    category = ServiceCategory.objects.get(code="legal_aid")
    checks = [
        (f"/hsds/organizations/{org.uuid}", "/organizations/{id}"),
        (f"/hsds/taxonomy_terms/{category.uuid}", "/taxonomy_terms/{id}"),
    ]
    taxonomy_id = client.get("/hsds/taxonomies").json()["contents"][0]["id"]
    checks.append((f"/hsds/taxonomies/{taxonomy_id}", "/taxonomies/{id}"))
    for url, spec_path in checks:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_valid(response_validator(spec_path), response.json())
    assert client.get(f"/hsds/organizations/{org.uuid}").json()["locations"]
    # HSDS 3.0's openapi.json points this response at compiled/service.json (an erratum, fixed in
    # 3.1); a service_at_location is published, so it is checked against that entity's schema.
    response = client.get(f"/hsds/service_at_locations/{link.uuid}")
    assert response.status_code == 200
    assert_valid(schema_validator("service_at_location.json"), response.json())


def test_dump_validates_entity_by_entity(client, directory):
    response = client.get("/hsds/dump.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    dump = response.json()
    assert {s["id"] for s in dump["services"]} == {str(directory["full"].uuid), str(directory["plain"].uuid)}
    for kind, schema in (
        ("services", "compiled/service_with_definitions.json"),
        ("organizations", "organization.json"),
        ("taxonomies", "taxonomy.json"),
        ("taxonomy_terms", "taxonomy_term.json"),
    ):
        assert dump[kind]
        for item in dump[kind]:
            assert_valid(schema_validator(schema), item)


def test_inactive_offerings_and_organisations_are_never_published(client, directory):
    hidden = directory["hidden"]
    assert client.get(f"/hsds/services/{hidden.uuid}").status_code == 404
    plain = directory["plain"]
    Organisation.objects.filter(pk=plain.organisation_id).update(is_active=False)
    ids = {s["id"] for s in client.get("/hsds/services").json()["contents"]}
    assert ids == {str(directory["full"].uuid)}
    assert client.get(f"/hsds/organizations/{plain.organisation.uuid}").status_code == 404
    assert str(hidden.uuid) not in client.get("/hsds/dump.json").content.decode()


def test_ids_survive_edits(client, directory):
    offering = directory["full"]
    before = client.get(f"/hsds/services/{offering.uuid}").json()
    ServiceOffering.objects.filter(pk=offering.pk).update(name="改名后的服务", description="新的介绍")
    after = client.get(f"/hsds/services/{offering.uuid}").json()
    assert after["name"] == "改名后的服务"

    def ids(doc):
        return sorted(
            [doc["id"], doc["schedules"][0]["id"], doc["contacts"][0]["id"], doc["cost_options"][0]["id"]]
            + [link["id"] for link in doc["service_at_locations"]]
            + [lang["id"] for lang in doc["languages"]]
        )

    assert ids(before) == ids(after)


def test_paging_shape_and_filters(client, directory):
    page = client.get("/hsds/services?per_page=1&page=2").json()
    assert (page["total_items"], page["total_pages"], page["page_number"], page["size"]) == (2, 2, 2, 1)
    assert not page["first_page"] and page["last_page"]
    full = directory["full"]
    by_term = client.get(f"/hsds/services?taxonomy_term_id={full.category.uuid}").json()
    assert [s["id"] for s in by_term["contents"]] == [str(full.uuid)]
    by_org = client.get(f"/hsds/services?organization_id={full.organisation.uuid}").json()
    assert [s["id"] for s in by_org["contents"]] == [str(full.uuid)]
    assert client.get("/hsds/services?search=家庭关系").json()["total_items"] == 1
    assert client.get("/hsds/services?page=x").status_code == 400
    assert client.get("/hsds/services?modified_after=yesterday").status_code == 400


@pytest.mark.parametrize(
    "url", ["/hsds/services", "/hsds/organizations", "/hsds/service_at_locations", "/hsds/taxonomy_terms"]
)
def test_hsds_lists_cost_a_fixed_number_of_queries(client, city, django_assert_num_queries, url):
    from tests.services.factories import LocationFactory

    org = city.providers[Organisation.Kind.EMPLOYER]
    Organisation.objects.filter(pk=org.pk).update(parent=city.bureau)
    location = LocationFactory(organisation=org)
    for n in range(8):
        full_offering(organisation=org, name=f"服务{n}").locations.add(location)
    expected = {
        "/hsds/services": 2,
        "/hsds/organizations": 2,
        "/hsds/service_at_locations": 2,
        "/hsds/taxonomy_terms": 2,
    }
    for per_page in (2, 7):
        with django_assert_num_queries(expected[url]):
            response = client.get(f"{url}?per_page={per_page}")
        assert response.json()["size"] == per_page


def test_full_service_list_costs_a_fixed_number_of_queries(client, city, django_assert_num_queries):
    org = city.providers[Organisation.Kind.EMPLOYER]
    Organisation.objects.filter(pk=org.pk).update(parent=city.bureau)
    for n in range(8):
        full_offering(organisation=org, name=f"服务{n}")
    for per_page in (2, 7):
        with django_assert_num_queries(4):
            client.get(f"/hsds/services?full=true&per_page={per_page}")


def test_hsds_validate_passes_on_the_published_directory(directory, capsys):
    call_command("hsds_validate")
    out = capsys.readouterr().out
    assert "HSDS 3.0:" in out and ", 0 invalid." in out


def test_hsds_validate_fails_on_a_broken_dump(client, directory, tmp_path, capsys):
    dump = client.get("/hsds/dump.json").json()
    call_command("hsds_validate", "--file", _write(tmp_path, dump))
    assert ", 0 invalid." in capsys.readouterr().out
    dump["services"][0]["id"] = "not-a-uuid"
    del dump["organizations"][0]["name"]
    with pytest.raises(CommandError, match=r"documents checked, 2 invalid\."):
        call_command("hsds_validate", "--file", _write(tmp_path, dump))
    err = capsys.readouterr().err
    assert "services[0] not-a-uuid:" in err and "'name' is a required property" in err


def _write(tmp_path, document) -> str:
    path = tmp_path / "dump.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)
