"""The chat Transport: agents' replies from the case composer go out as chat messages.

Inbound chat does not come through the channel pipeline: the socket (or the polling fallback) stores
each message itself, before acknowledging it (``store``), so ``process`` refuses payloads. Outbound,
``send`` appends the reply to the visitor's session; the ASGI process pushes it to the open socket.
"""

from __future__ import annotations

import hashlib
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from soridam.channels.base import Delivered, Health, Ignored, Rejected, SendResult, Transport, TransportError, register
from soridam.channels.chat.models import Author, ChatMessage, ChatSession, Handover, SessionState
from soridam.channels.chat.store import append
from soridam.channels.kinds import Channel
from soridam.channels.models import ChannelAccount, RawPayload
from soridam.notifications.models import OutboundMessage


class ChatTransport(Transport):
    kind = Channel.CHAT
    repeat_is_harmless = True  # ``send`` finds the message it wrote before

    def external_id(self, raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()

    def process(self, payload: RawPayload) -> Delivered | Ignored:
        raise Rejected("chat messages are stored by the chat socket and its polling fallback, not the pipeline")

    def send(self, outbound: OutboundMessage) -> SendResult:
        """Append the reply to the session; a re-send after a crash finds the message it already wrote."""
        with transaction.atomic():
            session = _session(outbound.recipient)
            done = ChatMessage.objects.filter(session=session, details__outbound=outbound.pk).first()
            if done is None:
                done = _deliver(session, outbound)
        return SendResult(external_id=f"{session.public_id}:{done.seq}")

    def health(self, account: ChannelAccount) -> Health:
        return Health(ok=True, detail=_("Live chat is served by this installation."))


def _session(recipient: str) -> ChatSession:
    try:
        return ChatSession.objects.select_for_update().get(public_id=uuid.UUID(recipient))
    except (ValueError, ChatSession.DoesNotExist):
        raise TransportError("no such chat session", permanent=True) from None


def _deliver(session: ChatSession, outbound: OutboundMessage) -> ChatMessage:
    agent = outbound.message.author_user if outbound.message is not None else None
    name = (agent.get_full_name() or agent.get_username()) if agent is not None else ""
    if agent is not None and session.state != SessionState.AGENT:
        text = _("%(name)s joined the chat.") % {"name": name}
        append(session.pk, Author.SYSTEM, text, handover=Handover.AGENT_JOINED, details={"agent": name})
        ChatSession.objects.filter(pk=session.pk).update(state=SessionState.AGENT, agent=agent)
    text = outbound.message.body if outbound.message is not None else outbound.body
    author = Author.AGENT if agent is not None else Author.SYSTEM
    return append(session.pk, author, text, name=name, details={"outbound": outbound.pk})


register(ChatTransport())
