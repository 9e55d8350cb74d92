"""The reply mail greets the customer once (issue 11, item 10)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case
from soridam.notifications.models import OutboundMessage
from soridam.notifications.rendering import render_email

pytestmark = pytest.mark.django_db


def _reply_mail(case: Case, body: str, actor: Actor) -> str:
    reply = actions.reply(case, body, actor=actor)
    return render_email(OutboundMessage.objects.get(message=reply)).body


def test_an_agent_who_greets_gets_no_second_greeting(make_case: Callable[..., Case], agent_actor: Actor) -> None:
    case = make_case(name="김민지")
    body = _reply_mail(case, "안녕하세요, 김민지님. 교환해 드리겠습니다.", agent_actor)
    assert body.count("안녕하세요") == 1
    assert body.startswith("안녕하세요, 김민지님. 교환해 드리겠습니다.")


def test_a_reply_without_a_greeting_is_greeted_by_the_mail(make_case: Callable[..., Case], agent_actor: Actor) -> None:
    case = make_case(name="김민지")
    body = _reply_mail(case, "교환해 드리겠습니다.", agent_actor)
    assert body.count("안녕하세요") == 1
    assert body.index("안녕하세요") < body.index("교환해 드리겠습니다.")


def test_an_english_reply_that_names_the_customer_is_greeted_once(
    make_case: Callable[..., Case], agent_actor: Actor
) -> None:
    case = make_case(name="Jane", email="jane@example.com")
    actions.change_language(case, "en", actor=agent_actor)
    body = _reply_mail(case, "Hello Jane, here is the outcome.", agent_actor)
    assert body.lower().count("hello") == 1
