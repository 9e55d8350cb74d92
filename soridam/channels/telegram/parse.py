"""A Telegram ``Update`` (one per webhook POST, channels.md §4) read into an ``Inbound`` message.

Only private text messages become case messages. Edits, button presses, group chats and messages without
text are valid updates that are stored and then ignored, with the reason.
"""

from __future__ import annotations

import json
from typing import Any

from soridam.channels.base import Ignored
from soridam.channels.messaging import Inbound


def update_id(raw: bytes) -> str:
    try:
        update = json.loads(raw)
    except ValueError:
        return ""
    value = update.get("update_id") if isinstance(update, dict) else None
    return str(value) if isinstance(value, int) else ""


def read(raw: bytes) -> Inbound | Ignored:
    update: dict[str, Any] = json.loads(raw)
    message = update.get("message")
    if not isinstance(message, dict):
        kinds = sorted(key for key in update if key != "update_id")
        return Ignored(f"a Telegram update without a new message ({', '.join(kinds) or 'empty'})")
    chat = message.get("chat") or {}
    sender = message.get("from") or {}
    if chat.get("type") != "private":
        return Ignored("a Telegram message in a group chat: only private chats are answered")
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        return Ignored("a Telegram message without text (a photo, a sticker, a file)")
    name = " ".join(part for part in (sender.get("first_name"), sender.get("last_name")) if isinstance(part, str))
    return Inbound(
        event_id=f"update:{update['update_id']}",
        user_id=str(chat["id"]),  # private chat id = the user's id; replies go to it
        text=text,
        name=name.strip() or str(sender.get("username") or ""),
        language=_language(sender.get("language_code")),
    )


def _language(code: object) -> str:
    return "en" if isinstance(code, str) and code.lower().startswith("en") else "ko"
