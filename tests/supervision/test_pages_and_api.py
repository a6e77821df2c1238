"""What each role sees on 今日待办, the clean-up list, the rule book pages, the feed and the API."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coordination.models import Supervisee
from supervision import actions
from supervision.models import Obligation, RuleChange


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _overdue_release(supervisee: Supervisee) -> None:
    today = timezone.localdate()
    Supervisee.objects.filter(pk=supervisee.pk).update(
        status=Supervisee.Status.UNDER_CORRECTION,
        correction_start=today - dt.timedelta(days=400),
        correction_end=today - dt.timedelta(days=2),
    )
    supervisee.refresh_from_db()
    actions.sync_obligations(supervisee=supervisee)


@pytest.fixture
def overdue_world(world):
    _overdue_release(world.supervisee)
    _overdue_release(world.other_supervisee)
    return world


@pytest.mark.django_db
def test_the_officer_sees_their_offices_overdue_release_and_not_the_other_office(overdue_world):
    w = overdue_world
    page = _client(w.users["officer"]).get(reverse("supervision:today")).content.decode()
    assert w.supervisee.name in page
    assert w.other_supervisee.name not in page
    assert reverse("supervision:lifecycle-step", kwargs={"uuid": w.supervisee.uuid, "step": "release"}) in page


@pytest.mark.django_db
def test_the_bureau_sees_counts_per_office_and_filters_by_office(overdue_world):
    w = overdue_world
    client = _client(w.users["bureau"])
    page = client.get(reverse("supervision:today")).content.decode()
    assert w.city.office.name in page and w.city.other_office.name in page
    assert w.supervisee.name in page and w.other_supervisee.name in page
    filtered = client.get(reverse("supervision:today"), {"office": w.city.other_office.pk}).content.decode()
    assert w.other_supervisee.name in filtered
    assert w.supervisee.name not in filtered
    assert client.get(reverse("supervision:today"), {"office": "x"}).status_code == 404


@pytest.mark.django_db
def test_mark_done_removes_the_row(overdue_world):
    w = overdue_world
    obligation = Obligation.objects.get(supervisee=w.supervisee, kind=Obligation.Kind.RELEASE)
    client = _client(w.users["officer"])
    client.post(reverse("supervision:obligation-done", kwargs={"pk": obligation.pk}))
    assert w.supervisee.name not in client.get(reverse("supervision:today")).content.decode()


@pytest.mark.django_db
def test_the_mark_done_button_on_the_page_posts_to_the_obligation_s_address(overdue_world):
    w = overdue_world
    obligation = Obligation.objects.get(supervisee=w.supervisee, kind=Obligation.Kind.RELEASE)
    client = _client(w.users["officer"])
    page = client.get(reverse("supervision:today")).content.decode()
    address = reverse("supervision:obligation-done", kwargs={"pk": obligation.pk})
    assert f'formaction="{address}"' in page and 'id="done-form"' in page
    client.post(address, {"next": reverse("supervision:today")})
    assert w.supervisee.name not in client.get(reverse("supervision:today")).content.decode()


@pytest.mark.django_db
def test_the_clean_up_list_flags_without_fixing(overdue_world):
    w = overdue_world
    page = _client(w.users["bureau"]).get(reverse("supervision:cleanup")).content.decode()
    assert w.supervisee.name in page
    w.supervisee.refresh_from_db()
    assert w.supervisee.status == Supervisee.Status.UNDER_CORRECTION


@pytest.mark.django_db
def test_an_override_without_a_reason_is_a_form_error(world):
    client = _client(world.users["bureau"])
    url = reverse("supervision:rule-edit", kwargs={"code": "intake_report"})
    response = client.post(url, {"value": "7", "reason": ""})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    response = client.post(url, {"value": "abc", "reason": "x"})
    assert response.status_code == 400 and "value" in response.context["form"].errors
    assert not RuleChange.objects.exists()
    client.post(url, {"value": "7", "reason": "本省细则"})
    page = client.get(reverse("supervision:rules")).content.decode()
    assert "本省细则" in page


@pytest.mark.django_db
def test_the_feed_names_no_one_and_a_new_address_revokes_the_old(overdue_world):
    w = overdue_world
    officer = w.users["officer"]
    token = actions.feed_for(user=officer).token
    client = Client()
    body = client.get(reverse("supervision:feed", kwargs={"token": token})).content.decode()
    assert "BEGIN:VEVENT" in body
    assert w.supervisee.name not in body and w.supervisee.given_name not in body
    from coordination.models import AccessLog

    fetched = AccessLog.objects.get(user=officer, purpose="calendar feed")
    assert fetched.object_id == f"calendar ({body.count('BEGIN:VEVENT')})"
    assert token not in fetched.path  # the secret address is not copied into the log
    _client(officer).post(reverse("supervision:rotate-feed"))
    assert client.get(reverse("supervision:feed", kwargs={"token": token})).status_code == 404


@pytest.mark.django_db
def test_the_api_is_scoped_and_rejects_bad_filters(overdue_world):
    w = overdue_world
    url = reverse("supervision-obligation-list")
    officer = _client(w.users["officer"]).get(url).json()
    assert {row["supervisee"] for row in officer["results"]} == {str(w.supervisee.uuid)}
    bureau = _client(w.users["bureau"]).get(url, {"bucket": "overdue"}).json()
    assert {row["supervisee"] for row in bureau["results"]} == {str(w.supervisee.uuid), str(w.other_supervisee.uuid)}
    bad = _client(w.users["bureau"]).get(url, {"bucket": "someday"})
    assert bad.status_code == 400 and "bucket" in bad.json()["errors"]
    foreign = _client(w.users["officer"]).get(url, {"office": w.city.other_office.pk})
    assert foreign.status_code == 400 and "office" in foreign.json()["errors"]
    assert _client(w.users["provider"]).get(url).status_code == 403
    assert _client(w.users["volunteer"]).get(url).status_code == 403


@pytest.mark.django_db
def test_the_schema_lists_the_supervision_endpoints(world):
    schema = _client(world.users["bureau"]).get(reverse("api-schema"), {"format": "json"}).json()
    assert "/api/v1/supervision/obligations/" in schema["paths"]
    assert "/api/v1/supervision/rules/" in schema["paths"]


@pytest.mark.django_db
def test_marking_done_never_redirects_to_another_site(overdue_world):
    from accounts import scoping
    from supervision.models import Obligation

    officer = overdue_world.users["officer"]
    row = (
        scoping.scope(officer, Obligation, "complete")
        .filter(done_at__isnull=True)
        .exclude(kind="decision_notice")
        .first()
    )
    url = reverse("supervision:obligation-done", kwargs={"pk": row.pk})
    away = _client(officer).post(url, {"next": "https://evil.example/phish"})
    assert away.status_code == 302 and away["Location"] == reverse("supervision:today")
