"""Page tree rules, every page type and block renders, query counts."""

import pytest
from django.apps import apps
from wagtail.models import Page

from cms.models import EventPage, HomePage, NewsIndexPage, NewsPage, OutreachPage, StandardPage

pytestmark = pytest.mark.django_db

PAGE_MODELS = [m for m in apps.get_app_config("cms").get_models() if issubclass(m, Page)]


def test_every_page_type_declares_its_parents_and_children():
    assert {m.__name__ for m in PAGE_MODELS} >= {
        "HomePage", "StandardPage", "ProgrammePage", "NewsIndexPage", "NewsPage", "EventIndexPage",
        "EventPage", "RecruitmentPage", "FaqPage", "PolicyDocumentPage",
    }  # fmt: skip
    for model in PAGE_MODELS:
        assert "parent_page_types" in model.__dict__, model
        assert "subpage_types" in model.__dict__, model


def test_tree_rules(outreach):
    assert not NewsPage.can_create_at(outreach.home)
    assert NewsPage.can_create_at(outreach.news_index)
    assert not EventPage.can_create_at(outreach.news_index)
    assert EventPage.can_create_at(outreach.event_index)
    assert not NewsIndexPage.can_create_at(outreach.programme)
    assert StandardPage.can_create_at(outreach.programme)
    assert not HomePage.can_create_at(outreach.home)
    assert outreach.news.specific.allowed_subpage_models() == []


def test_every_page_type_renders_every_block(client, outreach, fake_stats):
    for page in outreach.all_pages():
        response = client.get(page.url)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert page.title in html
        assert isinstance(page.specific, OutreachPage)
    html = client.get(outreach.faq.url).content.decode()
    for fragment in [
        "社区矫正志愿者队伍协助司法所工作人员",  # rich text
        '<h2 class="block-heading">帮困扶助</h2>',  # heading
        ".webp",  # image, as WebP renditions in a srcset
        "srcset=",
        "<figcaption>图片说明</figcaption>",
        "每个人都值得第二次机会。",  # quote
        'href="/volunteer/">了解</a>',  # call to action
        "<summary>谁可以申请？</summary>",  # FAQ
        "在线填写",  # steps
        "policy",  # document list link
        "42",  # statistics: a figure above the threshold
    ]:
        assert fragment in html, fragment


def test_policy_page_offers_its_attachment_for_download(client, outreach):
    html = client.get(outreach.policy.url).content.decode()
    document = outreach.policy.specific.attachments.get().document
    assert f'href="{document.url}" download' in html
    assert client.get(document.url).status_code == 200


def test_recruitment_page_leads_to_the_volunteer_application(client, outreach):
    html = client.get(outreach.recruitment.url).content.decode()
    assert 'href="/volunteers/apply/"' in html


def test_event_links_its_volunteer_shift_and_calendar(client, outreach):
    html = client.get(outreach.event.url).content.decode()
    shift_id = outreach.event.specific.volunteer_shift_id
    assert f'href="/volunteers/shifts/{shift_id}/join/"' in html
    assert f'href="/events/{outreach.event.pk}/calendar.ics"' in html
    # A newcomer is led to the application, not to a bare login page.
    assert client.get(f"/volunteers/shifts/{shift_id}/join/")["Location"] == "/volunteers/apply/"


@pytest.mark.parametrize(
    "attribute",
    ["home", "programme", "standard", "news_index", "news", "event_index", "event", "recruitment", "faq", "policy"],
)
def test_each_page_type_costs_a_small_fixed_number_of_queries(
    client, outreach, attribute, django_assert_max_num_queries, settings, fake_stats
):
    settings.CMS_PAGE_CACHE = False
    page = getattr(outreach, attribute)
    client.get(page.url)  # warm the site-root and statistics caches, as on a running server
    with django_assert_max_num_queries(15):
        assert client.get(page.url).status_code == 200


def test_listing_costs_do_not_grow_with_the_number_of_items(client, outreach, settings, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.cms.factories import add

    settings.CMS_PAGE_CACHE = False
    client.get(outreach.news_index.url)
    with CaptureQueriesContext(connection) as before:
        client.get(outreach.news_index.url)
    for n in range(3):
        page = NewsPage(title=f"新闻{n}", slug=f"n{n}", summary="s")
        page.tags.add(f"标签{n}")
        add(outreach.news_index, page)
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(outreach.news_index.url)
