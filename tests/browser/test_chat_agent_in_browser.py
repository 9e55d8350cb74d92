"""A visitor and two agents in three browser contexts of Debian's chromium, against granian serving the pages and
the sockets (as `make run` does) with a task worker beside it.

The visitor asks the bot and then asks for a person; the agent on the case page sees the transcript and the
intent, they see each other typing, a second agent on the case shows as a collision, the agent's reply from the
composer reaches the widget with the agent's name, and the case records the whole conversation.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from soridam.channels.chat.tests.conftest import free_port, migrated_env, serving

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

SETUP = """
from soridam.accounts.models import Membership, Role, Team, User
from soridam.routing.presence import set_presence
from soridam.sla.models import BusinessCalendar
BusinessCalendar.objects.create(name="24/7", always_open=True, korean_holidays=False, is_default=True)
team = Team.objects.create(name="Chat", slug="chat")
for name in ("alice", "bob"):
    user = User.objects.create_user(username=name, password="pw-" + name, role=Role.AGENT)
    Membership.objects.create(user=user, team=team)
    set_presence(user, "online")
"""
CASE = """
import json
from soridam.channels.chat.models import ChatSession
from soridam.cases.models import Case
session = ChatSession.objects.exclude(case=None).latest("pk")
print(json.dumps({"case": session.case_id,
                  "bodies": list(Case.objects.get(pk=session.case_id).messages.values_list("body", flat=True))}))
"""


def _shell(env: dict[str, str], code: str) -> str:
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    done = subprocess.run(
        [sys.executable, manage, "shell", "-c", code], env=env, capture_output=True, text=True, check=False
    )  # noqa: S603
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


@pytest.fixture(scope="module")
def site(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tmp = tmp_path_factory.mktemp("chat-agents")
    env = migrated_env(port, tmp, SITE_URL=base, CHAT_WS_PORT=str(port), SORIDAM_DEMO="true")
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    subprocess.run([sys.executable, manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
    _shell(env, SETUP)
    with serving(env, port, static=tmp / "static"):
        yield {"base": base, "env": env}


@pytest.fixture
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is missing: `make test` installs it with apt-get")
    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        yield launched
        launched.close()


def _page(browser: Any) -> Any:
    page = browser.new_context(locale="ko-KR").new_page()
    page.set_default_timeout(30_000)
    return page


def _agent_on_case(browser: Any, base: str, name: str, case_id: int) -> Any:
    page = _page(browser)
    page.goto(f"{base}/workspace/login/")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", f"pw-{name}")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/workspace/")
    page.goto(f"{base}/workspace/cases/{case_id}/")
    return page


def test_visitor_and_agents_chat_live_with_typing_collision_and_the_case_keeps_it_all(
    site: dict[str, Any], browser: Any
) -> None:
    base = site["base"]
    visitor = _page(browser)
    visitor.goto(f"{base}/chat/demo/")
    visitor.click(".sd-launch")
    visitor.fill(".sd-input", "배송 조회는 어떻게 하나요?")
    visitor.keyboard.press("Enter")
    visitor.locator(".sd-msg.sd-bot a.sd-source").first.wait_for()
    visitor.click(".sd-person")
    visitor.wait_for_selector(".sd-panel[data-handover=waiting]")

    case_id = json.loads(_shell(site["env"], CASE).splitlines()[-1])["case"]
    alice = _agent_on_case(browser, base, "alice", case_id)
    alice.wait_for_selector("#live-chat .live-customer:has-text('배송 조회는 어떻게 하나요?')")
    assert "ask_person" in alice.content()  # the hand-over note carries the intent

    bob = _agent_on_case(browser, base, "bob", case_id)
    bob.wait_for_selector("#live-chat .live-transcript li")
    alice.wait_for_selector("#live-chat .collision:has-text('bob')")  # the second agent on the case

    alice.locator("#reply-body").press_sequentially("안녕하세요", delay=30)
    visitor.wait_for_selector(".sd-typing:has-text('alice')")
    visitor.locator(".sd-input").press_sequentially("네", delay=30)
    alice.wait_for_selector("#live-chat .live-typing:has-text('고객')")

    alice.locator("#reply-body").fill("안녕하세요, 상담원 alice입니다. 무엇을 도와드릴까요?")
    alice.click("#reply-send")
    visitor.wait_for_selector(".sd-msg.sd-agent:has-text('상담원 alice입니다')")
    assert visitor.get_attribute(".sd-panel", "data-handover") == "agent_joined"
    assert "alice" in visitor.locator(".sd-msg.sd-agent .sd-who").first.inner_text()

    bodies = json.loads(_shell(site["env"], CASE).splitlines()[-1])["bodies"]
    transcript = bodies[0]
    assert "배송 조회는 어떻게 하나요?" in transcript
    assert "자동 응답입니다" in transcript
    assert "상담원 연결" in transcript
    assert "안녕하세요, 상담원 alice입니다. 무엇을 도와드릴까요?" in bodies
