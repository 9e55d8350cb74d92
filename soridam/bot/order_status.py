"""Order status in the bot (R-BOT-4, R-CRM-6): a customer sees only their own orders.

An identified customer (``customer_id``, set only when the channel verified who they are) sees the orders
linked to them. Anyone else proves an order with two matching factors: its number and one of the buyer's
phone (any written form, compared in its canonical form), e-mail address or name, as the shop gave them.
A wrong second factor answers exactly like a number that does not exist; every comparison with the buyer's
details runs over all candidates without stopping early, in constant time per comparison. Attempts are
rate limited per conversation and per order number (``RATE_LIMIT_ORDER_LOOKUP``: a guesser opening new
chats still meets the number's budget, whether the number exists or not), and the engine hands over after
``MAX_FAILURES`` failed proofs. A stale order is refreshed from its shop first (``orders.refresh``); when
the shop cannot be reached the answer is what is stored, marked with when it was last synced.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from soridam.customers.phones import canonical_phone, looks_like_phone
from soridam.lib.ratelimit import RateLimited, check_rate
from soridam.orders.models import Order
from soridam.orders.refresh import refresh_if_stale

from .intents import order_number_candidates

RATE_SCOPE = "order_lookup"
MAX_FAILURES = 3  # the third failed proof in a conversation goes to a person
SHOWN = 3  # an identified customer's most recent orders
MAX_NUMBERS = 10  # order numbers looked up from one message and the turns before it
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"\+?\d[\d\s().-]{6,22}\d")
MIN_NAME_LETTERS = 2

LookupState = Literal["found", "ask", "none", "limited", "handover"]


@dataclass(frozen=True)
class Shipped:
    carrier: str
    tracking_number: str
    tracking_url: str


@dataclass(frozen=True)
class OrderView:
    """What the bot may tell about one order."""

    number: str
    shop: str
    status: str  # an OrderStatus value
    items: tuple[tuple[str, str, int], ...]  # (name, option, quantity)
    shipment: Shipped | None  # the latest one
    delivered_at: datetime | None
    synced_at: datetime
    current: bool  # False: the shop could not be asked, the answer is as of ``synced_at``


@dataclass(frozen=True)
class OrderLookup:
    state: LookupState
    orders: tuple[OrderView, ...] = ()
    failures: int = 0  # failed proofs in this conversation so far


@dataclass(frozen=True)
class Factors:
    """The second factors a visitor wrote, in comparable form."""

    phones: tuple[str, ...]
    emails: tuple[str, ...]
    text: str  # the message without spaces, case-folded: a buyer's name is looked for in it

    def __bool__(self) -> bool:
        return bool(self.phones or self.emails or len(self.text) >= MIN_NAME_LETTERS)


def look_up(
    texts: Iterable[str], customer_id: int | None, session_key: str, *, failures: int = 0, asked: bool = False
) -> OrderLookup:
    """``texts``: the newest message first, then the earlier turns of this look-up (newest first); ``asked``:
    the bot has asked for the proof already. A failure counts when the newest message gave a phone or e-mail
    that proves nothing, or anything at all once asked; the first "where is order 123" just asks."""
    texts = tuple(texts)
    numbers = tuple(dict.fromkeys(number for text in texts for number in order_number_candidates(text)))
    if customer_id is not None and not numbers:
        return _own_recent(customer_id, session_key, failures)
    factors = _factors(texts)
    if not numbers or (customer_id is None and not factors):
        return OrderLookup("ask", failures=failures)
    numbers = numbers[:MAX_NUMBERS]
    if _rate_limited(session_key) or any([_rate_limited(f"number:{number.lstrip('#')}") for number in numbers]):
        return OrderLookup("limited", failures=failures)
    orders = _proven(numbers, customer_id, factors)
    if orders:
        return OrderLookup("found", tuple(_view(order) for order in orders[:SHOWN]), failures=0)
    newest = _factors(texts[:1])
    if not newest or not (newest.phones or newest.emails or asked):
        return OrderLookup("ask", failures=failures)
    failures += 1
    return OrderLookup("handover" if failures >= MAX_FAILURES else "none", failures=failures)


def _own_recent(customer_id: int, session_key: str, failures: int) -> OrderLookup:
    if _rate_limited(session_key):
        return OrderLookup("limited", failures=failures)
    orders = list(Order.objects.filter(customer_id=customer_id).select_related("shop")[:SHOWN])
    if not orders:
        return OrderLookup("ask", failures=failures)
    return OrderLookup("found", tuple(_view(order) for order in orders), failures=failures)


def _rate_limited(key: str) -> bool:
    try:
        check_rate(RATE_SCOPE, f"bot:{key}")
    except RateLimited:
        return True
    return False


def _number_forms(numbers: Iterable[str]) -> set[str]:
    """A number as written, and with or without Shopify's ``#``."""
    forms: set[str] = set()
    for number in numbers:
        bare = number.lstrip("#")
        forms.update({number, bare, f"#{bare}"})
    return forms


