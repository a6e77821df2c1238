"""Pages of case plans, included from supervision/urls.py (the ``supervision`` namespace)."""

from django.urls import path

from supervision.casework import views

urlpatterns = [
    path("case-plans/", views.my_plans, name="case-plans"),
    path("case-plans/person/<uuid:uuid>/", views.person_plans, name="case-plans-person"),
    path("case-plans/<int:pk>/", views.plan, name="case-plan"),
]
