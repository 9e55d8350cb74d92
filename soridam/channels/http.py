"""Calling a provider's HTTP API from ``Transport.send``: one place that classifies failures.

channels.md §0.6: network errors, timeouts, 429 and 5xx are temporary (retried by the outbox, after the
provider's ``Retry-After`` when it gives one); any other 4xx is permanent (a validation or auth error that
the same request will meet again). Error texts name the provider's operation, never the URL: some
providers put the bot's token in it (Telegram), and the text lands on the outbox row and the case.
"""

from __future__ import annotations

import email.utils
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from soridam.channels.base import TransportError

TIMEOUT_SECONDS = 15.0
_MAX_ANSWER = 1_000_000  # bytes of a provider's answer we read


class HttpError(TransportError):
    """A provider answered with an error status; ``body`` holds its answer for the transport to read."""

    def __init__(
        self, message: str, *, status: int, body: bytes, permanent: bool, retry_after: float | None = None
    ) -> None:
        super().__init__(message, permanent=permanent, retry_after=retry_after)
        self.status = status
        self.body = body


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: Mapping[str, str]

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


def post_json(url: str, body: object, *, headers: Mapping[str, str] | None = None, what: str) -> Answer:
    """POST ``body`` as UTF-8 JSON; the provider's 2xx answer, else ``HttpError`` / ``TransportError``."""
    data = json.dumps(body, ensure_ascii=False).encode()
    return call("POST", url, data=data, headers={"Content-Type": "application/json", **(headers or {})}, what=what)


def call(
    method: str,
    url: str,
    *,
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    what: str,
    timeout: float = TIMEOUT_SECONDS,
) -> Answer:
    if not url.startswith(("https://", "http://")):
        raise TransportError(f"{what}: the API address must be http(s)", permanent=True)
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) checked above
            return Answer(response.status, response.read(_MAX_ANSWER), dict(response.headers.items()))
    except urllib.error.HTTPError as exc:
        raise _http_error(what, exc) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TransportError(f"{what}: network error ({type(reason).__name__})", permanent=False) from None


def _http_error(what: str, exc: urllib.error.HTTPError) -> HttpError:
    body = exc.read(_MAX_ANSWER) if exc.fp is not None else b""
    status = exc.code
    temporary = status == 429 or status >= 500 or status == 408
    retry_after = retry_after_seconds(exc.headers.get("Retry-After", "")) if exc.headers else None
    return HttpError(
        f"{what}: HTTP {status} {_summary(body)}".strip(),
        status=status,
        body=body,
        permanent=not temporary,
        retry_after=retry_after if temporary else None,
    )


def retry_after_seconds(value: str, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); None when absent or bad."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _summary(body: bytes) -> str:
    """The first line of the provider's error answer, short: enough for the agent, no more."""
    text = body.decode("utf-8", "replace").strip().splitlines()
    return text[0][:200] if text else ""