def _proven(numbers: tuple[str, ...], customer_id: int | None, factors: Factors) -> list[Order]:
    candidates = list(Order.objects.filter(number__in=_number_forms(numbers)).select_related("shop"))
    if customer_id is not None:
        own = [order for order in candidates if order.customer_id == customer_id]
        if own:
            return own
    proofs = [(order, _proves(order, factors)) for order in candidates or [_nobody()]]
    return [order for order, proved in proofs if proved and order.pk is not None]


def _nobody() -> Order:
    """An order no one can prove: compared against when the number matches nothing, so a missing number costs
    the same comparisons as a wrong second factor."""
    return Order(buyer_name="\x00" * 8, buyer_email="\x00@invalid", buyer_phone="\x00" * 11)


def _factors(texts: tuple[str, ...]) -> Factors:
    """Phones, e-mail addresses and the text a name may be in, once the order numbers are taken out (a phone
    pattern would read "20261201-0000012 010-1234-5678" as one number)."""
    rest = " | ".join(texts)
    emails = tuple(found.group(0).lower() for found in EMAIL.finditer(rest))
    rest = EMAIL.sub(" | ", rest)
    numbers = {number for text in texts for number in order_number_candidates(text)}
    for number in sorted(numbers, key=len, reverse=True):
        rest = rest.replace(number, " | ")
    written = (found.group(0) for found in PHONE.finditer(rest))
    phones = tuple(canonical_phone(phone) for phone in written if looks_like_phone(phone))
    name_text = _folded(PHONE.sub(" ", rest).replace("|", " "))
    return Factors(phones=phones, emails=emails, text=name_text)


def _folded(text: str) -> str:
    return "".join(text.split()).casefold()


def _same(given: str, stored: str) -> bool:
    return hmac.compare_digest(given.encode(), stored.encode())


def _proves(order: Order, factors: Factors) -> bool:
    """Every candidate is compared, matched or not: how long this takes says nothing about which matched."""
    phone = canonical_phone(order.buyer_phone) if order.buyer_phone else "\x00"
    email = order.buyer_email.lower() or "\x00"
    matched = False
    for given in factors.phones:
        matched |= _same(given, phone)
    for given in factors.emails:
        matched |= _same(given, email)
    return _name_in(factors.text, _folded(order.buyer_name)) | matched


def _name_in(text: str, name: str) -> bool:
    """The buyer's name anywhere in the message ("홍길동입니다", "이름은 홍길동"), compared at every position."""
    if len(name) < MIN_NAME_LETTERS:
        return False
    found = False
    for start in range(max(len(text) - len(name) + 1, 0)):
        found |= _same(text[start : start + len(name)], name)
    return found


def _view(order: Order) -> OrderView:
    current = refresh_if_stale(order)
    return OrderView(
        number=order.number,
        shop=order.shop.name,
        status=order.status,
        items=tuple(_item(line) for line in order.items),
        shipment=_latest_shipment(order.shipments),
        delivered_at=order.delivered_at,
        synced_at=order.synced_at,
        current=current,
    )


def _item(line: dict[str, Any]) -> tuple[str, str, int]:
    return (str(line.get("name", "")), str(line.get("option", "")), int(line.get("quantity", 1) or 1))


def _latest_shipment(shipments: list[dict[str, Any]]) -> Shipped | None:
    tracked = [shipment for shipment in shipments if shipment.get("tracking_number")]
    if not tracked:
        return None
    latest = max(enumerate(tracked), key=lambda pair: (str(pair[1].get("shipped_at") or ""), pair[0]))[1]
    carrier, number = str(latest.get("carrier", "")), str(latest["tracking_number"])
    return Shipped(carrier, number, str(latest.get("tracking_url") or "") or tracking_link(carrier, number))


# The carriers' own public tracking pages (the links shops and trackers commonly use; not checked from here),
# for a shipment the shop gave without a link.
TRACKING_PAGES = {
    "CJ대한통운": "https://trace.cjlogistics.com/next/tracking.html?wblNo={number}",
    "우체국택배": "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={number}",
    "한진택배": "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&schLang=KR&wblnumText2={number}",
    "롯데택배": "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo={number}",
    "로젠택배": "https://www.ilogen.com/web/personal/trace/{number}",
}
CARRIER_ALIASES = {"cj": "CJ대한통운", "대한통운": "CJ대한통운", "우체국": "우체국택배", "epost": "우체국택배"}
CARRIER_ALIASES |= {"한진": "한진택배", "hanjin": "한진택배", "롯데": "롯데택배", "lotte": "롯데택배"}
CARRIER_ALIASES |= {"로젠": "로젠택배", "logen": "로젠택배"}


def tracking_link(carrier: str, number: str) -> str:
    folded = carrier.replace(" ", "").casefold()
    name = next((full for alias, full in CARRIER_ALIASES.items() if alias in folded), carrier.replace(" ", ""))
    page = TRACKING_PAGES.get(name, "")
    digits = "".join(ch for ch in number if ch.isalnum())
    return page.format(number=digits) if page and digits else ""
