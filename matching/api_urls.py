"""API routes of matching, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from matching import api

router = SimpleRouter()
router.register("matching/runs", api.RunViewSet, basename="matching-run")
router.register("matching/proposals", api.ProposalViewSet, basename="matching-proposal")
router.register("matching/mentor-proposals", api.MentorProposalViewSet, basename="matching-mentor-proposal")

urlpatterns = [
    path("matching/needs/<int:pk>/suggestions/", api.SuggestionsView.as_view(), name="matching-need-suggestions"),
    *router.urls,
]
