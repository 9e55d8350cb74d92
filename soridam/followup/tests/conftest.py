from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.db import transaction

from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Status


def lock_case_for_update(case_id: int) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("customer", "team").get(pk=case_id)


@pytest.fixture
def solve(agent_actor: Actor, django_capture_on_commit_callbacks: Any) -> Callable[[Case], Case]:
    """Solve the case through the actions layer, as an agent would, and run its after-commit jobs."""

    def run(case: Case) -> Case:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            locked = lock_case_for_update(case.pk)
            actions.change_status(locked, Status.SOLVED, actor=agent_actor)
        return locked

    return run


@pytest.fixture
def close(
    agent_actor: Actor, django_capture_on_commit_callbacks: Any, solve: Callable[[Case], Case]
) -> Callable[[Case], Case]:
    """Solve (the rating is asked), then close (NPS is asked: never in the same message moment as the rating)."""

    def run(case: Case) -> Case:
        solve(case)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            locked = lock_case_for_update(case.pk)
            actions.change_status(locked, Status.CLOSED, actor=agent_actor)
        return locked

    return run


@pytest.fixture
def at() -> Iterator[Callable[[datetime], Any]]:
    """Freeze the clock at a moment (time-machine); calling again moves it."""
    travellers: list[Any] = []

    def travel(moment: datetime) -> Any:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)
        return traveller

    yield travel
    for traveller in travellers:
        traveller.stop()
