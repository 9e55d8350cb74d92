"""ASGI entry point, for WebSockets only; HTTP is served through WSGI (see README)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")
application = get_asgi_application()
