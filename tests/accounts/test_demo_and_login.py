"""The demo loader is idempotent and every demo user can log in and sees their name."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DEMO_USERS
from accounts.demo_support import DEMO_PASSWORD
from accounts.models import User
from services.models import Membership, Organisation, Township
from supervision.demo import DEMO_PERSON_PHONE


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_load_demo_twice_adds_nothing(demo):
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count(), Township.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Township.objects.count(),
    )
    assert Township.objects.count() >= 10
    assert Organisation.objects.filter(kind=Organisation.Kind.JUDICIAL_OFFICE).count() == Township.objects.count()
    for kind, _label in Organisation.Kind.choices:
        assert Organisation.objects.filter(kind=kind).exists(), kind


def test_load_demo_prints_every_login(db, capsys, caplog):
    from io import StringIO

    out = StringIO()
    caplog.clear()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for username, _role, _org in DEMO_USERS:
        assert username in text
    # Every login line names an organisation, the volunteer's team included.
    lines = [line for line in text.splitlines() if line.startswith("  ") and "·" in line]
    # ... and one person's own phone-page sign-in (named by the person instead).
    assert len(lines) == len(DEMO_USERS) + 1
    assert [line for line in lines if DEMO_PERSON_PHONE in line and "/me/" in line]
    assert all(line.split("·")[-1].strip() for line in lines), lines
    # Tasks run inline without a broker: no Celery chatter mixed into the demo output.
    assert not [r for r in caplog.records if r.name.startswith(("celery", "kombu")) and r.levelno < 30]


def test_the_demo_person_signs_in_to_their_phone_page(demo, client):
    response = client.post(reverse("accounts:login"), {"username": DEMO_PERSON_PHONE, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url.endswith("/me/"), response
    page = client.get("/me/")
    assert page.status_code == 200 and "/me/check-in/" in page.content.decode()


@pytest.mark.parametrize("username", [u for u, _r, _o in DEMO_USERS])
def test_each_demo_user_logs_in_and_sees_their_name(demo, client, username):
    response = client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    if username in {"bureau", "officer", "bureauhead", "officehead"}:  # two-factor sign-in, with the demo key
        out = StringIO()
        call_command("demo_otp_code", stdout=out)
        verify = client.post(reverse("accounts:two-factor-verify"), {"code": out.getvalue().strip()})
        assert verify.status_code == 302, verify.content.decode()[:500]
    home = client.get(reverse("accounts:home"))
    assert home.status_code == 200
    user = User.objects.get(username=username)
    assert user.full_name
    assert user.full_name in home.content.decode()


@pytest.mark.parametrize("username", [u for u, r, _o in DEMO_USERS if r])
def test_each_demo_staff_user_holds_their_role(demo, username):
    expected_role = next(r for u, r, _o in DEMO_USERS if u == username)
    assert Membership.objects.filter(user__username=username, role=expected_role, is_active=True).exists()


def test_wrong_password_shows_an_error_in_chinese(demo, client):
    response = client.post(reverse("accounts:login"), {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_wrong_password_shows_an_error_in_english(demo, client):
    response = client.post("/en/accounts/login/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
