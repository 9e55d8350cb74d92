"""The header's find box: an exact reference opens the case, identifiers list their cases first, and
nothing outside the agent's scope is opened, listed or hinted at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from soridam.cases import actions
from soridam.cases.models import Case, Category
from soridam.customers.actions import Contact
from soridam.workspace.tests.conftest import HTMX

pytestmark = pytest.mark.django_db

SEARCH = "workspace:case_search"


def _results(page: str) -> str:
    """The results section alone: the query itself is echoed in the search fields and links."""
    start = page.index('<section id="case-search-results"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def open_case(teams: Any, django_capture_on_commit_callbacks: Any) -> Callable[..., Case]:
    def make(contact: Contact, category: str = "delivery", order_number: str = "", subject: str = "배송 문의") -> Case:
        new = actions.NewCase(
            subject=subject,
            body="상품이 오지 않아요.",
            contact=contact,
            category=Category.objects.get(slug=category),
            order_number=order_number,
        )
        with django_capture_on_commit_callbacks(execute=True):
            return actions.open_case(new)

    return make


@pytest.fixture
def gildong(open_case: Callable[..., Case]) -> Case:
    return open_case(
        Contact(name="홍길동", email="gildong@example.com", phone="010-1234-5678"), order_number="2026-1234"
    )


@pytest.fixture
def hidden(open_case: Callable[..., Case]) -> Case:
    """A Payments case: alice (Delivery) may not see it."""
    return open_case(Contact(name="이순신", email="sunsin@example.com", phone="010-5555-6666"), category="payment")


def test_every_workspace_page_has_the_find_box(alice_client: Client, gildong: Case) -> None:
    for url in (reverse("workspace:inbox"), reverse("workspace:case", args=[gildong.pk]), reverse(SEARCH)):
        page = alice_client.get(url).content.decode()
        assert 'id="workspace-search"' in page, url
        assert f'action="{reverse(SEARCH)}"' in page


def test_an_exact_reference_opens_the_case(alice_client: Client, gildong: Case) -> None:
    number = gildong.reference.rsplit("-", 1)[1]
    for typed in (gildong.reference, number, str(int(number)), f"  {gildong.reference.lower()} "):
        response = alice_client.get(reverse(SEARCH), {"q": typed})
        assert response.status_code == 302, typed
        assert response["Location"] == reverse("workspace:case", args=[gildong.pk])


def test_typing_a_reference_live_lists_the_case_instead_of_navigating(alice_client: Client, gildong: Case) -> None:
    headers = {**HTMX, "HTTP_HX_TARGET": "case-search-results"}
    response = alice_client.get(reverse(SEARCH), {"q": gildong.reference}, **headers)
    assert response.status_code == 200
    assert gildong.reference in response.content.decode()


def test_a_reference_out_of_scope_neither_opens_nor_shows(alice_client: Client, hidden: Case) -> None:
    for typed in (hidden.reference, hidden.reference.rsplit("-", 1)[1], "sunsin@example.com", "01055556666"):
        response = alice_client.get(reverse(SEARCH), {"q": typed})
        assert response.status_code == 200, typed
        results = _results(response.content.decode())
        assert "No cases found." in results or "사건이 없습니다" in results or "<tr>" not in results
        assert hidden.reference not in results
        assert "이순신" not in results


@pytest.mark.parametrize("typed", ["2026-1234", "2026-12", "gildong@example.com", "010-1234-5678", "+82 10 1234 5678"])
def test_identifiers_list_the_case_with_masked_contact_data(alice_client: Client, gildong: Case, typed: str) -> None:
    response = alice_client.get(reverse(SEARCH), {"q": typed})
    assert response.status_code == 200
    results = _results(response.content.decode())
    assert gildong.reference in results
    assert "gildong@example.com" not in results
    assert "01012345678" not in results
    assert "+8210****5678" in results  # as the privacy presenter shows a phone to an agent: E.164, masked


def test_identifier_matches_come_before_word_matches(
    alice_client: Client, open_case: Callable[..., Case], gildong: Case
) -> None:
    # This case's text holds the customer's name; gildong's case is the customer's own.
    mention = open_case(Contact(name="김민지", email="minji@example.kr"), subject="홍길동 고객님 관련 문의")
    page = alice_client.get(reverse(SEARCH), {"q": "홍길동"}).content.decode()
    assert gildong.reference in page
    assert mention.reference in page
    assert page.index(gildong.reference) < page.index(mention.reference)
