"""API routes of the inbox, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from notifications import api

router = SimpleRouter()
router.register("notifications", api.NotificationViewSet, basename="notifications-notification")

urlpatterns = router.urls
