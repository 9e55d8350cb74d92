"""What the 360 panel and the customer API know about a customer (R-CRM-1, R-CRM-3), one query per part.

The values here are as stored, phones already in E.164; masking is the presenter's job on each surface
(``soridam.privacy.presenter``). Access is the caller's: load the customer through ``access_customer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from soridam.cases.models import Case, Status
from soridam.channels.kinds import Channel
from soridam.customers.models import CustomerNote, Identity
from soridam.customers.phones import e164
from soridam.orders.models import Order

PHONE_KINDS = (Channel.SMS, Channel.PHONE)
# Kakao keeps two ids per user on one channel (``channels.kakao.transport``): the prefix names which.
_KAKAO_PREFIXES = {"plusfriend:": "kakao_plusfriend", "app:": "kakao_app"}
RECENT_ORDERS = 10
RECENT_NOTES = 5


@dataclass(frozen=True)
class IdentityView:
    kind: str  # a channel, ``kakao_plusfriend``/``kakao_app`` for Kakao's other keys, or ``shop``
    value: str  # a phone in E.164; a shop id as ``<shop slug>:<id>``
    verified: bool


@dataclass(frozen=True)
class RepeatContact:
    category_slug: str
    name_ko: str
    name_en: str
    count: int
    days: int

    def category_name(self, language: str) -> str:
        return self.name_ko if language.startswith("ko") else self.name_en


def identity_view(channel: str, external_id: str, verified: bool) -> IdentityView:
    if channel in PHONE_KINDS:
        return IdentityView(channel, e164(external_id), verified)
    if channel == Channel.KAKAO:
        for prefix, kind in _KAKAO_PREFIXES.items():
            if external_id.startswith(prefix):
                return IdentityView(kind, external_id.removeprefix(prefix), verified)
    return IdentityView(channel, external_id, verified)


def identities_of(customer_id: int) -> list[IdentityView]:
    rows = Identity.objects.filter(customer_id=customer_id).order_by("channel", "id")
    return [identity_view(row.channel, row.external_id, row.verified) for row in rows]


def recent_orders(customer_id: int, limit: int = RECENT_ORDERS) -> list[Order]:
    """Newest first, each with its shop (whose ``unavailable_since`` says the list may be stale)."""
    return list(Order.objects.filter(customer_id=customer_id).select_related("shop")[:limit])


def recent_notes(customer_id: int, limit: int = RECENT_NOTES) -> list[CustomerNote]:
    return list(
        CustomerNote.objects.filter(customer_id=customer_id)
        .select_related("author")
        .order_by("-created_at", "-id")[:limit]
    )


def repeat_contact(customer_id: int) -> RepeatContact | None:
    """The category with the most of the customer's cases in the window, if they reach the threshold
    (``SORIDAM_REPEAT_CONTACT_CASES`` cases within ``SORIDAM_REPEAT_CONTACT_DAYS`` days; seed 001).

    Every case of the customer counts, also those of teams the reader cannot see (the flag says how often the
    person wrote, not what about); merged duplicates and spam do not.
    """
    days = settings.SORIDAM_REPEAT_CONTACT_DAYS
    since = timezone.now() - timedelta(days=days)
    top = (
        Case.objects.filter(customer_id=customer_id, created_at__gte=since, category__isnull=False)
        .exclude(status__in=(Status.MERGED, Status.SPAM))
        .values("category_id", "category__slug", "category__name_ko", "category__name_en")
        .annotate(count=Count("id"))
        .filter(count__gte=settings.SORIDAM_REPEAT_CONTACT_CASES)
        .order_by("-count", "category_id")
        .first()
    )
    if top is None:
        return None
    names = (top["category__name_ko"], top["category__name_en"])
    return RepeatContact(top["category__slug"], *names, count=top["count"], days=days)
