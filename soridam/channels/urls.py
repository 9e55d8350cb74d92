from django.urls import path

from soridam.channels import views

app_name = "channels"

urlpatterns = [
    path("messages/<int:message_id>/original/", views.original, name="original"),
    path("messages/<int:message_id>/original.eml", views.original_raw, name="original_raw"),
    path("messages/<int:message_id>/full-text/", views.full_text, name="full_text"),
]
