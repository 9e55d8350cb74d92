"""The ASGI process's WebSocket routes (soridam/asgi.py)."""

from django.urls import path

from soridam.channels.chat.consumers import ChatConsumer

websocket_urlpatterns = [path("ws/chat/", ChatConsumer.as_asgi())]
