"""The case page lists staff, teams and macros from per-process copies (``accounts.directory``,
``macros.access``) and reads tags and investigation tasks only when the timeline says there are some: what it
shows must still follow every change made in this process at once."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from soridam.accounts.models import Membership, Role, Team, User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.investigations.actions import NewTask, open_task
from soridam.macros.models import Macro

pytestmark = pytest.mark.django_db


def _select(html: str, element_id: str) -> str:
    found = re.search(rf'<select name="\w+" id="{element_id}"[^>]*>(.*?)</select>', html, re.S)
    assert found is not None, element_id
    return found.group(1)


def _page(client: Client, case: Case) -> str:
    response = client.get(f"/workspace/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_assignee_options_follow_joins_renames_leaves_and_deactivations(
    alice: User, alice_client: Client, teams: dict[str, Team], make_case: Callable[..., Case]
) -> None:
    case = make_case()
    assert "dave" not in _select(_page(alice_client, case), "assign-to")
    dave = User.objects.create_user(username="dave", password="pw", role=Role.AGENT)
    membership = Membership.objects.create(user=dave, team=teams["delivery"])
    assert f'<option value="{dave.pk}">dave</option>' in _select(_page(alice_client, case), "assign-to")
    dave.display_name = "Dave Kim"
    dave.save()
    assert f'<option value="{dave.pk}">Dave Kim</option>' in _select(_page(alice_client, case), "assign-to")
    membership.delete()
    assert "Dave Kim" not in _select(_page(alice_client, case), "assign-to")
    Membership.objects.create(user=dave, team=teams["delivery"])
    dave.is_active = False
    dave.save()
    assert "Dave Kim" not in _select(_page(alice_client, case), "assign-to")


def test_an_assignee_who_left_the_team_stays_listed_selected_and_named(
    alice: User, alice_client: Client, lena: User, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    lena.display_name = "Lena Park"
    lena.save()
    actions.assign(case, lena, actor=Actor(user=alice))
    Membership.objects.filter(user=lena).delete()  # a queryset delete: the copy is read again after the ttl
    lena.save()  # any save of a user reads the directory again in this process
    html = _page(alice_client, case)
    assert f'<option value="{lena.pk}" selected>Lena Park</option>' in _select(html, "assign-to")
    assert "<dd>Lena Park</dd>" in html  # the header
    assert "Lena Park" in html.split('id="timeline-title"')[1]  # the assignment event names her too


def test_another_team_is_not_offered_and_cannot_be_posted(
    alice: User, alice_client: Client, bob: User, teams: dict[str, Team], make_case: Callable[..., Case]
) -> None:
    case = make_case()
    html = _page(alice_client, case)
    assert f'value="{bob.pk}"' not in _select(html, "assign-to")
    assert f'value="{teams["payments"].pk}"' not in _select(html, "team-to")
    refused = alice_client.post(f"/workspace/cases/{case.pk}/assign/", {"assignee": bob.pk})
    assert refused.status_code == 400
    case.refresh_from_db()
    assert case.assignee_id is None


def test_an_admin_is_offered_every_team_and_a_new_one_at_once(
    root: User, teams: dict[str, Team], make_case: Callable[..., Case]
) -> None:
    client = Client()
    client.force_login(root)
    case = make_case()
    assert f'value="{teams["payments"].pk}"' in _select(_page(client, case), "team-to")
    returns = Team.objects.create(name="Returns desk", slug="returns")
    assert f'<option value="{returns.pk}">Returns desk</option>' in _select(_page(client, case), "team-to")


def test_macros_follow_edits_and_only_the_agents_own_personal_ones_are_listed(
    alice: User, alice_client: Client, lena: User, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    assert 'id="reply-macro"' not in _page(alice_client, case)
    shared = Macro.objects.create(name="Thanks", body="Thank you")
    Macro.objects.create(name="Mine", body="x", owner=alice)
    Macro.objects.create(name="Lena's own", body="x", owner=lena)
    options = _select(_page(alice_client, case), "reply-macro")
    assert "Thanks" in options
    assert "Mine" in options
    assert "Lena" not in options
    shared.is_active = False
    shared.save()
    assert "Thanks" not in _select(_page(alice_client, case), "reply-macro")


def test_tags_and_tasks_are_read_only_when_the_timeline_has_them(
    alice: User, alice_client: Client, teams: dict[str, Team], make_case: Callable[..., Case]
) -> None:
    case = make_case()
    _page(alice_client, case)  # the per-process copies
    with CaptureQueriesContext(connection) as plain:
        html = _page(alice_client, case)
    assert 'class="tag-none"' in html
    assert not [query for query in plain.captured_queries if "cases_case_tags" in query["sql"]]
    assert not [query for query in plain.captured_queries if "investigations_investigationtask" in query["sql"]]
    actions.add_tag(case, "vip", actor=Actor(user=alice))
    open_task(case, NewTask(title="Check the parcel scan", owner_team=teams["payments"]), actor=alice)
    html = _page(alice_client, case)
    tag = case.tags.get()
    assert f'<input type="hidden" name="tag" value="{tag.pk}">' in html
    assert "Check the parcel scan" in html.split('id="investigation-tasks"')[1]


def test_the_conversation_names_staff_authors_as_they_are_now(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    actions.add_note(case, "Courier says Tuesday", actor=Actor(user=alice))
    assert "<span>alice</span>" in _page(alice_client, case)
    alice.display_name = "Alice Han"
    alice.save()
    html = _page(alice_client, case)
    assert "<span>Alice Han</span>" in html
    assert "<span>alice</span>" not in html


def test_the_header_shows_the_category_and_team_as_they_are_now_inactive_category_included(
    alice: User, alice_client: Client, teams: dict[str, Team], make_case: Callable[..., Case]
) -> None:
    case = make_case()
    _page(alice_client, case)
    team = teams["delivery"]
    team.name = "Delivery desk"
    team.save()
    assert "<dd>Delivery desk</dd>" in _page(alice_client, case)
    category = case.category
    assert category is not None
    category.name_ko = "배송 지연"
    category.is_active = False  # no longer in the copy of active categories: read as the relation
    category.save()
    html = _page(alice_client, case)
    assert "배송 지연" in html.split('class="case-facts"')[1].split("</dl>")[0]
