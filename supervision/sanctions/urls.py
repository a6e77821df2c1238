"""Routes of the rewards-and-sanctions pages, part of the ``supervision`` namespace."""

from django.urls import path

from supervision.sanctions import views

urlpatterns = [
    path("sanctions/decisions/", views.awaiting, name="sanctions-awaiting"),
    path("sanctions/supervisees/<uuid:uuid>/", views.case, name="sanctions-case"),
    path("sanctions/supervisees/<uuid:uuid>/propose/", views.propose, name="sanctions-propose"),
    path("sanctions/proposals/<int:pk>/", views.detail, name="sanctions-proposal"),
    path("sanctions/proposals/<int:pk>/decide/", views.decide, name="sanctions-decide"),
    path("sanctions/proposals/<int:pk>/decision.pdf", views.document, name="sanctions-document"),
    path("sanctions/proposals/<int:pk>/<slug:step>/", views.step, name="sanctions-step"),
    path("sanctions/evidence/<int:pk>/", views.evidence, name="sanctions-evidence"),
]
