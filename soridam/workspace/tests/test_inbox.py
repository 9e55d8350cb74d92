from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.lib.keyset import encode_cursor
from soridam.workspace.inbox import InboxQuery, InvalidInboxQuery, parse_inbox_query
from soridam.workspace.tests.conftest import HTMX

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"C-\d{4}-\d{6}")


def references(response: Any) -> list[str]:
    return re.findall(r'class="case-link">(C-\d{4}-\d{6})</a>', response.content.decode())


def next_link(response: Any) -> str:
    match = re.search(r'<a rel="next" href="([^"]+)"', response.content.decode())
    assert match is not None
    return unescape(match.group(1))


def test_alice_sees_her_teams_case_but_not_a_payments_case(
    alice_client: Client, make_case: Callable[..., Case]
) -> None:
    delivery = make_case(subject="Parcel is late")
    payments = make_case(subject="Charged twice", category="payment")
    response = alice_client.get("/workspace/")
    assert response.status_code == 200
    assert references(response) == [delivery.reference]
    page = response.content.decode()
    assert f'<a href="/workspace/cases/{delivery.pk}/" class="case-link">{delivery.reference}</a>' in page
    assert "Parcel is late" in page
    assert payments.reference not in page
    assert "Charged twice" not in page


def test_inbox_row_shows_customer_category_priority_stage_status_and_assignee(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case(name="Kim Minji", priority="urgent")
    actions.assign(case, alice, actor=Actor(user=alice))
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(alice)
    alice.language = "en"
    alice.save()
    html = page.get("/workspace/").content.decode()
    for text in ("Kim Minji", "Delivery", '<span class="badge badge-urgent">Urgent</span>', "Intake", "Open", "alice"):
        assert text in html


def test_views_mine_team_and_unassigned(
    alice: User, lena: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    mine = make_case(subject="mine")
    lenas = make_case(subject="lenas")
    nobody = make_case(subject="nobody")
    no_team = make_case(subject="no team", category="other")
    actions.assign(mine, alice, actor=Actor(user=alice))
    actions.assign(lenas, lena, actor=Actor(user=lena))
    assert no_team.team is None
    assert references(alice_client.get("/workspace/?view=mine")) == [mine.reference]
    assert set(references(alice_client.get("/workspace/?view=team"))) == {
        mine.reference,
        lenas.reference,
        nobody.reference,
    }
    assert set(references(alice_client.get("/workspace/?view=unassigned"))) == {nobody.reference, no_team.reference}
    assert len(references(alice_client.get("/workspace/?view=open"))) == 4


def test_inbox_shows_open_and_waiting_cases_by_default_and_other_statuses_on_request(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    open_case, waiting, solved = make_case(), make_case(), make_case()
    actions.change_status(waiting, "waiting", actor=Actor(user=alice))
    actions.change_status(solved, "solved", actor=Actor(user=alice))
    assert set(references(alice_client.get("/workspace/"))) == {open_case.reference, waiting.reference}
    assert references(alice_client.get("/workspace/?status=solved")) == [solved.reference]
    assert len(references(alice_client.get("/workspace/?status=all"))) == 3


def test_filters_by_stage_priority_channel_and_category(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    investigated = make_case()
    actions.change_stage(investigated, "investigation", actor=Actor(user=alice))
    urgent = make_case(priority="urgent")
    by_mail = make_case(channel="email")
    product = make_case(category="product")
    assert references(alice_client.get("/workspace/?stage=investigation")) == [investigated.reference]
    assert references(alice_client.get("/workspace/?priority=urgent")) == [urgent.reference]
    assert references(alice_client.get("/workspace/?channel=email")) == [by_mail.reference]
    assert references(alice_client.get("/workspace/?category=product")) == [product.reference]
    assert references(alice_client.get("/workspace/?category=product&priority=urgent")) == []


def test_sort_by_created_oldest_first(alice_client: Client, make_case: Callable[..., Case]) -> None:
    first, second, third = make_case(), make_case(), make_case()
    actions.change_priority(first, "high", actor=Actor(system="test"))  # first is now the latest updated
    assert references(alice_client.get("/workspace/")) == [first.reference, third.reference, second.reference]
    assert references(alice_client.get("/workspace/?sort=created_asc")) == [
        first.reference,
        second.reference,
        third.reference,
    ]
    assert references(alice_client.get("/workspace/?sort=updated_asc"))[0] == second.reference


@pytest.mark.parametrize(
    "params",
    ["status=bogus", "view=everything", "sort=random", "stage=done", "category=nope", "cursor=%%%", "cursor=WzEsMl0"],
)
def test_bad_parameters_get_a_clear_400_not_a_server_error(
    alice_client: Client, make_case: Callable[..., Case], params: str
) -> None:
    make_case()
    response = alice_client.get(f"/workspace/?{params}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert not REFERENCE.search(html.split('role="alert"')[1])


def test_cursor_with_a_huge_row_id_is_refused(alice_client: Client) -> None:
    from datetime import UTC, datetime

    cursor = encode_cursor(datetime(2026, 1, 1, tzinfo=UTC), 10**30)
    assert alice_client.get(f"/workspace/?cursor={cursor}").status_code == 400


def test_unknown_parameter_names_are_ignored(alice_client: Client, make_case: Callable[..., Case]) -> None:
    case = make_case()
    assert references(alice_client.get("/workspace/?utm_source=mail")) == [case.reference]


def test_parse_inbox_query_reads_every_filter() -> None:
    query = parse_inbox_query(
        {
            "view": "mine",
            "status": "all",
            "channel": "kakao",
            "priority": "high",
            "category": "delivery",
            "stage": "resolution",
            "sort": "created_asc",
        },
        ["delivery"],
    )
    assert query == InboxQuery("mine", "all", "kakao", "high", "delivery", "resolution", "created_asc", "")
    assert query.url_params(view="team") == (
        "view=team&status=all&channel=kakao&priority=high&category=delivery&stage=resolution&sort=created_asc"
    )
    assert InboxQuery().url_params() == ""
    with pytest.raises(InvalidInboxQuery):
        parse_inbox_query({"priority": "highest"}, [])


def test_htmx_request_gets_only_the_inbox_fragment(alice_client: Client, make_case: Callable[..., Case]) -> None:
    case = make_case()
    response = alice_client.get("/workspace/?view=open", HTTP_HX_TARGET="inbox", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="inbox"')
    assert "<html" not in html
    assert case.reference in html
    assert "HX-Request" in response["Vary"]


def test_htmx_filter_change_pushes_a_short_url(alice_client: Client) -> None:
    params = "view=open&status=active&stage=&channel=&priority=urgent&category=&sort=updated_desc"
    response = alice_client.get(f"/workspace/?{params}", HTTP_HX_TARGET="inbox", **HTMX)
    assert response["HX-Push-Url"] == "/workspace/?priority=urgent"
    assert alice_client.get("/workspace/?status=bogus", HTTP_HX_TARGET="inbox", **HTMX)["HX-Push-Url"] == "false"


def test_htmx_history_restore_gets_the_whole_page(alice_client: Client) -> None:
    response = alice_client.get("/workspace/", HTTP_HX_TARGET="inbox", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert "<html" in response.content.decode()


def test_keyset_page_two_via_the_cursor_has_no_overlap_with_page_one(
    alice_client: Client, make_case: Callable[..., Case]
) -> None:
    cases = [make_case(subject=f"case {n}") for n in range(30)]
    first = alice_client.get("/workspace/?sort=created_asc")
    page_one = references(first)
    assert page_one == [case.reference for case in cases[:25]]
    link = next_link(first)
    assert "cursor=" in link
    assert "sort=created_asc" in link
    second = alice_client.get(f"/workspace/{link}")
    page_two = references(second)
    assert page_two == [case.reference for case in cases[25:]]
    assert not set(page_one) & set(page_two)
    assert 'rel="next"' not in second.content.decode()


def test_keyset_pages_walk_the_default_order_without_gaps(alice_client: Client, make_case: Callable[..., Case]) -> None:
    cases = [make_case() for _ in range(27)]
    first = alice_client.get("/workspace/")
    second = alice_client.get(f"/workspace/{next_link(first)}")
    seen = references(first) + references(second)
    assert seen == [case.reference for case in reversed(cases)]


@pytest.mark.parametrize("count", [5, 50])
def test_inbox_query_count_does_not_grow_with_rows(
    alice: User,
    alice_client: Client,
    make_case: Callable[..., Case],
    django_assert_max_num_queries: Any,
    count: int,
) -> None:
    for n in range(count):
        case = make_case(subject=f"case {n}")
        actions.assign(case, alice, actor=Actor(user=alice))
    # Session, user, teams, categories, the page of cases, the bulk toolbar's assignee and team options, the
    # header's presence, the saved views and one query for every view's capped count.
    with django_assert_max_num_queries(10):
        response = alice_client.get("/workspace/")
    assert len(references(response)) == min(count, 25)
    assert response.content.decode().count('class="bulk-pick"') == min(count, 25)
