"""Routes of the movement pages, part of the ``supervision`` namespace (under /casework/supervision/)."""

from django.urls import path

from supervision.movement import views

urlpatterns = [
    path("movement/decisions/", views.awaiting, name="movement-awaiting"),
    path("movement/supervisees/<uuid:uuid>/", views.case, name="movement-case"),
    path("movement/supervisees/<uuid:uuid>/apply/", views.apply, name="movement-apply"),
    path("movement/supervisees/<uuid:uuid>/orders/new/", views.order_new, name="movement-order-new"),
    path("movement/supervisees/<uuid:uuid>/monitoring/new/", views.monitoring_new, name="movement-monitoring-new"),
    path("movement/requests/<int:pk>/", views.detail, name="movement-request"),
    path("movement/requests/<int:pk>/approval-form.pdf", views.approval_form, name="movement-approval-form"),
    path("movement/requests/<int:pk>/certificate.pdf", views.certificate, name="movement-certificate"),
    path("movement/requests/<int:pk>/<slug:step>/", views.step, name="movement-step"),
    path("movement/attachments/<int:pk>/", views.attachment, name="movement-attachment"),
    path("movement/orders/<int:pk>/breach/", views.breach_new, name="movement-breach"),
    path("movement/monitoring/<int:pk>/", views.monitoring, name="movement-monitoring"),
]
