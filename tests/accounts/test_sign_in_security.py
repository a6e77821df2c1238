"""Sign-in security (issue 11): brute-force lockout on every login path, the bureau's unlock page,
two-factor sign-in for bureau and officers, API tokens for programs."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, SecurityEvent
from coordination.models import AccessLog
from services.models import Membership
from tests import factories
from tests.coordination.factories import make_supervisee

Role = Membership.Role
WRONG = "not-the-password-1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _code(device: TOTPDevice, *, step: int = 0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, t0=device.t0, step=device.step, digits=device.digits, drift=step):06d}"


# --- Brute force ----------------------------------------------------------------------------


def _admin_login_path() -> str:
    return f"/{settings.DJANGO_ADMIN_PATH}login/"


LOGIN_FORMS = ["/accounts/login/", "/cms-admin/login/", "admin"]


@pytest.mark.parametrize("path", LOGIN_FORMS)
def test_thirty_wrong_passwords_then_the_right_one_is_refused(city, path):
    user = factories.user_with_role(Role.CONTENT_EDITOR, city.bureau, is_staff=True, is_superuser=path == "admin")
    path = _admin_login_path() if path == "admin" else path
    client = Client()
    for _ in range(30):
        client.post(path, {"username": user.username, "password": WRONG})
    response = client.post(path, {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode()


def test_the_lockout_message_is_in_english_on_the_english_site(city):
    user = factories.user_with_role(Role.SOCIAL_WORKER, city.office)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post("/en/accounts/login/", {"username": user.username, "password": WRONG})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_the_token_login_api_locks_out_too(city):
    user = factories.user_with_role(Role.SOCIAL_WORKER, city.office)
    client = Client()
    url = "/api/v1/auth/token-login/"
    for _ in range(30):
        client.post(url, {"username": user.username, "password": WRONG, "name": "x"}, content_type="application/json")
    response = client.post(
        url, {"username": user.username, "password": factories.PASSWORD, "name": "x"}, content_type="application/json"
    )
    assert response.status_code == 429
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_lock_is_on_the_user_from_that_address_only(city):
    user = factories.user_with_role(Role.SOCIAL_WORKER, city.office)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        attacker.post("/accounts/login/", {"username": user.username, "password": WRONG})
    colleague = Client(REMOTE_ADDR="198.51.100.7")
    response = colleague.post("/accounts/login/", {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302


def test_the_bureau_unlocks_a_locked_sign_in_and_it_is_recorded(city):
    user = factories.user_with_role(Role.SOCIAL_WORKER, city.office)
    bureau = factories.user_with_role(Role.BUREAU_ADMIN, city.bureau)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post("/accounts/login/", {"username": user.username, "password": WRONG})
    assert (
        client.post("/accounts/login/", {"username": user.username, "password": factories.PASSWORD}).status_code == 429
    )

    admin = Client()
    admin.force_login(bureau)
    page = admin.get("/en/casework/bureau/security/")
    assert page.status_code == 200
    assert user.username in page.content.decode()
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username=user.username)
    response = admin.post(f"/en/casework/bureau/security/unlock/{attempt.pk}/")
    assert response.status_code == 302

    assert (
        client.post("/accounts/login/", {"username": user.username, "password": factories.PASSWORD}).status_code == 302
    )
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.UNLOCKED)
    assert event.actor == bureau and user.username in event.subject


@pytest.mark.parametrize("role", [Role.OFFICE_OFFICER, Role.SOCIAL_WORKER, Role.PROVIDER_STAFF])
def test_only_the_bureau_sees_the_security_page(city, role):
    organisation = city.office if role != Role.PROVIDER_STAFF else next(iter(city.providers.values()))
    user = factories.user_with_role(role, organisation)
    client = Client()
    client.force_login(user)
    assert client.get("/casework/bureau/security/").status_code == 403
    assert client.post("/casework/bureau/security/unlock/1/").status_code == 403


# --- Two-factor sign-in ------------------------------------------------------------------------


@pytest.mark.real_second_factor
def test_an_officer_must_set_up_and_pass_a_second_factor(city):
    officer = factories.user_with_role(Role.OFFICE_OFFICER, city.office)
    client = Client()
    assert (
        client.post("/en/accounts/login/", {"username": officer.username, "password": factories.PASSWORD}).status_code
        == 302
    )
    response = client.get("/en/casework/caseload/")
    assert response.status_code == 302 and "/two-factor/setup/" in response["Location"]
    assert client.get("/api/v1/supervisees/").status_code == 403

    setup = client.get(response["Location"])
    assert setup.status_code == 200 and b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post(setup.request["PATH_INFO"], {"code": "000000", "next": "/en/casework/caseload/"})
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows down guessing
    device.throttle_reset()
    done = client.post("/en/accounts/two-factor/setup/", {"code": _code(device), "next": "/en/casework/caseload/"})
    codes = list(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert client.get("/en/casework/caseload/").status_code == 200

    # Next time: password, then a recovery code (each works once).
    client.post("/en/accounts/logout/")
    client.post("/en/accounts/login/", {"username": officer.username, "password": factories.PASSWORD})
    gate = client.get("/en/casework/caseload/")
    assert "/two-factor/verify/" in gate["Location"]
    assert client.post("/en/accounts/two-factor/verify/", {"code": codes[0]}).status_code == 302
    assert client.get("/en/casework/caseload/").status_code == 200
    client.post("/en/accounts/logout/")
    client.post("/en/accounts/login/", {"username": officer.username, "password": factories.PASSWORD})
    again = client.post("/en/accounts/two-factor/verify/", {"code": codes[0]})
    assert again.status_code == 200 and "That code is not right" in again.content.decode()


@pytest.mark.real_second_factor
def test_the_wagtail_admin_login_also_asks_for_the_second_factor(city):
    bureau = factories.user_with_role(Role.BUREAU_ADMIN, city.bureau, is_staff=True)
    TOTPDevice.objects.create(user=bureau, name="phone", confirmed=True)
    client = Client()
    client.post("/cms-admin/login/", {"username": bureau.username, "password": factories.PASSWORD})
    response = client.get("/cms-admin/")
    assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]


@pytest.mark.real_second_factor
def test_the_second_factor_is_optional_for_social_workers_but_enforced_once_enrolled(city):
    worker = factories.user_with_role(Role.SOCIAL_WORKER, city.office)
    client = Client()
    client.post("/en/accounts/login/", {"username": worker.username, "password": factories.PASSWORD})
    assert client.get("/en/casework/caseload/").status_code == 200
    device = TOTPDevice.objects.create(user=worker, name="phone", confirmed=True)
    client.post("/en/accounts/logout/")
    client.post("/en/accounts/login/", {"username": worker.username, "password": factories.PASSWORD})
    assert "/two-factor/verify/" in client.get("/en/casework/caseload/")["Location"]
    assert client.post("/en/accounts/two-factor/verify/", {"code": _code(device)}).status_code == 302
    assert client.get("/en/casework/caseload/").status_code == 200


# --- API tokens ------------------------------------------------------------------------------------


def _token_client(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_a_user_makes_a_token_on_the_page_it_is_shown_once_and_stored_hashed(city):
    officer = factories.user_with_role(Role.OFFICE_OFFICER, city.office)
    client = Client()
    client.force_login(officer)
    page = client.post("/en/accounts/api-tokens/", {"name": "移动执法终端", "days": 30})
    token = ApiToken.objects.get(user=officer)
    key = page.context["new_key"]
    assert key in page.content.decode() and token.name == "移动执法终端"
    assert key not in token.digest and not ApiToken.objects.filter(digest=key).exists()
    assert key not in client.get("/en/accounts/api-tokens/").content.decode()
    assert 29 <= (token.expiry - token.created).days <= 30
    assert client.post("/en/accounts/api-tokens/", {"name": "", "days": 7}).status_code == 200  # form errors, no 500


def test_a_token_sees_exactly_what_its_user_sees_and_every_read_names_it(city):
    officer = factories.user_with_role(Role.OFFICE_OFFICER, city.office)
    mine = make_supervisee(office=city.office)
    make_supervisee(office=city.other_office)
    session = Client()
    session.force_login(officer)
    created = session.post("/api/v1/auth/tokens/", {"name": "partner", "days": 30}, content_type="application/json")
    assert created.status_code == 201
    key = created.json()["token"]
    api = _token_client(key)
    by_token = api.get("/api/v1/supervisees/").json()
    by_session = session.get("/api/v1/supervisees/").json()
    assert by_token == by_session and [row["uuid"] for row in by_token["results"]] == [str(mine.uuid)]

    assert api.get(f"/api/v1/supervisees/{mine.uuid}/").status_code == 200
    row = AccessLog.objects.filter(user=officer, object_id=str(mine.uuid)).latest("pk")
    token = ApiToken.objects.get(user=officer)
    assert "partner" in row.purpose and str(token.uuid) in row.purpose
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert api.post("/api/v1/auth/tokens/", {"name": "more"}, content_type="application/json").status_code == 403


def test_a_provider_token_does_not_reach_case_records(city):
    provider = next(iter(city.providers.values()))
    staff = factories.user_with_role(Role.PROVIDER_STAFF, provider)
    supervisee = make_supervisee(office=city.office)
    from accounts import actions

    _token, key = actions.create_api_token(actor=staff, name="crm", days=30)
    assert _token_client(key).get(f"/api/v1/supervisees/{supervisee.uuid}/").status_code in {403, 404}


def test_revoked_and_expired_tokens_stop_working(city):
    from django.utils import timezone

    from accounts import actions

    worker = factories.user_with_role(Role.SOCIAL_WORKER, city.office)
    bureau = factories.user_with_role(Role.BUREAU_ADMIN, city.bureau)
    token, key = actions.create_api_token(actor=worker, name="a", days=30)
    assert _token_client(key).get("/api/v1/supervisees/").status_code == 200

    owner = Client()
    owner.force_login(worker)
    assert owner.delete(f"/api/v1/auth/tokens/{token.uuid}/").status_code == 204
    assert _token_client(key).get("/api/v1/supervisees/").status_code in {401, 403}

    token, key = actions.create_api_token(actor=worker, name="b", days=30)
    admin = Client()
    admin.force_login(bureau)
    assert token.name in admin.get("/casework/bureau/security/").content.decode()
    admin.post(f"/casework/bureau/security/tokens/{token.uuid}/revoke/")
    assert _token_client(key).get("/api/v1/supervisees/").status_code in {401, 403}
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOKEN_REVOKED, actor=bureau).exists()

    token, key = actions.create_api_token(actor=worker, name="c", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timezone.timedelta(minutes=1))
    assert _token_client(key).get("/api/v1/supervisees/").status_code in {401, 403}


def test_another_users_token_cannot_be_revoked_by_a_colleague(city):
    from accounts import actions

    worker = factories.user_with_role(Role.SOCIAL_WORKER, city.office)
    colleague = factories.user_with_role(Role.SOCIAL_WORKER, city.office)
    token, key = actions.create_api_token(actor=worker, name="a", days=30)
    client = Client()
    client.force_login(colleague)
    assert client.delete(f"/api/v1/auth/tokens/{token.uuid}/").status_code == 404
    assert client.post(f"/accounts/api-tokens/{token.uuid}/revoke/").status_code == 404
    assert _token_client(key).get("/api/v1/supervisees/").status_code == 200


def test_the_token_login_asks_officers_for_their_second_factor(city):
    officer = factories.user_with_role(Role.OFFICE_OFFICER, city.office)
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client = Client()
    url = "/api/v1/auth/token-login/"
    body = {"username": officer.username, "password": factories.PASSWORD, "name": "app"}
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400 and "otp" in refused.json()
    made = client.post(url, {**body, "otp": _code(device)}, content_type="application/json")
    assert made.status_code == 201 and made.json()["token"].startswith("cc_")
    bad = client.post(url, {**body, "days": "many"}, content_type="application/json")
    assert bad.status_code == 400 and "days" in bad.json()["errors"]
