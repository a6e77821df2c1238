"""API routes of this app, mounted under /api/v1/."""

from django.urls import path

from volunteers import api

urlpatterns = [
    path("volunteers/me/", api.MeApi.as_view(), name="volunteers-api-me"),
    path("volunteers/opportunities/", api.OpportunityListApi.as_view(), name="volunteers-api-opportunities"),
    path("volunteers/shifts/", api.ShiftListApi.as_view(), name="volunteers-api-shifts"),
    path("volunteers/bookings/", api.BookingListApi.as_view(), name="volunteers-api-bookings"),
    path("volunteers/bookings/<int:pk>/cancel/", api.BookingCancelApi.as_view(), name="volunteers-api-booking-cancel"),
    path("volunteers/hours/", api.HourListApi.as_view(), name="volunteers-api-hours"),
    path(
        "volunteers/manage/volunteers/", api.ManagedVolunteerListApi.as_view(), name="volunteers-api-manage-volunteers"
    ),
    path(
        "volunteers/manage/volunteers/<int:pk>/transition/",
        api.TransitionApi.as_view(),
        name="volunteers-api-manage-transition",
    ),
    path("volunteers/manage/hours/", api.ManagedHourListApi.as_view(), name="volunteers-api-manage-hours"),
    path("volunteers/manage/hours/review/", api.HourReviewApi.as_view(), name="volunteers-api-manage-review"),
]
