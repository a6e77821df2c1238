"""The bureau's pages under /casework/bureau/: sign-in security (bureau administrators only) and people and
roles (the bureau, and office heads for their own office)."""

from django.urls import path

from accounts import people_views, views

app_name = "accounts-bureau"

urlpatterns = [
    path("security/", views.bureau_security, name="security"),
    path("security/unlock/<int:pk>/", views.bureau_unlock, name="unlock"),
    path("security/tokens/<uuid:uuid>/revoke/", views.bureau_token_revoke, name="token-revoke"),
    path("people/", people_views.people, name="people"),
    path("people/invite/", people_views.invite, name="invite"),
    path("people/<int:pk>/", people_views.person, name="person"),
    path("people/<int:pk>/grant/", people_views.grant, name="grant"),
    path("people/<int:pk>/deactivate/", people_views.set_active, {"active": False}, name="deactivate"),
    path("people/<int:pk>/reactivate/", people_views.set_active, {"active": True}, name="reactivate"),
    path("people/roles/<int:pk>/revoke/", people_views.revoke, name="revoke"),
]
