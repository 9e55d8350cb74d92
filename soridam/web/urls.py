from django.urls import path

from soridam.web import followup_views, privacy_requests, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("complaint/", views.complaint, name="complaint"),
    path("track/<str:token>/", views.track, name="track"),
    path("track/<str:token>/reply/", views.track_reply, name="track_reply"),
    path("track/<str:token>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("survey/<str:token>/", views.survey, name="survey"),
    path("check-in/<str:token>/<str:answer>/", followup_views.check_in, name="check_in"),
    path("nps/<str:token>/", followup_views.nps, name="nps"),
    path("ad-opt-out/<str:token>/", followup_views.ad_opt_out, name="ad_opt_out"),
    path("track/<str:token>/privacy/", privacy_requests.privacy_request, name="privacy_request"),
    path(
        "track/<str:token>/privacy/<int:request_id>/",
        privacy_requests.privacy_confirm,
        name="privacy_confirm",
    ),
]
