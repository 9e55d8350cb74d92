"""SkillResponse bodies (Open Builder ``version`` "2.0", channels.md §2.1). A body without ``version`` is read
by Kakao as the old v1 format, and one that is not valid JSON shows the block's fallback message, so every
answer, the fallbacks included, is built here."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from soridam.bot.contract import BotReply

VERSION = "2.0"
MAX_SIMPLE_TEXT = 1000  # characters; Kakao folds past 500 behind "전체보기"


def bot_answer(reply: BotReply, language: str) -> dict[str, Any]:
    """The bot's answer; a quick reply to reach a person when the bot offers one instead of guessing."""
    with translation.override(language):
        template: dict[str, Any] = {"outputs": [_simple_text(reply.text)]}
        if reply.outcome == "offer_person":
            label = _("Talk to a person")
            template["quickReplies"] = [{"action": "message", "label": label, "messageText": label}]
    return {"version": VERSION, "template": template}


def received(language: str = "ko") -> dict[str, Any]:
    """No bot answers on this account: the customer learns that a person will."""
    with translation.override(language):
        return text(_("We have your message. A person will answer you here."))


def waiting(language: str = "ko") -> dict[str, Any]:
    """The answer comes to the call's callbackUrl: Kakao shows this text meanwhile."""
    with translation.override(language):
        return {"version": VERSION, "useCallback": True, "data": {"text": _("Preparing your answer...")}}


def late(language: str = "ko") -> dict[str, Any]:
    """The bot missed the deadline and Kakao gave no callbackUrl: the answer follows through 상담톡."""
    with translation.override(language):
        return text(_("Your answer is taking a little longer. We will reply here shortly."))


def text(value: str) -> dict[str, Any]:
    return {"version": VERSION, "template": {"outputs": [_simple_text(value)]}}


def _simple_text(value: str) -> dict[str, Any]:
    # The whole answer stays on the case; Kakao refuses a longer simpleText, so it is cut, visibly.
    if len(value) > MAX_SIMPLE_TEXT:
        value = value[: MAX_SIMPLE_TEXT - 1] + "…"
    return {"simpleText": {"text": value}}
