from django.urls import path

from soridam.channels.chat import views

app_name = "chat"
urlpatterns = [path("demo/", views.demo, name="demo")]
