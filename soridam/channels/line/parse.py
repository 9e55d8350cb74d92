"""A LINE webhook body (channels.md §3) read into one ``Inbound`` per text message.

One POST carries a list of events, possibly empty (the console's "Verify" button). Each event has its own
``webhookEventId``; a redelivery (``deliveryContext.isRedelivery``) keeps it, but may come in another batch,
so the payload's id names the batch and ``messaging.take_in`` dedupes each event on its own id.
Only text messages from a one-to-one chat become case messages; the rest are valid events that are
ignored, with the reason.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from soridam.channels.base import Ignored
from soridam.channels.messaging import Inbound


def events(raw: bytes) -> list[dict[str, Any]]:
    try:
        body = json.loads(raw)
    except ValueError:
        return []
    found = body.get("events") if isinstance(body, dict) else None
    return [event for event in found if isinstance(event, dict)] if isinstance(found, list) else []


def batch_id(raw: bytes) -> str:
    """The payload's id: its events' ids (one id as is, several hashed together); a body without event ids
    (the console's Verify, or garbage) is known by its bytes."""
    ids = sorted(str(event.get("webhookEventId") or "") for event in events(raw))
    if not ids or not all(ids):
        return "sha256:" + hashlib.sha256(raw).hexdigest()
    if len(ids) == 1:
        return f"event:{ids[0]}"
    return "events:" + hashlib.sha256(",".join(ids).encode()).hexdigest()


def same_events(stored: bytes, raw: bytes) -> bool:
    """A redelivered batch differs from the first only in ``deliveryContext`` (``isRedelivery: true``)."""
    return _without_delivery(stored) == _without_delivery(raw)


def _without_delivery(raw: bytes) -> list[dict[str, Any]]:
    return [{key: value for key, value in event.items() if key != "deliveryContext"} for event in events(raw)]


def read(event: dict[str, Any], *, received_at: float) -> Inbound | Ignored:
    """One event; ``received_at`` (epoch seconds) dates its reply token."""
    kind = event.get("type")
    source = _object(event.get("source"))
    message = _object(event.get("message"))
    event_id = event.get("webhookEventId")
    if kind != "message":
        return Ignored(f"a LINE {kind or 'unknown'} event, not a message")
    if event.get("mode") == "standby":
        return Ignored("a LINE event in standby mode: another module answers this chat")
    if source.get("type") != "user" or not isinstance(source.get("userId"), str):
        return Ignored("a LINE message in a group or room: only one-to-one chats are answered")
    if message.get("type") != "text" or not isinstance(message.get("text"), str) or not message["text"].strip():
        return Ignored(f"a LINE {message.get('type') or 'empty'} message, not text")
    if not isinstance(event_id, str) or not event_id:
        return Ignored("a LINE message without a webhookEventId")
    return Inbound(
        event_id=f"line:{event_id}",
        user_id=source["userId"],
        text=message["text"],
        reply_context=_reply_context(event, received_at),
    )


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _reply_context(event: dict[str, Any], received_at: float) -> dict[str, object]:
    token = event.get("replyToken")
    redelivered = _object(event.get("deliveryContext")).get("isRedelivery") is True
    if not isinstance(token, str) or not token or redelivered:
        return {}  # a redelivered event's token has likely expired: the answer goes by push
    return {"reply_token": token, "received_at": received_at}
