from django.urls import path

from soridam.orders.cafe24 import views as cafe24

urlpatterns = [
    path("orders/cafe24/<int:shop_id>/connect/", cafe24.connect, name="cafe24_connect"),
    path("orders/cafe24/callback/", cafe24.callback, name="cafe24_callback"),
]
