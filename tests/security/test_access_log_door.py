"""Issue 11, finding 11 and its class: every read that returns supervisee personal data writes
access-log rows, because the scoped selectors log what they return (coordination/access.py).

The class test walks every GET route of the coordination permission matrix (which must name every
coordination route) plus the matching pages and API, as every role, and fails when a response shows
the supervisee's name or given name but no access-log row was written for that request.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from coordination.models import AccessLog, Supervisee
from matching import actions as matching_actions
from matching.models import MatchRun, Proposal
from tests.coordination.factories import make_world
from tests.coordination.test_permission_matrix import MATRIX, ROLES, _prepare


@pytest.fixture
def world(db, settings):
    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    w = make_world()
    # A name no page shows by chance, so finding it in a response means the record was shown.
    Supervisee.objects.filter(pk=w.supervisee.pk).update(name="欧阳甲乙丙", given_name="甲乙丙")
    w.supervisee.refresh_from_db()
    _prepare(w)
    run = matching_actions.start_run(actor=w.users["bureau"], office=None, kind=MatchRun.Kind.REFERRALS, queue=False)
    w.run = matching_actions.execute_run(run_id=run.pk)
    w.proposal = Proposal.objects.filter(run=w.run).first()
    return w


def _routes(w) -> list[tuple[str, str]]:
    urls = [(name, reverse(name, kwargs=MATRIX[(name, "get")][0](w))) for name, method in MATRIX if method == "get"]
    urls += [
        ("api supervisees filtered", f"/api/v1/referrals/?supervisee={w.supervisee.uuid}"),
        ("api referrals filtered", f"/api/v1/referrals/?supervisee={w.supervisee.uuid}&state=sent"),
        ("matching:index", reverse("matching:index")),
        ("matching:need", reverse("matching:need", kwargs={"pk": w.need.pk})),
        ("matching:run", reverse("matching:run", kwargs={"pk": w.run.pk})),
        ("matching:mentors", reverse("matching:mentors")),
        ("api runs", "/api/v1/matching/runs/"),
        ("api proposals", "/api/v1/matching/proposals/"),
        ("api suggestions", f"/api/v1/matching/needs/{w.need.pk}/suggestions/"),
    ]
    if w.proposal is not None:
        urls += [
            ("matching:proposal", reverse("matching:proposal", kwargs={"pk": w.proposal.pk})),
            ("api proposal", f"/api/v1/matching/proposals/{w.proposal.pk}/"),
        ]
    return urls


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_every_read_of_supervisee_data_is_logged(world, role):
    client = Client()
    client.force_login(world.users[role])
    person = world.supervisee
    silent = []
    shown = 0
    for name, url in _routes(world):
        before = AccessLog.objects.count()
        response = client.get(url)
        if response.status_code != 200 or response.get("Content-Type", "").startswith("text/calendar"):
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        if person.name in text or (person.given_name and person.given_name in text):
            shown += 1
            if AccessLog.objects.count() == before:
                silent.append(name)
    assert not silent, f"{role}: these reads showed a supervisee and logged nothing: {silent}"
    if role in ("bureau", "officer", "social_worker", "provider", "volunteer"):
        assert shown, f"{role} saw no supervisee at all: the walk tests nothing"


def test_lists_log_one_row_per_record_returned(world):
    from coordination import actions

    client = Client()
    officer = world.users["officer"]
    for body in ("家访", "电话回访"):
        actions.add_note(supervisee=world.supervisee, author=officer, body=body)
    client.force_login(officer)
    checks = {
        "/api/v1/case-notes/": "case note",
        "/api/v1/supervisees/": "supervisee",
        "/api/v1/referrals/": "referral",
        f"/api/v1/needs/{world.need.pk}/": "need",
        "/casework/inbox/": "referral",
    }
    for url, object_type in checks.items():
        if url == "/casework/inbox/":
            client.force_login(world.users["provider"])
        before = set(AccessLog.objects.values_list("pk", flat=True))
        response = client.get(url)
        assert response.status_code == 200, url
        rows = AccessLog.objects.exclude(pk__in=before)
        assert rows.exists(), url
        assert set(rows.values_list("object_type", flat=True)) == {object_type}, url
        assert set(rows.values_list("path", flat=True)) == {url.split("?")[0]}
        data = response.json() if url.startswith("/api/") else None
        if data is not None and "results" in data:
            assert rows.count() == len(data["results"]), url


def test_a_provider_listing_referrals_is_logged_with_the_supervisee(world):
    client = Client()
    client.force_login(world.users["provider"])
    before = AccessLog.objects.count()
    listed = client.get("/api/v1/referrals/").json()["results"]
    rows = AccessLog.objects.order_by("-pk")[: AccessLog.objects.count() - before]
    assert {r.object_id for r in rows} == {r["uuid"] for r in listed}
    assert {r.supervisee_id for r in rows} == {world.supervisee.pk}
    assert {r.purpose for r in rows} == {"api"}
