"""Bulk actions in the inbox: one change applied to many cases, each through ``cases.actions``.

Every case is changed in its own transaction under its own row lock: a change refused on one case is reported
and leaves the others changed. Cases outside the agent's scope are skipped as if they did not exist (the same
404 as everywhere else). Merging is the exception: it changes several cases at once, so it locks them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import Http404

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.access import access_case, cases_visible_to
from soridam.cases.errors import CaseError
from soridam.cases.models import Case

Change = Callable[[Case, Mapping[str, Any], Actor], object]


def _team(case: Case, data: Mapping[str, Any], actor: Actor) -> object:
    return case if data["team"] == case.team else actions.change_team(case, data["team"], actor=actor)


CHANGES: dict[str, Change] = {
    "assign": lambda case, data, actor: actions.assign(case, data["assignee"], actor=actor),
    "team": _team,
    "status": lambda case, data, actor: actions.change_status(case, data["status"], actor=actor),
    "priority": lambda case, data, actor: actions.change_priority(case, data["priority"], actor=actor),
    "tag": lambda case, data, actor: actions.add_tag(case, data["tag"], actor=actor),
}


@dataclass
class BulkResult:
    changed: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (reference, why)


def run_bulk_change(user: User, case_ids: list[int], key: str, data: Mapping[str, Any]) -> BulkResult:
    result = BulkResult()
    for case_id in sorted(set(case_ids)):
        _change_one(user, case_id, CHANGES[key], data, result)
    return result


def _change_one(user: User, case_id: int, change: Change, data: Mapping[str, Any], result: BulkResult) -> None:
    try:
        with transaction.atomic():
            case = access_case(user, case_id, for_update=True)
            try:
                with transaction.atomic():  # a savepoint: the refused change leaves nothing half-written
                    change(case, data, Actor(user=user))
            except CaseError as error:
                result.refused.append((case.reference, error.message))
                return
            result.changed.append(case.reference)
    except Http404:
        return  # out of scope or gone: skipped, like a case the agent cannot see


def merge_into_oldest(user: User, case_ids: list[int]) -> BulkResult:
    """Merge the selected cases into the oldest of them (the one first filed)."""
    result = BulkResult()
    with transaction.atomic():
        # Locks in id order, like every other multi-case lock, so two merges cannot deadlock.
        cases = list(cases_visible_to(user).filter(pk__in=case_ids).order_by("pk").select_for_update())
        if len(cases) < 2:
            return result
        target, *duplicates = sorted(cases, key=lambda case: (case.created_at, case.pk))
        try:
            with transaction.atomic():
                actions.merge_cases(target, duplicates, actor=Actor(user=user))
        except CaseError as error:
            result.refused.append((target.reference, error.message))
            return result
    result.changed = [case.reference for case in duplicates]
    return result
