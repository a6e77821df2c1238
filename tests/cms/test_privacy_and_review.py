"""Issue 11, items 9 and 15: privacy-restricted pages stay out of search and the anonymous cache;
every path to live goes through the privacy review."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page, PageViewRestriction

from accounts.models import User
from cms.actions import PRIVACY_GROUP_NAME
from cms.models import NewsPage, PrivacyReviewRequired

pytestmark = pytest.mark.django_db


def _search(client, query: str) -> str:
    return client.get("/search/", {"q": query}).content.decode()


def _restrict(page: Page) -> PageViewRestriction:
    return PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


# --- 9. Privacy-restricted pages -------------------------------------------------------------------


def test_a_restricted_page_and_its_children_leave_the_search(client, outreach, admin_user):
    assert "常见问题</a>" in _search(client, "常见问题")
    assert "关于本网站</a>" in _search(client, "关于本网站")
    _restrict(outreach.faq)
    _restrict(outreach.programme)  # the standard page lives under it
    assert "常见问题</a>" not in _search(client, "常见问题")
    assert "关于本网站</a>" not in _search(client, "关于本网站")
    client.force_login(admin_user)  # signed-in searchers see the public pages only, too
    assert "常见问题</a>" not in _search(client, "常见问题")


@pytest.mark.parametrize("kind", [PageViewRestriction.LOGIN, PageViewRestriction.PASSWORD])
def test_restricting_a_page_purges_the_anonymous_cache(client, outreach, django_capture_on_commit_callbacks, kind):
    client.get(outreach.faq.url)
    assert client.get(outreach.faq.url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(page=outreach.faq, restriction_type=kind, password="pw-123456")
    response = client.get(outreach.faq.url)
    assert response.get("X-Page-Cache") != "hit"
    if kind == PageViewRestriction.LOGIN:
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert 'type="password"' in response.content.decode()
    # ... and lifting the restriction purges again: the page is public at once.
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    response = client.get(outreach.faq.url)
    assert response.status_code == 200 and response.get("X-Page-Cache") == "miss"


# --- 15. Every path to live goes through the privacy review ---------------------------------------


def _draft_story(outreach, slug: str = "draft-story") -> NewsPage:
    story = NewsPage(title="未审核的故事", slug=slug, summary="草稿", live=False)
    outreach.news_index.add_child(instance=story)
    story.save_revision()
    return story


def test_bulk_publish_in_the_admin_does_not_publish_a_story(client, outreach, admin_user):
    story = _draft_story(outreach)
    client.force_login(admin_user)
    url = f"/cms-admin/bulk/wagtailcore/page/publish/?id={story.pk}&next=/cms-admin/pages/{outreach.news_index.pk}/"
    response = client.post(url, {"include_descendants": ""})
    assert response.status_code in (302, 403)
    story.refresh_from_db()
    assert not story.live


def test_bulk_publish_of_the_index_with_its_descendants_does_not_publish_a_story(client, outreach, admin_user):
    story = _draft_story(outreach)
    client.force_login(admin_user)
    url = f"/cms-admin/bulk/wagtailcore/page/publish/?id={outreach.news_index.pk}"
    client.post(url, {"include_descendants": "on"})
    story.refresh_from_db()
    assert not story.live


def test_publishing_a_revision_directly_is_refused_without_an_approved_review(outreach, admin_user):
    story = _draft_story(outreach)
    with pytest.raises(PrivacyReviewRequired):
        story.get_latest_revision().publish(user=admin_user)
    with pytest.raises(PrivacyReviewRequired):
        story.get_latest_revision().publish(user=None, skip_permission_checks=True)  # scheduled publishing's call
    story.refresh_from_db()
    assert not story.live


def test_approval_by_a_privacy_reviewer_publishes_and_only_that_revision(outreach, admin_user):
    story = _draft_story(outreach)
    state = story.get_workflow().start(story, admin_user)
    reviewer = User.objects.create_user(username="reviewer", password="x-long-password-1")
    reviewer.groups.add(Group.objects.get(name=PRIVACY_GROUP_NAME))
    task = state.current_task_state.task.specific
    task.on_action(state.current_task_state, reviewer, "approve", comment="", confirm_checklist=True)
    story.refresh_from_db()
    assert story.live
    # A later edit is a new revision: it needs its own review.
    story.title = "改过的标题"
    revision = story.save_revision()
    with pytest.raises(PrivacyReviewRequired):
        revision.publish(user=admin_user)


def test_a_copy_of_a_live_story_is_a_draft(outreach, admin_user):
    copy = outreach.news.copy(to=outreach.news_index, update_attrs={"slug": "copied"}, keep_live=True, user=admin_user)
    copy.refresh_from_db()
    assert not copy.live


def test_a_recursive_copy_of_the_news_index_keeps_no_story_live(outreach, admin_user):
    new_index = outreach.news_index.copy(
        recursive=True, to=outreach.home, update_attrs={"slug": "news-copy"}, keep_live=True, user=admin_user
    )
    stories = NewsPage.objects.child_of(new_index)
    assert stories.exists()
    assert not stories.filter(live=True).exists()
    assert new_index.live  # the index itself needs no review
