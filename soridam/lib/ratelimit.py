"""Fixed-window rate limits kept in the cache (Redis in production, local memory in the demo)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy, the proxy must set REMOTE_ADDR correctly; we never trust X-Forwarded-For blindly.
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def check_rate(scope: str, key: str) -> None:
    """Count one hit for (scope, key); raise RateLimited when the window's budget is spent."""
    limit = settings.SORIDAM_RATE_LIMITS[scope]
    window = int(time.time() // WINDOW_SECONDS)
    cache_key = f"rl:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=WINDOW_SECONDS + 5):
        hits = 1
    else:
        try:
            hits = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=WINDOW_SECONDS + 5)
            hits = 1
    if hits > limit:
        retry_after = WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS
        raise RateLimited(max(retry_after, 1))
