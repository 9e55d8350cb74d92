"""Meta's webhook bodies read into what we act on (channels.md §5).

One POST may batch several entries, each with several changes or messaging events, for several customers.
They come back here as one list sorted by the event's own timestamp (Meta does not promise arrival order):
customer messages (``Incoming``), WhatsApp delivery statuses (``Status``), and the reasons for everything
left aside (an echo of our own message, a photo, a read receipt, another phone number's message).

Shapes, from Meta's webhook references:
- WhatsApp: ``{"object": "whatsapp_business_account", "entry": [{"id", "changes": [{"field": "messages",
  "value": {"metadata": {"phone_number_id"}, "contacts": [{"profile": {"name"}, "wa_id"}], "messages": [{"from",
  "id": "wamid…", "timestamp": "<seconds>", "type": "text", "text": {"body"}}], "statuses": [{"id": "wamid…",
  "status": "sent|delivered|read|failed", "timestamp", "recipient_id", "errors": [{"code", "title",
  "error_data": {"details"}}]}]}}]}]}``;
- Messenger (``"object": "page"``) and Instagram (``"object": "instagram"``): ``{"entry": [{"id": "<page or IG
  account>", "time", "messaging": [{"sender": {"id"}, "recipient": {"id"}, "timestamp": <ms>, "message": {"mid",
  "text", "is_echo"?}}]}]}``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from soridam.channels.kinds import Channel
from soridam.channels.messaging import Inbound

STATES = {"sent", "delivered", "read", "failed"}


@dataclass(frozen=True)
class Incoming:
    inbound: Inbound
    at: float  # the event's time in seconds


@dataclass(frozen=True)
class Status:
    message_id: str  # the wamid our send got back
    state: str
    at: float
    reason: str = ""


@dataclass
class Batch:
    events: list[Incoming | Status] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def ids(self) -> list[str]:
        return [
            event.inbound.event_id if isinstance(event, Incoming) else f"status:{event.message_id}:{event.state}"
            for event in self.events
        ]


def read(kind: str, raw: bytes, options: Mapping[str, Any]) -> Batch:
    """Everything the body holds, sorted by event time; ``options``: the account's (a phone number or page
    id set there keeps the events of another number or page out)."""
    try:
        body = json.loads(raw)
    except ValueError:
        return Batch(skipped=["not JSON"])
    batch = Batch()
    if not isinstance(body, dict):
        batch.skipped.append("not a JSON object")
    elif kind == Channel.WHATSAPP:
        _read_whatsapp(body, str(options.get("phone_number_id") or ""), batch)
    else:
        _read_messaging(kind, body, str(options.get("page_id") or ""), batch)
    batch.events.sort(key=lambda event: event.at)  # stable: same-second events keep the body's order
    return batch


def payload_id(kind: str, raw: bytes) -> str:
    """The stored payload's id: its one event's id (a ``wamid`` or ``mid``), else a digest of all its ids, so a
    re-delivery in other bytes is the same payload; a body without ids is known by its bytes."""
    ids = read(kind, raw, {}).ids()
    if len(ids) == 1:
        return ids[0]
    if ids:
        return "batch:" + hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _seconds(value: object, *, milliseconds: bool = False) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return 0.0
    if number != number or number in (float("inf"), float("-inf")):  # NaN and infinities sort nowhere
        return 0.0
    return number / 1000 if milliseconds else number


# --- WhatsApp -----------------------------------------------------------------------------------------


def _read_whatsapp(body: dict[str, Any], phone_number_id: str, batch: Batch) -> None:
    for entry in _dicts(body.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                batch.skipped.append(f"a WhatsApp {_text(change.get('field')) or 'unknown'} change")
                continue
            metadata = _dict(value.get("metadata"))
            if phone_number_id and _text(metadata.get("phone_number_id")) != phone_number_id:
                batch.skipped.append("a WhatsApp event for another phone number of the business")
                continue
            names = {
                _text(contact.get("wa_id")): _text(_dict(contact.get("profile")).get("name"))
                for contact in _dicts(value.get("contacts"))
            }
            for message in _dicts(value.get("messages")):
                _whatsapp_message(message, names, batch)
            for status in _dicts(value.get("statuses")):
                _whatsapp_status(status, batch)


def _whatsapp_message(message: dict[str, Any], names: dict[str, str], batch: Batch) -> None:
    sender, event_id = _text(message.get("from")), _text(message.get("id"))
    text = _whatsapp_text(message)
    if not sender or not event_id or not text.strip():
        batch.skipped.append(f"a WhatsApp {_text(message.get('type')) or 'unknown'} message without text")
        return
    inbound = Inbound(
        event_id=event_id, user_id=sender, text=text, name=names.get(sender, ""), phone=f"+{sender.lstrip('+')}"
    )
    batch.events.append(Incoming(inbound, _seconds(message.get("timestamp"))))


def _whatsapp_text(message: dict[str, Any]) -> str:
    """A text message's body; a quick-reply button's or a list choice's title is what the customer chose."""
    kind = message.get("type")
    part = message.get(kind) if isinstance(kind, str) else None
    if not isinstance(part, dict):
        return ""
    if kind == "text":
        return _text(part.get("body"))
    if kind == "button":
        return _text(part.get("text"))
    if kind == "interactive":
        choice = part.get("button_reply") or part.get("list_reply")
        return _text(choice.get("title")) if isinstance(choice, dict) else ""
    return ""


