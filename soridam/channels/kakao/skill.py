"""Answering a KakaoTalk skill call within Kakao's 5 s, and the answers that come later (channels.md §2.1).

The webhook has stored the call (``channels.webhooks``). ``answer_in_time`` processes it on a worker thread
(its own database connection) and waits at most until ``SORIDAM_KAKAO_SKILL_DEADLINE_MS`` after the call was
stored. In time, the bot's answer is the HTTP answer. Past it, the request answers at once, with
``useCallback`` when Kakao gave a ``callbackUrl``, else with a short text; the thread goes on, and once the
answer is on the case a task posts it to the callback URL (or sends it through the 상담톡 dealer). The answer is
recorded on the case once, by the processing; who gives it to the customer is claimed once on its
``SkillCall``. A call whose request died with its process is processed by the queued pipeline task, and the
safety-net task (``deliver_late_answer``, run after the deadline) gives the answer that nobody gave.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from soridam.cases.models import Case
from soridam.channels import pipeline
from soridam.channels.base import TransportError
from soridam.channels.http import post_json
from soridam.channels.kakao import response
from soridam.channels.kakao.models import Delivery, SkillCall
from soridam.channels.kakao.parse import SkillRequest
from soridam.channels.models import ChannelAccount, RawPayload
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
    finished: bool = False
    gave_up: bool = False


def answer_in_time(payload: RawPayload, request: SkillRequest) -> dict[str, Any]:
    race = _Race()
    callback = usable_callback(request, payload.account)
    future = _executor().submit(_process, payload.pk, race)
    try:
        future.result(timeout=_time_left(payload, callback))
    except FutureTimeout:
        with race.lock:
            race.gave_up = not race.finished
        if race.gave_up:
            return response.waiting() if callback else response.late()
    except Exception:  # noqa: BLE001 - the call is stored; Kakao must still get valid JSON
        logger.exception("kakao skill processing failed", extra={"payload": payload.pk})
        return response.late()
    return _claimed_inline(payload.pk)


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


def _process(payload_id: int, race: _Race) -> None:
    close_old_connections()
    try:
        pipeline.process(payload_id)  # never raises: a failure quarantines the payload
    finally:
        with race.lock:
            race.finished = True
            late = race.gave_up
        if late:
            jobs.enqueue_job_on_commit(DELIVER_LATE_ANSWER, payload_id)  # no transaction here: at once
        close_old_connections()


def _claimed_inline(payload_id: int) -> dict[str, Any]:
    call = SkillCall.objects.filter(payload_id=payload_id).first()
    if call is None:  # ignored or quarantined: nothing on a case to answer with
        return response.received()
    if _claim(call, Delivery.INLINE):
        return dict(call.response)
    return response.late()  # the safety net took it first: it answers


def _claim(call: SkillCall, how: str) -> bool:
    claimed = SkillCall.objects.filter(pk=call.pk, delivery=Delivery.PENDING).update(
        delivery=how, delivered_at=timezone.now()
    )
    return claimed == 1


def record_call(
    payload: RawPayload, request: SkillRequest, answer_message_id: int | None, body: dict[str, Any]
) -> None:
    """In the processing's transaction: the answer to give, and the safety net that gives it if nobody does."""
    callback_url = usable_callback(request, payload.account)
    SkillCall.objects.create(payload=payload, answer_id=answer_message_id, response=body, callback_url=callback_url)
    net = jobs.task_at(DELIVER_LATE_ANSWER).using(run_after=timezone.now() + safety_net_delay())
    jobs.enqueue_on_commit(net, payload.pk)


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
    if call.answer is None:
        return "nothing to send"
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=call.answer.case_id)
        notify_customer(case, NotificationKind.AGENT_REPLY, call.answer)
    return "outbox"


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_pool_connections: list[BaseDatabaseWrapper] = []


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=settings.SORIDAM_KAKAO_SKILL_THREADS,
                thread_name_prefix="kakao-skill",
                initializer=_remember_connection,
            )
        return _pool


def _remember_connection() -> None:
    _pool_connections.append(connections["default"])


def stop_pool() -> None:
    """Wait for the skill threads and close their connections (tests; a database is dropped after them)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True)
    while _pool_connections:
        connection = _pool_connections.pop()
        connection.inc_thread_sharing()  # closed from this thread, now that its own has ended
        connection.close()
