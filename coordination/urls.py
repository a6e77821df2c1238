"""Pages of the casework workbench, under /casework/."""

from django.urls import path
from django.views.generic import RedirectView

from coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.index, name="index"),
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/export.csv", views.caseload_export, name="caseload-export"),
    path("supervisees/new/", views.supervisee_create, name="supervisee-create"),
    path("supervisees/<uuid:uuid>/", views.supervisee_detail, name="supervisee"),
    path("supervisees/<uuid:uuid>/edit/", views.supervisee_edit, name="supervisee-edit"),
    path("supervisees/<uuid:uuid>/team/add/", views.team_add, name="team-add"),
    path("supervisees/<uuid:uuid>/team/<int:pk>/remove/", views.team_remove, name="team-remove"),
    path("needs/<int:pk>/close/", views.need_close, name="need-close"),
    path("supervisees/<uuid:uuid>/needs/new/", views.need_create, name="need-create"),
    path("supervisees/<uuid:uuid>/notes/new/", views.note_create, name="note-create"),
    path("supervisees/<uuid:uuid>/consents/new/", views.consent_create, name="consent-create"),
    path("supervisees/<uuid:uuid>/consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("needs/<int:pk>/refer/", views.referral_create, name="referral-create"),
    path("referrals/<uuid:uuid>/", views.referral_detail, name="referral"),
    path("referrals/<uuid:uuid>/letter.pdf", views.referral_letter, name="referral-letter"),
    path("referrals/<uuid:uuid>/<slug:verb>/", views.referral_transition, name="referral-transition"),
    path("inbox/", views.provider_inbox, name="inbox"),
    path("overdue/", views.overdue, name="overdue"),
    path("mentees/", views.mentees, name="mentees"),
    # The inbox moved to /notifications/ (the notifications app); old links still land there.
    path("notifications/", RedirectView.as_view(pattern_name="notifications:inbox"), name="notifications"),
    path("access-log/", views.access_log, name="access-log"),
]
