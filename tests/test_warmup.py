"""A web worker loads Kiwi and the search statistics before it serves (issue 11, item 7); a task worker Kiwi
and the triage model.
How much that saves is measured in bench/first_request.py, not timed here."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from soridam import warmup
from soridam.lib import kiwi

pytestmark = pytest.mark.django_db


def test_warm_up_loads_kiwi_and_every_step_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kiwi, "_kiwi", None)
    ran: list[str] = []
    steps = tuple(_recording(step, ran) for step in warmup.STEPS)
    monkeypatch.setattr(warmup, "STEPS", steps)

    assert warmup.warm_up() >= 0
    assert kiwi._kiwi is not None
    assert ran == ["_kiwi", "_search_statistics", "_templates_and_urls"]


def test_a_task_worker_warms_kiwi_and_the_triage_model(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    assert warmup.warm_up(tuple(_recording(step, ran) for step in warmup.WORKER_STEPS)) >= 0
    assert ran == ["_kiwi", "_triage_model"]


def test_a_failing_step_is_logged_and_the_worker_still_starts(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("no model")

    monkeypatch.setattr(warmup, "STEPS", (broken,))
    with caplog.at_level(logging.WARNING, logger="soridam.warmup"):
        warmup.warm_up()
    assert any(record.getMessage() == "warm-up step failed" for record in caplog.records)


def _recording(step: Callable[[], None], ran: list[str]) -> Callable[[], None]:
    def record() -> None:
        step()
        ran.append(step.__name__)

    return record
