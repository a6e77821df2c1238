"""Pages of reporting, included from supervision/urls.py (the ``supervision`` namespace)."""

from django.urls import path

from supervision.reporting import views

urlpatterns = [
    path("reporting/<uuid:uuid>/", views.reporting, name="reporting"),
    path("lost-contact/", views.episodes, name="episodes"),
    path("lost-contact/<int:pk>/", views.episode, name="episode"),
    path("reporting/files/<slug:kind>/<int:pk>/", views.reporting_file, name="reporting-file"),
]
