"""Routes of the assessment pages, part of the ``supervision`` namespace."""

from django.urls import path

from supervision.assessment import views

urlpatterns = [
    path("assessments/", views.assessments, name="assessments"),
    path("assessments/prefill/", views.prefill, name="assessment-prefill"),
    path("assessments/rubric/", views.rubrics, name="assessment-rubrics"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/submit/", views.submit, name="assessment-submit"),
    path("assessments/<int:pk>/review/", views.review, name="assessment-review"),
    path("assessments/supervisees/<uuid:uuid>/", views.case, name="assessment-case"),
]
