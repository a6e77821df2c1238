"""Demo outreach content, drawn from the city's founding policy (新密政〔2012〕17号)."""

from __future__ import annotations

from django.conf import settings
from wagtail.models import Locale, Page, Site

from accounts.demo_support import DemoContext
from cms.models import HomePage

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
    home = ensure_home_page()
    _publish_if_changed(home, title="社区矫正协同平台", intro=HOME_INTRO_ZH)

    english, _ = Locale.objects.get_or_create(language_code="en")
    translated = Page.objects.filter(translation_key=home.translation_key, locale=english).first()
    if translated is None:
        translated = home.copy_for_translation(english)
    _publish_if_changed(translated.specific, title="Community Corrections Coordination Platform", intro=HOME_INTRO_EN)
    ctx.say("Outreach: home page in Chinese and English.")


def _publish_if_changed(page: Page, **fields: str) -> None:
    """Publish a new revision only when the content differs, so reruns add no revisions."""
    if page.live and all(getattr(page, name) == value for name, value in fields.items()):
        return
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
