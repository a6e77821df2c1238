"""People and roles: the approver roles, inviting, granting, revoking, deactivating, the record of each change,
the pages and API with their 403s, and the check that every judicial office has an active officer."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts import roles, scoping, security
from accounts.links import absolute_url
from accounts.models import AccountChange, User
from accounts.sms import get_backend
from coordination.models import Supervisee
from notifications.models import Notification
from services.models import Membership
from tests.coordination.factories import make_supervisee
from tests.factories import PASSWORD, user_with_role

Role = Membership.Role
PEOPLE = "/casework/bureau/people/"


@pytest.fixture
def heads(city, role_users):
    return {
        "office_head": user_with_role(Role.OFFICE_HEAD, city.office, username="officehead"),
        "bureau_head": user_with_role(Role.BUREAU_HEAD, city.bureau, username="bureauhead"),
    }


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    backend = get_backend()
    backend.outbox.clear()
    return backend


# --- The approver roles ------------------------------------------------------------------


def test_heads_are_held_only_in_their_kind_of_organisation(city):
    with pytest.raises(ValidationError):
        Membership(user=User(), organisation=city.bureau, role=Role.OFFICE_HEAD).clean()
    with pytest.raises(ValidationError):
        Membership(user=User(), organisation=city.office, role=Role.BUREAU_HEAD).clean()
    Membership(user=User(), organisation=city.office, role=Role.OFFICE_HEAD).clean()
    Membership(user=User(), organisation=city.bureau, role=Role.BUREAU_HEAD).clean()


def test_an_office_head_sees_what_an_officer_of_the_office_sees_and_a_bureau_head_what_the_bureau_sees(
    city, role_users, heads
):
    mine = make_supervisee(office=city.office, actor=role_users[Role.BUREAU_ADMIN])
    theirs = make_supervisee(office=city.other_office, actor=role_users[Role.BUREAU_ADMIN])
    head_sees = set(scoping.scope(heads["office_head"], Supervisee).values_list("pk", flat=True))
    assert head_sees == set(scoping.scope(role_users[Role.OFFICE_OFFICER], Supervisee).values_list("pk", flat=True))
    assert mine.pk in head_sees and theirs.pk not in head_sees
    assert scoping.can(heads["office_head"], "override_consent", mine)
    assert set(scoping.scope(heads["bureau_head"], Supervisee).values_list("pk", flat=True)) == {mine.pk, theirs.pk}
    assert roles.roles(heads["office_head"]) == {Role.OFFICE_HEAD, Role.OFFICE_OFFICER}


def test_both_heads_must_pass_a_second_factor(heads):
    assert security.requires_second_factor(heads["office_head"])
    assert security.requires_second_factor(heads["bureau_head"])


# --- Pages: who may open them ------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [Role.OFFICE_OFFICER, Role.SOCIAL_WORKER, Role.PROVIDER_STAFF, Role.VOLUNTEER_COORDINATOR, Role.CONTENT_EDITOR],
)
def test_other_roles_are_refused_the_people_pages_and_api(client, role_users, role):
    client.force_login(role_users[role])
    target = role_users[Role.BUREAU_ADMIN]
    assert client.get(PEOPLE).status_code == 403
    assert client.get(f"{PEOPLE}invite/").status_code == 403
    assert client.get(f"{PEOPLE}{target.pk}/").status_code == 403
    assert client.post(f"{PEOPLE}{target.pk}/deactivate/", {"reason": "x"}).status_code == 403
    assert client.get("/api/v1/people/").status_code == 403
    assert target.is_active


def test_the_bureau_sees_everyone_the_office_head_only_their_office(client, city, role_users, heads):
    other = user_with_role(Role.OFFICE_OFFICER, city.other_office, username="otheroffice", full_name="别所干警")
    client.force_login(role_users[Role.BUREAU_ADMIN])
    page = client.get(PEOPLE).content.decode()
    assert "别所干警" in page and role_users[Role.PROVIDER_STAFF].get_full_name() in page

    client.force_login(heads["office_head"])
    page = client.get(PEOPLE).content.decode()
    assert "别所干警" not in page
    assert role_users[Role.SOCIAL_WORKER].get_full_name() in page
    assert role_users[Role.PROVIDER_STAFF].get_full_name() not in page
    assert client.get(f"{PEOPLE}{other.pk}/").status_code == 404
    assert client.get(f"{PEOPLE}{role_users[Role.SOCIAL_WORKER].pk}/").status_code == 200


def test_the_list_searches_filters_and_pages(client, city, role_users, settings):
    client.force_login(role_users[Role.BUREAU_ADMIN])
    for n in range(55):
        user_with_role(Role.SOCIAL_WORKER, city.other_office, username=f"sw{n:02d}", full_name=f"社工{n:02d}")
    first = client.get(PEOPLE, {"organisation": city.other_office.pk}).content.decode()
    assert "社工00" in first and "社工54" not in first and "page=2" in first
    second = client.get(PEOPLE, {"organisation": city.other_office.pk, "page": 2}).content.decode()
    assert "社工54" in second
    found = client.get(PEOPLE, {"q": "社工07"}).content.decode()
    assert "社工07" in found and "社工08" not in found
    editors = client.get(PEOPLE, {"role": Role.CONTENT_EDITOR}).content.decode()
    assert role_users[Role.CONTENT_EDITOR].get_full_name() in editors and "社工00" not in editors


# --- Inviting ------------------------------------------------------------------------------


def test_the_bureau_invites_by_e_mail_and_the_link_sets_a_password(
    client, city, role_users, django_capture_on_commit_callbacks
):
    bureau = role_users[Role.BUREAU_ADMIN]
    client.force_login(bureau)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{PEOPLE}invite/",
            {
                "full_name": "王新人",
                "email": "new@example.cn",
                "phone": "",
                "organisation": city.other_office.pk,
                "role": Role.OFFICE_OFFICER,
                "reason": "新招录的矫正干警",
            },
        )
    assert response.status_code == 302
    person = User.objects.get(email="new@example.cn")
    assert not person.has_usable_password()
    assert roles.organisation_ids(person, Role.OFFICE_OFFICER) == {city.other_office.pk}
    kinds = list(AccountChange.objects.filter(user=person).order_by("pk").values_list("kind", "actor", "reason"))
    assert kinds == [
        (AccountChange.Kind.INVITED, bureau.pk, "新招录的矫正干警"),
        (AccountChange.Kind.ROLE_GRANTED, bureau.pk, "新招录的矫正干警"),
    ]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.cn"]
    assert mail.outbox[0].body.count("/accounts/password/reset/") == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    client.logout()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    client.post(form.redirect_chain[-1][0], {"new_password1": "Xin-Ren-2026!", "new_password2": "Xin-Ren-2026!"})
    person.refresh_from_db()
    assert person.check_password("Xin-Ren-2026!")
    page = client.get(f"{PEOPLE}{person.pk}/")
    assert page.status_code in (302, 403)  # the new officer may not manage people


def test_an_invitation_by_phone_goes_by_sms(client, city, role_users, sms, django_capture_on_commit_callbacks):
    client.force_login(role_users[Role.BUREAU_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{PEOPLE}invite/",
            {
                "full_name": "李短信",
                "phone": "13800138000",
                "organisation": city.office.pk,
                "role": Role.SOCIAL_WORKER,
                "reason": "驻所社工",
            },
        )
    assert response.status_code == 302
    person = User.objects.get(phone="+8613800138000")
    assert person.username == "+8613800138000"
    assert [m.to for m in sms.outbox] == ["+8613800138000"]
    assert "/accounts/password/reset/" in sms.outbox[0].body
    assert mail.outbox == []
    # The link travels as the message's link (the shared way), not inside its subject.
    row = Notification.objects.get(address="+8613800138000")
    assert row.url.startswith("/accounts/password/reset/") and "/accounts/" not in row.subject
    assert sms.outbox[0].body == f"{row.subject} {absolute_url(row.url)}"
    assert sms.outbox[0].body.count("/accounts/password/reset/") == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"full_name": "王五", "email": "", "phone": "", "reason": "理由"}, "email"),
        ({"full_name": "王五", "email": "x@example.cn", "reason": ""}, "reason"),
        ({"full_name": "王五", "phone": "12345", "reason": "理由"}, "phone"),
        ({"full_name": "=HYPERLINK()", "email": "x@example.cn", "reason": "理由"}, "full_name"),
    ],
)
def test_bad_invitations_are_refused_with_field_messages(client, city, role_users, data, field):
    client.force_login(role_users[Role.BUREAU_ADMIN])
    data = {"organisation": city.office.pk, "role": Role.SOCIAL_WORKER, **data}
    response = client.post(f"{PEOPLE}invite/", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not User.objects.filter(full_name="王五").exists()


def test_an_e_mail_that_has_an_account_is_refused(client, city, role_users):
    client.force_login(role_users[Role.BUREAU_ADMIN])
    taken = role_users[Role.SOCIAL_WORKER]
    taken.email = "taken@example.cn"
    taken.save()
    response = client.post(
        f"{PEOPLE}invite/",
        {
            "full_name": "重名",
            "email": "TAKEN@example.cn",
            "organisation": city.office.pk,
            "role": Role.SOCIAL_WORKER,
            "reason": "r",
        },
    )
    assert response.status_code == 400 and "email" in response.context["form"].errors


def test_an_office_head_invites_only_into_their_office_and_only_lower_roles(client, city, heads):
    client.force_login(heads["office_head"])
    base = {"full_name": "赵六", "email": "zl@example.cn", "reason": "补充人手"}
    other = client.post(f"{PEOPLE}invite/", {**base, "organisation": city.other_office.pk, "role": Role.SOCIAL_WORKER})
    assert other.status_code == 400
    head = client.post(f"{PEOPLE}invite/", {**base, "organisation": city.office.pk, "role": Role.OFFICE_HEAD})
    assert head.status_code == 400
    assert not User.objects.filter(email="zl@example.cn").exists()
    ok = client.post(f"{PEOPLE}invite/", {**base, "organisation": city.office.pk, "role": Role.SOCIAL_WORKER})
    assert ok.status_code == 302
    assert roles.organisation_ids(User.objects.get(email="zl@example.cn")) == {city.office.pk}


# --- Granting, revoking, deactivating ----------------------------------------------------------


def test_grant_and_revoke_are_recorded_and_shown_on_the_person_page(client, city, role_users):
    bureau, person = role_users[Role.BUREAU_ADMIN], role_users[Role.SOCIAL_WORKER]
    client.force_login(bureau)
    response = client.post(
        f"{PEOPLE}{person.pk}/grant/",
        {"organisation": city.other_office.pk, "role": Role.SOCIAL_WORKER, "reason": "支援二所"},
    )
    assert response.status_code == 302
    assert city.other_office.pk in roles.organisation_ids(person, Role.SOCIAL_WORKER)
    membership = Membership.objects.get(user=person, organisation=city.other_office)
    assert client.post(f"{PEOPLE}roles/{membership.pk}/revoke/", {"reason": ""}).status_code == 400
    assert client.post(f"{PEOPLE}roles/{membership.pk}/revoke/", {"reason": "支援结束"}).status_code == 302
    roles.forget(person)
    assert city.other_office.pk not in roles.organisation_ids(person)
    page = client.get(f"{PEOPLE}{person.pk}/").content.decode()
    assert "支援二所" in page and "支援结束" in page and bureau.username in page
    assert list(AccountChange.objects.filter(user=person).values_list("kind", flat=True)) == [
        AccountChange.Kind.ROLE_REVOKED,
        AccountChange.Kind.ROLE_GRANTED,
    ]


def test_nobody_changes_their_own_roles_or_account(client, city, role_users):
    bureau = role_users[Role.BUREAU_ADMIN]
    client.force_login(bureau)
    mine = Membership.objects.get(user=bureau)
    assert client.post(f"{PEOPLE}roles/{mine.pk}/revoke/", {"reason": "r"}).status_code == 403
    assert client.post(f"{PEOPLE}{bureau.pk}/deactivate/", {"reason": "r"}).status_code == 403
    grant = client.post(
        f"{PEOPLE}{bureau.pk}/grant/", {"organisation": city.bureau.pk, "role": Role.CONTENT_EDITOR, "reason": "r"}
    )
    assert grant.status_code == 403
    assert Membership.objects.get(pk=mine.pk).is_active and not AccountChange.objects.exists()


def test_an_office_head_cannot_touch_roles_outside_their_office(client, city, role_users, heads):
    client.force_login(heads["office_head"])
    officer = role_users[Role.OFFICE_OFFICER]
    grant = client.post(
        f"{PEOPLE}{officer.pk}/grant/",
        {"organisation": city.other_office.pk, "role": Role.SOCIAL_WORKER, "reason": "r"},
    )
    assert grant.status_code == 400
    # Someone who also works for a provider: the head may not deactivate them.
    both = role_users[Role.SOCIAL_WORKER]
    user_with_role(Role.PROVIDER_STAFF, city.providers["employer"], username="x")
    Membership.objects.create(user=both, organisation=city.providers["employer"], role=Role.PROVIDER_STAFF)
    assert client.post(f"{PEOPLE}{both.pk}/deactivate/", {"reason": "离职"}).status_code == 403
    both.refresh_from_db()
    assert both.is_active
    # The office's own officer: yes.
    assert client.post(f"{PEOPLE}{officer.pk}/deactivate/", {"reason": "离职"}).status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active


def test_a_deactivated_user_cannot_sign_in_and_can_be_reactivated(client, role_users):
    bureau, person = role_users[Role.BUREAU_ADMIN], role_users[Role.PROVIDER_STAFF]
    client.force_login(bureau)
    assert client.post(f"{PEOPLE}{person.pk}/deactivate/", {"reason": ""}).status_code == 400
    assert client.post(f"{PEOPLE}{person.pk}/deactivate/", {"reason": "合同到期"}).status_code == 302
    other = client.__class__()
    assert other.post("/accounts/login/", {"username": person.username, "password": PASSWORD}).status_code == 200
    assert client.post(f"{PEOPLE}{person.pk}/reactivate/", {"reason": "续约"}).status_code == 302
    assert other.post("/accounts/login/", {"username": person.username, "password": PASSWORD}).status_code == 302
    assert list(AccountChange.objects.filter(user=person).values_list("kind", "reason")) == [
        (AccountChange.Kind.REACTIVATED, "续约"),
        (AccountChange.Kind.DEACTIVATED, "合同到期"),
    ]


# --- Every office has an officer (§二(四)) ------------------------------------------------------


def test_offices_without_an_active_officer_are_flagged_on_the_people_page_and_home(client, city, role_users):
    bureau = role_users[Role.BUREAU_ADMIN]
    client.force_login(bureau)
    # city.office has an officer, city.other_office none.
    page = client.get(PEOPLE).content.decode()
    warning = page[page.index('data-testid="unstaffed-offices"') :]
    assert city.other_office.name in warning and city.office.name not in warning.split("</div>")[0]
    home = client.get("/today/").context
    unstaffed = next(i for _t, items in home["groups"] for i in items if i.key == "unstaffed")
    assert unstaffed.count == 1 and unstaffed.warn

    # A new officer in the other office clears it; deactivating the first office's officer raises it there.
    newcomer = user_with_role(Role.OFFICE_OFFICER, city.other_office, username="newcomer")
    assert newcomer.is_active
    client.post(f"{PEOPLE}{role_users[Role.OFFICE_OFFICER].pk}/deactivate/", {"reason": "调离"})
    page = client.get(PEOPLE).content.decode()
    warning = page[page.index('data-testid="unstaffed-offices"') :].split("</div>")[0]
    assert city.office.name in warning and city.other_office.name not in warning


def test_an_office_head_counts_as_the_office_officer(city, heads):
    from accounts.selectors import offices_without_officer

    user_with_role(Role.OFFICE_HEAD, city.other_office, username="head2")
    assert not offices_without_officer().filter(pk=city.other_office.pk).exists()


# --- API ---------------------------------------------------------------------------------------


def test_the_api_follows_the_same_rules(client, city, role_users, heads):
    client.force_login(role_users[Role.BUREAU_ADMIN])
    bad = client.post(
        "/api/v1/people/invite/",
        {"full_name": "钱七", "organisation": city.office.pk, "role": Role.SOCIAL_WORKER, "reason": "r"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "email" in bad.json()["errors"]
    made = client.post(
        "/api/v1/people/invite/",
        {
            "full_name": "钱七",
            "email": "qq@example.cn",
            "organisation": city.office.pk,
            "role": Role.SOCIAL_WORKER,
            "reason": "招聘",
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    assert [c["kind"] for c in made.json()["changes"]] == ["role_granted", "invited"]
    listed = client.get("/api/v1/people/", {"q": "钱七"}).json()
    assert [p["id"] for p in listed["results"]] == [pk]
    no_reason = client.post(f"/api/v1/people/{pk}/deactivate/", {}, content_type="application/json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]

    client.force_login(heads["office_head"])
    membership = Membership.objects.get(user_id=pk)
    assert (
        client.post(
            f"/api/v1/people/{pk}/revoke/",
            {"membership": membership.pk, "reason": "试用未过"},
            content_type="application/json",
        ).status_code
        == 200
    )
    assert not Membership.objects.get(pk=membership.pk).is_active
    outsider = user_with_role(Role.OFFICE_OFFICER, city.other_office, username="apioutsider")
    assert client.get(f"/api/v1/people/{outsider.pk}/").status_code == 404
    head_grant = client.post(
        f"/api/v1/people/{pk}/grant/",
        {"organisation": city.office.pk, "role": Role.OFFICE_HEAD, "reason": "r"},
        content_type="application/json",
    )
    assert head_grant.status_code == 400 and "role" in head_grant.json()["errors"]
