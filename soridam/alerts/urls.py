from django.urls import path

from soridam.alerts import views

app_name = "alerts"

urlpatterns = [
    path("workspace/alerts/", views.alert_list, name="list"),
    path("workspace/alerts/count/", views.unread_count, name="count"),
    path("workspace/alerts/settings/", views.digest_setting, name="settings"),
    path("workspace/alerts/<int:alert_id>/", views.open_alert, name="open"),
]
