"""The public application: consent, validation in both languages, duplicates, rate limit, honeypot, e-mail."""

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.models import User
from tests.volunteers import factories as f
from volunteers.models import Volunteer


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def good_data(team, **overrides):
    data = {
        "full_name": "刘晓燕",
        "phone": "138 0013 8000",
        "email": "Liu.XY@example.cn",
        "organisation": team.pk,
        "skills": "法律咨询",
        "languages": "普通话",
        "availability": "周末",
        "motivation": "回馈社区",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_apply_creates_an_applicant_and_sends_a_confirmation(client, db, django_capture_on_commit_callbacks):
    team = f.team()
    assert "申请成为志愿者" in client.get("/volunteers/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/volunteers/apply/", good_data(team))
    assert response.status_code == 302 and response["Location"].endswith("/volunteers/apply/thanks/")
    volunteer = Volunteer.objects.get()
    assert volunteer.status == Volunteer.Status.APPLIED
    assert volunteer.phone == "+8613800138000" and volunteer.email == "liu.xy@example.cn"
    assert volunteer.consent_at and volunteer.consent_version
    assert volunteer.user.username == "13800138000" and not volunteer.user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["liu.xy@example.cn"]
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_missing_consent_and_bad_fields_get_chinese_errors(client, db):
    team = f.team()
    response = client.post(
        "/volunteers/apply/",
        good_data(team, consent="", phone="12345", email="not-an-email", full_name="", motivation=""),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "需要您单独同意" in body
    assert "请输入有效的中国大陆手机号码" in body
    assert "请输入合法的邮件地址" in body
    assert "必需字段" in body  # Django's own Chinese for "This field is required."
    assert not Volunteer.objects.exists()


def test_errors_are_in_english_on_the_english_page(client, db):
    response = client.post("/en/volunteers/apply/", good_data(f.team(), consent="", phone="12345"))
    body = response.content.decode()
    assert "Your separate consent is needed" in body
    assert "Enter a valid mainland China mobile number" in body


@pytest.mark.parametrize("field", ["phone", "email"])
def test_a_duplicate_phone_or_email_is_answered_like_a_new_application_and_the_person_is_mailed(
    client, db, field, mailoutbox, django_capture_on_commit_callbacks
):
    team = f.team()
    client.post("/volunteers/apply/", good_data(team))
    first = Volunteer.objects.get()
    fresh = {"phone": "13900139000", "email": "other@example.cn"}
    new = client.post("/en/volunteers/apply/", good_data(team, **fresh))
    Volunteer.objects.exclude(pk=first.pk).delete()
    mailoutbox.clear()
    other = dict(fresh)
    other.pop(field)  # keep the first applicant's phone or e-mail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/volunteers/apply/", good_data(team, **other))
    # The same answer as for a new application: nothing tells the visitor who is registered.
    assert (response.status_code, response["Location"]) == (new.status_code, new["Location"])
    assert "already" not in client.get(response["Location"]).content.decode()
    assert Volunteer.objects.count() == 1
    assert [m.to for m in mailoutbox] == [[first.email]]


def test_the_honeypot_swallows_bots_quietly(client, db):
    response = client.post("/volunteers/apply/", good_data(f.team(), website="http://spam.example"))
    assert response.status_code == 302
    assert not Volunteer.objects.exists() and not User.objects.exists()
    assert 'class="vol-hp" aria-hidden="true"' in client.get("/volunteers/apply/").content.decode()


def test_too_many_applications_from_one_address_are_refused(client, db):
    team = f.team()
    for i in range(5):
        client.post("/volunteers/apply/", good_data(team, phone=f"1390013900{i}", email=f"p{i}@example.cn"))
    assert Volunteer.objects.count() == 5
    response = client.post("/volunteers/apply/", good_data(team, phone="13700137000", email="late@example.cn"))
    assert response.status_code == 429
    assert Volunteer.objects.count() == 5


def test_a_signed_in_person_applies_with_their_own_login(client, db):
    team = f.team()
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    client.post("/volunteers/apply/", good_data(team))
    assert Volunteer.objects.get().user == user
    assert client.get("/volunteers/apply/").status_code == 302  # already applied: goes home


def test_header_links_to_the_volunteer_area(client, db):
    assert 'href="/volunteers/"' in client.get("/volunteers/apply/").content.decode()


def test_no_team_is_preselected_and_a_choice_is_required(client, db):
    f.team()
    f.team("另一支志愿者队伍")
    page = client.get("/en/volunteers/apply/").content.decode()
    select = page[page.index('name="organisation"') : page.index("</select>", page.index('name="organisation"'))]
    assert "selected" in select and 'value="" selected' in select  # only the empty "Choose a team"
    response = client.post("/en/volunteers/apply/", good_data(f.team(), organisation=""))
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not Volunteer.objects.exists()


def test_the_receiving_teams_coordinators_are_told_of_a_new_application(client, db, django_capture_on_commit_callbacks):
    team = f.team()
    coordinator = f.coordinator(team, email="coord@example.cn")
    f.coordinator(f.team("另一支志愿者队伍"), email="other@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/volunteers/apply/", good_data(team))
    volunteer = Volunteer.objects.get()
    told = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert len(told) == 1 and "刘晓燕" in told[0].body
    assert f"/volunteers/manage/volunteers/{volunteer.pk}/" in told[0].body
    assert not any("other@example.cn" in m.to for m in mail.outbox)


def test_an_events_volunteer_link_takes_a_volunteer_to_that_shift(client, db):
    volunteer = f.volunteer()
    shift = f.shift()
    client.force_login(volunteer.user)
    response = client.get(f"/volunteers/shifts/{shift.pk}/join/")
    assert response["Location"] == f"/volunteers/shifts/#shift-{shift.pk}"


@pytest.fixture
def sms_outbox(settings):
    from accounts.sms import get_backend

    settings.SMS_BACKEND = "accounts.sms.RecordingSmsBackend"
    backend = get_backend()
    backend.outbox.clear()
    return backend.outbox


def test_a_phone_number_alone_is_enough_and_the_confirmation_comes_by_sms(
    client, db, sms_outbox, django_capture_on_commit_callbacks
):
    team = f.team()
    page = client.get("/volunteers/apply/").content.decode()
    assert "电子邮箱（选填）" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/volunteers/apply/", good_data(team, email=""))
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.email == "" and volunteer.phone == "+8613800138000"
    assert not [m for m in mail.outbox if m.to == [""]]
    texts = [m.body for m in sms_outbox if m.to == "+8613800138000"]
    assert len(texts) == 1 and "已收到您的志愿者申请" in texts[0]
    assert "/accounts/password/reset/" in texts[0] and volunteer.user.username in texts[0]


def test_two_applicants_without_e_mail_are_not_duplicates_but_the_same_phone_is(
    client, db, sms_outbox, django_capture_on_commit_callbacks
):
    team = f.team()
    client.post("/volunteers/apply/", good_data(team, email=""))
    client.post("/volunteers/apply/", good_data(team, email="", phone="13900139000", full_name="王建国"))
    assert Volunteer.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/volunteers/apply/", good_data(team, email="", full_name="冒名者"))
    assert again.status_code == 302 and Volunteer.objects.count() == 2  # answered like a new one
    assert any("再次提交" in m.body for m in sms_outbox if m.to == "+8613800138000")


def test_the_receiving_teams_coordinators_see_the_application_in_their_inbox(
    client, db, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    team = f.team()
    coordinator = f.coordinator(team, email="")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/volunteers/apply/", good_data(team, email=""))
    volunteer = Volunteer.objects.get()
    row = Notification.objects.get(recipient=coordinator, channel="inbox")
    assert "刘晓燕" in row.body and row.url == f"/volunteers/manage/volunteers/{volunteer.pk}/"


def test_a_volunteer_without_e_mail_gets_their_reminders_by_sms(db, sms_outbox, django_capture_on_commit_callbacks):
    from volunteers import actions

    volunteer = f.volunteer()
    Volunteer.objects.filter(pk=volunteer.pk).update(email="")
    volunteer.refresh_from_db()
    shift = f.shift(in_hours=20)
    actions.book_shift(actor=None, volunteer=volunteer, shift=shift)
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.send_due_shift_reminders() == 1
    texts = [m.body for m in sms_outbox if m.to == volunteer.phone]
    assert len(texts) == 1 and shift.place in texts[0] and "/volunteers/" in texts[0]


def test_a_phone_only_applicant_is_told_the_confirmation_came_by_sms(client, db, django_capture_on_commit_callbacks):
    team = f.team()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/volunteers/apply/", good_data(team, email=""), follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "我们已通过短信向您发送确认" in page
    assert "电子邮件" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    assert not mail.outbox
    # A second application with the same number gets the very same answer (nobody learns who applied).
    again = client.post("/volunteers/apply/", good_data(team, email=""))
    assert again.status_code == 302 and again["Location"] == response.redirect_chain[0][0]
