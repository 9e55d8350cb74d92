"""Calling a commerce platform's HTTP API: one place that turns HTTP failures into the provider errors.

The classes follow ``providers``' contract (and ``channels.http``'s house style):
- 429 waits for the platform's ``Retry-After`` (capped) and retries a bounded number of times, then raises
  ``ProviderUnavailable(retry_after=…)`` so the caller can come back later;
- 5xx, 408, network errors and timeouts raise ``ProviderUnavailable`` at once (the shop is marked unavailable
  and the case works on; the next sync tries again);
- 401 raises ``Unauthorised`` (a ``ProviderAuthError``): a connector that can refresh its token does so and
  retries once, else it lets it through and a person re-authorises the shop;
- any other 4xx raises ``Refused`` (a ``ProviderRefused``) carrying the status and the platform's answer.
Error texts name the operation, never the URL or a token: they land on ``Shop.last_error`` and in the logs.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from soridam.channels.http import retry_after_seconds
from soridam.orders.providers import ProviderAuthError, ProviderRefused, ProviderUnavailable

TIMEOUT_SECONDS = 15.0
RATE_LIMIT_ATTEMPTS = 3  # calls in all when the platform answers 429: the first and two retries
MAX_RETRY_WAIT = 10.0  # seconds we wait inside one call; a longer Retry-After goes back to the caller
_MAX_ANSWER = 5_000_000  # bytes of an answer we read (an orders page with items is large)


class Unauthorised(ProviderAuthError):
    """The platform answered 401: the access token is expired or revoked."""

    def __init__(self, message: str, *, body: bytes = b"") -> None:
        super().__init__(message)
        self.status = 401
        self.body = body


class RateLimited(ProviderUnavailable):
    """The platform answered 429; ``retry_after`` is its ``Retry-After`` in seconds when it gave one."""


class Refused(ProviderRefused):
    """The platform refused the request with a 4xx other than 401 and 429."""

    def __init__(self, message: str, *, status: int, body: bytes) -> None:
        super().__init__(message)
        self.status = status
        self.body = body

    def json(self) -> Any:
        return _json_or_none(self.body)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: Mapping[str, str]

    def json(self) -> Any:
        return _json_or_none(self.body)


def with_query(url: str, params: Mapping[str, object]) -> str:
    """``url`` with ``params`` (those not None) as its query string."""
    given = {key: str(value) for key, value in params.items() if value is not None}
    return f"{url}?{urllib.parse.urlencode(given)}" if given else url


def request_json(
    method: str,
    url: str,
    *,
    body: object = None,
    headers: Mapping[str, str] | None = None,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
) -> Answer:
    """Send ``body`` as UTF-8 JSON (when given); the 2xx answer, else one of the provider errors."""
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    sent_headers = {"Accept": "application/json", **(headers or {})}
    if data is not None:
        sent_headers.setdefault("Content-Type", "application/json")
    return request(method, url, data=data, headers=sent_headers, what=what, sleep=sleep)


def request(
    method: str,
    url: str,
    *,
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
) -> Answer:
    """One API call with the bounded 429 retries; the 2xx answer, else one of the provider errors."""
    for attempt in range(1, RATE_LIMIT_ATTEMPTS + 1):
        try:
            return _call_once(method, url, data=data, headers=headers, what=what)
        except ProviderUnavailable as exc:
            last_attempt = attempt == RATE_LIMIT_ATTEMPTS
            if not isinstance(exc, RateLimited) or last_attempt or (exc.retry_after or 0) > MAX_RETRY_WAIT:
                raise
            sleep(exc.retry_after if exc.retry_after is not None else 1.0)
    raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover


def _call_once(method: str, url: str, *, data: bytes | None, headers: Mapping[str, str] | None, what: str) -> Answer:
    if not url.startswith(("https://", "http://")):
        raise Refused(f"{what}: the API address must be http(s)", status=0, body=b"")
    outgoing = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))  # noqa: S310
    try:
        with urllib.request.urlopen(outgoing, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) checked
            return Answer(response.status, response.read(_MAX_ANSWER), dict(response.headers.items()))
    except urllib.error.HTTPError as exc:
        raise _classify(what, exc) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ProviderUnavailable(f"{what}: network error ({type(reason).__name__})") from None


def _classify(what: str, exc: urllib.error.HTTPError) -> Exception:
    body = exc.read(_MAX_ANSWER) if exc.fp is not None else b""
    status = exc.code
    message = f"{what}: HTTP {status} {_summary(body)}".strip()
    retry_after = retry_after_seconds(exc.headers.get("Retry-After", "")) if exc.headers else None
    if status == 429:
        return RateLimited(message, retry_after=retry_after)
    if status >= 500 or status == 408:
        return ProviderUnavailable(message, retry_after=retry_after)
    if status == 401:
        return Unauthorised(message, body=body)
    return Refused(message, status=status, body=body)


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError:
        return None


def _summary(body: bytes) -> str:
    """The first line of the platform's error answer, short: enough for an admin, no more."""
    text = body.decode("utf-8", "replace").strip().splitlines()
    return text[0][:200] if text else ""
