"""Erlang-C against the golden example of SPEC R-ANALYTICS-4."""

from __future__ import annotations

import pytest

from soridam.analytics.erlang import agents_needed, offered_load, service_level, waiting_probability


def test_golden_example_100_contacts_an_hour_180_seconds_80_percent_in_20_seconds() -> None:
    load = offered_load(100, 180)
    assert load == pytest.approx(5.0)
    assert round(service_level(7, load, 20, 180) * 100, 1) == 74.0
    assert round(service_level(8, load, 20, 180) * 100, 1) == 88.0
    staffing = agents_needed(100, 180, target=0.8, answer_seconds=20, shrinkage=0.3)
    assert (staffing.agents, staffing.scheduled) == (8, 12)


def test_too_few_agents_always_wait_and_no_contacts_need_nobody() -> None:
    assert waiting_probability(5, 5.0) == 1.0
    assert service_level(4, 5.0, 20, 180) == 0.0
    assert agents_needed(0, 180).scheduled == 0


def test_an_occupancy_cap_adds_agents_beyond_the_service_level() -> None:
    assert agents_needed(100, 180, max_occupancy=0.5).agents == 10  # 5 Erlangs at most half busy
