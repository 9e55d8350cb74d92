"""Fixed-window rate limits kept in the cache (Redis when ``REDIS_URL`` is set, else a database table).

Both are shared by every worker process, so a limit holds however many processes serve requests."""

from __future__ import annotations

import hashlib
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
    hits = _count_hit(f"rl:{scope}:{key}:{window}")
    if hits > limit:
        retry_after = WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS
        raise RateLimited(max(retry_after, 1))


def _count_hit(cache_key: str) -> int:
    """Atomic in the cache (Redis INCR, or a locked row in the database cache), so concurrent processes
    never count the same hit twice; the second ``add`` loses when another process created the key first."""
    for _attempt in range(2):
        try:
            return int(cache.incr(cache_key))
        except ValueError:  # no count in this window yet
            if cache.add(cache_key, 1, timeout=WINDOW_SECONDS + 5):
                return 1
    return 1


def check_login_attempt(request: HttpRequest) -> None:
    """One sign-in attempt, counted per address and per account (R-SEC-9).

    Per address alone lets a botnet try one password per address against the same account; per account
    alone lets one address try every account. The account is kept as a digest: no user name in the cache.
    """
    check_rate("login", client_ip(request))
    username = str(request.POST.get("username", "")).strip().casefold()
    if username:
        check_rate("login", "account:" + hashlib.sha256(username.encode()).hexdigest()[:32])
