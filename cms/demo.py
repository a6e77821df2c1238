"""Demo outreach content, drawn from the city's founding policy (新密政〔2012〕17号).

A whole site in Chinese and English: programme pages, news and stories (fictional,
privacy-safe), events, FAQ, volunteer recruitment and the policy as a downloadable
document. Idempotent: reruns create nothing new and publish only what changed.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from accounts.demo_support import DemoContext
from cms import actions
from cms import demo_content as content
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

POLICY_PATH = Path(__file__).resolve().parent / "data" / "policy-xinmi-2012-17.txt"
HOME_INTRO_ZH = (
    "<p>社区矫正是非监禁刑罚执行方式：将符合法定条件的罪犯置于社区内，由专门的国家机关在相关社会团体、"
    "民间组织和社会志愿者的协助下，矫正其犯罪心理和行为恶习，促进其顺利回归社会。</p>"
    "<p>本平台把司法局、司法所、社会工作者、志愿者、培训机构、用人单位、心理咨询机构、民政部门和村（居）委会"
    "连接在一起：教育矫正、监督管理、帮困扶助，多方协同。</p>"
)
HOME_INTRO_EN = (
    "<p>Community corrections is a non-custodial way of serving a sentence: people who meet the legal conditions "
    "serve it in the community, where state bodies, helped by social organisations and volunteers, correct "
    "harmful habits and help them return to society.</p>"
    "<p>This platform connects the justice bureau, judicial offices, social workers, volunteers, training "
    "providers, employers, counsellors, welfare offices and village committees: education, supervision and "
    "help, done together.</p>"
)


def ensure_home_page() -> HomePage:
    """The Chinese home page and the default site pointing at it, created if missing."""
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    home = HomePage.objects.filter(locale=locale).first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="社区矫正协同平台", slug="home", locale=locale))
    site = Site.objects.filter(is_default_site=True).first() or Site(
        is_default_site=True, hostname="localhost", port=80
    )
    if site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "社区矫正协同平台"
        site.save()
    return home


def load(ctx: DemoContext) -> None:
    # The demo's stories are the project's own synthetic text, not about any real supervisee.
    with actions.privacy_review_waived("synthetic demo content"):
        _load(ctx)


def _load(ctx: DemoContext) -> None:
    en = Locale.objects.get_or_create(language_code="en")[0]
    image = _demo_image()
    home = ensure_home_page()
    home_zh_body = [("image", {"image": image, "alt_text": "", "caption": ""}), *content.HOME_BODY["zh"]]
    home_en_body = [("image", {"image": image, "alt_text": "", "caption": ""}), *content.HOME_BODY["en"]]
    _publish_if_changed(
        home, title="社区矫正协同平台", intro=HOME_INTRO_ZH, summary=_strip(HOME_INTRO_ZH)[:200], body=home_zh_body
    )
    home_en = _translation(home, en)
    _publish_if_changed(
        home_en,
        title="Community Corrections Coordination Platform",
        intro=HOME_INTRO_EN,
        summary=_strip(HOME_INTRO_EN)[:200],
        body=home_en_body,
    )

    programme = _pair(home, ProgrammePage, content.PROGRAMME, en, show_in_menus=True)
    for child in content.PROGRAMME_CHILDREN:
        _pair(programme, ProgrammePage, child, en)

    news_index = _pair(home, NewsIndexPage, content.NEWS_INDEX, en, show_in_menus=True)
    for translation in news_index.get_translations(inclusive=True):
        actions.require_privacy_review(news_index=translation)
    for item in content.NEWS:
        _pair(
            news_index,
            NewsPage,
            item,
            en,
            common={"kind": item["kind"], "date": item["date"]},
            tags=item["tags"],
            social_image=image if item["kind"] == "story" else None,
        )

    events = _pair(home, EventIndexPage, content.EVENT_INDEX, en, show_in_menus=True)
    for item in content.EVENTS:
        outreach_shift = _outreach_shift_near(item["start"])
        _pair(
            events,
            EventPage,
            item,
            en,
            common={
                "start_at": item["start"],
                "end_at": item["end"],
                "volunteer_shift": outreach_shift if item["shift"] else None,
            },
        )

    _pair(home, RecruitmentPage, content.RECRUITMENT, en, show_in_menus=True)
    _pair(home, FaqPage, content.FAQ, en, show_in_menus=True)
    policy = _pair(
        home,
        PolicyDocumentPage,
        content.POLICY,
        en,
        common={"document_number": content.POLICY["document_number"], "issued_on": content.POLICY["issued_on"]},
        show_in_menus=True,
    )
    _attach_policy_documents(policy)
    _pair(home, StandardPage, content.ABOUT, en)
    ctx.say("Outreach: programme, news, events, recruitment, FAQ and policy pages in Chinese and English.")


def _strip(html: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(html)


def _translation(page: Page, locale: Locale) -> Page:
    existing = Page.objects.filter(translation_key=page.translation_key, locale=locale).first()
    if existing is None:
        existing = page.copy_for_translation(locale)
    return existing.specific


def _pair(parent: Page, model, item: dict, en: Locale, *, common=None, tags=None, show_in_menus=False, **extra):
    """The Chinese page under ``parent`` (created if missing) and its English translation, both published."""
    common = dict(common or {})
    zh_page = model.objects.child_of(parent).filter(slug=item["slug"]).first()
    if zh_page is None:
        zh_page = parent.add_child(
            instance=model(slug=item["slug"], title=item["zh"]["title"], live=False, **_required(model, common, item))
        )
    fields = {**common, **item["zh"], "show_in_menus": show_in_menus, **extra}
    _publish_if_changed(zh_page, tags=(tags or {}).get("zh"), **fields)
    en_page = _translation(zh_page, en)
    fields = {**common, **item["en"], "show_in_menus": show_in_menus, **extra}
    _publish_if_changed(en_page, tags=(tags or {}).get("en"), **fields)
    return zh_page


def _required(model, common: dict, item: dict) -> dict:
    """Fields that must be set before the first save (non-null columns)."""
    required = {k: v for k, v in common.items() if k in ("start_at", "end_at", "date", "kind")}
    if model is EventPage:
        required["place"] = item["zh"]["place"]
    return required


def _body_signature(page: Page) -> list:
    body = getattr(page, "body", None)
    if body is None:
        return []
    return _without_ids(body.get_prep_value())


def _without_ids(value):
    """Block values without their generated ids (list items and stream children get new ones each time)."""
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def _publish_if_changed(page: Page, *, tags: list[str] | None = None, **fields) -> None:
    """Publish a new revision only when the content differs, so reruns add no revisions."""
    page = page.specific
    body = fields.pop("body", None)
    before_body = _body_signature(page)
    changed = not page.live or any(getattr(page, name) != value for name, value in fields.items())
    for name, value in fields.items():
        setattr(page, name, value)
    if body is not None:
        page.body = body
        changed = changed or _body_signature(page) != before_body
    if tags is not None and sorted(t.name for t in page.tags.all()) != sorted(tags):
        page.tags.set(tags)
        changed = True
    if changed:
        page.save_revision().publish()


def _demo_image():
    """An abstract illustration (no people), generated once."""
    image_model = get_image_model()
    existing = image_model.objects.filter(title="社区协同（示意图）").first()
    if existing is not None:
        return existing
    from PIL import Image, ImageDraw

    canvas = Image.new("RGB", (1200, 630), (29, 78, 137))
    draw = ImageDraw.Draw(canvas)
    colours = [(244, 246, 248), (179, 38, 30), (26, 127, 55), (138, 90, 0), (255, 255, 255)]
    for i in range(12):
        x, y = 80 + (i % 6) * 180, 150 + (i // 6) * 220
        draw.ellipse((x, y, x + 120, y + 120), fill=colours[i % len(colours)])
        if i % 6 < 5:
            draw.line((x + 120, y + 60, x + 180, y + 60), fill=(255, 255, 255), width=8)
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return image_model.objects.create(
        title="社区协同（示意图）", file=ContentFile(buffer.getvalue(), name="community-network.png")
    )


def _attach_policy_documents(policy: PolicyDocumentPage) -> None:
    """The policy's full text as PDF and as plain text, attached to both language versions."""
    documents = [_policy_document("pdf"), _policy_document("txt")]
    for page in policy.get_translations(inclusive=True).specific():
        existing = set(page.attachments.values_list("document_id", flat=True))
        if existing == {d.pk for d in documents}:
            continue
        page.attachments.clear()
        for order, document in enumerate(documents):
            page.attachments.add(PolicyAttachment(document=document, sort_order=order))
        page.save_revision().publish()


