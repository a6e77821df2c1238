"""RSS feed of the news in the reader's language, and the sitemap of every language."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from accounts.links import page_url
from cms import selectors


class NewsFeed(Feed):
    def get_object(self, request, *args, **kwargs):
        from cms.models import NewsIndexPage

        self.request = request
        language = selectors.current_language()
        index = NewsIndexPage.objects.live().filter(locale__language_code=language).first()
        return {"request": request, "language": language, "index": index}

    def title(self, obj):
        return _("News and stories – Community Corrections Coordination Platform")

    def link(self, obj):
        index = obj["index"]
        return index.get_url(obj["request"]) if index else "/"

    def description(self, obj):
        return _("News and good-practice stories of community corrections.")

    def items(self, obj):
        from cms.models import NewsPage

        return (
            NewsPage.objects.live()
            .public()
            .filter(locale__language_code=obj["language"])
            .defer_streamfields()
            .order_by("-date", "-pk")[:20]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return page_url(item, self.request)

    def item_guid(self, item):
        return f"{item.translation_key}-{item.locale_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(9)))

    def item_updateddate(self, item):
        return item.last_published_at


class AllLanguagesSitemap(Sitemap):
    """Wagtail's sitemap covers the site's root tree only; include every language's home and pages."""

    def items(self):
        site = self.get_wagtail_site()
        roots = Page.objects.filter(translation_key=site.root_page.translation_key).values_list("path", flat=True)
        condition = Q()
        for path in roots:
            condition |= Q(path__startswith=path)
        return Page.objects.live().public().filter(condition).order_by("path").defer_streamfields().specific()
