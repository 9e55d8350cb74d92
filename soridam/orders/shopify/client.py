"""Calling Shopify's GraphQL Admin API: ``POST https://{shop}.myshopify.com/admin/api/{version}/graphql.json``
with the ``X-Shopify-Access-Token`` header (shopify.dev/docs/api/admin-graphql).

Limits (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): every query has a calculated cost
taken from a leaky bucket. When the bucket is short the answer carries an error with
``extensions.code == "THROTTLED"`` and ``extensions.cost`` (``requestedQueryCost`` and ``throttleStatus``:
``currentlyAvailable``, ``restoreRate`` points a second), so the wait is the missing points over the restore
rate; an HTTP 429 carries ``Retry-After``. Short waits are taken here, longer ones go to the caller as
``ProviderUnavailable(retry_after)``, as do 5xx and network errors. Admin access tokens do not expire: a 401
or 403 means the app was uninstalled or its token revoked, so it is ``ProviderAuthError`` at once.
"""

from __future__ import annotations

import json
import time
from typing import Any

from soridam.channels.base import TransportError
from soridam.channels.http import HttpError, call
from soridam.orders.models import Shop
from soridam.orders.providers import ProviderAuthError, ProviderRefused, ProviderUnavailable

DEFAULT_API_VERSION = "2026-10"
MAX_INLINE_WAIT = 5.0  # seconds
THROTTLE_RETRIES = 2
DEFAULT_WAIT = 1.0


class MissingScope(ProviderRefused):
    """The app lacks an access scope the request needs (``read_all_orders`` for orders past 60 days)."""


class ShopifyClient:
    def __init__(self, shop: Shop) -> None:
        self.shop = shop

    @property
    def endpoint(self) -> str:
        version = self.shop.options.get("api_version", DEFAULT_API_VERSION)
        return f"{self.shop.base_url.rstrip('/')}/admin/api/{version}/graphql.json"

    def graphql(self, query: str, variables: dict[str, Any] | None = None, *, what: str) -> dict[str, Any]:
        """The ``data`` of the answer; throttling waits a little, other GraphQL errors are refusals."""
        for attempt in range(THROTTLE_RETRIES + 1):
            answer = self._post({"query": query, "variables": variables or {}}, what=what)
            errors = answer.get("errors") or []
            wait = _throttle_wait(answer) if _throttled(errors) else None
            if wait is None:
                _raise_errors(errors, what=what)
                return dict(answer.get("data") or {})
            if attempt == THROTTLE_RETRIES or wait > MAX_INLINE_WAIT:
                raise ProviderUnavailable(f"Shopify {what}: throttled", retry_after=wait)
            time.sleep(wait)
        raise ProviderUnavailable(f"Shopify {what}: throttled")  # pragma: no cover - the loop returns or raises

    def _post(self, body: dict[str, Any], *, what: str) -> dict[str, Any]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-Shopify-Access-Token": str(self.shop.access_token),
        }
        data = json.dumps(body).encode()
        for attempt in range(THROTTLE_RETRIES + 1):
            try:
                payload = call("POST", self.endpoint, data=data, headers=headers, what=f"Shopify {what}").json()
                return payload if isinstance(payload, dict) else {}
            except HttpError as exc:
                wait = exc.retry_after if exc.retry_after is not None else DEFAULT_WAIT
                if exc.status == 429 and attempt < THROTTLE_RETRIES and wait <= MAX_INLINE_WAIT:
                    time.sleep(wait)
                    continue
                raise _provider_error(what, exc, wait) from None
            except TransportError as exc:
                raise ProviderUnavailable(str(exc), retry_after=exc.retry_after) from None
        raise ProviderUnavailable(f"Shopify {what}: rate limited")  # pragma: no cover


def _provider_error(what: str, exc: HttpError, wait: float) -> Exception:
    summary = f"Shopify {what}: HTTP {exc.status}"
    if exc.status == 429 or exc.status >= 500:
        return ProviderUnavailable(summary, retry_after=wait if exc.status == 429 else exc.retry_after)
    if exc.status in {401, 403}:
        return ProviderAuthError(f"{summary}: the access token was refused (reinstall the app)")
    return ProviderRefused(summary)


def _throttled(errors: list[Any]) -> bool:
    return any(
        isinstance(error, dict) and (error.get("extensions") or {}).get("code") == "THROTTLED" for error in errors
    )


def _throttle_wait(answer: dict[str, Any]) -> float:
    """Seconds until the bucket holds the query's cost: (requested − available) ÷ restore rate."""
    cost = (answer.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        missing = float(cost["requestedQueryCost"]) - float(status["currentlyAvailable"])
        return max(0.0, missing / float(status["restoreRate"]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return DEFAULT_WAIT


def _raise_errors(errors: list[Any], *, what: str) -> None:
    if not errors:
        return
    first: dict[str, Any] = errors[0] if isinstance(errors[0], dict) else {"message": str(errors[0])}
    code = (first.get("extensions") or {}).get("code", "")
    message = f"Shopify {what}: {code} {str(first.get('message', ''))[:200]}".replace("  ", " ").strip()
    if code == "ACCESS_DENIED":
        raise MissingScope(message)
    raise ProviderRefused(message)