def _policy_text() -> str:
    if POLICY_PATH.exists():
        return POLICY_PATH.read_text(encoding="utf-8")
    return "新密市人民政府关于加强社区矫正工作的意见（新密政〔2012〕17号）"


def _policy_document(extension: str):
    document_model = get_document_model()
    title = f"新密政〔2012〕17号 全文（{extension.upper()}）"
    existing = document_model.objects.filter(title=title).first()
    if existing is not None:
        return existing
    text = _policy_text()
    data = _policy_pdf(text) if extension == "pdf" else text.encode("utf-8")
    return document_model.objects.create(title=title, file=ContentFile(data, name=f"xinmi-2012-17.{extension}"))


def _policy_pdf(text: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("body", fontName="STSong-Light", fontSize=11, leading=18, wordWrap="CJK")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title="新密政〔2012〕17号")
    document.build([Paragraph(line.strip(), style) for line in text.splitlines() if line.strip()])
    return buffer.getvalue()


def _outreach_shift_near(start):
    """The volunteers demo's upcoming outreach-event shift closest in time to this event (its own shift)."""
    from django.utils import timezone

    from volunteers.models import Opportunity, Shift

    upcoming = Shift.objects.filter(opportunity__kind=Opportunity.Kind.OUTREACH_EVENT, starts_at__gte=timezone.now())
    return min(upcoming, key=lambda shift: abs(shift.starts_at - start), default=None)
