"""Investigation tasks: another department's work on a case, its thread, its due time and the stage rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from soridam.accounts.models import Membership, Role, Team, User
from soridam.audit.actors import Actor
from soridam.audit.models import AuditEntry
from soridam.cases import actions
from soridam.cases.errors import InvalidChange, InvalidTransition
from soridam.cases.models import Case, EventKind
from soridam.cases.stages import Stage
from soridam.investigations import actions as task_actions
from soridam.investigations.models import InvestigationTask, TaskStatus
from soridam.investigations.overdue import alert_overdue
from soridam.sla.models import LeadNotice

KST = ZoneInfo("Asia/Seoul")


@pytest.fixture
def warehouse(teams: dict[str, Team]) -> Team:
    return Team.objects.create(name="Warehouse", slug="warehouse", email_address="warehouse@shop.test")


@pytest.fixture
def wes(warehouse: Team) -> User:
    """A warehouse clerk: not a member of the case's team."""
    user = User.objects.create_user("wes", password="pw", role=Role.AGENT, email="wes@shop.test")
    Membership.objects.create(user=user, team=warehouse)
    return user


@pytest.fixture
def investigating(make_case: Callable[..., Case], agent_actor: Actor, alice: User) -> Case:
    case = make_case()
    actions.change_stage(case, Stage.CLASSIFICATION, actor=agent_actor)
    actions.change_stage(case, Stage.INVESTIGATION, actor=agent_actor)
    actions.assign(case, alice, actor=agent_actor)
    return case


def _ask_warehouse(case: Case, warehouse: Team, alice: User, **extra: object) -> InvestigationTask:
    new = task_actions.NewTask(title="포장 상태 사진 확인", owner_team=warehouse, **extra)  # type: ignore[arg-type]
    return task_actions.open_task(case, new, actor=alice)


def test_opening_a_task_is_on_the_case_timeline_and_audit(investigating: Case, warehouse: Team, alice: User) -> None:
    task = _ask_warehouse(investigating, warehouse, alice, note="사진 두 장 부탁드립니다")
    event = investigating.events.get(kind=EventKind.TASK_OPENED)
    assert (event.from_value, event.to_value, event.reason) == ("warehouse", TaskStatus.OPEN, task.title)
    assert AuditEntry.objects.filter(stream=f"cases.case:{investigating.pk}", action="case.task_opened").exists()
    assert task.notes.get().body == "사진 두 장 부탁드립니다"


def test_the_assignee_must_belong_to_the_team_asked(investigating: Case, warehouse: Team, alice: User) -> None:
    with pytest.raises(InvalidChange):
        _ask_warehouse(investigating, warehouse, alice, assignee=alice)
    assert not InvestigationTask.objects.exists()


def test_an_open_blocking_task_keeps_the_case_in_investigation(
    investigating: Case, warehouse: Team, alice: User, agent_actor: Actor
) -> None:
    task = _ask_warehouse(investigating, warehouse, alice)
    with pytest.raises(InvalidTransition):
        actions.change_stage(investigating, Stage.RESOLUTION, actor=agent_actor)
    actions.change_stage(investigating, Stage.CLASSIFICATION, actor=agent_actor, reason="재분류")  # back is fine
    actions.change_stage(investigating, Stage.INVESTIGATION, actor=agent_actor)
    task_actions.close_task(task, TaskStatus.DONE, actor=alice, note="사진 첨부했습니다")
    actions.change_stage(investigating, Stage.RESOLUTION, actor=agent_actor)
    assert investigating.stage == Stage.RESOLUTION
    assert investigating.events.filter(kind=EventKind.TASK_CLOSED, to_value=TaskStatus.DONE).exists()


def test_a_task_that_does_not_block_lets_the_case_move_on(
    investigating: Case, warehouse: Team, alice: User, agent_actor: Actor
) -> None:
    _ask_warehouse(investigating, warehouse, alice, blocking=False)
    actions.change_stage(investigating, Stage.RESOLUTION, actor=agent_actor)
    assert investigating.stage == Stage.RESOLUTION


