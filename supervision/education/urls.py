from django.urls import path

from supervision.education import views

urlpatterns = [
    path("education/", views.sessions, name="education-sessions"),
    path("education/new/", views.schedule, name="education-schedule"),
    path("education/<int:pk>/", views.session, name="education-session"),
    path("education/<int:pk>/edit/", views.edit, name="education-edit"),
    path("education/<int:pk>/cancel/", views.cancel, name="education-cancel"),
]
