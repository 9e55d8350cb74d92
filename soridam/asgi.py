"""ASGI entry point, for the chat WebSockets (``/ws/``); `make run` serves HTTP through WSGI (see README).

HTTP requests that reach this process are still answered by Django (a single-process deployment, the tests),
but the supervisor gives it only the WebSocket port.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")
django_http = get_asgi_application()  # sets Django up before the consumers' models are imported

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from soridam.channels.chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter({"http": django_http, "websocket": URLRouter(websocket_urlpatterns)})
