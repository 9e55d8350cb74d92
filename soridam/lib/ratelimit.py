"""Fixed-window rate limits kept in the cache (Redis when ``REDIS_URL`` is set, else a database table).

Both are shared by every worker process, so a limit holds however many processes serve requests.

A process takes its hits from the shared count in blocks (``block_size``): one ``incr`` by a block of
hits, then the next requests in this process and window spend that block without asking the cache. With
the database cache a count costs two statements, a quarter of a case's intake; taken one by one they
would be paid by every API request. The shared count still includes every hit a process has taken, so
the limit is never exceeded; a block a process did not spend before the window ends is lost, so a client
spread over several processes may be refused up to (processes - 1) * (block - 1) hits early. Small
limits (login, forms, tracking: under 128 a minute) use blocks of one, exactly as before.
"""

from __future__ import annotations

import hashlib
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60
HITS_PER_BLOCK_DIVISOR = 64  # a block is at most 1/64 of the limit: what a client may lose to other processes
MAX_BLOCK = 100


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy, the proxy must set REMOTE_ADDR correctly; we never trust X-Forwarded-For blindly.
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def check_rate(scope: str, key: str, *, block: int | None = None) -> None:
    """Count one hit for (scope, key); raise RateLimited when the window's budget is spent. ``block``: the hits
    to take from the shared count at once, instead of ``block_size(limit)``, for a caller that knows one
    process serves nearly all of a key's hits (a chat session's socket)."""
    limit = settings.SORIDAM_RATE_LIMITS[scope]
    window = int(time.time() // WINDOW_SECONDS)
    size = min(block, limit) if block else block_size(limit)
    if not _blocks.take(f"rl:{scope}:{key}:{window}", limit, size):
        retry_after = WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS
        raise RateLimited(max(retry_after, 1))


def block_size(limit: int) -> int:
    return max(1, min(MAX_BLOCK, limit // HITS_PER_BLOCK_DIVISOR))


class _Blocks:
    """This process's unspent hits, per (scope, key, window). A lock per process: granian may run threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._left: dict[str, int] = {}
        self._window = 0

    def take(self, cache_key: str, limit: int, size: int) -> bool:
        """One hit for ``cache_key`` within ``limit``, taking ``size`` hits from the shared count when this
        process has none left; False when the window's budget is spent."""
        with self._lock:
            self._forget_old_windows(cache_key)
            if self._left.get(cache_key, 0) > 0:
                self._left[cache_key] -= 1
                return True
        counted = _count_hits(cache_key, size)  # the shared count after this block
        granted = min(size, limit - (counted - size))
        if granted <= 0:
            return False
        with self._lock:
            self._left[cache_key] = self._left.get(cache_key, 0) + granted - 1
        return True

    def forget(self) -> None:
        with self._lock:
            self._left.clear()

    def _forget_old_windows(self, cache_key: str) -> None:
        window = int(cache_key.rsplit(":", 1)[1])
        if window != self._window:
            self._left.clear()
            self._window = window


_blocks = _Blocks()


def forget_unspent_hits() -> None:
    """Drop this process's unspent blocks (tests that clear the cache start from nothing)."""
    _blocks.forget()


def _count_hits(cache_key: str, hits: int) -> int:
    """Atomic in the cache (Redis INCR, or a compare-and-swap row in the database cache), so concurrent processes
    never count the same hit twice; the second ``add`` loses when another process created the key first."""
    for _attempt in range(2):
        try:
            return int(cache.incr(cache_key, hits))
        except ValueError:  # no count in this window yet
            if cache.add(cache_key, hits, timeout=WINDOW_SECONDS + 5):
                return hits
    return hits


def check_login_attempt(request: HttpRequest) -> None:
    """One sign-in attempt, counted per address and per account (R-SEC-9).

    Per address alone lets a botnet try one password per address against the same account; per account
    alone lets one address try every account. The account is kept as a digest: no user name in the cache.
    """
    check_rate("login", client_ip(request))
    username = str(request.POST.get("username", "")).strip().casefold()
    if username:
        check_rate("login", "account:" + hashlib.sha256(username.encode()).hexdigest()[:32])
