"""Pages of the bureau's joint meetings, inspections, budget, contracts and staff training (the ``bureau`` namespace)."""

from django.urls import path

from bureau import report_views, views

app_name = "bureau"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/rows/", views.dashboard_rows, name="dashboard-rows"),
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
    path("budget/", views.budget, name="budget"),
    path("budget/<int:year>/", views.budget_year, name="budget-year"),
    path("budget/lines/new/", views.budget_line_new, name="budget-line-new"),
    path("budget/lines/<int:pk>/edit/", views.budget_line_edit, name="budget-line-edit"),
    path("budget/spending/", views.expenditures, name="expenditures"),
    path("budget/spending/new/", views.expenditure_new, name="expenditure-new"),
    path("budget/spending/<int:pk>/", views.expenditure, name="expenditure"),
    path("budget/spending/<int:pk>/document/", views.expenditure_document, name="expenditure-document"),
    path("budget/spending/<int:pk>/void/", views.expenditure_void, name="expenditure-void"),
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/new/", views.contract_new, name="contract-new"),
    path("contracts/<int:pk>/", views.contract, name="contract"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract-edit"),
]

# The monthly and yearly report (issue 18 item 3).
urlpatterns += [
    path("reports/", report_views.report_list, name="reports"),
    path("reports/new/", report_views.report_new, name="report-new"),
    path("reports/<int:pk>/", report_views.report, name="report"),
    path("reports/<int:pk>/status/", report_views.report_status, name="report-status"),
    path("reports/<int:pk>/report.xlsx", report_views.report_xlsx, name="report-xlsx"),
    path("reports/<int:pk>/report.pdf", report_views.report_pdf, name="report-pdf"),
]
