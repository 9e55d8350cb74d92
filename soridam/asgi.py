"""ASGI entry point, for the chat WebSockets (``/ws/``); `make run` serves HTTP through WSGI (see README).

HTTP requests that reach this process are still answered by Django (a single-process deployment, the tests),
but the supervisor gives it only the WebSocket port.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")
django_http = get_asgi_application()  # sets Django up before the consumers' models are imported

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from soridam.channels.chat.routing import websocket_urlpatterns  # noqa: E402
from soridam.lib.statistics import StatisticsKeeper  # noqa: E402

# The chat writes a row a message: with autovacuum off, its tables' plans must follow their growth.
StatisticsKeeper().start()
application = ProtocolTypeRouter({"http": django_http, "websocket": URLRouter(websocket_urlpatterns)})

# The loop answers a thousand sockets, so a pause of the collector is a stall of every ack (bench/README.md,
# "Live chat: the collector's pauses"). What start-up loaded lives as long as the process: frozen, no full
# collection scans it again. Each frame allocates coroutines, futures and dicts that die young by reference
# count: with the default 700 the young generation was collected many times a second, and each
# collection promoted the frames still in flight, which set off a full collection every few seconds
# (100-250 ms of CPU each, finding nothing to free). A young generation of 20,000 is collected in about 1 ms on
# average (45 ms at worst, at load 20) and promotes rarely, so full collections become rare; cycles are still
# collected.
gc.freeze()
gc.set_threshold(20_000, 20, 10)
