from django.urls import path

from soridam.privacy import dsr_views

app_name = "privacy"
urlpatterns = [
    path("workspace/privacy/requests/", dsr_views.request_list, name="requests"),
    path("workspace/privacy/requests/<int:request_id>/", dsr_views.request_detail, name="request"),
    path("workspace/privacy/requests/<int:request_id>/carry-out/", dsr_views.request_carry_out, name="carry_out"),
    path("workspace/privacy/requests/<int:request_id>/correct/", dsr_views.request_correct, name="correct"),
    path("workspace/privacy/requests/<int:request_id>/export/", dsr_views.request_export, name="export"),
    path(
        "workspace/customers/<int:customer_id>/guardian-consent/",
        dsr_views.guardian_consent,
        name="guardian_consent",
    ),
]
