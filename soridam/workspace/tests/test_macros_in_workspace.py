"""Macros in the workspace: chosen in the composer (text filled, changes made in the same transaction) and
managed on the macros page (a plain agent cannot touch shared macros)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.macros.models import Macro
from soridam.workspace.tests.conftest import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def lena_client(lena: User) -> Client:
    client = Client()
    client.force_login(lena)
    return client


def test_sending_with_a_macro_fills_its_variables_and_makes_its_changes(
    alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case(name="김민지")
    macro = Macro.objects.create(
        name="교환 완료", body="{{customer.name}} 님", set_priority="high", add_tag="교환", set_status="solved"
    )
    page = alice_client.get(f"/workspace/cases/{case.pk}/").content.decode()
    assert f'<option value="{macro.pk}" data-body="{{{{customer.name}}}} 님">교환 완료</option>' in page
    data = {"body": "{{customer.name}} 님, {{case.reference}} 교환을 마쳤습니다.", "macro": macro.pk}
    assert alice_client.post(f"/workspace/cases/{case.pk}/reply/", data, **HTMX).status_code == 200
    case.refresh_from_db()
    assert case.messages.get(kind="reply").body == f"김민지 님, {case.reference} 교환을 마쳤습니다."
    assert (case.priority, case.status) == ("high", "solved")
    assert list(case.tags.values_list("name", flat=True)) == ["교환"]
    kinds = list(case.events.exclude(kind="created").order_by("id").values_list("kind", flat=True))
    assert kinds == ["reply", "priority_changed", "tag_added", "status_changed"]
    audit = AuditEntry.objects.filter(stream=f"cases.case:{case.pk}").order_by("seq").values_list("action", flat=True)
    assert list(audit)[-4:] == ["case.reply", "case.priority", "case.tag_added", "case.status"]


def test_the_button_pressed_wins_over_the_macro_status(alice_client: Client, make_case: Callable[..., Case]) -> None:
    case = make_case()
    macro = Macro.objects.create(name="Solve", body="Done", set_status="solved")
    data = {"body": "Done?", "macro": macro.pk, "then": "waiting"}
    alice_client.post(f"/workspace/cases/{case.pk}/reply/", data, **HTMX)
    case.refresh_from_db()
    assert case.status == "waiting"


def test_a_refused_macro_change_sends_nothing(
    alice: User, alice_client: Client, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    actions.change_stage(case, "investigation", actor=Actor(user=alice))
    macro = Macro.objects.create(name="Back", body="x", set_priority="urgent", set_stage="intake")
    response = alice_client.post(f"/workspace/cases/{case.pk}/reply/", {"body": "Hi", "macro": macro.pk}, **HTMX)
    assert response.status_code == 409
    case.refresh_from_db()
    assert (case.stage, case.priority) == ("investigation", "normal")
    assert not case.messages.filter(kind="reply").exists()


def test_a_colleagues_personal_macro_cannot_be_used(
    alice_client: Client, lena: User, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    macro = Macro.objects.create(name="Lena's", body="x", owner=lena, set_status="solved")
    response = alice_client.post(f"/workspace/cases/{case.pk}/reply/", {"body": "Hi", "macro": macro.pk}, **HTMX)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == "open"


def test_an_agent_writes_a_personal_macro_and_cannot_make_it_shared(alice: User, alice_client: Client) -> None:
    data = {"name": "Mine", "body": "Hello {{customer.name}}", "set_status": "waiting", "shared": "on"}
    response = alice_client.post("/workspace/macros/", data)
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.owner, macro.set_status, macro.is_active) == (alice, "waiting", False)
    assert 'name="shared"' not in alice_client.get("/workspace/macros/").content.decode()


def test_a_plain_agent_cannot_edit_or_delete_a_shared_macro(alice_client: Client) -> None:
    shared = Macro.objects.create(name="Thanks", body="Thanks")
    assert alice_client.get(f"/workspace/macros/{shared.pk}/").status_code == 404
    assert alice_client.post(f"/workspace/macros/{shared.pk}/", {"name": "Mine", "body": "x"}).status_code == 404
    assert alice_client.post(f"/workspace/macros/{shared.pk}/delete/").status_code == 404
    shared.refresh_from_db()
    assert shared.name == "Thanks"
    assert f"/workspace/macros/{shared.pk}/" not in alice_client.get("/workspace/macros/").content.decode()


def test_a_lead_writes_and_edits_shared_macros(lena_client: Client) -> None:
    data = {"name": "Thanks", "body": "Thanks", "shared": "on", "is_active": "on"}
    assert lena_client.post("/workspace/macros/", data).status_code == 302
    macro = Macro.objects.get()
    assert macro.is_shared
    data = {**data, "name": "Thank you"}
    assert lena_client.post(f"/workspace/macros/{macro.pk}/", data).status_code == 302
    macro.refresh_from_db()
    assert (macro.name, macro.is_shared) == ("Thank you", True)
