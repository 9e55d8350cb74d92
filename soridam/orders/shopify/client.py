"""Calling Shopify's GraphQL Admin API: ``POST https://{shop}.myshopify.com/admin/api/{version}/graphql.json``
with the ``X-Shopify-Access-Token`` header (shopify.dev/docs/api/admin-graphql).

Limits (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): every query has a calculated cost
taken from a leaky bucket. When the bucket is short the answer carries an error with
``extensions.code == "THROTTLED"`` and ``extensions.cost`` (``requestedQueryCost`` and ``throttleStatus``:
``currentlyAvailable``, ``restoreRate`` points a second), so the wait is the missing points over the restore
rate; an HTTP 429 carries ``Retry-After`` (waited for by ``orders/http.py``). Short waits are taken here,
longer ones go to the caller as ``ProviderUnavailable(retry_after)``, as do 5xx and network errors.
An Admin API access token has no refresh: a 401 or 403 means the app was uninstalled or its token revoked,
so it is ``ProviderAuthError`` at once and a person must install the app again.
"""

from __future__ import annotations

import time
from typing import Any

from soridam.orders import http
from soridam.orders.models import Shop
from soridam.orders.providers import ProviderAuthError, ProviderRefused, ProviderUnavailable

DEFAULT_API_VERSION = "2026-10"
MAX_INLINE_WAIT = 5.0  # seconds we wait for a throttled query's cost; longer waits go to the caller
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
        headers = {"X-Shopify-Access-Token": str(self.shop.access_token)}
        try:
            payload = http.request_json(
                "POST", self.endpoint, body=body, headers=headers, what=f"Shopify {what}"
            ).json()
        except http.Refused as exc:
            if exc.status == 403:
                raise ProviderAuthError(f"Shopify {what}: HTTP 403, the app may no longer use this shop") from None
            raise
        return payload if isinstance(payload, dict) else {}


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
