"""The order provider interface: what every commerce connector offers, in one normalised shape (R-CRM-4).

A connector lives in its own package (``orders/cafe24``, ``orders/naver``, ``orders/shopify``), subclasses
``OrderProvider`` and registers itself with ``@register``. It speaks its vendor's documented API, keeps the
shop's tokens fresh (saving them on the ``Shop``), and raises:
- ``ProviderUnavailable`` for what may pass (network errors, timeouts, 429 and 5xx after its retries), with
  the vendor's ``Retry-After`` when given: the caller marks the shop unavailable and keeps the case working;
- ``ProviderAuthError`` when the credentials are refused and a person must re-authorise the shop;
- ``ProviderRefused`` when the vendor refuses the request itself (an unknown order, a refund above what was paid).

Money is ``Decimal`` in the order's currency; times are aware datetimes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any, ClassVar

from soridam.orders.models import Shop


class ProviderError(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    """The provider cannot be reached now; the same call may succeed later."""


class ProviderAuthError(ProviderError):
    """The shop's credentials were refused: someone must authorise the shop again."""


class ProviderRefused(ProviderError):
    """The provider refused this request (it will refuse it again)."""


@dataclass(frozen=True)
class OrderLine:
    external_id: str
    name: str
    quantity: int
    unit_price: Decimal
    total: Decimal
    sku: str = ""
    option: str = ""  # size, colour: as the shop shows it


@dataclass(frozen=True)
class Shipment:
    carrier: str
    tracking_number: str
    tracking_url: str = ""
    status: str = ""  # the vendor's shipping status, as given
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class Claim:
    """A cancellation, return, exchange or refund the shop already knows about."""

    kind: str  # "cancel" | "return" | "exchange" | "refund"
    status: str
    external_id: str = ""
    amount: Decimal | None = None
    reason: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True)
class Buyer:
    name: str = ""
    email: str = ""
    phone: str = ""
    shop_customer_id: str = ""


@dataclass(frozen=True)
class NormalisedOrder:
    external_id: str
    number: str
    status: str  # an ``orders.models.OrderStatus`` value
    currency: str
    total: Decimal
    placed_at: datetime
    paid_total: Decimal = Decimal(0)
    refunded_total: Decimal = Decimal(0)
    payment_method: str = ""
    paid_at: datetime | None = None
    delivered_at: datetime | None = None
    buyer: Buyer = field(default_factory=Buyer)
    items: tuple[OrderLine, ...] = ()
    shipments: tuple[Shipment, ...] = ()
    claims: tuple[Claim, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ClaimResult:
    """What the provider answered to a refund or exchange request we made."""

    external_id: str  # the vendor's claim or refund id
    status: str
    amount: Decimal | None = None
    raw: dict[str, Any] = field(default_factory=dict)


class OrderProvider(ABC):
    kind: ClassVar[str]
    # The longest time window ``changed_orders`` may be asked for in one call.
    max_window: ClassVar[timedelta] = timedelta(hours=24)

    def __init__(self, shop: Shop) -> None:
        self.shop = shop

    @abstractmethod
    def fetch_order(self, number: str) -> NormalisedOrder | None:
        """The order with this number (as the customer writes it), or None when the shop has none."""

    @abstractmethod
    def customer_orders(
        self, *, shop_customer_id: str = "", email: str = "", phone: str = "", since: datetime
    ) -> list[NormalisedOrder]:
        """The orders one buyer placed since ``since``, found by whichever identifier is given."""

    @abstractmethod
    def changed_orders(self, since: datetime, until: datetime) -> Iterator[NormalisedOrder]:
        """Orders created or changed in ``[since, until)``; ``until - since`` ≤ ``max_window``."""

    @abstractmethod
    def refund(self, order: NormalisedOrder, amount: Decimal, *, reason: str, idempotency_key: str) -> ClaimResult:
        """Ask the shop to refund ``amount``; the same ``idempotency_key`` never refunds twice."""

    @abstractmethod
    def request_exchange(
        self, order: NormalisedOrder, lines: list[str], *, reason: str, idempotency_key: str
    ) -> ClaimResult:
        """Open an exchange claim for the order lines with these external ids."""


_PROVIDERS: dict[str, type[OrderProvider]] = {}


def register(cls: type[OrderProvider]) -> type[OrderProvider]:
    _PROVIDERS[cls.kind] = cls
    return cls


def provider_for(shop: Shop) -> OrderProvider:
    """The connector for this shop; connectors register on import (``OrdersConfig.ready``)."""
    return _PROVIDERS[shop.provider](shop)


def registered() -> dict[str, type[OrderProvider]]:
    return dict(_PROVIDERS)


def as_json(value: Any) -> Any:
    """Dataclasses, Decimals and datetimes as JSON-ready values (for ``Order.items`` and friends)."""
    return _jsonable(asdict(value) if hasattr(value, "__dataclass_fields__") else value)


def _jsonable(value: Any) -> Any:
    converters: dict[type, Callable[[Any], Any]] = {Decimal: str, datetime: datetime.isoformat}
    for kind, convert in converters.items():
        if isinstance(value, kind):
            return convert(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def parse_time(value: object, *, naive_zone: tzinfo | None = None) -> datetime | None:
    """A vendor's ISO 8601 time; None when missing or unreadable. ``naive_zone``: the zone of a time written
    without an offset (Cafe24's are KST)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace(" ", "T"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=naive_zone) if parsed.tzinfo is None and naive_zone is not None else parsed
