from django.urls import path

from soridam.odr import views

app_name = "odr"

urlpatterns = [
    path("odr/rules/", views.rules_page, name="rules"),
    path("odr/t/<str:token>/file/", views.customer_file, name="customer_file"),
    path("odr/t/<str:token>/<int:dispute_id>/", views.customer_dispute, name="customer_dispute"),
    path("odr/t/<str:token>/<int:dispute_id>/do/<slug:name>/", views.customer_command, name="customer_command"),
    path("odr/t/<str:token>/<int:dispute_id>/export.<slug:fmt>", views.customer_export, name="customer_export"),
    path(
        "odr/t/<str:token>/<int:dispute_id>/evidence/<int:item_id>/",
        views.customer_evidence,
        name="customer_evidence",
    ),
    path("odr/<int:dispute_id>/", views.party_dispute, name="party_dispute"),
    path("odr/<int:dispute_id>/evidence/<int:item_id>/", views.party_evidence, name="party_evidence"),
    path("odr/<int:dispute_id>/do/<slug:name>/", views.party_command, name="party_command"),
    path("odr/<int:dispute_id>/export.<slug:fmt>", views.party_export, name="party_export"),
    path("workspace/disputes/", views.workspace_list, name="workspace_list"),
    path("workspace/cases/<int:case_id>/dispute/", views.staff_file, name="staff_file"),
]
