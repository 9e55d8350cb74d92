"""The ASGI process's WebSocket routes (soridam/asgi.py). Only the agents' socket reads the login session."""

from channels.auth import AuthMiddlewareStack
from django.urls import path

from soridam.channels.chat.consumers import AgentConsumer, ChatConsumer

websocket_urlpatterns = [
    path("ws/chat/", ChatConsumer.as_asgi()),
    path("ws/agent/", AuthMiddlewareStack(AgentConsumer.as_asgi())),
]
