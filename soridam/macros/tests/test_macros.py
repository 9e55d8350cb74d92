"""Macros: variables filled without template execution, who may use and edit them, and their changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import Http404

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.errors import InvalidTransition
from soridam.cases.models import Case
from soridam.macros.access import access_macro_for_edit, macros_usable_by
from soridam.macros.apply import apply_macro
from soridam.macros.models import Macro
from soridam.macros.text import fill_variables

pytestmark = pytest.mark.django_db


def test_known_variables_are_filled_and_unknown_ones_stay_visible(alice: User, make_case: Callable[..., Case]) -> None:
    case = make_case(name="김민지", order_number="ORD-9")
    text = "{{customer.name}} 님, {{ case.reference }} ({{case.order_number}}) — {{agent.name}} {{customer.email}}"
    assert fill_variables(text, case, alice) == f"김민지 님, {case.reference} (ORD-9) — alice {{{{customer.email}}}}"


@pytest.mark.parametrize(
    "text",
    ["{{ case.customer.user.password }}", "{% load static %}{{ settings.SECRET_KEY }}", "{{case.reference|upper}}"],
)
def test_template_syntax_is_never_run(alice: User, make_case: Callable[..., Case], text: str) -> None:
    assert fill_variables(text, make_case(), alice) == text


def test_an_agent_uses_shared_and_own_macros_but_not_a_colleagues(
    alice: User, lena: User, make_case: Callable[..., Case]
) -> None:
    shared = Macro.objects.create(name="Thanks", body="Thanks")
    own = Macro.objects.create(name="Mine", body="x", owner=alice)
    Macro.objects.create(name="Lena's", body="x", owner=lena)
    Macro.objects.create(name="Old", body="x", is_active=False)
    assert set(macros_usable_by(alice)) == {shared, own}


def test_only_leads_and_admins_edit_shared_macros(alice: User, lena: User, root: User) -> None:
    shared = Macro.objects.create(name="Thanks", body="Thanks")
    with pytest.raises(Http404):
        access_macro_for_edit(alice, shared.pk)
    assert access_macro_for_edit(lena, shared.pk) == shared
    assert access_macro_for_edit(root, shared.pk) == shared
    personal = Macro.objects.create(name="Mine", body="x", owner=alice)
    assert access_macro_for_edit(alice, personal.pk) == personal
    with pytest.raises(Http404):
        access_macro_for_edit(lena, personal.pk)


def test_applying_a_macro_changes_stage_priority_tag_and_status_through_the_actions(
    alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    changes = {"set_stage": "classification", "set_priority": "high", "add_tag": "refund", "set_status": "solved"}
    macro = Macro(name="Refund done", body="", **changes)
    apply_macro(case, macro, actor=Actor(user=alice))
    case.refresh_from_db()
    assert (case.stage, case.priority, case.status) == ("classification", "high", "solved")
    assert list(case.tags.values_list("name", flat=True)) == ["refund"]
    kinds = list(case.events.exclude(kind="created").order_by("id").values_list("kind", flat=True))
    assert kinds == ["stage_changed", "priority_changed", "tag_added", "status_changed"]


def test_a_macro_that_moves_a_case_back_is_refused(alice: User, make_case: Callable[..., Case]) -> None:
    case = make_case()
    apply_macro(case, Macro(name="Look", body="", set_stage="investigation"), actor=Actor(user=alice))
    with pytest.raises(InvalidTransition):  # moving back needs a reason, which a macro cannot give
        apply_macro(case, Macro(name="Back", body="", set_stage="intake"), actor=Actor(user=alice))
