from django.urls import path

from supervision import views
from supervision.assessment import urls as assessment_urls
from supervision.casework.urls import urlpatterns as casework_urls
from supervision.counselling.urls import urlpatterns as counselling_urls
from supervision.education import urls as education_urls
from supervision.interchange import views as interchange_views
from supervision.movement import urls as movement_urls
from supervision.portal import views as portal_views
from supervision.reporting.urls import urlpatterns as reporting_urls
from supervision.sanctions import urls as sanctions_urls
from supervision.sealing.urls import urlpatterns as sealing_urls

app_name = "supervision"

urlpatterns = [
    path("today/", views.today, name="today"),
    path("obligations/<int:pk>/done/", views.obligation_done, name="obligation-done"),
    path("calendar/new-address/", views.rotate_feed, name="rotate-feed"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("cleanup/", views.cleanup, name="cleanup"),
    path("rules/", views.rules, name="rules"),
    path("rules/<slug:code>/", views.rule_edit, name="rule-edit"),
    path("holidays/", views.holidays, name="holidays"),
    path("holidays/<int:pk>/remove/", views.holiday_remove, name="holiday-remove"),
    path("plans/<uuid:uuid>/", views.plan, name="plan"),
    path("plans/<uuid:uuid>/new/", views.plan_write, name="plan-write"),
    path("plans/<uuid:uuid>/review/", views.review_propose, name="review-propose"),
    path("reviews/<int:pk>/decide/", views.review_decide, name="review-decide"),
    path("investigations/", views.investigations, name="investigations"),
    path("investigations/<int:pk>/opinion/", views.investigation_opinion, name="investigation-opinion"),
    path("investigations/<int:pk>/correct/", views.investigation_correct, name="investigation-correct"),
    path("supervisees/<uuid:uuid>/", views.lifecycle, name="lifecycle"),
    path("supervisees/<uuid:uuid>/release-certificate.pdf", views.release_certificate, name="release-certificate"),
    path("supervisees/<uuid:uuid>/announcements/<int:pk>/scan/", views.announcement_scan, name="announcement-scan"),
    path("supervisees/<uuid:uuid>/sign-in/", portal_views.login_section, name="portal-login"),
    path("supervisees/<uuid:uuid>/<slug:step>/", views.lifecycle_step, name="lifecycle-step"),
    path("supervisees/<uuid:uuid>/package.json", interchange_views.export, name="interchange-export"),
    path("imports/", interchange_views.import_package, name="interchange-import"),
    *reporting_urls,
    *movement_urls.urlpatterns,
    *sanctions_urls.urlpatterns,
    *education_urls.urlpatterns,
    *counselling_urls,
    *casework_urls,
    *assessment_urls.urlpatterns,
    *sealing_urls,
]
