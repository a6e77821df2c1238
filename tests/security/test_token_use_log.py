"""Every use of an API token is in the access log (issue 11, "Also required": machine clients),
also when the request reads nothing personal or is refused."""

from __future__ import annotations

from django.test import Client

from accounts import actions
from coordination.models import AccessLog
from services.models import Membership
from tests import factories

Role = Membership.Role


def _token_client(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def _uses(token) -> list[AccessLog]:
    return list(AccessLog.objects.filter(action=AccessLog.Action.TOKEN_USE, object_id=str(token.uuid)).order_by("pk"))


def test_a_token_request_that_reads_nothing_personal_still_writes_one_row(city):
    volunteer_org = next(iter(city.providers.values()))
    staff = factories.user_with_role(Role.PROVIDER_STAFF, volunteer_org)
    token, key = actions.create_api_token(actor=staff, name="值班手机", days=30)
    before = AccessLog.objects.count()

    response = _token_client(key).get("/api/v1/notifications/")

    assert response.status_code == 200
    assert AccessLog.objects.count() == before + 1
    [row] = _uses(token)
    assert row.user == staff and row.username == staff.username
    assert row.path == "/api/v1/notifications/"
    assert row.purpose.startswith("GET → 200") and "值班手机" in row.purpose and str(token.uuid) in row.purpose
    assert row.supervisee_id is None


def test_refused_and_missing_requests_are_recorded_with_their_outcome(city):
    staff = factories.user_with_role(Role.SOCIAL_WORKER, city.office)
    token, key = actions.create_api_token(actor=staff, name="crm", days=30)
    api = _token_client(key)
    api.post("/api/v1/auth/tokens/", {"name": "more"}, content_type="application/json")  # a token makes no tokens
    api.get("/api/v1/needs/999999/")
    outcomes = [(row.purpose.split(" · ")[0], row.path) for row in _uses(token)]
    assert outcomes == [("POST → 403", "/api/v1/auth/tokens/"), ("GET → 404", "/api/v1/needs/999999/")]


def test_session_requests_and_bad_tokens_write_no_token_use(city):
    staff = factories.user_with_role(Role.SOCIAL_WORKER, city.office)
    session = Client()
    session.force_login(staff)
    before = AccessLog.objects.filter(action=AccessLog.Action.TOKEN_USE).count()
    session.get("/api/v1/notifications/")
    assert _token_client("cc_not-a-real-token").get("/api/v1/notifications/").status_code in {401, 403}
    assert AccessLog.objects.filter(action=AccessLog.Action.TOKEN_USE).count() == before


def test_the_bureau_sees_token_uses_next_to_the_access_log(city):
    worker = factories.user_with_role(Role.SOCIAL_WORKER, city.office)
    bureau = factories.user_with_role(Role.BUREAU_ADMIN, city.bureau)
    token, key = actions.create_api_token(actor=worker, name="移动执法终端", days=30)
    _token_client(key).get("/api/v1/notifications/")

    client = Client()
    client.force_login(bureau)
    page = client.get("/casework/access-log/?show=token-uses")
    body = page.content.decode()
    assert page.status_code == 200
    assert "API 令牌使用记录" in body and worker.get_full_name() in body and "移动执法终端" in body
    assert "/api/v1/notifications/" in body
    assert 'data-testid="token-uses"' in client.get("/casework/access-log/").content.decode()
    api_rows = client.get("/api/v1/access-log/").json()["results"]
    assert any(row["object_id"] == str(token.uuid) for row in api_rows)
