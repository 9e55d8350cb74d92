"""The measures with hand-computed cases (issue 17 acceptance): FRT in business time, FCR, SLA attainment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import time_machine

from soridam.accounts.models import User
from soridam.analytics import metrics, rollups
from soridam.analytics.models import CaseFact
from soridam.analytics.tests.conftest import kst
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Status
from soridam.sla.models import SlaPolicy

pytestmark = pytest.mark.django_db


def _facts(case: Case, now: datetime) -> CaseFact:
    with time_machine.travel(now, tick=False):
        rollups.refresh()
    return CaseFact.objects.get(case=case)


def _customer_writes(case: Case, body: str = "Still broken.") -> None:
    case.refresh_from_db()
    actions.receive_customer_message(case, body, actor=Actor(customer=case.customer), channel="web")


def test_first_response_counts_business_time_across_the_lunch_break_and_hangul_day(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    # Thursday 2026-10-08 11:30; Friday 10-09 is 한글날 (closed), then the weekend.
    with time_machine.travel(kst(2026, 10, 8, 11, 30), tick=False):
        case = make_case()
    with time_machine.travel(kst(2026, 10, 12, 13, 30), tick=False):
        actions.reply(case, "We are on it.", actor=agent_actor)
    fact = _facts(case, kst(2026, 10, 12, 14, 0))
    # Thu 11:30-12:00 (30) + 13:00-18:00 (300), Mon 09:00-12:00 (180) + 13:00-13:30 (30) = 540 minutes.
    assert fact.first_response_seconds == 540 * 60
    assert fact.answered_within_4h is False  # the customer waited four days on the wall clock
    assert fact.opened_on.isoformat() == "2026-10-08"


def test_a_bot_reply_is_not_a_first_response(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        case = make_case()
        actions.reply(case, "자동 응답입니다.", actor=Actor(system="bot"))
    with time_machine.travel(kst(2026, 11, 23, 10, 45), tick=False):
        actions.reply(case, "담당자입니다.", actor=agent_actor)
    fact = _facts(case, kst(2026, 11, 23, 11, 0))
    assert fact.first_response_seconds == 45 * 60
    assert fact.answered_within_4h is True


def _solved_then_reopened_after(
    days: int, make_case: Callable[..., Case], agent_actor: Actor, settings: object
) -> CaseFact:
    settings.SORIDAM_REOPEN_WINDOW_DAYS = 14  # type: ignore[attr-defined] # a day-8 reply reopens too
    with time_machine.travel(kst(2026, 11, 2, 10, 0), tick=False):
        case = make_case()
        actions.reply(case, "Refunded.", actor=agent_actor)
        actions.change_status(case, Status.SOLVED, actor=agent_actor)
    with time_machine.travel(kst(2026, 11, 2 + days, 10, 0), tick=False):
        _customer_writes(case)
    case.refresh_from_db()
    assert case.status == Status.OPEN
    return _facts(case, kst(2026, 11, 20, 10, 0))


def test_a_reopen_on_day_6_is_not_first_contact_resolution(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor, settings: object
) -> None:
    assert _solved_then_reopened_after(6, make_case, agent_actor, settings).fcr is False


def test_a_reopen_on_day_8_keeps_first_contact_resolution(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor, settings: object
) -> None:
    assert _solved_then_reopened_after(8, make_case, agent_actor, settings).fcr is True


def test_fcr_is_undecided_within_the_week_and_false_after_a_second_customer_message(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    with time_machine.travel(kst(2026, 11, 2, 10, 0), tick=False):
        one = make_case()
        two = make_case(email="lee@example.kr")
    with time_machine.travel(kst(2026, 11, 2, 11, 0), tick=False):
        _customer_writes(two, "And another thing.")
        for case in (one, two):
            case.refresh_from_db()
            actions.change_status(case, Status.SOLVED, actor=agent_actor)
    assert _facts(one, kst(2026, 11, 5, 10, 0)).fcr is None
    assert _facts(two, kst(2026, 11, 5, 10, 0)).fcr is False
    assert _facts(one, kst(2026, 11, 9, 12, 0)).fcr is True


def test_sla_attainment_is_met_over_due(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor, alice: User
) -> None:
    # Policy: first response 240, resolution 960 business minutes; Monday 2026-11-23 09:00-18:00, lunch 12-13.
    with time_machine.travel(kst(2026, 11, 23, 9, 0), tick=False):
        fast = make_case()
        slow = make_case(email="lee@example.kr")
        silent = make_case(email="park@example.kr")
    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        actions.reply(fast, "Done.", actor=agent_actor)  # 60 minutes: met
        actions.change_status(fast, Status.SOLVED, actor=agent_actor)  # resolution met
    with time_machine.travel(kst(2026, 11, 23, 15, 0), tick=False):
        actions.reply(slow, "Sorry for the wait.", actor=agent_actor)  # 300 minutes: missed
    now = kst(2026, 11, 23, 17, 0)  # silent's first response fell due at 14:00; no resolution due yet
    facts = {case.pk: _facts(case, now) for case in (fast, slow, silent)}
    assert [(facts[c.pk].sla_due, facts[c.pk].sla_met) for c in (fast, slow, silent)] == [(2, 2), (1, 0), (1, 0)]
    with time_machine.travel(now, tick=False):
        day = kst(2026, 11, 23).date()
        figures = metrics.figures(
            metrics.totals(metrics.series(metrics.Filters(day, day))),
            metrics.response_time_histogram(metrics.Filters(day, day)),
        )
    assert figures.sla_attainment == pytest.approx(2 / 4)
    assert figures.volume == 3
    assert figures.within_4h == pytest.approx(1 / 3)  # fast (1 h) in time; slow (6 h) and silent (8 h) late


def test_past_days_come_from_the_rollups_and_agree_with_the_facts(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    for minutes, day in ((30, 23), (90, 23), (200, 24)):
        with time_machine.travel(kst(2026, 11, day, 9, 0), tick=False):
            case = make_case(email=f"c{minutes}@example.kr")
        with time_machine.travel(kst(2026, 11, day, 9, 0) + timedelta(minutes=minutes), tick=False):
            actions.reply(case, "Answer.", actor=agent_actor)
    with time_machine.travel(kst(2026, 11, 26, 9, 0), tick=False):
        rollups.refresh()
        period = metrics.Filters(kst(2026, 11, 23).date(), kst(2026, 11, 26).date())
        days = metrics.series(period)
        histogram = metrics.response_time_histogram(period)
    assert [(day.isoformat(), sums["cases"]) for day, sums in days] == [("2026-11-23", 2), ("2026-11-24", 1)]
    figures = metrics.figures(metrics.totals(days), histogram)
    # The third answer came at 12:20: 200 wall minutes, 180 business minutes (lunch starts at 12:00).
    assert figures.frt_mean == pytest.approx((30 + 90 + 180) / 3 * 60)
    assert 60 * 60 <= (figures.frt_median or 0) <= 120 * 60  # the 90-minute answer's bucket
