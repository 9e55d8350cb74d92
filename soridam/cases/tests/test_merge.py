"""Merging duplicates into one case (R-AGENT bulk actions)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.cases import actions
from soridam.cases.errors import InvalidChange
from soridam.cases.models import Case

pytestmark = pytest.mark.django_db


def _audit(case: Case) -> list[str]:
    entries = AuditEntry.objects.filter(stream=f"cases.case:{case.pk}").order_by("seq")
    return list(entries.values_list("action", flat=True))


def test_duplicates_are_merged_linked_and_recorded_on_both_timelines(
    alice: User, make_case: Callable[..., Case]
) -> None:
    target, first, second = make_case(), make_case(), make_case()
    actions.merge_cases(target, [first, second], actor=Actor(user=alice))
    for duplicate in (first, second):
        duplicate.refresh_from_db()
        assert (duplicate.status, duplicate.related_case) == ("merged", target)
        merged = duplicate.events.get(kind="merged")
        assert merged.to_value == target.reference
        assert _audit(duplicate)[-2:] == ["case.status", "case.merged_into"]
        assert duplicate.messages.count() == 1  # messages stay where they arrived
    target.refresh_from_db()
    assert target.status == "open"
    merged_from = list(target.events.filter(kind="merged").order_by("id").values_list("from_value", flat=True))
    assert merged_from == [first.reference, second.reference]
    assert _audit(target)[-2:] == ["case.merged_from", "case.merged_from"]


def test_a_case_is_not_merged_into_itself_or_twice(alice: User, make_case: Callable[..., Case]) -> None:
    target, duplicate = make_case(), make_case()
    with pytest.raises(InvalidChange):
        actions.merge_cases(target, [target], actor=Actor(user=alice))
    actions.merge_cases(target, [duplicate], actor=Actor(user=alice))
    with pytest.raises(InvalidChange):
        actions.merge_cases(target, [duplicate], actor=Actor(user=alice))
    assert duplicate.events.filter(kind="merged").count() == 1