def test_only_a_lead_with_a_reason_moves_on_past_open_tasks(
    investigating: Case, warehouse: Team, alice: User, lena: User, agent_actor: Actor
) -> None:
    _ask_warehouse(investigating, warehouse, alice)
    with pytest.raises(InvalidTransition):
        actions.change_stage(investigating, Stage.RESOLUTION, actor=agent_actor, override_open_tasks=True, reason="x")
    with pytest.raises(InvalidTransition):
        actions.change_stage(investigating, Stage.RESOLUTION, actor=Actor(user=lena), override_open_tasks=True)
    actions.change_stage(
        investigating, Stage.RESOLUTION, actor=Actor(user=lena), override_open_tasks=True, reason="고객 요청으로 선처리"
    )
    overridden = investigating.events.get(kind=EventKind.TASKS_OVERRIDDEN)
    assert (overridden.to_value, overridden.reason) == ("1", "고객 요청으로 선처리")


def test_a_due_time_counts_the_teams_business_hours(warehouse: Team) -> None:
    friday_evening = datetime(2026, 11, 27, 17, 0, tzinfo=KST)  # office hours end at 18:00, lunch 12-13
    assert task_actions.due_after(warehouse, 3, friday_evening) == datetime(2026, 11, 30, 11, 0, tzinfo=KST)


def test_the_team_asked_sees_its_task_and_closes_it_without_seeing_the_case(
    investigating: Case, warehouse: Team, alice: User, wes: User
) -> None:
    task = _ask_warehouse(investigating, warehouse, alice)
    clerk = Client()
    clerk.force_login(wes)
    assert clerk.get(f"/workspace/cases/{investigating.pk}/").status_code == 404
    listing = clerk.get("/workspace/tasks/").content.decode()
    assert task.title in listing
    assert investigating.reference in listing
    assert clerk.post(f"/workspace/tasks/{task.pk}/", {"body": "박스 파손 확인됨"}).status_code == 302
    assert clerk.post(f"/workspace/tasks/{task.pk}/close/", {"status": "done", "note": "완료"}).status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert [note.body for note in task.notes.all()] == ["박스 파손 확인됨", "완료"]


def test_a_task_of_another_team_and_case_answers_404(
    investigating: Case, warehouse: Team, alice: User, bob_client: Client
) -> None:
    task = _ask_warehouse(investigating, warehouse, alice)
    assert bob_client.get(f"/workspace/tasks/{task.pk}/").status_code == 404
    assert bob_client.post(f"/workspace/tasks/{task.pk}/close/", {"status": "done"}).status_code == 404
    assert task.title not in bob_client.get("/workspace/tasks/").content.decode()


def test_the_case_page_lists_the_task_and_opens_one_from_a_form(
    investigating: Case, warehouse: Team, alice_client: Client
) -> None:
    form = {
        "task-title": "환불 계좌 확인",
        "task-owner_team": warehouse.pk,
        "task-due_in_hours": 4,
        "task-blocking": "on",
    }
    assert alice_client.post(f"/workspace/cases/{investigating.pk}/tasks/", form).status_code == 302
    page = alice_client.get(f"/workspace/cases/{investigating.pk}/").content.decode()
    assert "환불 계좌 확인" in page
    assert "Warehouse" in page
    assert InvestigationTask.objects.get().due_at is not None


def test_an_overdue_task_alerts_its_owners_and_the_case_assignee_once(
    investigating: Case, warehouse: Team, alice: User, wes: User
) -> None:
    _ask_warehouse(investigating, warehouse, alice, assignee=wes, due_in_hours=2)
    assert alert_overdue() == 0
    with time_machine.travel(datetime(2030, 1, 2, 12, 0, tzinfo=KST)):
        assert alert_overdue() == 1
        assert alert_overdue() == 0
    assert sorted(LeadNotice.objects.values_list("recipient__username", flat=True)) == ["alice", "wes"]
