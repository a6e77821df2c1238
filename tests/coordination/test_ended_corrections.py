"""Supervisees whose end date has passed: the caseload marks them; matching and the provider inbox leave them out.
The provider inbox puts new referrals first and marks the overdue ones."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from coordination import actions
from coordination.models import Referral, Supervisee
from matching import selectors as matching_selectors


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _end_yesterday(supervisee: Supervisee) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Supervisee.objects.filter(pk=supervisee.pk).update(
        correction_start=yesterday - dt.timedelta(days=300), correction_end=yesterday
    )


def test_the_caseload_marks_a_supervisee_whose_end_date_has_passed(world):
    officer = _client(world.users["officer"])
    assert "end date passed" not in officer.get("/en/casework/caseload/").content.decode()
    _end_yesterday(world.supervisee)
    page = officer.get("/en/casework/caseload/").content.decode()
    assert page.count("end date passed") == 1


def test_matching_lists_leave_out_people_whose_end_date_has_passed(world):
    need = actions.record_need(
        supervisee=world.other_supervisee,
        category=world.offering.category,
        urgency=1,
        description="想学手艺",
        actor=world.users["bureau"],
    )
    assert need in matching_selectors.open_needs()
    assert world.other_supervisee in matching_selectors.mentees_waiting()  # no volunteer on the team yet
    _end_yesterday(world.other_supervisee)
    assert need not in matching_selectors.open_needs()
    assert world.other_supervisee not in matching_selectors.mentees_waiting()


def test_the_provider_inbox_leaves_out_ended_corrections_but_keeps_the_history(world):
    provider = _client(world.users["provider"])
    assert provider.get("/casework/inbox/").content.decode().count('data-testid="inbox-item"') == 3
    _end_yesterday(world.supervisee)
    assert provider.get("/casework/inbox/").content.decode().count('data-testid="inbox-item"') == 0
    assert provider.get("/casework/inbox/?state=in_service").content.decode().count('data-testid="inbox-item"') == 1


def test_the_provider_inbox_puts_new_referrals_first_and_marks_overdue_ones(world):
    sent = world.referrals["sent"]
    Referral.objects.filter(pk=sent.pk).update(
        deadline=timezone.now() - dt.timedelta(days=1), created_at=timezone.now() - dt.timedelta(days=30)
    )
    page = _client(world.users["provider"]).get("/en/casework/inbox/").content.decode()
    first = page.index('data-testid="inbox-item"')
    assert page.index(str(sent.uuid)) < page.index('data-testid="inbox-item"', first + 1)
    assert page.count("cw-overdue") == 1 and "overdue</strong>" in page


def test_people_of_the_same_name_are_told_apart_by_age_township_and_case_number(world):
    sent = world.referrals["sent"]
    s = sent.need.supervisee
    page = _client(world.users["provider"]).get("/casework/inbox/").content.decode()
    today = timezone.localdate()
    age = today.year - s.date_of_birth.year - ((today.month, today.day) < (s.date_of_birth.month, s.date_of_birth.day))
    assert f"({age}岁 · {s.township.display_name} · 矫正编号…{s.case_number[-4:]})" in page
