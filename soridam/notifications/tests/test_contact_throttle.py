"""The per-contact throttle read for a whole delivery batch at once (``contact_rules.SentWithinHour``): the
same release for every contact as reading each alone, in two queries however many contacts the batch holds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from soridam.cases.models import Case
from soridam.customers.models import Customer
from soridam.followup.models import Campaign, CampaignMessage, CampaignState
from soridam.notifications import contact_rules
from soridam.notifications.models import DeliveryState, NotificationKind, OutboundMessage

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 8, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))


def _sent(case: Case, recipient: str, minutes_ago: int, kind: str = NotificationKind.CASE_OPENED) -> None:
    at = NOW - timedelta(minutes=minutes_ago)
    OutboundMessage.objects.create(case=case, kind=kind, recipient=recipient, state=DeliveryState.SENT, sent_at=at)


def _advertised(recipient: str, minutes_ago: int) -> None:
    campaign = Campaign.objects.create(name="세일", subject="세일", body="세일")
    customer = Customer.objects.create(name="이서연", email=recipient)
    CampaignMessage.objects.create(
        campaign=campaign,
        customer=customer,
        recipient=recipient,
        state=CampaignState.SENT,
        sent_at=NOW - timedelta(minutes=minutes_ago),
    )


def test_one_read_of_many_contacts_gives_each_the_release_of_reading_it_alone(
    settings: Any, make_case: Callable[..., Case], django_assert_num_queries: Any
) -> None:
    settings.SORIDAM_CONTACT_THROTTLE = 2
    case = make_case(subject="배송 문의")
    _sent(case, "full@example.kr", 50)
    _sent(case, "full@example.kr", 10)
    _sent(case, "one@example.kr", 30)
    _sent(case, "old@example.kr", 90)  # outside the hour
    _sent(case, "old@example.kr", 70)
    _sent(case, "replied@example.kr", 5, NotificationKind.AGENT_REPLY)  # a person's reply is not counted
    _sent(case, "replied@example.kr", 4, NotificationKind.AGENT_REPLY)
    _sent(case, "mixed@example.kr", 40)
    _advertised("mixed@example.kr", 20)  # advertising counts too
    contacts = ["full@example.kr", "one@example.kr", "old@example.kr", "replied@example.kr", "mixed@example.kr"]
    contacts += [f"new{n}@example.kr" for n in range(20)]

    with django_assert_num_queries(2):
        hour = contact_rules.SentWithinHour(contacts, NOW)

    assert hour.release("full@example.kr") == NOW + timedelta(minutes=10)  # the older of the two turns an hour
    assert hour.release("one@example.kr") is None
    assert hour.release("one@example.kr", also_sent=1) == NOW + timedelta(minutes=30)
    assert hour.release("old@example.kr") is None
    assert hour.release("replied@example.kr") is None
    assert hour.release("mixed@example.kr") == NOW + timedelta(minutes=20)
    assert hour.release("new7@example.kr", also_sent=2) == NOW + timedelta(hours=1)  # full with the batch alone
    for contact in contacts:
        for also_sent in (0, 1, 2):
            alone = contact_rules.throttle_release(contact, NOW, also_sent=also_sent)
            assert hour.release(contact, also_sent=also_sent) == alone
