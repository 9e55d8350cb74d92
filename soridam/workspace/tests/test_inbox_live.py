"""The live inbox: a cheap "changed since" poll that only says yes for cases the agent may see."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from soridam.accounts.models import Team, User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.workspace.tests.conftest import HTMX

pytestmark = pytest.mark.django_db


def _poll_url(client: Client, path: str = "/workspace/") -> str:
    page = client.get(path).content.decode()
    found = re.search(r'hx-get="(/workspace/inbox/changed/\?since=\d+)"', page)
    assert found is not None
    return found.group(1)


def _age(case: Case, seconds: int) -> None:
    """As if the case was last touched a while ago (the stamp keeps a few seconds' margin for commits)."""
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


def test_the_poll_says_changed_only_after_a_visible_case_changes(
    alice: User, alice_client: Client, make_case: Callable[..., Case], django_assert_max_num_queries: Any
) -> None:
    case = make_case()
    _age(case, 60)
    poll = _poll_url(alice_client)

    with django_assert_max_num_queries(4):  # session, user, teams, the one-row query
        quiet = alice_client.get(poll, **HTMX)
    assert quiet.status_code == 204

    actions.change_priority(case, "high", actor=Actor(user=alice))
    changed = alice_client.get(poll, **HTMX)
    assert changed.status_code == 200
    assert changed["HX-Trigger"] == "inbox-changed"

    # The list the page then fetches shows the change, and carries a new stamp that is quiet again later.
    _age(case, 60)
    assert alice_client.get(_poll_url(alice_client), **HTMX).status_code == 204


def test_a_change_the_agent_may_not_see_does_not_refresh(
    bob_client: Client, teams: dict[str, Team], make_case: Callable[..., Case], alice: User
) -> None:
    delivery_case = make_case()
    actions.change_team(delivery_case, teams["delivery"], actor=Actor(user=alice))
    _age(delivery_case, 60)
    poll = _poll_url(bob_client)  # bob is in payments: the delivery case is not his to see

    actions.change_priority(delivery_case, "high", actor=Actor(user=alice))

    assert bob_client.get(poll, **HTMX).status_code == 204


def test_a_bad_stamp_is_a_clear_400(alice_client: Client) -> None:
    response = alice_client.get("/workspace/inbox/changed/?since=yesterday")
    assert response.status_code == 400
    assert alice_client.get("/workspace/inbox/changed/?since=-5").status_code == 400


def test_the_refresh_fetches_the_same_list_as_a_partial(alice_client: Client, make_case: Callable[..., Case]) -> None:
    make_case(subject="첫 번째 문의")
    page = alice_client.get("/workspace/?view=open").content.decode()
    refresh = re.search(r'hx-get="([^"]+)" hx-trigger="inbox-refresh', page)
    assert refresh is not None
    url = refresh.group(1).replace("&amp;", "&")
    partial = alice_client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="inbox")
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "첫 번째 문의" in body
    assert "<html" not in body
    assert partial["HX-Push-Url"] == "/workspace/"  # the address bar keeps the list's own address
