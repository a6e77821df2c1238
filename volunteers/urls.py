from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.index, name="index"),
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_done, name="apply_done"),
    path("verify/", views.verify, name="verify"),
    path("calendar/public.ics", views.public_feed, name="public_feed"),
    path("calendar/<str:token>.ics", views.private_feed, name="private_feed"),
    path("shifts/<uuid:uuid>.ics", views.shift_ics, name="shift_ics"),
    path("home/", views.home, name="home"),
    path("shifts/", views.opportunities, name="opportunities"),
    path("shifts/<int:pk>/book/", views.book, name="book"),
    path("shifts/<int:pk>/join/", views.join_shift, name="join_shift"),
    path("shifts/<int:pk>/check/<str:code>/", views.check, name="check"),
    path("bookings/<int:pk>/cancel/", views.cancel_my_booking, name="cancel_booking"),
    path("hours/", views.hours, name="hours"),
    path("calendar/new-address/", views.rotate_feed, name="rotate_feed"),
    path("certificate/", views.issue_certificate, name="issue_certificate"),
    path("certificate/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("manage/", views.manage, name="manage"),
    path("manage/volunteers/<int:pk>/", views.manage_volunteer, name="manage_volunteer"),
    path("manage/shifts/", views.manage_shifts, name="manage_shifts"),
    path("manage/shifts/<int:pk>/", views.manage_shift, name="manage_shift"),
    path("manage/shifts/<int:pk>/qr.svg", views.manage_shift_qr, name="manage_shift_qr"),
    path("manage/opportunities/new/", views.manage_opportunity_new, name="manage_opportunity_new"),
    path("manage/hours/", views.manage_hours, name="manage_hours"),
]
