"""SLA clocks on cases, with frozen time: due times, pauses, responses, policy choice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Category, Priority, Status
from soridam.customers.models import Tier
from soridam.sla.models import BusinessCalendar, ClosedDay, SlaPolicy

KST = ZoneInfo("Asia/Seoul")


def kst(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=KST)


def test_filed_at_1750_before_chuseok_is_due_after_the_substitute_holiday(
    policy: SlaPolicy, make_case: Callable[..., Case]
) -> None:
    with time_machine.travel(kst(2028, 9, 29, 17, 50), tick=False):
        case = make_case()
    case.refresh_from_db()
    assert case.sla.first_response_due == kst(2028, 10, 6, 13, 50)
    assert case.sla_due_at == kst(2028, 10, 6, 13, 50)
    # 960 min: 10 on Friday, 480 on 10-06, 470 on Monday 10-09? No: 10-09 is 한글날, so Tuesday 10-10.
    assert case.sla.resolution_due == kst(2028, 10, 10, 17, 50)


def test_pause_while_waiting_is_exact_to_the_minute(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        case = make_case()
    with time_machine.travel(kst(2026, 11, 23, 11, 0), tick=False):
        actions.reply(case, "Could you send a photo?", actor=agent_actor)
        actions.change_status(case, Status.WAITING, actor=agent_actor)
    case.refresh_from_db()
    assert case.sla_due_at is None  # no clock runs while we wait on the customer
    with time_machine.travel(kst(2026, 11, 23, 15, 37), tick=False):
        actions.receive_customer_message(case, "Here it is.", actor=Actor(customer=case.customer), channel="web")
    case.refresh_from_db()
    # Paused 11:00-15:37 = 277 minutes minus the lunch hour = 217 business minutes.
    assert case.sla.paused_seconds == 217 * 60
    # Resolution 960 + 217 = 1177 business minutes from Mon 10:00: Mon 420, Tue 480, Wed 277 → 14:37.
    assert case.sla.resolution_due == kst(2026, 11, 25, 14, 37)
    # The customer's message started next response: 120 minutes from 15:37.
    assert case.sla.next_response_due == kst(2026, 11, 23, 17, 37)
    assert case.sla_due_at == kst(2026, 11, 23, 17, 37)


def test_first_reply_stops_first_response_once(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        case = make_case()
        actions.reply(case, "On it.", actor=agent_actor)
    case.refresh_from_db()
    assert case.sla.first_responded_at == kst(2026, 11, 23, 10, 0)
    assert case.sla.first_response_due is None
    assert case.sla_due_at == case.sla.resolution_due


def test_the_most_specific_policy_wins_and_a_priority_change_recomputes(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    SlaPolicy.objects.create(name="Urgent", priority=Priority.URGENT, first_response_minutes=30)
    SlaPolicy.objects.create(
        name="Urgent VIP", priority=Priority.URGENT, tier=Tier.VIP, first_response_minutes=10, position=5
    )
    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        case = make_case()
        assert case.sla.policy == policy
        actions.change_priority(case, Priority.URGENT, actor=agent_actor)
    case.refresh_from_db()
    assert case.sla.policy is not None
    assert case.sla.policy.name == "Urgent"
    assert case.sla.first_response_due == kst(2026, 11, 23, 10, 30)  # counted from intake, not from the change
    case.customer.tier = Tier.VIP
    case.customer.save()
    with time_machine.travel(kst(2026, 11, 23, 10, 5), tick=False):
        actions.change_category(case, Category.objects.get(slug="product"), actor=agent_actor)
    case.refresh_from_db()
    assert case.sla.first_response_due == kst(2026, 11, 23, 10, 10)


def test_an_admin_closed_day_moves_the_due_time(
    office: BusinessCalendar, policy: SlaPolicy, make_case: Callable[..., Case]
) -> None:
    ClosedDay.objects.create(calendar=office, date=kst(2026, 11, 24).date(), reason="Company day")
    with time_machine.travel(kst(2026, 11, 23, 17, 0), tick=False):
        case = make_case()
    assert case.sla.first_response_due == kst(2026, 11, 25, 12, 0)


def test_solving_stops_the_clocks_and_reopening_resumes_them(
    policy: SlaPolicy, make_case: Callable[..., Case], agent_actor: Actor, alice: User
) -> None:
    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        case = make_case()
        actions.reply(case, "Done.", actor=agent_actor)
        actions.change_status(case, Status.SOLVED, actor=agent_actor)
    case.refresh_from_db()
    assert case.sla_due_at is None
    assert case.sla.resolved_at is not None
    with time_machine.travel(kst(2026, 11, 24, 10, 0), tick=False):
        actions.receive_customer_message(case, "Not fixed.", actor=Actor(customer=case.customer), channel="web")
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert case.sla.resolved_at is None
    assert case.sla.paused_seconds == 480 * 60


def test_backfill_starts_missing_clocks_once(policy: SlaPolicy, make_case: Callable[..., Case]) -> None:
    from django.core.management import call_command

    from soridam.sla.models import CaseSla

    with time_machine.travel(kst(2026, 11, 23, 10, 0), tick=False):
        open_case, waiting_case = make_case(), make_case(email="lee@example.kr")
    CaseSla.objects.all().delete()
    Case.objects.filter(pk=waiting_case.pk).update(status=Status.WAITING)
    with time_machine.travel(kst(2026, 11, 24, 10, 0), tick=False):
        call_command("sla_start_clocks", batch=1)
        call_command("sla_start_clocks")
    assert CaseSla.objects.count() == 2
    open_case.refresh_from_db()
    waiting_case.refresh_from_db()
    assert open_case.sla_due_at == kst(2026, 11, 23, 15, 0)  # from the filing time
    assert waiting_case.sla_due_at is None
    assert waiting_case.sla.paused_at is not None
