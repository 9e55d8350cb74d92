"""KakaoTalk end to end over HTTP: skill calls answered inline by the bot before their case work (done by the
queued processing), the deadline's fallback and the callback, refusals (slug, bot id, rate), and agents'
replies through a local fake 상담톡 dealer.

The payloads in ``payloads/`` are written from the SkillPayload shape of Kakao's Open Builder documentation
(channels.md §2.1, checked against the skill response format that SDKs on PyPI and npm produce); ids are made
up. The dealer's request shape is Happytalk's ``/v1/chat/write`` (channels.md §2.2).

These tests commit (``transactional_db``): a skill call is processed on a worker thread with its own database
connection, which sees only committed rows. Tasks go to the database queue and are run here by hand.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from soridam.alerts.models import Alert, AlertKind
from soridam.audit.actors import Actor
from soridam.bot.contract import BotReply, Conversation
from soridam.cases import actions
from soridam.cases.models import Case, EventKind, MessageKind
from soridam.channels import pipeline
from soridam.channels.kakao import skill
from soridam.channels.kakao.models import Delivery, SkillCall
from soridam.channels.models import ChannelAccount, ChannelMessage, RawPayload
from soridam.channels.tests.fakeprovider import FakeProvider
from soridam.channels.tests.webhooks import row_counts
from soridam.customers.models import Identity
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, OutboundMessage

PAYLOADS = Path(__file__).parent / "payloads"
BOT_ID = "5f1c2b3a4d5e6f7a8b9c0001"
SLUG = "kakao-7Hq2xVb9LmZ4"
USER = "b3f1a9c2d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
HERE = "soridam.channels.kakao.tests.test_kakao"
SLOW_SECONDS = 2.0
ASKED: list[Conversation] = []  # what the test bot was asked, in order


def answer_from_test_bot(conversation: Conversation) -> BotReply:
    ASKED.append(conversation)
    if "사람" in conversation.text:
        return BotReply(text="상담원을 연결해 드릴까요?", outcome="offer_person", handover_reason="low_confidence")
    return BotReply(text="배송은 보통 2~3일 걸립니다.", outcome="answered", intent="delivery", confidence=0.9)


def answer_slowly(conversation: Conversation) -> BotReply:
    time.sleep(SLOW_SECONDS)
    return answer_from_test_bot(conversation)


def payload(name: str = "skill_text.json", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((PAYLOADS / name).read_text())
    request = body["userRequest"]
    request["utterance"] = changes.get("utterance", request["utterance"])
    if "callback_url" in changes:
        request["callbackUrl"] = changes["callback_url"]
    if "bot_id" in changes:
        body["bot"]["id"] = changes["bot_id"]
    return body


def encoded(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


@pytest.fixture
def account(transactional_db: None, settings: Any) -> Iterator[ChannelAccount]:
    settings.SORIDAM_CHAT_RESPONDER = f"{HERE}.answer_from_test_bot"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # Callback calls wait the whole deadline unless a test says otherwise: under load the test bot may need > 1 s.
    settings.SORIDAM_KAKAO_CALLBACK_WAIT_MS = settings.SORIDAM_KAKAO_SKILL_DEADLINE_MS
    ASKED.clear()
    yield ChannelAccount.objects.create(
        kind="kakao", name="kakao", slug=SLUG, options={"bot_id": BOT_ID, "callback_hosts": "127.0.0.1"}
    )
    skill.stop_pool()


def post(client: Client, body: bytes, slug: str = SLUG) -> Any:
    return client.post(f"/hooks/kakao/{slug}/", data=body, content_type="application/json;charset=UTF-8")


def run_queued(task_path: str) -> list[Any]:
    """Run the queued rows of one task, due or not, as the worker would (then forget them)."""
    results = []
    for row in DBTaskResult.objects.filter(task_path=task_path).order_by("enqueued_at"):
        results.append(import_string(task_path).call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))
        row.delete()
    return results


LATE = "soridam.channels.kakao.tasks.deliver_late_answer"
PROCESS = "soridam.channels.tasks.process_payload"


def test_a_skill_call_is_answered_before_its_case_work_and_the_next_joins_the_same_case(
    account: ChannelAccount, client: Client
) -> None:
    first = post(client, encoded(payload()))
    assert first.status_code == 200
    assert first.json() == {
        "version": "2.0",
        "template": {"outputs": [{"simpleText": {"text": "배송은 보통 2~3일 걸립니다."}}]},
    }
    # The answer needed the stored call and the bot only: the case work waits for the queued processing.
    assert not Case.objects.exists()
    assert SkillCall.objects.get().delivery == Delivery.INLINE
    assert post(client, encoded(payload(utterance="주문번호는 AB12345678 입니다"))).status_code == 200
    # The same customer again before that processing ran: the first call went onto the case first, so the bot
    # read the conversation up to the second call, its own answer included.
    assert [turn.text for turn in ASKED[1].history] == ["주문한 신발이 아직 안 왔어요", "배송은 보통 2~3일 걸립니다."]
    assert ASKED[1].customer_id == Case.objects.get().customer_id

    # The queued processing waits past the deadline (not behind a slow bot's row lock).
    queued = DBTaskResult.objects.filter(task_path=PROCESS)
    assert queued.count() == 2
    assert all(row.run_after > row.enqueued_at + timedelta(seconds=6) for row in queued)
    assert run_queued(PROCESS) == ["processed", "processed"]
    case = Case.objects.get()
    assert case.channel == "kakao"
    customer_words = case.messages.filter(kind=MessageKind.CUSTOMER).order_by("pk").values_list("body", flat=True)
    assert list(customer_words) == ["주문한 신발이 아직 안 왔어요", "주문번호는 AB12345678 입니다"]
    bot_words = case.messages.filter(kind=MessageKind.REPLY, author_user__isnull=True).values_list("body", flat=True)
    assert list(bot_words) == ["배송은 보통 2~3일 걸립니다."] * 2  # recorded as given, the bot not asked again
    assert len(ASKED) == 2
    identities = set(case.customer.identities.values_list("channel", "external_id"))
    assert identities == {("kakao", USER), ("kakao", "plusfriend:Xk3f9QwErT1y"), ("kakao", "app:1234567890")}
    calls = SkillCall.objects.order_by("pk")
    assert [call.delivery for call in calls] == [Delivery.INLINE] * 2
    assert [call.answer.body for call in calls if call.answer] == ["배송은 보통 2~3일 걸립니다."] * 2
    assert not OutboundMessage.objects.exists()  # answered in the HTTP answer, not sent again
    assert set(RawPayload.objects.values_list("state", flat=True)) == {"processed"}
    assert not DBTaskResult.objects.filter(task_path=LATE).exists()  # every answer was given


def test_a_call_whose_request_died_before_the_bot_is_answered_by_its_processing(
    account: ChannelAccount, client: Client, settings: Any
) -> None:
    with FakeProvider() as kakao:
        raw = encoded(payload("skill_callback.json", callback_url=f"{kakao.url}/cb"))
        with transaction.atomic():  # stored as the webhook stores it; its process dies before it answers
            pipeline.receive("kakao", raw, account=account, source="test")
        assert run_queued(PROCESS) == ["processed"]
        assert run_queued(LATE) == ["callback"]
        (posted,) = kakao.to("/cb")
    assert posted.json()["template"]["outputs"] == [{"simpleText": {"text": "배송은 보통 2~3일 걸립니다."}}]
    assert SkillCall.objects.get().answer.body == "배송은 보통 2~3일 걸립니다."  # type: ignore[union-attr]


def test_a_bot_that_offers_a_person_adds_the_quick_reply(account: ChannelAccount, client: Client) -> None:
    answer = post(client, encoded(payload(utterance="사람이랑 얘기하고 싶어요"))).json()
    assert answer["template"]["quickReplies"] == [
        {"action": "message", "label": "상담원 연결", "messageText": "상담원 연결"}
    ]


def test_a_redelivered_call_is_stored_once_and_gets_the_same_answer(account: ChannelAccount, client: Client) -> None:
    body = encoded(payload("skill_callback.json"))
    answers = [post(client, body).json() for _attempt in range(3)]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["template"]["outputs"][0]["simpleText"]["text"] == "배송은 보통 2~3일 걸립니다."
    assert RawPayload.objects.count() == 1
    assert run_queued(PROCESS) == ["processed"]
    assert ChannelMessage.objects.count() == 1
    assert Case.objects.get().messages.filter(kind=MessageKind.REPLY).count() == 1


def test_wrong_slug_wrong_bot_and_bad_bodies_store_nothing(
    account: ChannelAccount, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    before = row_counts()
    assert post(client, encoded(payload()), slug="kakao-guess").status_code == 404
    assert post(client, encoded(payload(bot_id="5f1c2b3a4d5e6f7a8b9c9999"))).status_code == 403
    missing = payload()
    del missing["bot"]
    assert post(client, encoded(missing)).status_code == 403
    assert (
        post(client, b'{"bot": {"id": "' + BOT_ID.encode() + b'"}, "pad": "' + b"x" * 256_000 + b'"}').status_code
        == 413
    )
    assert post(client, b'{"userRequest": ').status_code == 400
    assert post(client, b"[1, 2]").status_code == 400
    assert client.get(f"/hooks/kakao/{SLUG}/").status_code == 405
    assert row_counts() == before
    assert "webhook refused" in caplog.text


def test_an_account_without_a_bot_id_refuses_every_call(account: ChannelAccount, client: Client) -> None:
    account.options = {}
    account.save()
    before = row_counts()
    assert post(client, encoded(payload())).status_code == 403
    assert row_counts() == before


def test_calls_over_the_rate_limit_get_429_and_are_not_stored(
    account: ChannelAccount, client: Client, settings: Any
) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "kakao_skill": 2}
    statuses = [post(client, encoded(payload(utterance=f"문의 {n}"))).status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    assert RawPayload.objects.count() == 2


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
            max_leaves=12,
        ).map(lambda value: json.dumps(value).encode()),
        st.builds(
            lambda text, user, extra: (
                encoded({**payload(utterance=text), **extra, "bot": {"id": BOT_ID}})
                if not user
                else encoded({**payload(utterance=text), "userRequest": {"utterance": text, "user": user}})
            ),
            st.text(max_size=40),
            st.one_of(st.none(), st.dictionaries(st.sampled_from(["id", "properties"]), st.text(max_size=8))),
            st.dictionaries(st.sampled_from(["contexts", "action", "intent"]), st.integers() | st.text(max_size=5)),
        ),
    )
)
def test_no_body_gets_a_server_error(account: ChannelAccount, client: Client, body: bytes) -> None:
    response = post(client, body)
    assert response.status_code in (200, 400, 403, 413)
    if response.status_code == 200:
        assert response.json()["version"] == "2.0"


def test_a_bot_past_the_deadline_gets_a_fallback_and_its_answer_goes_to_the_dealer(
    account: ChannelAccount, client: Client, settings: Any
) -> None:
    settings.SORIDAM_CHAT_RESPONDER = f"{HERE}.answer_slowly"
    settings.SORIDAM_KAKAO_SKILL_DEADLINE_MS = 300
    started = time.monotonic()
    answer = post(client, encoded(payload()))
    assert time.monotonic() - started < SLOW_SECONDS  # answered before the bot was done
    assert answer.status_code == 200
    assert answer.json() == {
        "version": "2.0",
        "template": {
            "outputs": [{"simpleText": {"text": "답변이 조금 늦어지고 있어요. 잠시 후 이곳으로 답변드릴게요."}}]
        },
    }

    skill.stop_pool()  # the bot finishes; its thread queues the late answer
    assert run_queued(LATE) == ["outbox"]  # the call goes onto its case first, then the answer to the dealer
    assert run_queued(PROCESS) == ["processed"]
    case = Case.objects.get()
    assert (
        case.messages.filter(kind=MessageKind.REPLY).values_list("body", flat=True).get()
        == "배송은 보통 2~3일 걸립니다."
    )
    outbound = OutboundMessage.objects.get(kind="agent_reply")
    assert delivery.deliver(outbound.pk).state == DeliveryState.FAILED  # no 상담톡 dealer on this account
    outbound.refresh_from_db()
    assert "상담톡" in outbound.last_error
    assert case.events.filter(kind=EventKind.DELIVERY_FAILED).exists()


def test_a_bot_past_the_deadline_answers_through_the_callback_url(
    account: ChannelAccount, client: Client, settings: Any
) -> None:
    settings.SORIDAM_CHAT_RESPONDER = f"{HERE}.answer_slowly"
    settings.SORIDAM_KAKAO_CALLBACK_WAIT_MS = 300  # with a callback the request waits less than the 4.5 s
    with FakeProvider() as kakao:
        callback = f"{kakao.url}/callback/v1/7e1d0c3b"
        started = time.monotonic()
        answer = post(client, encoded(payload("skill_callback.json", callback_url=callback)))
        assert time.monotonic() - started < SLOW_SECONDS  # the bot is still thinking
        assert answer.json() == {"version": "2.0", "useCallback": True, "data": {"text": "답변을 준비하고 있어요..."}}
        skill.stop_pool()
        assert run_queued(LATE) == ["callback"]
        (posted,) = kakao.to("/callback/v1/7e1d0c3b")
    assert run_queued(PROCESS) == ["processed"]
    assert posted.json() == {
        "version": "2.0",
        "template": {"outputs": [{"simpleText": {"text": "배송은 보통 2~3일 걸립니다."}}]},
    }
    assert posted.header("Content-Type") == "application/json"
    assert SkillCall.objects.get().delivery == Delivery.CALLBACK
    assert Case.objects.get().messages.filter(kind=MessageKind.REPLY).count() == 1  # recorded once
    assert not OutboundMessage.objects.exists()


def from_user(body: dict[str, Any], user: str) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    changed["userRequest"]["user"]["id"] = user
    changed["userRequest"]["user"]["properties"]["plusfriendUserKey"] = f"pf-{user}"
    return changed


# Two calls at once while a bot thinks: on SQLite the thinking thread's transaction holds the database's write
# lock (IMMEDIATE), so the second call's storing waits for the first bot. PostgreSQL locks the one payload row.
concurrent_calls = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one at a time")


@concurrent_calls
def test_once_the_bot_is_known_slow_a_call_with_a_callback_does_not_hold_a_web_thread(
    account: ChannelAccount, client: Client, settings: Any
) -> None:
    settings.SORIDAM_CHAT_RESPONDER = f"{HERE}.answer_slowly"
    settings.SORIDAM_KAKAO_CALLBACK_WAIT_MS = 600
    with FakeProvider() as kakao:
        started = time.monotonic()
        first = post(client, encoded(payload("skill_callback.json", callback_url=f"{kakao.url}/cb/first")))
        assert time.monotonic() - started >= 0.6  # nothing known of the bot yet: the first call waits
        # The first answer has been thinking for longer than the wait: the next call cannot be answered in time
        # by waiting, so it answers useCallback at once and frees its web thread.
        started = time.monotonic()
        body = from_user(payload("skill_callback.json", callback_url=f"{kakao.url}/cb/second"), "second-user")
        second = post(client, encoded(body))
        assert time.monotonic() - started < 0.3
        assert first.json()["useCallback"] is True
        assert second.json()["useCallback"] is True
        skill.stop_pool()
        assert run_queued(LATE) == ["callback", "callback"]
        assert [len(kakao.to("/cb/first")), len(kakao.to("/cb/second"))] == [1, 1]
    assert len(ASKED) == 2
    assert sorted(run_queued(PROCESS)) == ["processed", "processed"]
    assert Case.objects.count() == 2


@concurrent_calls
def test_a_call_queued_behind_busy_bot_threads_is_not_asked_twice(
    account: ChannelAccount, client: Client, settings: Any
) -> None:
    settings.SORIDAM_CHAT_RESPONDER = f"{HERE}.answer_slowly"
    settings.SORIDAM_KAKAO_SKILL_THREADS = 1
    settings.SORIDAM_KAKAO_CALLBACK_WAIT_MS = 100
    with FakeProvider() as kakao:
        post(client, encoded(payload("skill_callback.json", callback_url=f"{kakao.url}/cb/first")))
        body = from_user(payload("skill_callback.json", callback_url=f"{kakao.url}/cb/second"), "second-user")
        started = time.monotonic()
        assert post(client, encoded(body)).json()["useCallback"] is True
        assert time.monotonic() - started < 0.3  # the only thread is busy: no wait
        # Its processing comes before a thread is free: it asks the bot and queues the late answer itself.
        second_payload = max(RawPayload.objects.values_list("pk", flat=True))
        assert pipeline.process(second_payload).state == "processed"
        skill.stop_pool()  # the thread then finds the call processed and does not ask the bot again
        assert len(ASKED) == 2
        assert sorted(run_queued(LATE)) == ["callback", "callback"]
        assert [len(kakao.to("/cb/first")), len(kakao.to("/cb/second"))] == [1, 1]


def test_a_callback_url_off_kakaos_hosts_is_never_called(
    account: ChannelAccount, client: Client, settings: Any
) -> None:
    settings.SORIDAM_CHAT_RESPONDER = f"{HERE}.answer_slowly"
    settings.SORIDAM_KAKAO_SKILL_DEADLINE_MS = 300
    account.options = {"bot_id": BOT_ID}  # the default: https on kakao.com only
    account.save()
    with FakeProvider() as elsewhere:
        answer = post(client, encoded(payload("skill_callback.json", callback_url=f"{elsewhere.url}/internal")))
        assert "useCallback" not in answer.json()
        skill.stop_pool()
        assert run_queued(LATE)[0] == "outbox"
        assert elsewhere.requests == []
    assert SkillCall.objects.get().callback_url == ""


def test_an_expired_callback_url_is_not_used(account: ChannelAccount, client: Client, settings: Any) -> None:
    with FakeProvider() as kakao:
        post(client, encoded(payload("skill_callback.json", callback_url=f"{kakao.url}/cb")))
        skill.stop_pool()
        call = SkillCall.objects.get()
        SkillCall.objects.filter(pk=call.pk).update(delivery=Delivery.PENDING)
        RawPayload.objects.update(received_at=timezone.now() - skill.CALLBACK_LIFETIME)
        assert skill.deliver_late(call.payload_id) == "outbox"
        assert kakao.requests == []


@pytest.fixture
def dealer_account(account: ChannelAccount) -> Iterator[tuple[ChannelAccount, FakeProvider]]:
    with FakeProvider() as dealer:
        account.token = "ht-secret-value"
        account.options = {
            **account.options,
            "dealer": "happytalk",
            "dealer_api_base": dealer.url,
            "dealer_client_id": "ht-client-1",
            "sender_key": "sender-key-1",
        }
        account.save()
        yield account, dealer


def _agent_reply(client: Client, alice: Any, text: str) -> tuple[Case, OutboundMessage]:
    post(client, encoded(payload()))
    run_queued(PROCESS)
    case = Case.objects.get()
    case.assignee = alice
    case.save()
    actions.reply(case, text, actor=Actor(user=alice))
    return case, OutboundMessage.objects.get(kind="agent_reply")


def test_an_agent_reply_reaches_the_dealer_and_a_429_is_retried_after_retry_after(
    dealer_account: tuple[ChannelAccount, FakeProvider], client: Client, alice: Any
) -> None:
    _account, dealer = dealer_account
    dealer.script("/v1/chat/write", (429, {"Retry-After": "2"}, b'{"code": "429"}'))
    _case, outbound = _agent_reply(client, alice, "사이즈를 알려주시면 교환해 드릴게요.")

    first = delivery.deliver(outbound.pk)
    assert first.state == DeliveryState.QUEUED
    assert first.retry_at is not None
    assert 1.5 <= (first.retry_at - timezone.now()).total_seconds() <= 2.1
    assert delivery.deliver(outbound.pk).state == DeliveryState.QUEUED  # not due yet
    time.sleep(max(0.0, (first.retry_at - timezone.now()).total_seconds()) + 0.05)
    assert delivery.deliver(outbound.pk).state == DeliveryState.SENT

    tries = dealer.to("/v1/chat/write")
    assert len(tries) == 2
    assert tries[1].at - tries[0].at >= 1.9
    expected = {
        "user_key": "Xk3f9QwErT1y",
        "sender_key": "sender-key-1",
        "serial_number": f"soridam-{outbound.pk}",
        "message_type": "TX",
        "message": "사이즈를 알려주시면 교환해 드릴게요.",
    }
    assert tries[0].json() == tries[1].json() == expected  # the retry reuses the serial number
    assert tries[1].header("HT-Client-Id") == "ht-client-1"
    assert tries[1].header("HT-Client-Secret") == "ht-secret-value"
    assert tries[1].header("Content-Type") == "application/json"


def test_a_400_from_the_dealer_fails_at_once_and_tells_the_assignee(
    dealer_account: tuple[ChannelAccount, FakeProvider], client: Client, alice: Any
) -> None:
    _account, dealer = dealer_account
    dealer.script("/v1/chat/write", (400, {}, b'{"code": "E400", "message": "invalid user_key"}'))
    case, outbound = _agent_reply(client, alice, "확인해 드릴게요.")
    assert delivery.deliver(outbound.pk).state == DeliveryState.FAILED
    assert len(dealer.to("/v1/chat/write")) == 1
    outbound.refresh_from_db()
    assert "HTTP 400" in outbound.last_error
    assert "ht-secret-value" not in outbound.last_error
    assert "invalid user_key" in case.events.get(kind=EventKind.DELIVERY_FAILED).reason
    assert Alert.objects.filter(recipient=alice, case=case, kind=AlertKind.DELIVERY_FAILED).exists()


def test_without_a_dealer_an_agent_reply_fails_with_the_reason(
    account: ChannelAccount, client: Client, alice: Any
) -> None:
    case, outbound = _agent_reply(client, alice, "확인해 드릴게요.")
    assert delivery.deliver(outbound.pk).state == DeliveryState.FAILED
    reason = case.events.get(kind=EventKind.DELIVERY_FAILED).reason
    assert reason == "상담원의 답장을 카카오톡으로 보내려면 상담톡 딜러가 필요합니다."


def test_identities_of_another_customer_are_left_with_them(account: ChannelAccount, client: Client) -> None:
    other = copy.deepcopy(payload())
    other["userRequest"]["user"]["id"] = "another-bot-user-key"
    post(client, encoded(payload()))
    post(client, encoded(other))
    run_queued(PROCESS)
    owners = Identity.objects.filter(**Identity.match("kakao", "plusfriend:Xk3f9QwErT1y")).values_list(
        "customer_id", flat=True
    )
    assert list(owners) == [Case.objects.order_by("pk").first().customer_id]  # type: ignore[union-attr]


def test_the_pace_waits_again_once_the_bot_answers_fast_again() -> None:
    pace = skill.Pace()
    assert pace.worth_waiting(0.2, threads=2)  # nothing known: wait
    pace.submitted()
    began = pace.began()
    assert pace.worth_waiting(0.2, threads=2)  # one thinking for less than the wait
    time.sleep(0.3)
    assert not pace.worth_waiting(0.2, threads=2)  # ... and now for longer: slow
    pace.ended(began, asked=True)
    pace.submitted()
    pace.ended(pace.began(), asked=False)  # not asked (the call was processed already): no sample
    assert not pace.worth_waiting(0.2, threads=2)  # its 0.3 s are the estimate (the first answer)
    for _ in range(12):  # fast answers bring the estimate back under the wait
        pace.submitted()
        pace.ended(pace.began(), asked=True)
    assert pace.worth_waiting(0.05, threads=2)
    with pace.waiting():
        assert not pace.worth_waiting(0.05, threads=2)  # another call already holds a web thread
    pace.submitted()
    pace.submitted()
    assert not pace.worth_waiting(0.05, threads=2)  # both threads taken: the call would queue
