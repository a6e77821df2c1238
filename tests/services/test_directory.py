"""The public directory pages: Chinese search, filters, paging, empty state, no personal data."""

import pytest
from django.urls import reverse

from services.models import Organisation, ServiceOffering
from tests.factories import ServiceOfferingFactory
from tests.services.factories import full_offering

pytestmark = pytest.mark.django_db
Kind = Organisation.Kind


def names(response) -> list[str]:
    return [o.name for o in response.context["offerings"]]


def test_directory_url_and_nav_link(client, offering):
    assert reverse("services:directory") == "/directory/"
    response = client.get("/directory/")
    assert response.status_code == 200
    assert 'href="/directory/"' in response.content.decode()  # header link
    assert offering.name in response.content.decode()


def test_chinese_word_inside_a_description_is_found(client, city):
    target = ServiceOfferingFactory(
        organisation=city.providers[Kind.COUNSELLING_CENTRE],
        name="周末小组活动",
        description="面向社区矫正对象的情绪管理与家庭关系辅导，每周六上午。",
    )
    ServiceOfferingFactory(organisation=city.providers[Kind.EMPLOYER], name="搬运岗位", description="仓库搬运工作")
    response = client.get("/directory/", {"q": "家庭"})
    assert names(response) == [target.name]


def test_name_matches_rank_before_description_matches(client, city):
    in_description = ServiceOfferingFactory(
        organisation=city.providers[Kind.EMPLOYER], name="A 过渡性岗位", description="含有心理疏导"
    )
    in_name = ServiceOfferingFactory(organisation=city.providers[Kind.COUNSELLING_CENTRE], name="Z 心理咨询")
    assert names(client.get("/directory/", {"q": "心理"})) == [in_name.name, in_description.name]


def test_filters_by_category_township_and_hints(client, city, offering):
    township = offering.service_townships.get()
    city_wide = ServiceOfferingFactory(organisation=city.providers[Kind.EMPLOYER], name="全市岗位", is_free=True)
    assert names(client.get("/directory/", {"category": "psychological_counselling"})) == [offering.name]
    assert set(names(client.get("/directory/", {"township": township.code}))) == {offering.name, city_wide.name}
    assert names(client.get("/directory/", {"township": city.townships[1].code})) == [city_wide.name]
    assert names(client.get("/directory/", {"is_free": "true"})) == [city_wide.name]
    assert names(client.get("/directory/", {"accepts_minors": "true"})) == [offering.name]
    assert names(client.get("/directory/", {"household_type": "urban"})) == [city_wide.name]


def test_inactive_organisations_and_offerings_never_show(client, city, offering):
    ServiceOfferingFactory(organisation=city.providers[Kind.EMPLOYER], name="停用的服务", is_active=False)
    Organisation.objects.filter(pk=offering.organisation_id).update(is_active=False)
    response = client.get("/directory/")
    assert names(response) == []
    assert client.get(f"/directory/{offering.uuid}/").status_code == 404


def test_empty_state_says_what_to_do(client, offering):
    response = client.get("/directory/", {"q": "不存在的服务"})
    body = response.content.decode()
    assert names(response) == []
    assert "清除筛选" in body or "显示全部服务" in body


def test_bad_filter_values_do_not_crash(client, offering):
    for query in ({"category": "astrology"}, {"page": "x"}, {"sort": "evil"}, {"page_size": "many"}):
        assert client.get("/directory/", query).status_code == 200


def test_offering_page_shows_schedule_in_chinese_location_and_contact(client, offering):
    response = client.get(f"/directory/{offering.uuid}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "每2周" in body and "星期一" in body  # FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE
    assert "09:00–17:00" in body
    link = offering.at_locations.get()
    assert link.location.address in body
    assert offering.contact_phone in body
    assert "王老师" in body


def test_offering_page_in_english(client, offering):
    body = client.get(f"/en/directory/{offering.uuid}/").content.decode()
    assert "Every 2 weeks on Monday, Wednesday" in body


def test_sorting_and_paging(client, city):
    org = city.providers[Kind.EMPLOYER]
    for n in range(7):
        ServiceOfferingFactory(organisation=org, name=f"岗位{n}", capacity=n + 1)
    first = client.get("/directory/", {"sort": "vacancies", "page_size": 5})
    assert names(first)[0] == "岗位6"
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(names(client.get("/directory/", {"sort": "vacancies", "page_size": 5, "page": 2}))) == 2


def test_directory_costs_a_fixed_number_of_queries(client, city, django_assert_num_queries):
    org = city.providers[Kind.EMPLOYER]
    Organisation.objects.filter(pk=org.pk).update(parent=city.bureau)
    for n in range(12):
        full_offering(organisation=org, name=f"服务{n}")
    counts = []
    for size in (5, 10):
        with django_assert_num_queries(6) as captured:
            response = client.get("/directory/", {"page_size": size})
        counts.append(len(captured.captured_queries))
        assert len(names(response)) == size
    assert counts[0] == counts[1]


def test_no_personal_data_on_the_pages(client, role_users, offering):
    """Staff names and memberships are never shown; only the contact the provider published."""
    bodies = client.get("/directory/").content.decode() + client.get(f"/directory/{offering.uuid}/").content.decode()
    for user in role_users.values():
        assert user.full_name not in bodies
        assert user.email not in bodies
    assert ServiceOffering.objects.count() == 1
