"""Answering a KakaoTalk skill call within Kakao's 5 s, and the answers that come later (channels.md §2.1).

The webhook has stored the call's raw body (``channels.webhooks``) and queued its processing for after the
deadline. Within the deadline the request does only what the answer needs: ``answer_in_time`` asks the bot on a
worker thread (its own database connection; a few reads, no case work, ``messaging.bot_answer_ahead``) and
stores the answer on a ``SkillCall``, waiting at most until ``SORIDAM_KAKAO_SKILL_DEADLINE_MS`` after the call
was stored. 200 calls at once then cost the web a few statements each, and the case, its message, the events
and the follow-on jobs are written by the queued processing once the burst is over; it records the answer as
it was given (``KakaoTransport.process``). Past the deadline the request answers at once, with ``useCallback``
when Kakao gave a ``callbackUrl``, else with a short text; the thread goes on, stores the answer, and a task
posts it to the callback URL (or sends it through the 상담톡 dealer once it is on the case). A call with a
callback does not wait at all when waiting cannot give the answer in time (``Pace``): the web threads are few,
and a thread held for a slow bot is a thread the calls queued behind it in the web server wait for. The thread holds the
payload's row lock while the bot thinks, so the processing waits for the answer instead of asking the bot
again. If the request's process died first, the processing asks the bot itself and its safety net
(``deliver_late_answer``) gives the answer that nobody gave.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from soridam.bot.contract import BotReply, Source
from soridam.cases.models import Case
from soridam.channels import messaging, pipeline
from soridam.channels.base import TransportError
from soridam.channels.http import post_json
from soridam.channels.kakao import parse, response
from soridam.channels.kakao.models import Delivery, SkillCall
from soridam.channels.kakao.parse import SkillRequest
from soridam.channels.models import ChannelAccount, PayloadState, RawPayload
from soridam.lib import jobs
from soridam.notifications.models import NotificationKind
from soridam.notifications.outbox import notify_customer

logger = logging.getLogger(__name__)
DELIVER_LATE_ANSWER = "soridam.channels.kakao.tasks.deliver_late_answer"
CALLBACK_LIFETIME = timedelta(seconds=55)  # Kakao's callbackUrl lives 1 minute; keep a margin for the POST
KAKAO_CALLBACK_HOSTS = "kakao.com"


@dataclass
class _Race:
    """The request and its worker thread agree, under the lock, on who hands the answer over."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    inline: bool = False  # the thread has the answer and the request gives it
    gave_up: bool = False  # the request answered without it


class Pace:
    """What this process knows of how fast the bot answers now: may a call that has a callback wait for it?

    It may not when another such call is already waiting (at most one web thread held; the rest serve), when
    the bot's threads are all busy (the call would queue behind them), or when the bot is slow: its recent
    answers took longer than the wait, or one still thinking already has. A single hung answer then sends the
    calls to the callback until it ends; the cost is a round trip, never a missed answer. Answers finished on
    the threads bring the estimate back down when the bot is fast again."""

    SMOOTHING = 0.3  # weight of the newest answer in the running estimate

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued = 0  # submitted, not begun
        self._thinking: list[float] = []  # when each answer being worked on began (monotonic)
        self._waiters = 0
        self._estimate = 0.0  # seconds an answer takes, smoothed
        self._sampled = False

    def submitted(self) -> None:
        with self._lock:
            self._queued += 1

    def began(self) -> float:
        began = time.monotonic()
        with self._lock:
            self._queued -= 1
            self._thinking.append(began)
        return began

    def ended(self, began: float, *, asked: bool) -> None:
        """``asked``: the bot was asked (a call it was not asked for says nothing of its pace)."""
        took = time.monotonic() - began
        with self._lock:
            self._thinking.remove(began)
            if asked:
                # The first answer is the estimate (from 0 a 5 s bot would read as 1.5 s, under a 2 s wait).
                weight = self.SMOOTHING if self._sampled else 1.0
                self._estimate += weight * (took - self._estimate)
                self._sampled = True

    @contextmanager
    def waiting(self) -> Iterator[None]:
        with self._lock:
            self._waiters += 1
        try:
            yield
        finally:
            with self._lock:
                self._waiters -= 1

    def worth_waiting(self, wait: float, threads: int) -> bool:
        with self._lock:
            if self._waiters or self._queued + len(self._thinking) >= threads:
                return False
            oldest = min(self._thinking, default=time.monotonic())
            return max(self._estimate, time.monotonic() - oldest) <= wait


PACE = Pace()


