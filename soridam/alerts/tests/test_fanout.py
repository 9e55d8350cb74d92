"""Who hears of a case event in the workspace: the right person, never the actor, only if the change commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from soridam.accounts.models import Role, Team, User
from soridam.alerts.models import Alert, AlertKind
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Status
from soridam.investigations.models import InvestigationTask
from soridam.investigations.overdue import alert_overdue
from soridam.sla.models import BusinessCalendar, EscalationAction, EscalationRule, SlaPolicy, Target, WorkingHours
from soridam.sla.tasks import check_escalations

pytestmark = pytest.mark.django_db


def _alerts() -> list[tuple[str, str, str | None]]:
    return [
        (alert.recipient.username, alert.kind, alert.actor.username if alert.actor else None)
        for alert in Alert.objects.select_related("recipient", "actor").order_by("id")
    ]


def _customer(case: Case) -> Actor:
    return Actor(customer=case.customer)


def test_a_lead_assigning_a_case_alerts_the_new_assignee_only(
    make_case: Callable[..., Case], alice: User, lena: User
) -> None:
    case = make_case()
    actions.assign(case, alice, actor=Actor(user=lena))
    assert _alerts() == [("alice", AlertKind.ASSIGNED, "lena")]


def test_an_agent_taking_a_case_is_not_alerted_about_it(make_case: Callable[..., Case], alice: User) -> None:
    case = make_case()
    actions.assign(case, alice, actor=Actor(user=alice))
    actions.assign(case, None, actor=Actor(user=alice))
    assert _alerts() == []


def test_routing_assigning_a_case_alerts_the_agent(make_case: Callable[..., Case], alice: User) -> None:
    case = make_case()
    actions.assign(case, alice, actor=Actor(system="routing"))
    assert _alerts() == [("alice", AlertKind.ASSIGNED, None)]


def test_a_customer_reply_alerts_the_assignee(make_case: Callable[..., Case], alice: User, lena: User) -> None:
    case = make_case()
    actions.assign(case, alice, actor=Actor(user=alice))
    actions.receive_customer_message(case, "아직도 안 왔어요", actor=_customer(case), channel="web")
    assert _alerts() == [("alice", AlertKind.CUSTOMER_REPLIED, None)]


def test_a_customer_reply_on_an_unassigned_case_alerts_nobody(
    make_case: Callable[..., Case], alice: User, lena: User
) -> None:
    case = make_case()
    actions.receive_customer_message(case, "아직도 안 왔어요", actor=_customer(case), channel="web")
    assert _alerts() == []


def test_a_reply_that_reopens_a_solved_case_alerts_the_assignee_once_as_reopened(
    make_case: Callable[..., Case], alice: User
) -> None:
    case = make_case()
    actions.assign(case, alice, actor=Actor(user=alice))
    actions.change_status(case, Status.SOLVED, actor=Actor(user=alice))
    actions.receive_customer_message(case, "다시 고장났어요", actor=_customer(case), channel="web")
    assert case.status == Status.OPEN
    assert _alerts() == [("alice", AlertKind.REOPENED, None)]


def test_a_reopened_case_with_no_assignee_goes_to_its_team_leads(
    make_case: Callable[..., Case], alice: User, lena: User, bob: User
) -> None:
    case = make_case()  # the delivery team's: lena leads it, alice is a plain member
    actions.change_status(case, Status.SOLVED, actor=Actor(user=alice))
    actions.receive_customer_message(case, "다시 고장났어요", actor=_customer(case), channel="web")
    assert _alerts() == [("lena", AlertKind.REOPENED, None)]


def test_a_reply_on_a_spam_case_alerts_nobody(make_case: Callable[..., Case], alice: User) -> None:
    case = make_case()
    actions.assign(case, alice, actor=Actor(user=alice))
    actions.change_status(case, Status.SPAM, actor=Actor(user=alice))
    actions.receive_customer_message(case, "광고입니다", actor=_customer(case), channel="web")
    assert _alerts() == []


def test_a_change_that_rolls_back_leaves_no_alert(make_case: Callable[..., Case], alice: User, lena: User) -> None:
    case = make_case()
    written = []

    def assign_then_fail() -> None:
        with transaction.atomic():
            actions.assign(case, alice, actor=Actor(user=lena))
            written.append(Alert.objects.count())  # in the same transaction as the change
            raise RuntimeError("the request failed after the assignment")

    with pytest.raises(RuntimeError):
        assign_then_fail()
    assert written == [1]
    assert Alert.objects.count() == 0


def test_a_note_alerts_the_agents_it_mentions_who_can_see_the_case(
    make_case: Callable[..., Case], alice: User, lena: User, bob: User
) -> None:
    User.objects.filter(pk=alice.pk).update(display_name="김지은")
    case = make_case()  # delivery: alice and lena see it; bob (payments) does not
    actions.add_note(case, "@김지은님 확인 부탁드려요. @bob 도 봐 주세요. cc @lena", actor=Actor(user=lena))
    assert _alerts() == [("alice", AlertKind.MENTIONED, "lena")]


def test_mentioning_yourself_or_an_address_alerts_nobody(make_case: Callable[..., Case], alice: User) -> None:
    case = make_case()
    actions.add_note(case, "메모: @alice 본인, 고객 메일 kim@alice.example", actor=Actor(user=alice))
    assert _alerts() == []


def test_a_mentioned_admin_outside_the_team_still_sees_the_case_and_is_alerted(
    make_case: Callable[..., Case], lena: User, root: User
) -> None:
    case = make_case()
    actions.add_note(case, "@root 환불 승인 필요", actor=Actor(user=lena))
    assert _alerts() == [("root", AlertKind.MENTIONED, "lena")]


KST = ZoneInfo("Asia/Seoul")


@pytest.fixture
def escalating(teams: dict[str, Team]) -> None:
    calendar = BusinessCalendar.objects.create(name="Seoul", is_default=True)
    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=day, start=time(9), end=time(18)) for day in range(5)
    )
    SlaPolicy.objects.create(name="Standard", first_response_minutes=240)
    for percent, action in ((75, EscalationAction.NOTIFY_LEAD), (100, EscalationAction.RAISE_PRIORITY)):
        EscalationRule.objects.create(target=Target.FIRST_RESPONSE, percent=percent, action=action)


def test_sla_at_risk_alerts_the_assignee_once_per_target_whatever_fires_after(
    escalating: None, make_case: Callable[..., Case], alice: User, lena: User
) -> None:
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=KST), tick=False):
        case = make_case()
        actions.assign(case, alice, actor=Actor(user=alice))
    for hour in (14, 15, 16):  # 75 % at 13:00, the breach at 14:00, then more scheduler ticks
        with time_machine.travel(datetime(2026, 11, 23, hour, 1, tzinfo=KST), tick=False):
            check_escalations.call()
    alerts = list(Alert.objects.filter(kind=AlertKind.SLA_AT_RISK))
    assert [(alert.recipient_id, alert.detail) for alert in alerts] == [(alice.pk, Target.FIRST_RESPONSE)]


def test_an_inactive_assignee_gets_no_alert(make_case: Callable[..., Case], teams: dict[str, Team]) -> None:
    gone = User.objects.create_user("gone", password="pw", role=Role.AGENT, is_active=False)
    case = make_case()
    case.assignee = gone
    case.save(update_fields=["assignee"])
    actions.receive_customer_message(case, "여보세요", actor=_customer(case), channel="web")
    assert _alerts() == []


def test_an_overdue_investigation_task_rings_the_bell_of_its_owner_and_the_case_assignee_once(
    make_case: Callable[..., Case], alice: User, lena: User, teams: dict[str, Team]
) -> None:
    case = make_case()
    actions.assign(case, alice, actor=Actor(user=alice))
    wes = User.objects.create_user("wes", password="pw", role=Role.AGENT)
    InvestigationTask.objects.create(
        case=case, title="포장 사진", owner_team=teams["payments"], assignee=wes, due_at=timezone.now() - timedelta(1)
    )
    assert alert_overdue() == 1
    assert alert_overdue() == 0
    assert sorted(_alerts()) == [("alice", AlertKind.TASK_OVERDUE, None), ("wes", AlertKind.TASK_OVERDUE, None)]
