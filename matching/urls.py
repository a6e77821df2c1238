"""Matching pages, under /casework/matching/."""

from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("", views.index, name="index"),
    path("needs/<int:pk>/", views.need_suggestions, name="need"),
    path("needs/<int:pk>/send/", views.send_referral, name="send"),
    path("runs/start/", views.start_run, name="start-run"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/restart/", views.restart_run, name="run-restart"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run-progress"),
    path("proposals/<int:pk>/", views.proposal_decide, {"kind": "referrals"}, name="proposal"),
    path("mentors/", views.mentor_proposal_list, name="mentors"),
    path("mentors/<int:pk>/", views.proposal_decide, {"kind": "mentors"}, name="mentor-proposal"),
]
