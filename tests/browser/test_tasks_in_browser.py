"""An agent asks the warehouse for help from the case page; a warehouse clerk sees the task and completes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from soridam.accounts.models import Membership, Role, Team, User
from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.cases.stages import Stage
from soridam.investigations.models import InvestigationTask, TaskStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/workspace/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_a_task_for_the_warehouse_is_seen_and_completed_by_its_member(
    browser_page: Any, live_server: Any, make_case: Callable[..., Case], alice: User, agent_actor: Actor
) -> None:
    warehouse = Team.objects.create(name="물류창고", slug="warehouse")
    clerk = User.objects.create_user("wes", password="pw-wes", role=Role.AGENT)
    Membership.objects.create(user=clerk, team=warehouse)
    case = make_case()
    for stage in (Stage.CLASSIFICATION, Stage.INVESTIGATION):
        actions.change_stage(case, stage, actor=agent_actor)
    page = browser_page

    _sign_in(page, live_server.url, "alice", "pw-alice")
    page.goto(f"{live_server.url}/workspace/cases/{case.pk}/")
    page.click("#task-new")
    page.fill("#id_task-title", "포장 상태 사진 확인")
    page.select_option("#id_task-owner_team", str(warehouse.pk))
    page.fill("#id_task-due_in_hours", "4")
    page.click("#task-send")
    page.wait_for_selector("#investigation-tasks >> text=포장 상태 사진 확인")  # back on the case page
    assert "물류창고" in page.inner_text("#investigation-tasks")

    _sign_in(page, live_server.url, "wes", "pw-wes")
    page.goto(f"{live_server.url}/workspace/tasks/")
    page.click("text=포장 상태 사진 확인")
    page.fill("#task-note-form textarea", "박스 모서리 파손, 사진 3장 첨부")
    page.click("#task-note-send")
    page.wait_for_selector("text=박스 모서리 파손")
    page.select_option("#task-close-form select", "done")
    page.click("#task-close-send")
    page.wait_for_selector("#task-status")
    assert page.inner_text("#task-status") == "완료"

    task = InvestigationTask.objects.get()
    assert task.status == TaskStatus.DONE
    _sign_in(page, live_server.url, "alice", "pw-alice")
    page.goto(f"{live_server.url}/workspace/cases/{case.pk}/")
    assert "완료" in page.inner_text("#investigation-tasks")