def answer_in_time(account: ChannelAccount, payload: RawPayload, request: SkillRequest) -> dict[str, Any]:
    race = _Race()
    callback = usable_callback(request, account)
    waits = not callback or PACE.worth_waiting(settings.SORIDAM_KAKAO_CALLBACK_WAIT_MS / 1000, _threads())
    PACE.submitted()
    future = _executor().submit(_answer, account, payload, request, race)
    try:
        try:
            if not waits:
                raise FutureTimeout  # useCallback at once: the answer follows by callback
            with PACE.waiting():
                return future.result(timeout=_time_left(payload, callback))
        except FutureTimeout:
            with race.lock:
                race.gave_up = not race.inline
            if race.gave_up:
                return response.waiting() if callback else response.late()
            return future.result()  # the answer is in time and its row is being written
    except Exception:  # noqa: BLE001 - the call is stored; Kakao must still get valid JSON
        logger.exception("kakao skill answer failed", extra={"payload": payload.pk})
        return response.late()


def usable_callback(request: SkillRequest, account: ChannelAccount | None) -> str:
    """The call's callbackUrl, if we may POST to it. It comes in an unsigned payload: an https URL on Kakao's
    hosts only (or the hosts of the account's ``callback_hosts`` option, comma-separated, over http too: a local
    server in tests), else anyone who knows the URL could make this server POST to any address."""
    parts = urlsplit(request.callback_url)
    configured = str(account.options.get("callback_hosts") or "") if account is not None else ""
    hosts = [host.strip().lower() for host in (configured or KAKAO_CALLBACK_HOSTS).split(",") if host.strip()]
    schemes = ("https", "http") if configured else ("https",)
    host = (parts.hostname or "").lower()
    if parts.scheme not in schemes or not any(host == known or host.endswith("." + known) for known in hosts):
        return ""
    return request.callback_url


def stored_answer(payload: RawPayload) -> dict[str, Any]:
    """A re-delivered call gets the answer the first delivery got, if it was given inline."""
    call = SkillCall.objects.filter(payload=payload, delivery=Delivery.INLINE).first()
    return dict(call.response) if call is not None else response.late()


def _time_left(payload: RawPayload, callback: str) -> float:
    """How long the request may wait for the bot. With a callback the answer reaches the customer anyway, so
    the request waits less (``SORIDAM_KAKAO_CALLBACK_WAIT_MS``): a web thread held for the whole deadline by a
    slow bot is one call fewer served, and the calls behind it wait in the web server's queue."""
    budget = settings.SORIDAM_KAKAO_SKILL_DEADLINE_MS
    if callback:
        budget = min(budget, settings.SORIDAM_KAKAO_CALLBACK_WAIT_MS)
    spent = (timezone.now() - payload.received_at).total_seconds()
    return max(0.0, budget / 1000 - spent)


def _answer(account: ChannelAccount, payload: RawPayload, request: SkillRequest, race: _Race) -> dict[str, Any]:
    began = PACE.began()
    asked: list[bool] = []
    try:
        return _answer_now(account, payload, request, race, asked)
    finally:
        PACE.ended(began, asked=bool(asked))


def _answer_now(
    account: ChannelAccount, payload: RawPayload, request: SkillRequest, race: _Race, asked: list[bool]
) -> dict[str, Any]:
    if payload.state != PayloadState.PENDING or not request.user_id or not request.utterance.strip():
        return response.received()  # quarantined or ignored by the processing: no message for the bot to answer
    close_old_connections()
    try:
        _process_earlier_calls(payload, request.user_id)
        with transaction.atomic():
            # Held while the bot thinks: the queued processing waits for this answer rather than asking again.
            locked = RawPayload.objects.select_for_update().filter(pk=payload.pk).values_list("state", flat=True)
            if list(locked) != [PayloadState.PENDING]:
                # Queued behind busy threads past the deadline: the processing asked the bot and queued the
                # late answer itself; asking again would hold a thread for an answer nobody gets.
                return response.received()
            reply, language = messaging.bot_answer_ahead(account, parse.inbound(request, ""))
            asked.append(True)
            body = response.bot_answer(reply, language) if reply is not None else response.received(language)
            with race.lock:
                race.inline = not race.gave_up
            if not _store_call(account, payload, request, reply, body, inline=race.inline):
                jobs.enqueue_job_on_commit(DELIVER_LATE_ANSWER, payload.pk)
        return body
    finally:
        close_old_connections()


def _process_earlier_calls(payload: RawPayload, user_id: str) -> None:
    """The same user's earlier calls onto the case first, so the bot reads the conversation up to this one.
    Rare: a customer writes again before the last call's processing has run."""
    earlier = SkillCall.objects.filter(
        user_id=user_id, payload__account_id=payload.account_id, payload__state=PayloadState.PENDING
    ).values_list("payload_id", flat=True)
    for payload_id in earlier.order_by("payload_id"):
        pipeline.process(payload_id)


