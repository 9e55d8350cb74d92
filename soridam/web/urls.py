from django.urls import path

from soridam.web import privacy_requests, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("complaint/", views.complaint, name="complaint"),
    path("track/<str:token>/", views.track, name="track"),
    path("track/<str:token>/reply/", views.track_reply, name="track_reply"),
    path("track/<str:token>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("survey/<str:token>/", views.survey, name="survey"),
    path("track/<str:token>/privacy/", privacy_requests.privacy_request, name="privacy_request"),
    path(
        "track/<str:token>/privacy/<int:request_id>/",
        privacy_requests.privacy_confirm,
        name="privacy_confirm",
    ),
]
