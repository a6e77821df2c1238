"""API routes of supervision, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from supervision import api

router = SimpleRouter()
router.register("supervision/rules", api.RuleViewSet, basename="supervision-rule")
router.register("supervision/plans", api.PlanViewSet, basename="supervision-plan")
router.register("supervision/classification-reviews", api.ReviewViewSet, basename="supervision-review")
router.register("supervision/obligations", api.ObligationViewSet, basename="supervision-obligation")

router.register("supervision/investigations", api.InvestigationViewSet, basename="supervision-investigation")
router.register("supervision/supervisees", api.LifecycleViewSet, basename="supervision-lifecycle")

urlpatterns = router.urls
