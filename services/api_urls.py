"""API routes of this app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from services import api

router = SimpleRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("services", api.OfferingViewSet, basename="service")

urlpatterns = router.urls
