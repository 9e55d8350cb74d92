from django.urls import path

from soridam.rca import views

app_name = "rca"

urlpatterns = [
    path("workspace/problems/", views.problem_list, name="problems"),
    path("workspace/problems/new/", views.problem_new, name="problem_new"),
    path("workspace/problems/<int:problem_id>/", views.problem_detail, name="problem"),
    path("workspace/problems/<int:problem_id>/edit/", views.problem_edit, name="problem_edit"),
    path("workspace/problems/<int:problem_id>/move/", views.problem_move, name="problem_move"),
    path("workspace/problems/<int:problem_id>/link/", views.problem_link, name="problem_link"),
    path("workspace/problems/<int:problem_id>/unlink/<int:case_id>/", views.problem_unlink, name="problem_unlink"),
    path("workspace/problems/<int:problem_id>/dismiss/<int:match_id>/", views.match_dismiss, name="match_dismiss"),
    path("workspace/problems/<int:problem_id>/announce/", views.problem_announce, name="problem_announce"),
    path("workspace/cases/<int:case_id>/problems/", views.case_problems, name="case_problems"),
    path("workspace/spikes/", views.spike_list, name="spikes"),
    path("workspace/spikes/<int:spike_id>/", views.spike_detail, name="spike"),
    path("workspace/causes/", views.cause_report, name="causes"),
]
