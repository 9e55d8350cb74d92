"""Counts beside every inbox view, and saved views (issue 11, "Views")."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Category
from soridam.lib.counts import capped_counts
from soridam.saved_views.models import SavedView
from soridam.workspace import inbox_views
from soridam.workspace.inbox_views import count_label

pytestmark = pytest.mark.django_db


def counts(html: str) -> dict[str, str]:
    """The count shown beside each built-in view, by view name."""
    found = re.findall(r'data-view="(\w+)"[^>]*>\s*[^<]*<span class="view-count"[^>]*>([^<]+)</span>', html)
    return dict(found)


def saved_counts(html: str) -> dict[str, str]:
    found = re.findall(r'data-saved-view="(\d+)".*?<span class="view-count"[^>]*>([^<]+)</span>', html, re.S)
    return dict(found)


def references(response: Any) -> list[str]:
    return re.findall(r'class="case-link">(C-\d{4}-\d{6})</a>', response.content.decode())


def test_counts_are_the_real_numbers_within_the_agents_scope(
    alice: User, bob: User, alice_client: Client, bob_client: Client, make_case: Callable[..., Case]
) -> None:
    mine = make_case()
    make_case()
    make_case(category="other")  # no team yet: every agent sees it
    actions.assign(mine, alice, actor=Actor(user=alice))
    for _ in range(3):
        make_case(category="payment")  # Payments: bob's team, not alice's
    solved = make_case()
    actions.change_status(solved, "solved", actor=Actor(user=alice))

    alice_counts = counts(alice_client.get("/workspace/").content.decode())
    assert alice_counts | {"needs_review": ""} == {
        "open": "3",
        "mine": "1",
        "team": "2",
        "unassigned": "2",
        "needs_review": "",
    }
    bob_counts = counts(bob_client.get("/workspace/").content.decode())
    assert bob_counts | {"needs_review": ""} == {
        "open": "4",
        "mine": "0",
        "team": "3",
        "unassigned": "4",
        "needs_review": "",
    }
    for client, shown in ((alice_client, alice_counts), (bob_client, bob_counts)):
        for view, count in shown.items():  # each count is the length of the list it links to
            assert count == str(len(references(client.get(f"/workspace/?view={view}")))), view


def test_a_count_stops_at_the_cap_and_reads_999_plus(
    alice: User, alice_client: Client, make_case: Callable[..., Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(4):
        make_case()
    assert count_label(999) == "999"
    assert count_label(1000) == "999+"
    monkeypatch.setattr(inbox_views, "COUNT_CAP", 3)
    assert counts(alice_client.get("/workspace/").content.decode())["open"] == "2+"


def test_capped_counts_run_one_query_and_stop_at_the_cap(
    alice: User, make_case: Callable[..., Case], django_assert_num_queries: Any
) -> None:
    for _ in range(5):
        make_case()
    everything = Case.objects.all()
    with django_assert_num_queries(1):
        assert capped_counts([everything, everything.filter(priority="urgent"), everything], 3) == [3, 0, 3]
    assert capped_counts([everything], 100) == [5]
    assert capped_counts([everything.none(), everything.filter(team_id__in=[]), everything], 10) == [0, 0, 5]
    assert capped_counts([], 10) == []


def test_admin_sees_counts_over_every_case_and_an_empty_team_view(root: User, make_case: Callable[..., Case]) -> None:
    make_case(), make_case(category="payment")
    client = Client()
    client.force_login(root)
    shown = counts(client.get("/workspace/").content.decode())
    assert (shown["open"], shown["team"], shown["unassigned"]) == ("2", "0", "2")


def save_view(client: Client, name: str, **filters: str) -> Any:
    return client.post("/workspace/views/", {"name": name, **filters})


def test_agent_saves_the_current_filters_and_opens_them_with_a_count(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    urgent = make_case(priority="urgent")
    make_case(priority="low")
    response = save_view(alice_client, "급한 건", priority="urgent", sort="created_asc", view="team", cursor="x")
    view = SavedView.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/?saved={view.pk}"
    assert (view.owner, view.name, view.is_shared) == (alice, "급한 건", False)
    assert view.params() == {"view": "team", "priority": "urgent", "sort": "created_asc"}
    page = alice_client.get(response["Location"])
    assert references(page) == [urgent.reference]
    html = page.content.decode()
    assert saved_counts(html) == {str(view.pk): "1"}
    assert "급한 건" in html


def test_saved_view_with_a_bad_filter_is_refused_when_saved(alice_client: Client) -> None:
    response = save_view(alice_client, "broken", priority="highest")
    assert response.status_code == 302
    assert not SavedView.objects.exists()
    assert "highest" in alice_client.get(response["Location"]).content.decode()


def test_saved_view_whose_category_was_removed_shows_a_clear_error_not_a_server_error(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    make_case()
    view = SavedView.objects.create(owner=alice, name="Gone", category="vanished", status="bogus")
    listing = alice_client.get("/workspace/")
    assert listing.status_code == 200
    assert 'class="view-broken"' in listing.content.decode()
    response = alice_client.get(f"/workspace/?saved={view.pk}")
    assert response.status_code == 400
    alert = response.content.decode().split('role="alert"')[1]
    assert "Gone" in alert
    assert not references(response)
    assert alice_client.get("/workspace/?saved=abc").status_code == 400


def test_agents_see_their_own_and_shared_views_but_not_another_agents(
    alice: User, lena: User, bob: User, alice_client: Client
) -> None:
    own = SavedView.objects.create(owner=alice, name="alice own")
    shared = SavedView.objects.create(owner=lena, name="team shared", is_shared=True)
    private = SavedView.objects.create(owner=bob, name="bob private")
    html = alice_client.get("/workspace/").content.decode()
    assert set(saved_counts(html)) == {str(own.pk), str(shared.pk)}
    assert "bob private" not in html
    assert alice_client.get(f"/workspace/?saved={private.pk}").status_code == 404


def test_agent_renames_and_deletes_her_own_view(alice: User, alice_client: Client) -> None:
    view = SavedView.objects.create(owner=alice, name="old", priority="high")
    assert alice_client.post(f"/workspace/views/{view.pk}/", {"name": "  new   name "}).status_code == 302
    view.refresh_from_db()
    assert (view.name, view.priority) == ("new name", "high")
    assert alice_client.post(f"/workspace/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def test_agent_cannot_share_a_view_nor_change_or_delete_a_shared_one(
    alice: User, lena: User, alice_client: Client
) -> None:
    save_view(alice_client, "mine only", is_shared="on")
    assert SavedView.objects.get().is_shared is False
    shared = SavedView.objects.create(owner=lena, name="team", is_shared=True)
    assert alice_client.post(f"/workspace/views/{shared.pk}/", {"name": "hijack"}).status_code == 404
    assert alice_client.post(f"/workspace/views/{shared.pk}/delete/").status_code == 404
    shared.refresh_from_db()
    assert shared.name == "team"
    html = alice_client.get(f"/workspace/?saved={shared.pk}").content.decode()
    assert "team" in html
    assert 'class="edit-view"' not in html  # no rename or delete form for her


def test_lead_shares_a_view_that_every_agent_sees_and_another_lead_may_delete(
    alice: User, lena: User, bob: User, bob_client: Client
) -> None:
    lead = Client()
    lead.force_login(lena)
    save_view(lead, "팀 긴급", is_shared="on", priority="urgent")
    shared = SavedView.objects.get()
    assert shared.is_shared
    assert str(shared.pk) in saved_counts(bob_client.get("/workspace/").content.decode())
    admin = User.objects.create_user(username="boss", password="pw", role="admin")
    other = Client()
    other.force_login(admin)
    assert other.post(f"/workspace/views/{shared.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def test_saved_view_link_keeps_the_view_on_the_next_page(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    for _ in range(27):
        make_case()
    view = SavedView.objects.create(owner=alice, name="all", sort="created_asc")
    html = alice_client.get(f"/workspace/?saved={view.pk}").content.decode()
    link = re.search(r'<a rel="next" href="\?([^"]+)"', html)
    assert link is not None
    assert f"saved={view.pk}" in link.group(1)
    assert "sort=created_asc" in link.group(1)


def test_category_filter_saved_for_a_view_counts_like_the_list(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    make_case(category="product")
    make_case()
    assert Category.objects.filter(slug="product").exists()
    view = SavedView.objects.create(owner=alice, name="product", category="product")
    page = alice_client.get(f"/workspace/?saved={view.pk}")
    assert saved_counts(page.content.decode())[str(view.pk)] == str(len(references(page))) == "1"
