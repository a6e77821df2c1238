"""API routes of sign-in, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts import api

router = SimpleRouter()
router.register("auth/tokens", api.ApiTokenViewSet, basename="accounts-token")
router.register("people", api.PeopleViewSet, basename="accounts-people")

urlpatterns = [
    path("auth/token-login/", api.TokenLoginView.as_view(), name="accounts-token-login"),
    *router.urls,
]
