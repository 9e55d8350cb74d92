from django.urls import path

from soridam.triage import views

app_name = "triage"

urlpatterns = [
    path("workspace/cases/<int:case_id>/messages/<int:message_id>/reveal/", views.reveal, name="reveal"),
]
