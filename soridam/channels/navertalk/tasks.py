"""Background work of the Naver TalkTalk channel: passing a conversation to the partner centre."""

from __future__ import annotations

import logging

from django_tasks import task

from soridam.channels.base import TransportError
from soridam.channels.models import MessengerThread
from soridam.channels.navertalk.transport import call_event
from soridam.lib import jobs
from soridam.notifications import delivery
from soridam.notifications.models import DeliveryState, OutboundMessage

logger = logging.getLogger(__name__)


@task(priority=jobs.CASE_FLOW)
def pass_thread(thread_id: int) -> str:
    """The bot handed over: its last words first (TalkTalk may not show the bot's messages once a person
    owns the conversation), then ``passThread`` to the partner centre (targetId 1, handover_v1.md)."""
    thread = MessengerThread.objects.select_related("account").filter(pk=thread_id).first()
    if thread is None or thread.case_id is None or thread.bot_active:
        return "skipped"
    queued = OutboundMessage.objects.filter(case_id=thread.case_id, channel=thread.account.kind)
    for outbound_id in queued.filter(state=DeliveryState.QUEUED).order_by("pk").values_list("pk", flat=True):
        delivery.deliver(outbound_id)
    body = {
        "event": "handover",
        "user": thread.user_id,
        "partner": str(thread.account.options.get("partner") or ""),
        "options": {"control": "passThread", "targetId": 1},
    }
    try:
        call_event(thread.account, body, what="handover")
    except TransportError as exc:
        logger.warning("TalkTalk handover failed", extra={"thread": thread_id, "permanent": exc.permanent})
        return "failed"
    return "passed"
