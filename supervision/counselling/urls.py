"""Pages of counselling, included from supervision/urls.py (the ``supervision`` namespace)."""

from django.urls import path

from supervision.counselling import views

urlpatterns = [
    path("counselling/", views.cases, name="counselling-cases"),
    path("counselling/<uuid:uuid>/", views.counselling, name="counselling"),
]