def _store_call(
    account: ChannelAccount,
    payload: RawPayload,
    request: SkillRequest,
    reply: BotReply | None,
    body: dict[str, Any],
    *,
    inline: bool,
) -> bool:
    """The answer, given inline or pending for the late-answer task; False when it must be sent later."""
    try:
        with transaction.atomic():
            SkillCall.objects.create(
                payload=payload,
                user_id=request.user_id[:255],
                reply=_reply_row(reply),
                response=body,
                callback_url=usable_callback(request, account),
                delivery=Delivery.INLINE if inline else Delivery.PENDING,
                delivered_at=timezone.now() if inline else None,
            )
    except IntegrityError:  # the processing asked the bot itself (this one took past it): its answer stands
        return True
    return inline


def _reply_row(reply: BotReply | None) -> dict[str, Any]:
    return {} if reply is None else asdict(reply)


def given_reply(call: SkillCall) -> BotReply | None:
    """The bot's reply as the customer got it (None: no bot answered)."""
    if not call.reply:
        return None
    row = dict(call.reply)
    row["sources"] = tuple(Source(**source) for source in row.get("sources") or ())
    return BotReply(**row)


def _claim(call: SkillCall, how: str) -> bool:
    claimed = SkillCall.objects.filter(pk=call.pk, delivery=Delivery.PENDING).update(
        delivery=how, delivered_at=timezone.now()
    )
    return claimed == 1


def record_call(
    payload: RawPayload, request: SkillRequest, answer_message_id: int | None, reply: BotReply | None, language: str
) -> None:
    """In the processing's transaction: the answer's message on the case. A call whose request died before its
    answer was stored gets its row here, pending, and the late-answer task at once (the deadline is past)."""
    if SkillCall.objects.filter(payload=payload).update(answer_id=answer_message_id):
        return
    body = response.bot_answer(reply, language) if reply is not None else response.received(language)
    SkillCall.objects.create(
        payload=payload,
        user_id=request.user_id[:255],
        answer_id=answer_message_id,
        reply=_reply_row(reply),
        response=body,
        callback_url=usable_callback(request, payload.account),
    )
    jobs.enqueue_job_on_commit(DELIVER_LATE_ANSWER, payload.pk)


def safety_net_delay() -> timedelta:
    """Past the answer's deadline, with a margin: by then the request has given the answer or given up."""
    return timedelta(milliseconds=settings.SORIDAM_KAKAO_SKILL_DEADLINE_MS + 2000)


def deliver_late(payload_id: int) -> str:
    """Give an answer the skill call's HTTP answer did not: to the callback URL while it lives (once), else
    through the 상담톡 dealer (the outbox). Idempotent: an answer already given is left alone."""
    call = SkillCall.objects.select_related("payload").filter(payload_id=payload_id).first()
    if call is None or call.delivery != Delivery.PENDING:
        return "already answered"
    if _callback_alive(call) and _claim(call, Delivery.CALLBACK):
        try:
            post_json(call.callback_url, call.response, what="skill callback")
        except TransportError as exc:
            # The URL is usable once: a failed POST is not repeated; the dealer is the way left.
            logger.warning("kakao callback failed", extra={"payload": payload_id, "reason": str(exc)})
            SkillCall.objects.filter(pk=call.pk).update(delivery=Delivery.OUTBOX, error=str(exc)[:500])
            return _through_outbox(call)
        return "callback"
    if _claim(call, Delivery.OUTBOX):
        return _through_outbox(call)
    return "already answered"


def _callback_alive(call: SkillCall) -> bool:
    # The URL's minute runs from Kakao's call, not from when the bot finished.
    return bool(call.callback_url) and timezone.now() - call.payload.received_at < CALLBACK_LIFETIME


def _through_outbox(call: SkillCall) -> str:
    if call.answer_id is None and call.reply:
        pipeline.process(call.payload_id)  # the answer goes on the case first (its queued processing is later)
        call.refresh_from_db(fields=["answer"])
    if call.answer is None:
        return "nothing to send"
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=call.answer.case_id)
        notify_customer(case, NotificationKind.AGENT_REPLY, call.answer)
    return "outbox"


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_pool_connections: list[BaseDatabaseWrapper] = []


def _threads() -> int:
    return int(settings.SORIDAM_KAKAO_SKILL_THREADS)


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=_threads(),
                thread_name_prefix="kakao-skill",
                initializer=_remember_connection,
            )
        return _pool


def _remember_connection() -> None:
    _pool_connections.append(connections["default"])


def stop_pool() -> None:
    """Wait for the skill threads and close their connections (tests; a database is dropped after them)."""
    global _pool, PACE
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True)
    PACE = Pace()  # a test's slow bot says nothing of the next test's
    while _pool_connections:
        connection = _pool_connections.pop()
        connection.inc_thread_sharing()  # closed from this thread, now that its own has ended
        connection.close()
