from django.urls import path

from operations import views

app_name = "operations"

urlpatterns = [
    path("", views.operations_page, name="index"),
    path("tasks/<int:pk>/retry/", views.retry_task, name="retry-task"),
    path("notifications/retry-failed/", views.retry_failed_notifications, name="retry-failed-notifications"),
    path("notifications/<int:pk>/retry/", views.retry_notification, name="retry-notification"),
]
