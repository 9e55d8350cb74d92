"""Advertising (R-FOLLOW-6, SPEC §5.5) and the per-contact throttle, tested with frozen time: a message at
22:00 KST without night consent is held until 08:00, then goes with "(광고)" first and the opt-out; with
night consent it goes at once; without advertising consent it is never sent."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from soridam.audit.actors import SYSTEM
from soridam.cases.models import Case
from soridam.customers.models import Customer
from soridam.followup import campaigns
from soridam.followup.models import Campaign, CampaignMessage, CampaignState, MarketingConsent
from soridam.followup.tasks import send_campaign_messages
from soridam.notifications.models import DeliveryState, NotificationKind, OutboundMessage
from soridam.notifications.tasks import deliver_outbound

pytestmark = pytest.mark.django_db
KST = ZoneInfo("Asia/Seoul")
NIGHT = datetime(2026, 12, 8, 22, 0, tzinfo=KST)
MORNING = datetime(2026, 12, 9, 8, 0, tzinfo=KST)


def _customer(email: str, *, advertising: bool = True, night: bool = False) -> Customer:
    customer = Customer.objects.create(name="이서연", email=email)
    if advertising:
        MarketingConsent.objects.create(
            customer=customer, advertising_at=datetime(2026, 1, 1, tzinfo=KST), night_at=NIGHT if night else None
        )
    return customer


def _campaign() -> Campaign:
    return Campaign.objects.create(name="겨울 세일", subject="겨울 세일 20%", body="이번 주 모든 상품 20% 할인!")


def _ads_to(email: str) -> list[Any]:
    return [message for message in mail.outbox if message.to == [email]]


def test_advertising_at_22_without_night_consent_is_held_until_08_then_sent_labelled_with_opt_out(
    at: Callable[[datetime], Any],
) -> None:
    at(NIGHT)
    _customer("day@example.kr")
    campaigns.start_campaign(_campaign(), actor=SYSTEM)
    send_campaign_messages.call()
    held = CampaignMessage.objects.get()
    assert held.state == CampaignState.HELD
    assert held.due_at == MORNING
    assert _ads_to("day@example.kr") == []
    at(datetime(2026, 12, 9, 7, 59, tzinfo=KST))
    assert send_campaign_messages.call() == 0
    assert _ads_to("day@example.kr") == []
    at(MORNING)
    assert send_campaign_messages.call() == 1
    [sent] = _ads_to("day@example.kr")
    assert sent.subject.startswith("(광고) ")
    assert sent.body.startswith("(광고) 이번 주 모든 상품 20% 할인!")
    assert re.search(r"/ad-opt-out/\S+/", sent.body)
    assert send_campaign_messages.call() == 0  # sent once


def test_advertising_with_night_consent_goes_at_once(at: Callable[[datetime], Any]) -> None:
    at(NIGHT)
    _customer("night@example.kr", night=True)
    campaigns.start_campaign(_campaign(), actor=SYSTEM)
    assert send_campaign_messages.call() == 1
    assert len(_ads_to("night@example.kr")) == 1
    assert CampaignMessage.objects.get().sent_at == NIGHT


def test_advertising_without_consent_is_never_sent(at: Callable[[datetime], Any]) -> None:
    at(NIGHT)
    _customer("none@example.kr", advertising=False)
    campaigns.start_campaign(_campaign(), actor=SYSTEM)
    at(MORNING)
    send_campaign_messages.call()
    assert _ads_to("none@example.kr") == []
    assert not CampaignMessage.objects.exists()


def test_opt_out_records_the_withdrawal_and_a_held_message_is_then_never_sent(
    client: Client, at: Callable[[datetime], Any]
) -> None:
    at(datetime(2026, 12, 8, 10, 0, tzinfo=KST))
    customer = _customer("optout@example.kr")
    campaigns.start_campaign(_campaign(), actor=SYSTEM)
    send_campaign_messages.call()
    path = re.search(r"https?://[^/\s]+(/ad-opt-out/\S+/)", _ads_to("optout@example.kr")[0].body)
    assert path is not None
    assert client.get(path.group(1)).status_code == 200
    assert MarketingConsent.objects.get(customer=customer).advertising  # opening the link changes nothing
    at(NIGHT)
    later = Campaign.objects.create(name="두 번째", subject="또 세일", body="또!")
    campaigns.start_campaign(later, actor=SYSTEM)
    send_campaign_messages.call()  # held until 08:00
    assert client.post(path.group(1)).status_code == 200
    consent = MarketingConsent.objects.get(customer=customer)
    assert consent.withdrawn_at == NIGHT
    assert not consent.advertising
    at(MORNING)
    send_campaign_messages.call()
    assert len(_ads_to("optout@example.kr")) == 1
    assert CampaignMessage.objects.get(campaign=later).state == CampaignState.SKIPPED
    assert client.get("/ad-opt-out/forged/").status_code == 404


def test_service_messages_over_the_contact_throttle_are_delayed_not_dropped(
    settings: Any,
    make_case: Callable[..., Case],
    at: Callable[[datetime], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SORIDAM_CONTACT_THROTTLE = 2
    at(datetime(2026, 12, 8, 10, 0, tzinfo=KST))
    for number in range(3):  # three acknowledgements to one address within the hour
        make_case(subject=f"문의 {number}")
    acks = OutboundMessage.objects.filter(kind=NotificationKind.CASE_OPENED).order_by("pk")
    assert [row.state for row in acks] == [DeliveryState.SENT, DeliveryState.SENT, DeliveryState.QUEUED]
    third = acks[2]
    assert third.attempts == 0  # the hold costs no attempt
    assert third.next_attempt_at == datetime(2026, 12, 8, 11, 0, tzinfo=KST)
    at(datetime(2026, 12, 8, 11, 0, tzinfo=KST))
    deliver_outbound.call(third.pk)
    third.refresh_from_db()
    assert third.state == DeliveryState.SENT
