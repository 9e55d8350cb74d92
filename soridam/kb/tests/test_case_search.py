"""Agents search cases by words and filters; the results never hold a case they may not see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soridam.accounts.models import User
from soridam.cases.models import Case

pytestmark = pytest.mark.django_db


def _references(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("workspace:case_search"), params)
    assert response.status_code == 200, response.content.decode()[:500]
    page = response.content.decode()
    return [case.reference for case in Case.objects.all() if case.reference in page]


def test_an_agent_never_sees_another_teams_case_in_the_results(
    make_case: Callable[..., Case], alice_client: Client, bob_client: Client, root: User
) -> None:
    delivery = make_case("냉장고 환불 요청", "냉장고가 파손되어 환불을 원합니다.", category="delivery")
    payments = make_case("카드 환불 요청", "카드 결제를 환불해 주세요.", category="payment", email="lee@example.kr")
    assert delivery.team != payments.team

    assert _references(alice_client, q="환불") == [delivery.reference]
    assert _references(bob_client, q="환불") == [payments.reference]
    # Filtering by the other team cannot widen what an agent sees either.
    assert _references(alice_client, q="환불", team=str(payments.team_id)) == []
    admin = Client()
    admin.force_login(root)
    assert sorted(_references(admin, q="환불")) == sorted([delivery.reference, payments.reference])


def test_words_in_the_messages_find_the_case_not_only_the_subject(
    make_case: Callable[..., Case], alice_client: Client
) -> None:
    found = make_case("문의드립니다", "배송지를 잘못 입력했어요. 주소를 바꿔 주세요.")
    make_case("결제 문의", "영수증을 다시 보내 주세요.", email="park@example.kr")
    assert _references(alice_client, q="배송지") == [found.reference]


def test_filters_narrow_by_stage_channel_and_opening_date(make_case: Callable[..., Case], alice_client: Client) -> None:
    old = make_case("오래된 배송 문의", "배송이 늦어요", email="old@example.kr")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    new = make_case("새 배송 문의", "배송이 늦어요", email="new@example.kr")
    today = timezone.localdate().isoformat()

    assert _references(alice_client, q="배송", date_from=today) == [new.reference]
    assert _references(alice_client, date_to=(timezone.localdate() - timedelta(days=30)).isoformat()) == [old.reference]
    assert _references(alice_client, q="배송", stage="resolution") == []
    assert _references(alice_client, q="배송", channel="kakao") == []
    assert sorted(_references(alice_client, q="배송", channel="web", stage=new.stage)) == sorted(
        [old.reference, new.reference]
    )


def test_filters_alone_list_cases_newest_first_in_keyset_pages(
    make_case: Callable[..., Case], alice_client: Client
) -> None:
    made = [make_case(f"배송 문의 {n}", "늦어요", email=f"c{n}@example.kr") for n in range(27)]
    first = alice_client.get(reverse("workspace:case_search"), {"channel": "web"}).content.decode()
    assert made[-1].reference in first
    assert made[0].reference not in first
    assert "cursor=" in first


def test_a_forged_cursor_or_reversed_dates_answer_400(alice_client: Client) -> None:
    url = reverse("workspace:case_search")
    assert alice_client.get(url, {"cursor": "not-a-cursor"}).status_code == 400
    assert alice_client.get(url, {"date_from": "2026-05-02", "date_to": "2026-05-01"}).status_code == 400


def test_case_search_is_for_staff_only(client: Client, db: None) -> None:
    response = client.get(reverse("workspace:case_search"), {"q": "환불"})
    assert response.status_code == 302
