"""A small outreach site: one page of every type, in Chinese, some translated to English."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from cms import actions
from cms.models import (
    EventIndexPage,
    EventPage,
    FaqPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    PolicyAttachment,
    PolicyDocumentPage,
    ProgrammePage,
    RecruitmentPage,
    StandardPage,
)


@dataclass
class Site:
    home: HomePage
    home_en: HomePage
    programme: ProgrammePage
    standard: StandardPage
    news_index: NewsIndexPage
    news: NewsPage
    event_index: EventIndexPage
    event: EventPage
    recruitment: RecruitmentPage
    faq: FaqPage
    policy: PolicyDocumentPage

    def all_pages(self) -> list[Page]:
        return [
            self.home,
            self.programme,
            self.standard,
            self.news_index,
            self.news,
            self.event_index,
            self.event,
            self.recruitment,
            self.faq,
            self.policy,
        ]


def publish(page: Page) -> Page:
    # Fixture content (synthetic); the review itself is tested in test_stats_and_workflow.py.
    with actions.privacy_review_waived("test fixture"):
        page.save_revision().publish()
    page.refresh_from_db()
    return page


def add(parent: Page, page: Page) -> Page:
    with actions.privacy_review_waived("test fixture"):
        parent.add_child(instance=page)
    return publish(page)


def translate(page: Page, **fields) -> Page:
    english = Locale.objects.get_or_create(language_code="en")[0]
    translated = page.copy_for_translation(english).specific
    for name, value in fields.items():
        setattr(translated, name, value)
    return publish(translated)


def make_image(title: str = "示意图"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (29, 78, 137)).save(buffer, format="PNG")
    return get_image_model().objects.create(title=title, file=ContentFile(buffer.getvalue(), name="test.png"))


def make_document(title: str = "政策全文"):
    return get_document_model().objects.create(
        title=title, file=ContentFile("新密政〔2012〕17号".encode(), name="policy.txt")
    )


def every_block(image, document) -> list:
    return [
        ("paragraph", "<p>社区矫正志愿者队伍协助司法所工作人员。</p>"),
        ("heading", {"text": "帮困扶助", "level": "h2"}),
        ("image", {"image": image, "alt_text": "示意图", "caption": "图片说明"}),
        ("quote", {"text": "每个人都值得第二次机会。", "attribution": "一位志愿者"}),
        (
            "call_to_action",
            {"title": "成为志愿者", "text": "欢迎加入", "link_url": "/volunteer/", "link_label": "了解"},
        ),
        (
            "faq",
            {"title": "常见问题", "questions": [{"question": "谁可以申请？", "answer": "<p>年满十八周岁的市民。</p>"}]},
        ),
        (
            "steps",
            {
                "title": "流程",
                "steps": [{"title": "申请", "description": "在线填写"}, {"title": "培训", "description": ""}],
            },
        ),
        ("documents", {"title": "下载", "documents": [document]}),
        ("statistics", {"title": "一览", "figures": ["active_volunteers", "hours_this_year", "referrals_completed"]}),
    ]


def build_site(*, with_blocks: bool = True) -> Site:
    home = HomePage.objects.get(locale__language_code="zh-hans").specific
    image, document = make_image(), make_document()
    body = every_block(image, document) if with_blocks else []
    home.body = body
    publish(home)
    home_en = translate(home, title="Community Corrections Coordination Platform", intro="<p>Welcome</p>")
    programme = add(
        home,
        ProgrammePage(
            title="什么是社区矫正", slug="about", intro="<p>非监禁刑罚执行方式</p>", body=body, show_in_menus=True
        ),
    )
    standard = add(programme, StandardPage(title="关于本网站", slug="site", body=body))
    news_index = add(home, NewsIndexPage(title="新闻与故事", slug="news", show_in_menus=True))
    actions.require_privacy_review(news_index=news_index)
    news = NewsPage(
        title="好做法：免费职业技能培训",
        slug="training",
        summary="面点和电工培训",
        body=body,
        date=datetime.date(2026, 10, 9),
    )
    news.tags.add("好做法")
    add(news_index, news)
    event_index = add(home, EventIndexPage(title="活动", slug="events", show_in_menus=True))
    start = timezone.now() + datetime.timedelta(days=7)
    from tests.volunteers import factories as volunteer_factories
    from volunteers.models import Opportunity

    helpers_shift = volunteer_factories.shift(
        opp=volunteer_factories.opportunity(kind=Opportunity.Kind.OUTREACH_EVENT, title="宣传活动帮手")
    )
    event = add(
        event_index,
        EventPage(
            title="志愿者岗前培训",
            slug="training",
            place="司法局会议室",
            start_at=start,
            end_at=start + datetime.timedelta(hours=3),
            volunteer_shift=helpers_shift,
            body=body,
        ),
    )
    recruitment = add(home, RecruitmentPage(title="成为志愿者", slug="volunteer", body=body, show_in_menus=True))
    faq = add(home, FaqPage(title="常见问题", slug="faq", body=body))
    policy = PolicyDocumentPage(
        title="关于加强社区矫正工作的意见", slug="policy", document_number="新密政〔2012〕17号", body=body
    )
    policy.attachments.add(PolicyAttachment(document=document))
    add(home, policy)
    return Site(home, home_en, programme, standard, news_index, news, event_index, event, recruitment, faq, policy)


def translate_all(site: Site) -> dict[int, Page]:
    """English versions of every page of ``site`` (parents first); returns {chinese pk: english page}."""
    english = {site.home.pk: site.home_en}
    for page in site.all_pages()[1:]:
        english[page.pk] = translate(page, title=f"EN {page.title}")
    return english
