"""Public directory pages (language-prefixed, under /directory/)."""

from django.urls import path

from services import views

app_name = "services"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<uuid:uuid>/", views.offering_detail, name="offering"),
]
