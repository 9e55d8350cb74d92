from django.urls import path

from soridam.investigations import views

app_name = "investigations"

urlpatterns = [
    path("workspace/tasks/", views.team_tasks, name="team_tasks"),
    path("workspace/tasks/<int:task_id>/", views.task_detail, name="task"),
    path("workspace/tasks/<int:task_id>/close/", views.close_task, name="close"),
    path("workspace/cases/<int:case_id>/tasks/", views.open_task, name="open"),
    path("workspace/cases/<int:case_id>/tasks/override/", views.override_tasks, name="override"),
]
