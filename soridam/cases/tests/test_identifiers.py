"""Cases found by what identifies them, and only among the cases the agent may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from soridam.accounts.models import User
from soridam.cases import actions
from soridam.cases.access import cases_visible_to
from soridam.cases.identifiers import find_by_identifiers, reference_candidates
from soridam.cases.models import Case, Category
from soridam.customers.actions import Contact

pytestmark = pytest.mark.django_db

OpenCase = Callable[..., Case]


@pytest.fixture
def open_case(teams: Any, django_capture_on_commit_callbacks: Any) -> OpenCase:
    def make(contact: Contact, *, category: str = "delivery", order_number: str = "") -> Case:
        new = actions.NewCase(
            subject="배송이 늦어요",
            body="주문한 상품이 오지 않습니다.",
            contact=contact,
            category=Category.objects.get(slug=category),
            order_number=order_number,
        )
        with django_capture_on_commit_callbacks(execute=True):
            return actions.open_case(new)

    return make


@pytest.fixture
def gildong(open_case: OpenCase) -> Case:
    """A Delivery case (alice's team) with every identifier filled in."""
    contact = Contact(name="홍길동", email="GilDong@Example.com", phone="010-1234-5678")
    return open_case(contact, order_number="2026-1234")


@pytest.fixture
def payments_case(open_case: OpenCase) -> Case:
    """A Payments case (bob's team, not alice's) with identifiers of its own."""
    contact = Contact(name="Emma Smith", email="emma@example.org", phone="+82 10-9876-5432")
    return open_case(contact, category="payment", order_number="2026-9999")


def _found(user: User, query: str) -> list[str]:
    return [case.reference for case in find_by_identifiers(query, cases_visible_to(user)).cases]


def _number(case: Case) -> str:
    return case.reference.rsplit("-", 1)[1]


def test_the_whole_reference_or_its_number_names_the_case(gildong: Case, alice: User) -> None:
    for typed in (gildong.reference, gildong.reference.lower(), _number(gildong), str(int(_number(gildong)))):
        match = find_by_identifiers(typed, cases_visible_to(alice))
        assert match.reference == gildong, typed
        assert [case.pk for case in match.cases] == [gildong.pk]


def test_a_reference_outside_the_agents_scope_is_not_found_at_all(
    gildong: Case, payments_case: Case, alice: User, bob: User
) -> None:
    for typed in (payments_case.reference, _number(payments_case)):
        match = find_by_identifiers(typed, cases_visible_to(alice))
        assert match.reference is None
        assert payments_case not in match.cases
    assert find_by_identifiers(gildong.reference, cases_visible_to(bob)).reference is None


def test_order_numbers_match_whole_or_by_their_beginning(gildong: Case, payments_case: Case, alice: User) -> None:
    assert _found(alice, "2026-1234") == [gildong.reference]
    assert _found(alice, "2026-12") == [gildong.reference]
    assert _found(alice, "2026-") == [gildong.reference]  # 2026-9999 belongs to another team
    assert _found(alice, "2026-9999") == []


def test_the_customer_email_finds_her_cases_whatever_its_case(gildong: Case, payments_case: Case, alice: User) -> None:
    assert _found(alice, "gildong@example.com") == [gildong.reference]
    assert _found(alice, "GILDONG@example.COM") == [gildong.reference]
    assert _found(alice, "emma@example.org") == []
    assert _found(alice, "gildong@example") == []  # an address is matched whole


@pytest.mark.parametrize(
    "typed", ["01012345678", "010-1234-5678", "+82 10-1234-5678", "+821012345678", "010 1234 5678"]
)
def test_the_customer_phone_in_any_format_finds_her_cases(
    typed: str, gildong: Case, payments_case: Case, alice: User
) -> None:
    assert _found(alice, typed) == [gildong.reference]


def test_another_teams_customer_phone_finds_nothing(payments_case: Case, alice: User, bob: User) -> None:
    assert _found(alice, "010-9876-5432") == []
    assert _found(bob, "010-9876-5432") == [payments_case.reference]


def test_part_of_a_korean_or_latin_name_finds_the_customers_cases(
    gildong: Case, payments_case: Case, alice: User, root: User
) -> None:
    assert _found(alice, "길동") == [gildong.reference]
    assert _found(alice, "홍길동") == [gildong.reference]
    assert _found(alice, "emma") == []
    assert _found(root, "emma") == [payments_case.reference]
    assert _found(root, "SMITH") == [payments_case.reference]


def test_the_reference_comes_before_other_matches(open_case: OpenCase, alice: User) -> None:
    first = open_case(Contact(name="김민지", email="minji@example.kr"))
    second = open_case(Contact(name="김민지", email="minji@example.kr"), order_number=first.reference)
    match = find_by_identifiers(first.reference, cases_visible_to(alice))
    assert match.reference == first
    assert [case.pk for case in match.cases] == [first.pk, second.pk]


def test_words_that_identify_nothing_find_nothing(gildong: Case, alice: User) -> None:
    assert _found(alice, "배송") == []
    assert _found(alice, "") == []


def test_a_bare_number_stands_for_that_number_in_every_year() -> None:
    assert reference_candidates("C-2026-301", 2026) == ["C-2026-000301"]
    candidates = reference_candidates("000301", 2026)
    assert "C-2025-000301" in candidates
    assert "C-2027-000301" in candidates
    assert reference_candidates("2026-1234", 2026) == []
    assert reference_candidates("0", 2026) == []


def test_only_a_whole_identifier_counts_as_one_names_alone_do_not(gildong: Case, alice: User) -> None:
    assert find_by_identifiers("010-1234-5678", cases_visible_to(alice)).identifier
    assert find_by_identifiers("2026-1234", cases_visible_to(alice)).identifier
    assert find_by_identifiers(gildong.reference, cases_visible_to(alice)).identifier
    assert not find_by_identifiers("길동", cases_visible_to(alice)).identifier  # a name may also be a word in a text
    assert not find_by_identifiers("010-0000-0000", cases_visible_to(alice)).identifier
