"""API routes of supervision, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from supervision import api
from supervision.assessment import api as assessment_api
from supervision.casework import api as casework_api
from supervision.counselling import api as counselling_api
from supervision.education import api as education_api
from supervision.interchange import api as interchange_api
from supervision.movement import api as movement_api
from supervision.portal import api as portal_api
from supervision.reporting import api as reporting_api
from supervision.sanctions import api as sanctions_api
from supervision.sealing import api as sealing_api

router = SimpleRouter()
router.register("supervision/rules", api.RuleViewSet, basename="supervision-rule")
# Sealed juvenile records (issue 17 item 5).
router.register("supervision/sealed-records", sealing_api.SealedRecordViewSet, basename="supervision-sealed")
router.register("supervision/sealed-openings", sealing_api.SealedOpeningViewSet, basename="supervision-sealed-opening")
router.register("supervision/plans", api.PlanViewSet, basename="supervision-plan")
router.register("supervision/classification-reviews", api.ReviewViewSet, basename="supervision-review")
router.register("supervision/obligations", api.ObligationViewSet, basename="supervision-obligation")

router.register("supervision/investigations", api.InvestigationViewSet, basename="supervision-investigation")
router.register("supervision/supervisees", api.LifecycleViewSet, basename="supervision-lifecycle")
# Reporting, check-ins, visits and lost contact (issue 15, items 1-3).
router.register("supervision/check-ins", reporting_api.CheckInViewSet, basename="supervision-checkin")
router.register("supervision/checkin-codes", reporting_api.CheckinCodeViewSet, basename="supervision-checkin-code")
router.register(
    "supervision/reporting-plans", reporting_api.ReportingPlanViewSet, basename="supervision-reporting-plan"
)
router.register("supervision/visits", reporting_api.VisitViewSet, basename="supervision-visit")
router.register("supervision/lost-contact", reporting_api.EpisodeViewSet, basename="supervision-lost-contact")
router.register("supervision/movement-requests", movement_api.MovementRequestViewSet, basename="supervision-movement")
router.register("supervision/prohibition-orders", movement_api.ProhibitionOrderViewSet, basename="supervision-order")
router.register("supervision/monitoring", movement_api.MonitoringViewSet, basename="supervision-monitoring")
# Rewards and sanctions (issue 16 item 2).
router.register(
    "supervision/sanction-proposals", sanctions_api.SanctionProposalViewSet, basename="supervision-sanction"
)
# Education sessions, public-interest activities and attendance (issue 16, item 3).
router.register("supervision/education-sessions", education_api.SessionViewSet, basename="supervision-education")

# Monthly assessment (issue 16, item 1).
router.register("supervision/assessments", assessment_api.MonthlyAssessmentViewSet, basename="supervision-assessment")

# Case interchange between deployments (issue 15, item 8).
router.register("supervision/imports", interchange_api.ImportViewSet, basename="supervision-import")

# Counselling sessions (notes only for the counsellor's organisation) and assessments (issue 16, item 4).
router.register(
    "supervision/counselling-sessions", counselling_api.SessionViewSet, basename="supervision-counselling-session"
)
router.register(
    "supervision/psych-assessments", counselling_api.AssessmentViewSet, basename="supervision-psych-assessment"
)
# Social-work case plans, their goals, interventions and progress reviews (issue 16, item 5).
router.register("supervision/case-plans", casework_api.CasePlanViewSet, basename="supervision-case-plan")
router.register("supervision/case-goals", casework_api.CaseGoalViewSet, basename="supervision-case-goal")
router.register(
    "supervision/case-interventions", casework_api.InterventionViewSet, basename="supervision-case-intervention"
)
router.register("supervision/case-reviews", casework_api.ProgressReviewViewSet, basename="supervision-case-review")

# The person's own API (issue 15, item 9): only their own sign-in, as their phone page.
router.register("me", portal_api.MeViewSet, basename="me")

urlpatterns = [
    # Before the router: the lifecycle's ``<uuid>/<step>/`` would take ``package`` too.
    path(
        "supervision/supervisees/<uuid:uuid>/package/",
        interchange_api.PackageView.as_view(),
        name="supervision-package",
    ),
    path(
        "supervision/supervisees/<uuid:uuid>/sanction-suggestions/",
        sanctions_api.SuggestionsView.as_view(),
        name="supervision-sanction-suggestions",
    ),
    path(
        "supervision/education-hours/<uuid:uuid>/",
        education_api.HoursView.as_view(),
        name="supervision-education-hours",
    ),
    *router.urls,
]
