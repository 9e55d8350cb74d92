from django.urls import path

from soridam.routing import views

app_name = "routing"

urlpatterns = [
    path("workspace/presence/", views.presence, name="presence"),
    path("workspace/presence/heartbeat/", views.heartbeat, name="heartbeat"),
]
