"""Status changes only through the lifecycle actions: not through the edit page, the API or any admin."""

import pytest
from django.contrib import admin
from django.test import Client

from coordination.models import Supervisee
from tests.coordination.test_intake import _edit_form, _intake


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_edit_page_has_no_status_and_ignores_one_posted(world):
    s, officer = world.supervisee, world.users["officer"]
    url = f"/en/casework/supervisees/{s.uuid}/edit/"
    page = _client(officer).get(url).content.decode()
    assert 'name="status"' not in page
    response = _client(officer).post(url, _edit_form(s, status=Supervisee.Status.RELEASED, address="新地址1号"))
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.address == "新地址1号" and s.status == Supervisee.Status.UNDER_CORRECTION


@pytest.mark.django_db
def test_the_api_shows_status_read_only(world):
    s, officer = world.supervisee, world.users["officer"]
    client = _client(officer)
    url = f"/api/v1/supervisees/{s.uuid}/"
    assert client.get(url).json()["status"] == "under_correction"
    for method in (client.patch, client.put):
        assert method(url, {"status": "released"}, content_type="application/json").status_code == 405
    s.refresh_from_db()
    assert s.status == Supervisee.Status.UNDER_CORRECTION
    data = _intake(world, status="released", phone="13912345678")
    data["township"] = world.city.office.township.code
    data["judicial_office"] = str(world.city.office.uuid)
    response = client.post("/api/v1/supervisees/", data, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "intake"


@pytest.mark.django_db
def test_no_admin_offers_the_status():
    # The Django admin does not register the supervisee; the model field itself is not editable, so no
    # ModelForm (Django admin, Wagtail snippet or a future form) can include it.
    assert Supervisee not in admin.site._registry
    assert Supervisee._meta.get_field("status").editable is False
    from django.forms import modelform_factory

    form = modelform_factory(Supervisee, exclude=[])
    assert "status" not in form.base_fields


@pytest.mark.django_db
def test_the_supervision_level_changes_only_through_a_classification_review(world):
    """Issue 14, item 4: the edit page has no level, ignores one posted, and the action refuses it."""
    from coordination import actions

    s, officer = world.supervisee, world.users["officer"]
    before = s.supervision_level
    other = next(level for level in ("strict", "ordinary", "lenient") if level != before)
    url = f"/en/casework/supervisees/{s.uuid}/edit/"
    assert 'name="supervision_level"' not in _client(officer).get(url).content.decode()
    response = _client(officer).post(url, _edit_form(s, supervision_level=other, address="新地址2号"))
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.address == "新地址2号" and s.supervision_level == before
    with pytest.raises(TypeError):
        actions.update_supervisee(supervisee=s, actor=officer, supervision_level=other)
