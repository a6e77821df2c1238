"""API routes of the case archive, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from archive import api

router = SimpleRouter()
router.register("archive/cases", api.ArchiveViewSet, basename="archive-case")

urlpatterns = [
    path("archive/retention/", api.RetentionView.as_view(), name="archive-retention"),
    *router.urls,
]
