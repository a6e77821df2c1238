"""Pages of the bureau's joint meetings, inspections and staff training (the ``bureau`` namespace)."""

from django.urls import path

from bureau import views

app_name = "bureau"

urlpatterns = [
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting-delete"),
    path("meetings/<int:pk>/items/new/", views.item_new, name="item-new"),
    path("action-items/", views.action_items, name="action-items"),
    path("action-items/<int:pk>/", views.action_item, name="action-item"),
    path("action-items/<int:pk>/edit/", views.action_item_edit, name="action-item-edit"),
    path("action-items/<int:pk>/close/", views.action_item_close, name="action-item-close"),
    path("checklist/", views.checklist, name="checklist"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/new/", views.inspection_new, name="inspection-new"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("offices/<int:pk>/", views.office_history, name="office"),
    path("training/", views.training, name="training"),
    path("training/offices/", views.training_offices, name="training-offices"),
    path("training/offices/<int:pk>/", views.training_office, name="training-office"),
    path("training/export/", views.training_export, name="training-export"),
    path("training/people/<int:pk>/", views.training_person, name="training-person"),
    path("training/<int:pk>/void/", views.training_void, name="training-void"),
    path("training/<int:pk>/certificate/", views.training_certificate, name="training-certificate"),
]
