"""URL routes.

Public and staff pages are language-prefixed (Chinese, the default, has no
prefix; English is under /en/). Machine interfaces (API, HSDS, feeds) are not.
Each app owns its routes in ``<app>/urls.py`` (pages) and ``<app>/api_urls.py``.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import home, views
from operations import views as operations_views

urlpatterns = [
    path(settings.DJANGO_ADMIN_PATH, admin.site.urls),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", operations_views.readyz, name="readyz"),
    path("metrics", operations_views.metrics, name="metrics"),
    path("api/schema/", views.api_docs_guard(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/docs/", views.api_docs_guard(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/redoc/", views.api_docs_guard(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("hsds/", include("services.hsds_urls")),
    path("api/v1/", include("services.api_urls")),
    path("api/v1/", include("coordination.api_urls")),
    path("api/v1/", include("matching.api_urls")),
    path("api/v1/", include("volunteers.api_urls")),
    path("api/v1/", include("cms.api_urls")),
    path("api/v1/", include("accounts.api_urls")),
    path("api/v1/", include("supervision.api_urls")),
    path("api/v1/", include("notifications.api_urls")),
    path("api/v1/", include("records.api_urls")),
    path("api/v1/", include("bureau.api_urls")),
    path("api/v1/", include("archive.api_urls")),
]

urlpatterns += i18n_patterns(
    path("today/", home.today, name="today"),
    path("me/", include("supervision.portal.urls")),
    path("accounts/", include("accounts.urls")),
    path("directory/", include("services.urls")),
    path("casework/matching/", include("matching.urls")),
    path("casework/bureau/", include("accounts.bureau_urls")),
    path("casework/leadership/", include("bureau.urls")),
    path("casework/providers/", include("services.deactivation")),
    path("casework/supervision/", include("supervision.urls")),
    path("", include("records.urls")),
    path("", include("archive.urls")),
    path("casework/", include("coordination.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("operations/", include("operations.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("cms.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
