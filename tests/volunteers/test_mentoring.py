"""The coordinator sets whether and how a volunteer mentors; the database caps the places at 10."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.volunteers.factories import coordinator, volunteer

pytestmark = pytest.mark.django_db


def test_new_volunteer_is_not_a_mentor_by_default():
    v = volunteer()
    assert (v.max_mentees, v.sex, v.cleared_for_minors, v.language_codes) == (0, "", False, ["zh"])


def test_coordinator_saves_mentoring_and_sees_field_errors(client):
    v = volunteer()
    client.force_login(coordinator())
    url = reverse("volunteers:manage_volunteer", kwargs={"pk": v.pk})
    assert "m-max_mentees" in client.get(url).content.decode()
    bad = client.post(url, {"form": "mentoring", "m-max_mentees": "11", "m-sex": ""})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "10" in text
    missing = client.post(url, {"form": "mentoring", "m-max_mentees": "2", "m-sex": ""})
    assert missing.status_code == 400 and "第二十五条" in missing.content.decode()
    ok = client.post(
        url,
        {
            "form": "mentoring",
            "m-max_mentees": "3",
            "m-sex": "female",
            "m-cleared_for_minors": "on",
            "m-language_codes": ["zh", "yue"],
        },
    )
    assert ok.status_code == 302
    v.refresh_from_db()
    assert (v.max_mentees, v.sex, v.cleared_for_minors, v.language_codes) == (3, "female", True, ["zh", "yue"])


def test_database_refuses_more_than_ten_mentees():
    v = volunteer()
    v.max_mentees = 11
    with pytest.raises(IntegrityError), transaction.atomic():
        v.save(update_fields=["max_mentees"])
