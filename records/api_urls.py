"""API routes of the document service, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from records import api

router = SimpleRouter()
router.register("records/documents", api.DocumentViewSet, basename="records-document")

urlpatterns = router.urls
