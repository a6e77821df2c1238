from django.urls import path

from archive import views

app_name = "archive"

urlpatterns = [
    path("casework/archive/", views.archive_list, name="list"),
    path("casework/archive/retention/", views.retention, name="retention"),
    path("casework/archive/retention.xlsx", views.retention_xlsx, name="retention-xlsx"),
    path("casework/archive/<uuid:uuid>/", views.archive_detail, name="detail"),
    path("casework/archive/<uuid:uuid>/contents.pdf", views.archive_pdf, name="pdf"),
    path("casework/archive/<uuid:uuid>/<slug:kind>/dispose/", views.dispose, name="dispose"),
    path("casework/archive/sealed/<uuid:uuid>/<slug:kind>/dispose/", views.dispose_sealed, name="dispose-sealed"),
]
