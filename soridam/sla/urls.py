from django.urls import path

from soridam.sla import views

app_name = "sla"

urlpatterns = [path("workspace/sla/alerts/", views.alerts, name="alerts")]
