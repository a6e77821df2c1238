from django.urls import path

from records import views

app_name = "records"

urlpatterns = [
    path("casework/records/", views.register, name="register"),
    path("casework/records/export.csv", views.register_export, name="register-export"),
    path("casework/records/export.xlsx", views.register_xlsx, name="register-xlsx"),
    path("casework/records/export.pdf", views.register_pdf, name="register-pdf"),
    path("casework/records/<uuid:uuid>/", views.detail, name="detail"),
    path("casework/records/<uuid:uuid>/document.pdf", views.document_pdf, name="pdf"),
    path("casework/records/<uuid:uuid>/scan", views.document_scan, name="scan-file"),
    path("casework/records/<uuid:uuid>/void/", views.void, name="void"),
    path("casework/records/<uuid:uuid>/scan/", views.scan, name="scan"),
    path("casework/records/<uuid:uuid>/reissue/", views.reissue, name="reissue"),
    path("verify/<uuid:uuid>/", views.verify, name="verify"),
]
