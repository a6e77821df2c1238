"""The person's own phone pages, mounted at /me/ (config/urls.py), namespace ``portal``."""

from django.urls import path

from supervision.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("check-in/", views.check_in, name="check_in"),
    path("report/", views.remote_report, name="remote_report"),
    path("travel/", views.travel, name="travel"),
    path("travel/<int:pk>/back/", views.report_back, name="report_back"),
    path("contact/", views.contact, name="contact"),
    path("requests/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
