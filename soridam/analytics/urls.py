from django.urls import path

from soridam.analytics import views

app_name = "analytics"

urlpatterns = [
    path("workspace/analytics/", views.dashboard_page, name="dashboard"),
    path("workspace/analytics/export.csv", views.export_csv, name="export"),
    path("workspace/analytics/staffing/", views.staffing_page, name="staffing"),
    path("workspace/analytics/report/", views.report_subscription, name="report"),
]
