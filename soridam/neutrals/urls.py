from django.urls import path

from soridam.neutrals import views

app_name = "neutrals"

urlpatterns = [
    path("workspace/neutrals/", views.roster, name="roster"),
    path("workspace/neutrals/report/", views.report, name="report"),
    path("workspace/neutrals/<int:neutral_id>/", views.neutral_detail, name="neutral"),
    path("workspace/neutrals/disputes/<int:dispute_id>/", views.dispute_page, name="dispute"),
    path("workspace/neutrals/disputes/<int:dispute_id>/draw/", views.draw, name="draw"),
    path("workspace/neutrals/draws/<int:draw_id>/object/", views.respondent_objection, name="respondent_object"),
    path("workspace/neutrals/objections/<int:objection_id>/decide/", views.decide, name="decide"),
    path("neutral/draws/<int:draw_id>/disclosure/", views.disclosure, name="disclosure"),
    path("neutral/object/<str:token>/", views.claimant_objection, name="object"),
]
