"""API routes of the bureau's joint meetings, inspections, budget and contracts, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from bureau import api

router = SimpleRouter()
router.register("bureau/meetings", api.MeetingViewSet, basename="bureau-meeting")
router.register("bureau/action-items", api.ActionItemViewSet, basename="bureau-action-item")
router.register("bureau/checklists", api.ChecklistViewSet, basename="bureau-checklist")
router.register("bureau/inspections", api.InspectionViewSet, basename="bureau-inspection")
router.register("bureau/findings", api.FindingViewSet, basename="bureau-finding")
router.register("bureau/training", api.StaffTrainingViewSet, basename="bureau-training")
router.register("bureau/budget-lines", api.BudgetLineViewSet, basename="bureau-budget-line")
router.register("bureau/budget-years", api.BudgetYearViewSet, basename="bureau-budget-year")
router.register("bureau/expenditures", api.ExpenditureViewSet, basename="bureau-expenditure")
router.register("bureau/figures", api.FiguresView, basename="bureau-figures")
router.register("bureau/contracts", api.ContractViewSet, basename="bureau-contract")

urlpatterns = router.urls

# The monthly and yearly report (issue 18 item 3).
router.register("bureau/reports", api.ReportViewSet, basename="bureau-report")
urlpatterns = router.urls
