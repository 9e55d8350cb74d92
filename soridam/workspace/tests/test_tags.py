"""Tags on cases: added and removed in the properties panel through ``cases.actions``, filtered in the inbox."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.cases import actions
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case, Tag
from soridam.workspace.tests.conftest import HTMX

pytestmark = pytest.mark.django_db


def _history(case: Case) -> tuple[list[tuple[str, str, str]], list[str]]:
    events = case.events.filter(kind__in=["tag_added", "tag_removed"]).order_by("id")
    audit = AuditEntry.objects.filter(stream=f"cases.case:{case.pk}", action__startswith="case.tag").order_by("seq")
    return list(events.values_list("kind", "from_value", "to_value")), list(audit.values_list("action", flat=True))


def test_add_and_remove_a_tag_write_the_timeline_and_the_audit(alice: User, make_case: Callable[..., Case]) -> None:
    case = make_case()
    tag = actions.add_tag(case, "  vip   customer ", actor=Actor(user=alice))
    assert tag.name == "vip customer"
    actions.add_tag(case, "vip customer", actor=Actor(user=alice))  # already there: nothing recorded
    assert list(case.tags.values_list("name", flat=True)) == ["vip customer"]
    actions.remove_tag(case, tag, actor=Actor(user=alice))
    assert not case.tags.exists()
    assert _history(case) == (
        [("tag_added", "", "vip customer"), ("tag_removed", "vip customer", "")],
        ["case.tag_added", "case.tag_removed"],
    )


@pytest.mark.parametrize("name", ["", "   ", "x" * 41])
def test_an_empty_or_overlong_tag_is_refused(alice: User, make_case: Callable[..., Case], name: str) -> None:
    case = make_case()
    with pytest.raises(InvalidChange):
        actions.add_tag(case, name, actor=Actor(user=alice))
    assert not Tag.objects.exists()


def test_tags_are_added_and_removed_in_the_properties_panel(
    alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    response = alice_client.post(f"/workspace/cases/{case.pk}/tags/add/", {"tag": "파손"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    tag = case.tags.get()
    assert tag.name == "파손"
    assert f'<input type="hidden" name="tag" value="{tag.pk}">' in html
    response = alice_client.post(f"/workspace/cases/{case.pk}/tags/remove/", {"tag": tag.pk}, **HTMX)
    assert response.status_code == 200
    assert not case.tags.exists()
    assert [kind for kind, _before, _after in _history(case)[0]] == ["tag_added", "tag_removed"]


def test_removing_a_tag_the_case_does_not_have_is_refused(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case, other = make_case(), make_case()
    tag = actions.add_tag(other, "vip", actor=Actor(user=alice))
    response = alice_client.post(f"/workspace/cases/{case.pk}/tags/remove/", {"tag": tag.pk}, **HTMX)
    assert response.status_code == 400
    assert other.tags.get() == tag


def test_another_teams_case_cannot_be_tagged(alice_client: Client, make_case: Callable[..., Case]) -> None:
    case = make_case(category="payment")
    assert alice_client.post(f"/workspace/cases/{case.pk}/tags/add/", {"tag": "vip"}, **HTMX).status_code == 404
    assert not Tag.objects.exists()


def test_inbox_filters_by_tag(alice: User, alice_client: Client, make_case: Callable[..., Case]) -> None:
    tagged, plain = make_case(subject="tagged"), make_case(subject="plain")
    actions.add_tag(tagged, "vip", actor=Actor(user=alice))
    actions.add_tag(tagged, "파손", actor=Actor(user=alice))
    html = alice_client.get("/workspace/?tag=vip").content.decode()
    assert tagged.reference in html
    assert plain.reference not in html
    assert 'id="filter-tag" name="tag" maxlength="40" value="vip"' in html
    assert plain.reference not in alice_client.get("/workspace/?tag=%ED%8C%8C%EC%86%90").content.decode()
    assert tagged.reference not in alice_client.get("/workspace/?tag=nothing").content.decode()
