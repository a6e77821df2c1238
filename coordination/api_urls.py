"""API routes of cases and referrals, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from coordination import api

router = SimpleRouter()
router.register("supervisees", api.SuperviseeViewSet, basename="coordination-supervisee")
router.register("needs", api.NeedViewSet, basename="coordination-need")
router.register("referrals", api.ReferralViewSet, basename="coordination-referral")
router.register("case-notes", api.NoteViewSet, basename="coordination-note")
router.register("consents", api.ConsentViewSet, basename="coordination-consent")
router.register("team-members", api.TeamMemberViewSet, basename="coordination-team-member")
router.register("mentees", api.MenteeViewSet, basename="coordination-mentee")
router.register("access-log", api.AccessLogViewSet, basename="coordination-access-log")

urlpatterns = router.urls
