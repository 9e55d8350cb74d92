"""The customer panel on the case page (issue 11): other cases, channels and identities, the last rating."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.customers.models import Identity
from soridam.followup.models import Survey
from soridam.policy.models import Remedy
from soridam.workspace import customer_panel
from soridam.workspace.tests.budgets import CUSTOMER_PANEL_QUERIES

pytestmark = pytest.mark.django_db


def panel(client: Client, case: Case) -> str:
    html = client.get(f"/workspace/cases/{case.pk}/customer/").content.decode()
    match = re.search(r'<section aria-labelledby="customer-panel-title".*?</section>', html, re.S)
    assert match is not None
    return match.group(0)


def answer_survey(case: Case, rating: int, comment: str, days_ago: int = 0) -> Survey:
    now = timezone.now() - timedelta(days=days_ago)
    return Survey.objects.create(
        case=case, expires_at=now + timedelta(days=7), rating=rating, comment=comment, answered_at=now
    )


def test_panel_lists_the_customers_other_cases_but_not_those_out_of_scope(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    earlier = make_case(subject="지난번 배송 문의")
    solved = make_case(subject="교환 요청", category="product")
    actions.change_status(solved, "solved", actor=Actor(user=alice))
    payments = make_case(subject="이중 결제", category="payment")  # Payments team: not alice's
    stranger = make_case(subject="남의 문의", email="lee@example.kr", name="이서연")
    current = make_case(subject="오늘 문의")
    html = panel(alice_client, current)
    assert earlier.reference in html
    assert solved.reference in html
    assert html.index(solved.reference) < html.index(earlier.reference)  # newest first
    assert "해결" in html or "Solved" in html
    assert payments.reference not in html
    assert "이중 결제" not in html
    assert stranger.reference not in html
    assert current.reference not in html


def test_panel_shows_at_most_ten_other_cases(alice_client: Client, make_case: Callable[..., Case]) -> None:
    older = [make_case(subject=f"문의 {n}") for n in range(12)]
    html = panel(alice_client, make_case())
    shown = re.findall(r"C-\d{4}-\d{6}", html)
    assert shown == [case.reference for case in reversed(older)][:10]


def test_identities_are_masked_by_the_privacy_presenter(alice_client: Client, make_case: Callable[..., Case]) -> None:
    case = make_case(email="gildong@example.kr")
    Identity.objects.create(customer=case.customer, channel="sms", external_id="010-1234-5678")
    Identity.objects.create(customer=case.customer, channel="kakao", external_id="kakao-user-771")
    html = panel(alice_client, case)
    assert "gildong@example.kr" not in html
    assert "010-1234-5678" not in html
    assert "kakao-user-771" in html  # a messenger id is no personal data the masking rules know
    assert "문자:" in html
    assert "카카오톡:" in html
    assert html.count("<li>") >= 3


def test_last_answered_survey_shows_its_score_and_masked_comment(
    alice_client: Client, make_case: Callable[..., Case]
) -> None:
    old, recent, other_team = make_case(), make_case(), make_case(category="payment")
    answer_survey(old, 5, "아주 좋아요", days_ago=10)
    answer_survey(recent, 2, "느렸어요. 연락은 010-9876-5432 로", days_ago=1)
    answer_survey(other_team, 1, "결제팀 불만")  # newest, but alice may not see that case
    Survey.objects.create(case=make_case(), expires_at=timezone.now() + timedelta(days=7))  # never answered
    html = panel(alice_client, make_case())
    assert "<strong>5점 만점에 2점</strong>" in html
    assert recent.reference in html
    assert "느렸어요" in html
    assert "010-9876-5432" not in html
    assert "결제팀 불만" not in html
    assert "아주 좋아요" not in html


def test_panel_without_history_says_so(alice_client: Client, make_case: Callable[..., Case]) -> None:
    html = panel(alice_client, make_case())
    assert not re.search(r"C-\d{4}-\d{6}", html)
    assert 'class="customer-last-rating"' not in html


def test_panel_costs_the_same_queries_however_long_the_history(
    alice: User, alice_client: Client, make_case: Callable[..., Case], django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        answer_survey(make_case(subject=f"문의 {n}"), 4, "좋아요")
    case = make_case()
    # Session, user, the agent's teams, the case with its customer, then the panel's other cases (with the last
    # survey), identities, orders (with their shops), notes, tags, repeat-contact flag, churn counts (one
    # statement) and remedies of 12 months: one query each.
    with django_assert_max_num_queries(CUSTOMER_PANEL_QUERIES):
        assert alice_client.get(f"/workspace/cases/{case.pk}/customer/").status_code == 200


def test_the_case_page_loads_the_panel_after_itself_and_links_the_customer_page(
    alice_client: Client, make_case: Callable[..., Case]
) -> None:
    make_case(subject="지난번 배송 문의")
    case = make_case()
    html = alice_client.get(f"/workspace/cases/{case.pk}/").content.decode()
    slot = re.search(r'<section aria-labelledby="customer-panel-title".*?</section>', html, re.S)
    assert slot is not None
    assert f'hx-get="/workspace/cases/{case.pk}/customer/" hx-trigger="load"' in slot.group(0)
    assert f'href="/workspace/customers/{case.customer_id}/"' in slot.group(0)  # without JavaScript
    assert "지난번 배송 문의" not in html
    assert "지난번 배송 문의" in panel(alice_client, case)


def test_another_teams_case_panel_is_404(
    alice_client: Client, bob_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()  # a delivery case: bob works in payments
    assert alice_client.get(f"/workspace/cases/{case.pk}/customer/").status_code == 200
    response = bob_client.get(f"/workspace/cases/{case.pk}/customer/")
    assert response.status_code == 404
    assert case.customer.name not in response.content.decode()


@pytest.mark.parametrize("read_whole", [True, False], ids=["history-read-whole", "history-past-the-cap"])
def test_panel_shows_only_visible_cases_tags_rating_and_remedies_whether_or_not_it_read_them_all(
    read_whole: bool,
    alice: User,
    alice_client: Client,
    make_case: Callable[..., Case],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Past VISIBLE_CASES_READ the panel asks the visibility sub-select instead of the ids it read: same answer.
    monkeypatch.setattr(customer_panel, "VISIBLE_CASES_READ", 200 if read_whole else 2)
    seen, unseen = make_case(), make_case(category="payment")  # the Payments team's case: not alice's
    actions.add_tag(seen, "재배송", actor=Actor(user=alice))
    actions.add_tag(unseen, "이중결제", actor=Actor(user=alice))
    answer_survey(seen, 3, "보통", days_ago=2)
    answer_survey(unseen, 1, "결제팀 불만", days_ago=1)
    for case, amount in ((seen, 7000), (unseen, 9000)):
        Remedy.objects.create(
            case=case,
            customer=case.customer,
            kind="voucher",
            amount=amount,
            state="executed",
            idempotency_key=f"k{amount}",
        )
    current = make_case()
    html = panel(alice_client, current)
    assert "<li>재배송</li>" in html
    assert "이중결제" not in html
    assert "<strong>5점 만점에 3점</strong>" in html
    assert "결제팀 불만" not in html
    assert seen.reference in html
    assert unseen.reference not in html
    assert "7,000 KRW" in html
    assert "9,000 KRW" not in html
