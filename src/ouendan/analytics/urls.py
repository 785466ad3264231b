"""Pages of analytics: dashboards, goals, ROI, settings and the quarterly report."""

from django.urls import path

from ouendan.analytics.views import dashboards, goals, reports, roi, settings

app_name = "analytics"

urlpatterns = [
    # Dashboards (views/dashboards.py): filters in the query string, ?format=csv|xlsx exports.
    path("", dashboards.overview, name="overview"),
    path("content/", dashboards.content, name="content"),
    path("advocates/", dashboards.advocates, name="advocates"),
    path("departments/", dashboards.departments, name="departments"),
    path("networks/", dashboards.networks, name="networks"),
    path("campaigns/", dashboards.campaigns, name="campaigns"),
    path("trends/", dashboards.trends, name="trends"),
    # KPI goals, the ROI calculator and the settings (views/goals.py, roi.py, settings.py).
    path("goals/", goals.goals_page, name="goals"),
    path("goals/panel/", goals.goals_panel, name="goals_panel"),
    path("goals/new/", goals.goal_create_view, name="goal_create"),
    path("goals/<int:goal_id>/edit/", goals.goal_edit_view, name="goal_edit"),
    path("goals/<int:goal_id>/delete/", goals.goal_delete_view, name="goal_delete"),
    path("roi/", roi.roi_page, name="roi"),
    path("settings/", settings.settings_page, name="settings"),
    path("settings/currency/", settings.currency_update_view, name="settings_currency"),
    path("settings/rates/", settings.rates_update_view, name="settings_rates"),
    path("settings/roi/", settings.roi_update_view, name="settings_roi"),
    # The quarterly report (views/reports.py).
    path("reports/", reports.reports_page, name="reports"),
    path("reports/request/", reports.report_request_view, name="report_request"),
    path("reports/schedule/", reports.report_schedule_view, name="report_schedule"),
    path("reports/<int:report_id>/pdf/", reports.report_pdf_view, name="report_pdf"),
]
