"""Page routes of the outreach site, mounted at / (and /en/), before Wagtail's catch-all."""

from django.urls import path, re_path
from wagtail.contrib.sitemaps.views import sitemap

from cms import feeds, views

app_name = "cms"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("events/<int:pk>/calendar.ics", views.event_calendar, name="event_calendar"),
    path("feeds/news/", feeds.NewsFeed(), name="news_feed"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": feeds.AllLanguagesSitemap}}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    # Every Wagtail page, through the anonymous page cache (same pattern as wagtail.urls).
    re_path(r"^((?:[\w\-]+/)*)$", views.serve, name="page"),
]
