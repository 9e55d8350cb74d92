"""A Naver TalkTalk event (channels.md §6; navertalk/chatbot-api README and handover_v1.md) read into what
the transport acts on. One event per POST, and no event id: a re-delivery is recognised by its user, event
and content within ``DEDUPE_SECONDS``."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

DEDUPE_SECONDS = 10  # a second identical message within this window is taken for a re-delivery


@dataclass(frozen=True)
class Event:
    kind: str  # open, send, leave, friend, echo, handover, ...
    user: str
    partner: str
    text: str = ""  # send: textContent.text
    standby: bool = False  # send: a person in the partner centre owns the conversation
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """The same user, event and content: a re-delivery when it comes again within the window."""
        content = json.dumps([self.user, self.kind, self.text, self.options], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(content.encode()).hexdigest()[:40]


def read(raw: bytes) -> Event | None:
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("event"), str):
        return None
    options = _object(body.get("options"))
    text_content = _object(body.get("textContent"))
    text = text_content.get("text")
    return Event(
        kind=body["event"],
        user=body["user"] if isinstance(body.get("user"), str) else "",
        partner=body["partner"] if isinstance(body.get("partner"), str) else "",
        text=text if isinstance(text, str) else "",
        standby=body.get("standby") is True,
        options=options,
    )


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def partner_of(raw: bytes) -> str | None:
    """The ``partner`` the body names, or None when the body does not say (or is not JSON)."""
    event = read(raw)
    return event.partner or None if event is not None else None


def dedupe_id(raw: bytes, *, now: float | None = None) -> str:
    """The payload's id: its fingerprint and the window it arrived in (a body we cannot read: its bytes)."""
    event = read(raw)
    if event is None:
        return "sha256:" + hashlib.sha256(raw).hexdigest()
    window = int((time.time() if now is None else now) // DEDUPE_SECONDS)
    return f"{event.kind}:{event.fingerprint}:{window}"
