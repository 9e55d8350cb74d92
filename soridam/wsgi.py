import gc
import os

from django.core.wsgi import get_wsgi_application

from soridam.env import env_bool

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soridam.settings")
application = get_wsgi_application()
if env_bool("SORIDAM_WARMUP", True):
    # Each web worker imports this module once, before it serves: its first request must not load Kiwi and
    # the models (soridam/warmup.py). Imported here, after setup, because it loads the apps' modules.
    from soridam.warmup import warm_up

    warm_up()
# Everything loaded at start-up lives as long as the process: keep it out of the garbage collector's scans,
# which otherwise show up as pauses in the tail latency of requests.
gc.freeze()