def _whatsapp_status(status: dict[str, Any], batch: Batch) -> None:
    message_id, state = _text(status.get("id")), _text(status.get("status"))
    if not message_id or state not in STATES:
        batch.skipped.append(f"a WhatsApp status {state or 'without a name'}")
        return
    batch.events.append(Status(message_id, state, _seconds(status.get("timestamp")), _errors(status)))


def _errors(status: dict[str, Any]) -> str:
    """Meta's reason for a failed message: its code, title and details (e.g. 131047 Re-engagement message)."""
    parts = []
    for error in _dicts(status.get("errors")):
        details = _dict(error.get("error_data"))
        words = [str(error.get("code") or ""), _text(error.get("title")), _text(details.get("details"))]
        parts.append(" ".join(word for word in words if word))
    return "; ".join(parts)[:1000]


# --- Messenger and Instagram --------------------------------------------------------------------------


def _read_messaging(kind: str, body: dict[str, Any], page_id: str, batch: Batch) -> None:
    for entry in _dicts(body.get("entry")):
        if page_id and _text(entry.get("id")) != page_id and str(entry.get("id")) != page_id:
            batch.skipped.append("an event for another page or account")
            continue
        for event in _dicts(entry.get("messaging")):
            _messaging_event(kind, event, batch)
        if "standby" in entry or "changes" in entry:
            batch.skipped.append("a standby or change event (another app owns the thread, or a comment)")


def _messaging_event(kind: str, event: dict[str, Any], batch: Batch) -> None:
    message = event.get("message")
    if not isinstance(message, dict):
        others = sorted(key for key in event if key not in ("sender", "recipient", "timestamp"))
        batch.skipped.append(f"a {kind} {', '.join(others) or 'empty'} event")
        return
    if message.get("is_echo") or message.get("is_deleted"):
        batch.skipped.append(f"a {kind} echo of our own message, or a deleted one")  # message_echoes
        return
    sender = _dict(event.get("sender"))
    user_id, event_id, text = str(sender.get("id") or ""), _text(message.get("mid")), _text(message.get("text"))
    if not user_id or not event_id or not text.strip():
        batch.skipped.append(f"a {kind} message without text (an attachment or a sticker)")
        return
    inbound = Inbound(event_id=event_id, user_id=user_id, text=text)
    batch.events.append(Incoming(inbound, _seconds(event.get("timestamp"), milliseconds=True)))
