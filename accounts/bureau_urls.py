"""The bureau's sign-in security page, under /casework/bureau/ (bureau administrators only)."""

from django.urls import path

from accounts import views

app_name = "accounts-bureau"

urlpatterns = [
    path("security/", views.bureau_security, name="security"),
    path("security/unlock/<int:pk>/", views.bureau_unlock, name="unlock"),
    path("security/tokens/<uuid:uuid>/revoke/", views.bureau_token_revoke, name="token-revoke"),
]
