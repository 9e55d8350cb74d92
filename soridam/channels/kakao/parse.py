"""A KakaoTalk Open Builder SkillPayload (channels.md §2.1) read into an ``Inbound`` message.

Kakao gives no id for a skill call. A call with a ``callbackUrl`` is named by that URL (one per call, usable
once); a call without one by its bytes within a 5-second window (Kakao's timeout): a repeat of the same bytes in
that window is a re-delivery, while the same words sent again later are a new message.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from soridam.channels.base import Rejected
from soridam.channels.messaging import Inbound

DEDUPE_WINDOW_SECONDS = 5


@dataclass(frozen=True)
class SkillRequest:
    bot_id: str
    user_id: str  # userRequest.user.id: the botUserKey, per bot
    utterance: str
    plusfriend_user_key: str  # per channel: what a 상담톡 dealer knows the user by
    app_user_id: str  # only with Kakao Sync or the profile plugin
    callback_url: str  # only when the block has callback switched on; valid 1 minute, usable once


def call_id(raw: bytes) -> str:
    try:
        callback = read(raw).callback_url
    except Rejected:
        callback = ""
    if callback:
        return "callback:" + hashlib.sha256(callback.encode()).hexdigest()
    window = int(time.time() // DEDUPE_WINDOW_SECONDS)
    return f"body:{hashlib.sha256(raw).hexdigest()}:{window}"


def bot_id(raw: bytes) -> str:
    try:
        body = json.loads(raw)
    except ValueError:
        return ""
    bot = body.get("bot") if isinstance(body, dict) else None
    return _text(bot.get("id")) if isinstance(bot, dict) else ""


def read(raw: bytes) -> SkillRequest:
    try:
        body = json.loads(raw)
    except ValueError:
        raise Rejected("the skill payload is not JSON") from None
    request = _object(body, "userRequest")
    user = _object(request, "user")
    properties = _object(user, "properties")
    return SkillRequest(
        bot_id=_text(_object(body, "bot").get("id")),
        user_id=_text(user.get("id")),
        utterance=_text(request.get("utterance")),
        plusfriend_user_key=_text(properties.get("plusfriendUserKey")),
        app_user_id=_text(properties.get("appUserId")),
        callback_url=_text(request.get("callbackUrl")),
    )


def inbound(request: SkillRequest, event_id: str) -> Inbound:
    context = {"plusfriend_user_key": request.plusfriend_user_key} if request.plusfriend_user_key else {}
    return Inbound(event_id=event_id, user_id=request.user_id, text=request.utterance, reply_context=context)


def _object(parent: object, key: str) -> dict[str, Any]:
    value = parent.get(key) if isinstance(parent, dict) else None
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
