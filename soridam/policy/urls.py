from django.urls import path

from soridam.policy import views

app_name = "policy"

urlpatterns = [
    path("workspace/cases/<int:case_id>/remedies/", views.case_remedies, name="case_remedies"),
    path("workspace/cases/<int:case_id>/rule-comments/", views.comment_rule, name="comment_rule"),
    path("workspace/remedies/<int:remedy_id>/retry/", views.retry_remedy, name="retry"),
    path("workspace/remedies/<int:remedy_id>/decision/", views.decide_remedy, name="decide"),
    path("workspace/approvals/", views.approvals, name="approvals"),
    path("workspace/policy/report/", views.policy_report, name="report"),
]
