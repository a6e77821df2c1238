from django.urls import path

from supervision.sealing import views

urlpatterns = [
    path("sealed/", views.sealed_records, name="sealed-records"),
    path("sealed/openings/", views.openings_report, name="sealed-openings"),
    path("sealed/<uuid:uuid>/open/", views.open_record, name="sealed-open"),
]
