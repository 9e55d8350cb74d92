"""Rate limits taken from the shared count in blocks: never more than the limit, fewer statements."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from soridam.lib import ratelimit
from soridam.lib.ratelimit import RateLimited, block_size, check_rate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_window() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 23, 1, 0, 5, tzinfo=UTC), tick=False):
        yield


def _allowed(hits: int) -> int:
    allowed = 0
    for _hit in range(hits):
        try:
            check_rate("api", "token:7")
            allowed += 1
        except RateLimited:
            pass
    return allowed


def test_small_limits_count_every_hit_in_the_shared_cache() -> None:
    assert block_size(10) == block_size(60) == 1
    assert block_size(640) == 10
    assert block_size(10_000_000) == ratelimit.MAX_BLOCK


def test_one_process_gets_exactly_the_limit_and_asks_the_cache_once_a_block(settings: Any) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "api": 640}
    with CaptureQueriesContext(connection) as ctx:
        assert _allowed(700) == 640
    blocks = 640 // 10
    assert len(ctx.captured_queries) <= 2 * blocks + 3 * (700 - 640)  # refused hits each ask the cache once


def test_processes_sharing_the_count_never_let_more_than_the_limit_through(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "api": 640}
    processes = [ratelimit._Blocks() for _process in range(3)]
    allowed = 0
    for hit in range(900):  # the processes take turns, as a load balancer would
        monkeypatch.setattr(ratelimit, "_blocks", processes[hit % 3])
        allowed += _allowed(1)
    assert 640 - 2 * 9 <= allowed <= 640  # at most (processes - 1) * (block - 1) refused early


def test_a_new_window_starts_a_new_count(settings: Any) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "api": 64}
    assert _allowed(70) == 64
    with time_machine.travel(datetime(2026, 11, 23, 1, 1, 5, tzinfo=UTC), tick=False):
        assert _allowed(70) == 64
