"""Live statistics hide small figures; stories are published only after privacy review."""

import pytest
from django.core.cache import cache
from wagtail.models import Page

from accounts.models import User
from cms import stats
from cms.actions import PRIVACY_GROUP_NAME
from cms.forms import PrivacyApprovalForm
from cms.models import NewsPage
from tests.cms.conftest import FakeStatsProvider

pytestmark = pytest.mark.django_db


def test_figures_below_the_threshold_are_hidden(fake_stats):
    shown = {
        f.key: f.value for f in stats.visible_figures(["active_volunteers", "hours_this_year", "referrals_completed"])
    }
    assert shown == {"active_volunteers": 42, "referrals_completed": 10}  # 9 hours could single someone out


def test_threshold_is_a_setting(fake_stats, settings):
    settings.CMS_STATS_MIN_FIGURE = 5
    cache.clear()
    assert [f.key for f in stats.visible_figures(["active_volunteers", "hours_this_year"])] == [
        "active_volunteers",
        "hours_this_year",
    ]
    settings.CMS_STATS_MIN_FIGURE = 50
    cache.clear()
    assert stats.visible_figures(["active_volunteers", "referrals_completed"]) == []


def test_missing_figures_are_not_shown(fake_stats, monkeypatch):
    monkeypatch.setattr(FakeStatsProvider, "figures_to_return", {"active_volunteers": None, "referrals_completed": 30})
    cache.clear()
    shown = stats.visible_figures(["active_volunteers", "hours_this_year", "referrals_completed"])
    assert [(f.key, f.value) for f in shown] == [("referrals_completed", 30)]


def test_database_provider_counts_active_volunteers_approved_hours_this_year_and_completed_referrals(
    db, django_assert_num_queries
):

    from django.utils import timezone

    from coordination.actions import apply_verb
    from coordination.models import Referral
    from tests.coordination.factories import make_world
    from tests.volunteers import factories as vf
    from volunteers.models import HourLog, Volunteer

    world = make_world()
    active = [vf.volunteer(), vf.volunteer()]
    vf.volunteer(status=Volunteer.Status.APPLIED, trained=False)
    today = timezone.localdate()
    for hours, status, day in [
        ("3.5", HourLog.Status.APPROVED, today),
        ("2", HourLog.Status.APPROVED, today),
        ("4", HourLog.Status.PENDING, today),  # not approved yet
        ("6", HourLog.Status.APPROVED, today.replace(year=today.year - 1)),  # last year
    ]:
        HourLog.objects.create(volunteer=active[0], activity="宣传", date=day, hours=hours, status=status)
    with django_assert_num_queries(1):  # three figures, one round trip
        figures = stats.DatabaseStatsProvider().figures()
    assert figures["active_volunteers"] == 2
    assert figures["hours_this_year"] == 5  # 5.5 hours, whole hours shown
    assert figures["referrals_completed"] == 0
    apply_verb(
        referral=world.referrals["in_service"],
        verb="complete",
        actor=world.users["provider"],
        grade=Referral.Outcome.ACHIEVED,
        note="已就业",
    )
    assert stats.DatabaseStatsProvider().figures()["referrals_completed"] == 1


def test_statistics_block_shows_nothing_when_every_figure_is_small(client, outreach, fake_stats, monkeypatch):
    assert "block-stats" in client.get(outreach.faq.url).content.decode()  # control: large figures are shown
    from cms import cache as page_cache

    page_cache.purge()
    monkeypatch.setattr(FakeStatsProvider, "figures_to_return", {"active_volunteers": 3, "hours_this_year": 2})
    cache.clear()
    html = client.get(outreach.faq.url).content.decode()
    assert "block-stats" not in html


def _story(outreach) -> NewsPage:
    story = NewsPage(title="故事草稿", slug="draft-story", summary="草稿", live=False)
    outreach.news_index.add_child(instance=story)
    story.save_revision()
    return story


def _reviewer() -> User:
    from django.contrib.auth.models import Group

    user = User.objects.create_user(username="reviewer", password="x-long-password-1")
    user.groups.add(Group.objects.get(name=PRIVACY_GROUP_NAME))
    return user


def test_story_is_published_only_when_privacy_review_approves(outreach, admin_user):
    story = _story(outreach)
    workflow = story.get_workflow()
    assert workflow is not None and workflow.name == "隐私审核"
    state = workflow.start(story, admin_user)
    story.refresh_from_db()
    assert not story.live
    task = state.current_task_state.task.specific
    reviewer = _reviewer()
    assert [a[0] for a in task.get_actions(story, reviewer)].count("approve") == 2
    assert task.get_actions(story, User.objects.create_user(username="other", password="x-long-password-2")) == []
    task.on_action(state.current_task_state, reviewer, "approve", comment="", confirm_checklist=True)
    story.refresh_from_db()
    assert story.live


def test_approval_form_requires_the_checklist():
    assert not PrivacyApprovalForm(data={"comment": ""}).is_valid()
    assert PrivacyApprovalForm(data={"comment": "", "confirm_checklist": "on"}).is_valid()


def test_admin_refuses_to_publish_a_story_directly(client, outreach, admin_user):
    story = _story(outreach)
    client.force_login(admin_user)
    edit_url = f"/cms-admin/pages/{story.pk}/edit/"
    html = client.get(edit_url).content.decode()
    assert "发布前的隐私核对清单" in html
    assert 'name="action-publish"' not in html
    # control: a page outside the privacy workflow keeps its publish button
    assert 'name="action-publish"' in client.get(f"/cms-admin/pages/{outreach.faq.pk}/edit/").content.decode()
    response = client.post(
        edit_url,
        {"title": "故事草稿", "slug": "draft-story", "kind": "news", "date": "2026-10-01", "action-publish": "1"},
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert not story.live


def test_other_pages_are_not_held_for_privacy_review(outreach):
    faq_workflow = Page.objects.get(pk=outreach.faq.pk).get_workflow()
    assert faq_workflow is None or faq_workflow.name != "隐私审核"
    assert _story(outreach).get_workflow().name == "隐私审核"  # control: stories are held
