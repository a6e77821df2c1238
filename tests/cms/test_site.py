"""Translations and hreflang, search in Chinese and English, sitemap, feed, robots, calendar, errors, cache."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from icalendar import Calendar

from cms import actions
from cms.models import NewsPage
from tests.cms.factories import add, publish, translate_all
from tests.factories import ServiceOfferingFactory

pytestmark = pytest.mark.django_db


def test_language_switcher_goes_to_the_translated_page(client, outreach):
    english = translate_all(outreach)
    news_en = english[outreach.news.pk]
    html = client.get(outreach.news.url).content.decode()
    assert f'href="{news_en.url}" lang="en"' in html
    assert news_en.url.startswith("/en/")
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{news_en.url}">' in html
    assert '<link rel="alternate" hreflang="zh-Hans" href="http://testserver/news/training/">' in html
    assert 'hreflang="x-default"' in html
    en_html = client.get(news_en.url).content.decode()
    assert '<html lang="en">' in en_html
    assert 'href="/news/training/" lang="zh-hans"' in en_html
    assert '<link rel="canonical" href="http://testserver/en/news/training/">' in en_html


def test_untranslated_page_offers_the_other_language_home(client, outreach):
    html = client.get(outreach.faq.url).content.decode()
    assert 'href="/en/" lang="en"' in html
    assert 'hreflang="en"' not in html.split("<body")[0]  # no false alternate in the head
    # control: once translated, the same page names its English alternate in the head
    translate_all(outreach)
    from cms import cache as page_cache

    page_cache.purge()
    assert 'hreflang="en"' in client.get(outreach.faq.url).content.decode().split("<body")[0]


def test_open_graph_tags(client, outreach):
    html = client.get(outreach.news.url).content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="好做法：免费职业技能培训">' in html
    assert '<meta property="og:url" content="http://testserver/news/training/">' in html
    assert '<meta property="og:locale" content="zh_CN">' in html


def _search(client, q, prefix=""):
    return client.get(f"{prefix}/search/", {"q": q}).content.decode()


def test_chinese_word_inside_longer_text_is_found(client, outreach):
    actions.index_page(page=outreach.programme)
    # "志愿者" only occurs inside "社区矫正志愿者队伍协助司法所工作人员" (the body's rich text).
    html = _search(client, "志愿者")
    assert "什么是社区矫正" in html
    html = _search(client, "非监禁")
    assert 'href="/about/">什么是社区矫正</a>' in html


def test_title_matches_rank_first(client, outreach):
    html = _search(client, "志愿者")
    results = html.split('data-testid="page-results"')[1]
    assert results.index("成为志愿者") < results.index("常见问题")


def test_search_finds_directory_offerings_by_a_word_in_their_description(client, outreach):
    offering = ServiceOfferingFactory(
        name="面点制作培训班", description="为有需要的人员提供免费面点制作和就业指导服务。"
    )
    ServiceOfferingFactory(name="心理咨询", description="一对一咨询", is_active=False)
    ServiceOfferingFactory(name="法律咨询", description="律师一对一咨询", is_active=True)
    html = _search(client, "就业")
    assert offering.name in html
    found = _search(client, "咨询").split("offering-results")[-1]
    assert "法律咨询" in found  # control: an active offering with the word is found
    assert "心理咨询" not in found


def test_english_search(client, outreach):
    english = translate_all(outreach)
    page = english[outreach.recruitment.pk]
    page.summary = "Volunteers help judicial offices with education and support."
    publish(page)
    html = _search(client, "judicial", prefix="/en")
    assert f'href="{page.url}"' in html
    assert 'href="/volunteer/"' not in html  # only pages in the reader's language


def test_unpublished_pages_leave_the_search(client, outreach):
    assert "常见问题</a>" in _search(client, "常见问题")  # control: found while published
    outreach.faq.unpublish()
    assert "常见问题</a>" not in _search(client, "常见问题")


def test_sitemap_is_valid_xml_with_both_languages(client, outreach):
    english = translate_all(outreach)
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    locations = {el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert "http://localhost/news/training/" in locations
    assert f"http://localhost{english[outreach.news.pk].url}" in locations


def test_news_feed_is_valid_rss(client, outreach):
    response = client.get("/feeds/news/")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert root.tag == "rss"
    titles = [el.text for el in root.iter("title")]
    assert "好做法：免费职业技能培训" in titles


def test_robots_txt_points_at_the_sitemap(client):
    body = Client().get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /casework/" in body
    assert "cms-admin" not in body  # the admin path is not advertised (issue 11, item 19)


def test_event_calendar_download(client, outreach):
    response = client.get(f"/events/{outreach.event.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["summary"]) == "志愿者岗前培训"
    assert str(event["location"]) == "司法局会议室"
    assert client.get("/events/999999/calendar.ics").status_code == 404


def test_friendly_404_in_both_languages(client, outreach):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "抱歉，找不到这个页面" in response.content.decode()
    response = client.get("/en/no-such-page/")
    assert "Sorry, we cannot find that page" in response.content.decode()


def test_friendly_500_in_both_languages(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("en"):
        assert "Something went wrong" in server_error(rf.get("/")).content.decode()
    with translation.override("zh-hans"):
        assert "出错了" in server_error(rf.get("/")).content.decode()


def test_anonymous_pages_are_cached_and_purged_on_publish(
    client, outreach, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = client.get(outreach.news_index.url)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(outreach.news_index.url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        add(outreach.news_index, NewsPage(title="新发布的故事", slug="fresh", summary="新"))
    third = client.get(outreach.news_index.url)
    assert third["X-Page-Cache"] == "miss"
    assert "新发布的故事" in third.content.decode()


def test_cache_is_purged_on_unpublish(client, outreach, django_capture_on_commit_callbacks):
    client.get(outreach.home.url)
    assert "成为志愿者" in client.get(outreach.home.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        outreach.recruitment.unpublish()
    assert client.get(outreach.home.url)["X-Page-Cache"] == "miss"


def test_signed_in_users_and_query_strings_bypass_the_cache(client, outreach, admin_user):
    client.get(outreach.news_index.url)
    assert client.get(outreach.news_index.url)["X-Page-Cache"] == "hit"  # control: the plain URL is cached
    assert "X-Page-Cache" not in client.get(outreach.news_index.url + "?tag=好做法")
    client.force_login(admin_user)
    response = client.get(outreach.news_index.url)
    assert "X-Page-Cache" not in response
    assert (
        admin_user.get_full_name() in response.content.decode()
        or "Log out" in response.content.decode()
        or "退出" in response.content.decode()
    )


def test_the_event_calendar_file_links_to_the_request_host(client, outreach, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    response = client.get(f"/events/{outreach.event.pk}/calendar.ics", HTTP_HOST="127.0.0.1:8301")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["url"]).startswith("http://127.0.0.1:8301/")
