"""API routes of supervision, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from supervision import api
from supervision.movement import api as movement_api

router = SimpleRouter()
router.register("supervision/rules", api.RuleViewSet, basename="supervision-rule")
router.register("supervision/plans", api.PlanViewSet, basename="supervision-plan")
router.register("supervision/classification-reviews", api.ReviewViewSet, basename="supervision-review")
router.register("supervision/obligations", api.ObligationViewSet, basename="supervision-obligation")

router.register("supervision/investigations", api.InvestigationViewSet, basename="supervision-investigation")
router.register("supervision/supervisees", api.LifecycleViewSet, basename="supervision-lifecycle")
router.register("supervision/movement-requests", movement_api.MovementRequestViewSet, basename="supervision-movement")
router.register("supervision/prohibition-orders", movement_api.ProhibitionOrderViewSet, basename="supervision-order")
router.register("supervision/monitoring", movement_api.MonitoringViewSet, basename="supervision-monitoring")

urlpatterns = router.urls
